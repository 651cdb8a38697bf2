"""A parent asks for leave: the form's rules, the check-your-answers preview, and the request sent (twice is once)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime
from fractions import Fraction

from flask_babel import force_locale, gettext, lazy_ngettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.clock import school_time, utcnow
from portal.domain import absence as absence_rules
from portal.domain.attendance import format_pct
from portal.domain.leave import LeaveAssessment
from portal.domain.leave_dates import ONE_DAY
from portal.domain.policy import Policy
from portal.domain.policy import School as SchoolRules
from portal.domain.policy_words import notice_words
from portal.extensions import db
from portal.models import Contact, ParentAccount, Pupil, School
from portal.models.evidence import EvidenceFile
from portal.models.leave import EVIDENCE_OWNER, LeaveDeclaration, LeaveRequest, LeaveRequestChild
from portal.services import notify, uploads
from portal.services.audit_writer import record
from portal.services.leave.assessment import assess, attendance_counts
from portal.services.leave.declarations import contact_name
from portal.services.leave.evidence import evidence_files
from portal.services.leave.problems import Problem, RequestNotValid
from portal.services.leave.wording import bar_number, decider_words, declaration_text, join_names
from portal.services.parent_access import child_of
from portal.services.parent_language import account_locale, message_locale
from portal.services.policies import school_policy
from portal.services.references import by_submission_key, new_reference, sent_before




@dataclass
class LeaveDraft:
    pupil_ids: list[int]
    first_day: date
    return_day: date
    travelling_abroad: bool
    destinations: str
    circumstances: str
    submission_key: str
    evidence_ids: list[int] = field(default_factory=list)


@dataclass
class ChildPreview:
    pupil: Pupil
    attended: int | None
    possible: int | None
    assessment: LeaveAssessment

    @property
    def attendance(self) -> Fraction | None:
        return Fraction(self.attended, self.possible) if self.possible else None

    @property
    def attendance_pct(self) -> str | None:
        return format_pct(self.attendance)


@dataclass
class RequestPreview:
    """What the request means, for the check-your-answers page: the days, and per child the policy's checks."""

    school: School
    policy: Policy
    rules: SchoolRules
    days: list[absence_rules.CoveredDay]  # every calendar day of the leave, with its sessions or why it is closed
    children: list[ChildPreview]
    evidence: list[EvidenceFile]
    problems: list[Problem]

    @property
    def runs(self) -> list[absence_rules.DayRun]:
        """`days`, with the days without school joined: a half-term is one line."""
        return absence_rules.day_runs(self.days, self.rules.calendar)

    @property
    def assessment(self) -> LeaveAssessment:  # the dates, notice and deadline are the same for every child
        return self.children[0].assessment

    @property
    def sessions(self) -> int:
        return self.assessment.sessions


def new_submission_key() -> str:
    return secrets.token_urlsafe(24)


@dataclass(frozen=True)
class SchoolLeaveRules:
    """A school's leave rules as the form page states them before a parent starts."""

    school_name: str
    notice: str
    evidence: str  # "with_request", "required" or "optional"
    decider: str
    bar: str | None  # the attendance bar as a number ("90"): a page puts it in words with percent_words
    bar_effect: str


def rules_for(pupils: list[Pupil]) -> list[SchoolLeaveRules]:
    """The leave rules of each school these children attend, in the order of the children."""
    found: dict[str, SchoolLeaveRules] = {}
    for pupil in pupils:
        if pupil.school.urn not in found:
            policy, rules = school_policy(pupil.school.urn)
            found[pupil.school.urn] = SchoolLeaveRules(rules.name, notice_words(policy), policy.leave.evidence,
                                                       decider_words(policy), bar_number(policy),
                                                       policy.leave.attendance_bar_effect)
    return list(found.values())


def preview(account: ParentAccount, draft: LeaveDraft, today: date) -> RequestPreview:
    """The request as the school will see it, with every problem that stops it being sent."""
    if not draft.pupil_ids:
        raise RequestNotValid([Problem("children", _l("Select the children the request is for"))])
    pupils = [child_of(account, pupil_id) for pupil_id in dict.fromkeys(draft.pupil_ids)]
    problems: list[Problem] = []
    school = pupils[0].school
    others = [p for p in pupils if p.school_id != school.id]
    if others:
        problems.append(Problem("children", lazy_ngettext(
            "%(names)s is at %(school)s: each school decides leave for its own pupils, so send a separate request "
            "to each school",
            "%(names)s are at %(school)s: each school decides leave for its own pupils, so send a separate request "
            "to each school", len(others), names=join_names([p.forename for p in others]),
            school=others[0].school.name)))
    policy, rules = school_policy(school.urn)
    calendar = rules.calendar
    first, back = draft.first_day, draft.return_day
    if first < today:
        problems.append(Problem("first_day", _l("The first day of absence must be today or later: leave is asked "
                                                "for in advance. For an absence that has happened, report an "
                                                "absence")))
    if back <= first:
        problems.append(Problem("return_day", _l("The day of return must be after the first day of absence")))
    elif calendar.last_day is not None and first > calendar.last_day:
        problems.append(Problem("first_day", _l("%(school)s has not published its term dates that far ahead yet: "
                                                "ask again nearer the time, or contact the school office",
                                                school=school.name)))
    elif not calendar.school_days(first, back - ONE_DAY):
        problems.append(Problem("first_day", _l("There is no school on these dates, so you do not need to ask "
                                                "for leave")))
    if not draft.circumstances.strip():
        problems.append(Problem("circumstances", _l("Tell the school about the exceptional circumstances")))
    if draft.travelling_abroad and not draft.destinations.strip():
        problems.append(Problem("destinations", _l("Enter where you are travelling to")))
    files = [f for f in evidence_files(account, draft.evidence_ids) if f.school_id == school.id]
    if policy.leave.evidence == "with_request" and not files:
        problems.append(Problem("evidence", _l("Add the evidence of the exceptional circumstances: the school's "
                                               "policy says it must come with the request, and evidence sent later "
                                               "is not accepted")))
    children = []
    for pupil in pupils:
        attended, possible = attendance_counts(pupil, today)
        children.append(ChildPreview(pupil, attended, possible, assess(
            policy, rules, first, back, today, Fraction(attended, possible) if possible else None, bool(files))))
    days = absence_rules.covered_days(first, max(first, back - ONE_DAY), absence_rules.WHOLE_DAY, calendar)
    return RequestPreview(school, policy, rules, days, children, files, problems)


def submit(account: ParentAccount, draft: LeaveDraft, declared: bool, now: datetime | None = None) -> LeaveRequest:
    """Record the request and its declaration, attach its evidence, tell the parents. Twice is once."""
    now = now or utcnow()
    existing = sent_before(LeaveRequest, draft.submission_key, account.id, "request")
    if existing is not None:
        return existing
    checked = preview(account, draft, school_time(now).date())
    problems = list(checked.problems)
    if not declared:
        problems.append(Problem("declaration", _l("Confirm the declaration to send the request")))
    if problems:
        raise RequestNotValid(problems)
    pupils = [c.pupil for c in checked.children]
    leave_request = LeaveRequest(
        reference=new_reference("L", LeaveRequest.reference), submission_key=draft.submission_key,
        parent_account=account, school=checked.school, requested_at=now, first_day=draft.first_day,
        return_day=draft.return_day,
        travelling_abroad=draft.travelling_abroad,
        destinations=draft.destinations.strip() if draft.travelling_abroad else "",
        circumstances=draft.circumstances.strip(), decision_due=checked.assessment.decision_due,
    )
    leave_request.children = [LeaveRequestChild(pupil=c.pupil, attended_at_request=c.attended,
                                          possible_at_request=c.possible, approved_days=[], flags_at_decision=[])
                        for c in checked.children]
    leave_request.declarations = [LeaveDeclaration(parent_account=account, name=contact_name(account, pupils),
                                             text=declaration_text(checked.policy, pupils), declared_at=now)]
    db.session.add(leave_request)
    try:
        db.session.flush()
    except IntegrityError:  # the same form sent twice at once: the other request made it
        db.session.rollback()
        return by_submission_key(LeaveRequest, draft.submission_key)
    actor = f"parent:{account.id}"
    uploads.attach(checked.evidence, EVIDENCE_OWNER, leave_request.id, actor=actor)
    link = notify.external_url("parent.leave_request", reference=leave_request.reference)
    # Each parent's email in their language (services/parent_language.py), the subject too.
    with force_locale(message_locale(account)):
        notify.queue([account.email], gettext("Leave request %(reference)s received: not yet a decision",
                                              reference=leave_request.reference),
                     "leave_received", key=f"leave:{leave_request.reference}:received", request=leave_request,
                     preview=checked, link=link, decider=decider_words(checked.policy, gettext=gettext))
    for other in other_parents(leave_request):
        with force_locale(account_locale(other)):
            notify.queue([other.email], gettext("Leave request %(reference)s: add your declaration",
                                                reference=leave_request.reference), "leave_declare",
                         key=f"leave:{leave_request.reference}:declare:{other.id}", request=leave_request, link=link,
                         sender=leave_request.declarations[0].name)
    record(actor, "leave.requested", leave_request, after={
        "reference": leave_request.reference, "pupils": [p.upn for p in pupils], "school": checked.school.urn,
        "first_day": leave_request.first_day.isoformat(), "return_day": leave_request.return_day.isoformat(),
        "abroad": leave_request.travelling_abroad, "evidence": [f.sha256 for f in checked.evidence],
        "decision_due": leave_request.decision_due.isoformat() if leave_request.decision_due else None,
        "flags": {c.pupil.upn: list(c.assessment.flag_keys) for c in checked.children}})
    db.session.commit()
    return leave_request


def is_submitted(draft: LeaveDraft) -> bool:
    return by_submission_key(LeaveRequest, draft.submission_key) is not None


def other_parents(leave_request: LeaveRequest) -> list[ParentAccount]:
    """Parents with parental responsibility for a child of the request, with an account, other than the sender."""
    pupil_ids = [c.pupil_id for c in leave_request.children]
    return list(db.session.scalars(
        select(ParentAccount).join(Contact, Contact.parent_account_id == ParentAccount.id)
        .where(Contact.pupil_id.in_(pupil_ids), Contact.parental_responsibility.is_(True),
               ParentAccount.id != leave_request.parent_account_id)
        .distinct().order_by(ParentAccount.id)))


