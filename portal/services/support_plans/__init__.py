"""Attendance support plans (attendance contracts): drafting, signing, reviews, reminders and the PDF.

The life of a plan (domain.md section 7, ALP Appendix 1; the template comes from the school's policy):

1. Staff who may draft support plans (policy `roles.draft_support_plans`) draft it from a pupil: version 1, a
   draft only staff see. The attendance figure is filled in from the register, as of the meeting date.
2. Sending it to the family issues the version: from then on its text never changes. Each parent with parental
   responsibility is emailed a link into the portal (they sign in the usual way) and signs separately, by typing
   their name and confirming; or declines and says why. The school representative signs too; the pupil may.
3. Every signature stores the SHA-256 of the exact text signed, and is refused if the signer read another
   version. Changing a plan that was sent makes the next version, which needs signing again; the old versions
   and their signatures stay readable.
4. The review date puts the plan in the staff queue (`due_reviews`) and sends its owner one reminder
   (`send_review_reminders`, run by `flask plans remind`). A review records progress beside the attendance since
   the plan started, and closes the plan, escalates it, or sets the next review date.

Where things are: `drafting` (what staff type, versions), `plan_template`, `access` (who sees which plan), `status`
(signers and where a version stands), `signing`, `reviews` (reviews, reminders, the oversight list that
`register_oversight_list` adds, called by create_app), `pdf`. Import from this package, not its modules.
"""

from portal.services.support_plans.plan_template import template_for, checklist
from portal.services.support_plans.drafting import (
    REVIEW_AFTER_SCHOOL_DAYS,
    MAX_NAME,
    MAX_TEXT,
    PlanChanged,
    PlanInput,
    input_from_version,
    new_input,
    draft_plan,
    change_plan,
)
from portal.services.support_plans.access import (
    pupil_for_plan,
    staff_plan,
    plans_for_staff,
    plans_of_pupil,
    open_plans_by_pupil,
    find_pupils,
    plans_for_parent,
    plans_to_sign,
    plan_for_parent,
    version_of,
)
from portal.services.support_plans.status import (
    STATE_WORDS,
    OUTCOME_WORDS,
    parent_signers,
    unreachable_parents,
    SignerStatus,
    VersionStatus,
    version_status,
    status_words,
)
from portal.services.support_plans.signing import (
    send_for_signing,
    sign_as_parent,
    decline_as_parent,
    sign_as_school,
    record_pupil_signature,
)
from portal.services.support_plans.reviews import (
    REMIND_DAYS_AHEAD,
    attendance_since_start,
    attendance_at_start,
    review_plan,
    DueReview,
    due_reviews,
    DeclinedPlan,
    declined_plans,
    reminder_key,
    send_review_reminders,
    oversight_entries,
    register_oversight_list,
)
from portal.services.support_plans.pdf import version_pdf
from portal.services.support_plans.companion import companion_document

__all__ = [
    "companion_document",
    "template_for",
    "checklist",
    "REVIEW_AFTER_SCHOOL_DAYS",
    "MAX_NAME",
    "MAX_TEXT",
    "PlanChanged",
    "PlanInput",
    "input_from_version",
    "new_input",
    "draft_plan",
    "change_plan",
    "pupil_for_plan",
    "staff_plan",
    "plans_for_staff",
    "plans_of_pupil",
    "open_plans_by_pupil",
    "find_pupils",
    "plans_for_parent",
    "plans_to_sign",
    "plan_for_parent",
    "version_of",
    "STATE_WORDS",
    "OUTCOME_WORDS",
    "parent_signers",
    "unreachable_parents",
    "SignerStatus",
    "VersionStatus",
    "version_status",
    "status_words",
    "send_for_signing",
    "sign_as_parent",
    "decline_as_parent",
    "sign_as_school",
    "record_pupil_signature",
    "REMIND_DAYS_AHEAD",
    "attendance_since_start",
    "attendance_at_start",
    "review_plan",
    "DueReview",
    "due_reviews",
    "DeclinedPlan",
    "declined_plans",
    "reminder_key",
    "send_review_reminders",
    "oversight_entries",
    "register_oversight_list",
    "version_pdf",
]
