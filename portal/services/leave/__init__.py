"""Term-time leave (issue 5): parents request, the person the policy names decides each child, staff record what
happened afterwards.

The rules are portal.domain's (`assess_leave_request`, `late_return_effect`, the penalty threshold); this module
fetches what they need, stores what people decide, writes the register marks, queues the emails and keeps the audit.

- A request is for one or more children at **one school** (each school decides its own pupils, and its staff read
  the evidence); each child is decided on its own: all, some (consecutive school days) or none of the days, with
  reasons, by a role the policy names (`DECIDE_LEAVE`). Nothing is refused automatically: short notice,
  attendance under the bar, missing evidence and the policy's own contradictions are flags for the decider.
  The one hard rule is the policy's "evidence must come with the request" (ALP): such a request cannot be sent
  without a file, as evidence sent later is not accepted.
- Approved sessions are written as the policy's approved code (C) at once, as portal marks, so the marks export
  carries them to the MIS. Days not approved get no mark until staff record that the leave was taken anyway (G).
- Declarations: the parent who sends the request declares on the check-your-answers page; every other parent
  with parental responsibility who has a portal account is emailed a link to add theirs. The request records who
  declared and when, in the words they agreed to; staff see who has not. A missing second declaration is shown to
  the decider, never a reason the portal refuses the request.
- The decision letter is a snapshot of the facts it states (`LeaveRequestChild.letter`), rendered on demand as HTML
  (portal, email) or PDF (WeasyPrint); the email carries the letter's text and a link to the PDF in the portal.

Where things are: `submission` (the form's rules, the preview, sending), `evidence`, `declarations`, `parent_view`
(what a parent may read), `assessment` (the domain's checks fed with the portal's facts), `queue` and `case` (what
staff see), `decision`, `outcome` (after the leave), `letters`, `wording`. Import from this package, not its modules.
"""

from portal.services.leave.problems import Problem, RequestNotValid
from portal.services.leave.wording import (
    decider_words,
    bar_words,
    penalty_words,
    declaration_text,
    CONFLICT_WORDS,
    conflict_words,
)
from portal.services.leave.assessment import also_stated_notice, assessment_for, previous_requests
from portal.services.leave.evidence import MAX_FILES, store_evidence, evidence_files, request_evidence, evidence_of
from portal.services.leave.submission import (
    LeaveDraft,
    ChildPreview,
    RequestPreview,
    new_submission_key,
    SchoolLeaveRules,
    rules_for,
    preview,
    submit,
    is_submitted,
)
from portal.services.leave.parent_view import requests_for, request_for, child_for_parent
from portal.services.leave.declarations import (
    may_declare,
    declare,
    declaration_text_for,
    other_parent_names,
    ParentDeclaration,
    declarations_status,
)
from portal.services.leave.queue import QUEUE_VIEWS, QueueItem, leave_queue, leave_item
from portal.services.leave.case import Case, case_for
from portal.services.leave.decision import requested_school_days, decide, decision_recipients
from portal.services.leave.outcome import OUTCOMES, UNAUTHORISE_WHOLE, OutcomeEffect, outcome_effect, record_outcome
from portal.services.leave.letters import letter_html, letter_pdf, letter_filename

__all__ = [
    "Problem",
    "RequestNotValid",
    "decider_words",
    "bar_words",
    "penalty_words",
    "declaration_text",
    "CONFLICT_WORDS",
    "conflict_words",
    "also_stated_notice",
    "assessment_for",
    "previous_requests",
    "MAX_FILES",
    "store_evidence",
    "evidence_files",
    "request_evidence",
    "evidence_of",
    "LeaveDraft",
    "ChildPreview",
    "RequestPreview",
    "new_submission_key",
    "SchoolLeaveRules",
    "rules_for",
    "preview",
    "submit",
    "is_submitted",
    "requests_for",
    "request_for",
    "child_for_parent",
    "may_declare",
    "declare",
    "declaration_text_for",
    "other_parent_names",
    "ParentDeclaration",
    "declarations_status",
    "QUEUE_VIEWS",
    "QueueItem",
    "leave_queue",
    "leave_item",
    "Case",
    "case_for",
    "requested_school_days",
    "decide",
    "decision_recipients",
    "OUTCOMES",
    "UNAUTHORISE_WHOLE",
    "OutcomeEffect",
    "outcome_effect",
    "record_outcome",
    "letter_html",
    "letter_pdf",
    "letter_filename",
]
