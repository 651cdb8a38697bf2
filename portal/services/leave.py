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
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

from flask import render_template
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from portal.clock import school_time, utcnow
from portal.domain import absence as absence_rules
from portal.domain import codes
from portal.domain.attendance import format_pct
from portal.domain.leave import (
    UNIT_WORDS,
    Flag,
    LateReturnOption,
    LeaveAssessment,
    assess_leave_request,
    late_return_effect,
    refused_marks,
)
from portal.domain.leave_dates import ONE_DAY, NoticeRule
from portal.domain.marks import Mark as DomainMark
from portal.domain.penalties import ThresholdResult, local_leave_flag, threshold_reached
from portal.domain.policy import Conflict, Policy
from portal.domain.policy import School as SchoolRules
from portal.extensions import db
from portal.models import Contact, Mark, ParentAccount, Pupil, School, StaffUser
from portal.models.evidence import ATTACHED, EvidenceFile
from portal.models.evidence import PENDING as EVIDENCE_PENDING
from portal.models.leave import (
    APPROVED,
    EVIDENCE_OWNER,
    NOT_TAKEN,
    PART_APPROVED,
    PENDING,
    REFUSED,
    RETURNED_LATE,
    RETURNED_ON_TIME,
    TAKEN_AFTER_REFUSAL,
    LeaveDeclaration,
    LeaveRequest,
    LeaveRequestChild,
)
from portal.models.marks import SOURCE_PORTAL
from portal.services import NotFound, ServiceError, notify, uploads
from portal.services.attendance import pupil_attendance, school_year_of
from portal.services.audit import record
from portal.services.parent_access import child_of, children_of
from portal.services.policies import school_policy
from portal.services.staff import AUTHORISE_ABSENCE, DECIDE_LEAVE, may, require, roles_at, schools_of

REFERENCE_LETTERS = "ACDEFGHJKLMNPQRTUVWXY34679"  # as absence references: nothing misread on the phone
MAX_FILES = 5
QUEUE_VIEWS = ("waiting", "to_record", "decided", "all")
OUTCOMES = (RETURNED_ON_TIME, RETURNED_LATE, TAKEN_AFTER_REFUSAL, NOT_TAKEN)
UNAUTHORISE_WHOLE = "unauthorise_whole_period"  # domain LateReturnOption.key: the RP choice
Problem = absence_rules.Problem


class RequestNotValid(ServiceError):
    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


# ====================================================================================================== parents
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


def notice_words(policy: Policy) -> str:
    return f"{policy.leave.notice} {UNIT_WORDS[policy.leave.notice_unit]}"


def decider_words(policy: Policy) -> str:
    return " or ".join(sorted(r.replace("_", " ") for r in policy.leave.deciders))


def bar_words(policy: Policy) -> str | None:
    return None if policy.leave.attendance_bar is None else f"{Decimal(policy.leave.attendance_bar).normalize():f}%"


def penalty_words(policy: Policy) -> list[str]:
    """What a refusal means, with the current penalty-notice amounts, for the check page and the letter."""
    leave, penalties = policy.leave, policy.penalties
    fines = penalties.fines
    words = [
        f"If leave is not approved and a child is taken out of school anyway, the absence is recorded as "
        f"unauthorised ({leave.refused_code}: holiday not authorised).",
        f"{penalties.threshold_sessions} sessions ({Decimal(penalties.threshold_sessions) / 2:f} school days) of "
        f"unauthorised absence within {penalties.window_school_weeks} school weeks is the point at which the "
        "school must consider asking the local authority for a penalty notice.",
        f"A penalty notice is issued to each parent, for each child. A first notice is £{fines.first_early} if "
        f"paid within {fines.first_early_days} days, or £{fines.first_full} if paid within "
        f"{fines.first_full_days} days.",
        f"A second notice to the same parent for the same child within {fines.repeat_window_years} years of the "
        f"first is £{fines.second}, with no reduced amount. No third notice can be issued within those "
        f"{fines.repeat_window_years} years: the local authority takes other action instead, which may be "
        "prosecution.",
    ]
    local = penalties.local
    if local is not None:
        joined = (f", or {local.adjacent_to_holiday_days} or more joined to a school holiday,"
                  if local.adjacent_to_holiday_days else "")
        inset = " INSET days count towards those days." if local.inset_counts else ""
        words.append(f"{local.name}: {local.consecutive_leave_days} or more consecutive school days of "
                     f"term-time leave{joined} may lead to a penalty notice.{inset}")
    return words


def declaration_text(policy: Policy, pupils: list[Pupil]) -> str:
    names = _join([p.name for p in pupils])
    return (f"I have parental responsibility for {names}. The information in this request is true to the best of "
            "my knowledge. I understand that a request is not permission: only a letter from the school approves "
            "leave. I understand that if the leave is not approved and my child is taken out of school anyway, "
            "the absence will be recorded as unauthorised, and the school may ask the local authority to issue a "
            f"penalty notice to each parent for each child (a first notice is £{policy.penalties.fines.first_early} "
            f"if paid within {policy.penalties.fines.first_early_days} days, £{policy.penalties.fines.first_full} "
            f"within {policy.penalties.fines.first_full_days} days).")


@dataclass(frozen=True)
class SchoolLeaveRules:
    """A school's leave rules as the form page states them before a parent starts."""

    school_name: str
    notice: str
    evidence: str  # "with_request", "required" or "optional"
    decider: str
    bar: str | None
    bar_effect: str


def rules_for(pupils: list[Pupil]) -> list[SchoolLeaveRules]:
    """The leave rules of each school these children attend, in the order of the children."""
    found: dict[str, SchoolLeaveRules] = {}
    for pupil in pupils:
        if pupil.school.urn not in found:
            policy, rules = school_policy(pupil.school.urn)
            found[pupil.school.urn] = SchoolLeaveRules(rules.name, notice_words(policy), policy.leave.evidence,
                                                       decider_words(policy), bar_words(policy),
                                                       policy.leave.attendance_bar_effect)
    return list(found.values())


def store_evidence(account: ParentAccount, pupil_ids: list[int], files, now: datetime | None = None
                   ) -> list[EvidenceFile]:
    """Check and keep the files a parent chose for a request not yet sent (pending until the request is).

    Raises uploads.UploadsRejected naming each bad file, or RequestNotValid for too many files or children at
    different schools. Commits, so the files survive the check-your-answers page; what is never sent is removed
    by `uploads.sweep_orphans`."""
    if len(files) > MAX_FILES:
        raise RequestNotValid([Problem("evidence", f"Select {MAX_FILES} files or fewer: to send more pages, put "
                                                   "them in one PDF")])
    school = _one_school(account, pupil_ids)
    detected = uploads.check_many(files, actor=f"parent:{account.id}")
    stored = [uploads.store(d, f"parent:{account.id}", school.id, account.id, now=now) for d in detected]
    db.session.commit()
    return stored


def evidence_files(account: ParentAccount, ids: list[int]) -> list[EvidenceFile]:
    """The parent's own files not yet part of a request, in the order given."""
    if not ids:
        return []
    rows = {f.id: f for f in db.session.scalars(
        select(EvidenceFile).where(EvidenceFile.id.in_(ids), EvidenceFile.parent_account_id == account.id,
                                   EvidenceFile.state == EVIDENCE_PENDING))}
    return [rows[i] for i in ids if i in rows]


def preview(account: ParentAccount, draft: LeaveDraft, today: date) -> RequestPreview:
    """The request as the school will see it, with every problem that stops it being sent."""
    if not draft.pupil_ids:
        raise RequestNotValid([Problem("children", "Select the children the request is for")])
    pupils = [child_of(account, pupil_id) for pupil_id in dict.fromkeys(draft.pupil_ids)]
    problems: list[Problem] = []
    school = pupils[0].school
    others = [p for p in pupils if p.school_id != school.id]
    if others:
        problems.append(Problem("children", f"{_join([p.forename for p in others])} "
                                            f"{'is' if len(others) == 1 else 'are'} at {others[0].school.name}: "
                                            "each school decides leave for its own pupils, so send a separate "
                                            "request to each school"))
    policy, rules = school_policy(school.urn)
    calendar = rules.calendar
    first, back = draft.first_day, draft.return_day
    if first < today:
        problems.append(Problem("first_day", "The first day of absence must be today or later: leave is asked for "
                                             "in advance. For an absence that has happened, report an absence"))
    if back <= first:
        problems.append(Problem("return_day", "The day of return must be after the first day of absence"))
    elif calendar.last_day is not None and first > calendar.last_day:
        problems.append(Problem("first_day", f"{school.name} has not published its term dates that far ahead yet: "
                                             "ask again nearer the time, or contact the school office"))
    elif not calendar.school_days(first, back - ONE_DAY):
        problems.append(Problem("first_day", "There is no school on these dates, so you do not need to ask for "
                                             "leave"))
    if not draft.circumstances.strip():
        problems.append(Problem("circumstances", "Tell the school about the exceptional circumstances"))
    if draft.travelling_abroad and not draft.destinations.strip():
        problems.append(Problem("destinations", "Enter where you are travelling to"))
    files = [f for f in evidence_files(account, draft.evidence_ids) if f.school_id == school.id]
    if policy.leave.evidence == "with_request" and not files:
        problems.append(Problem("evidence", "Add the evidence of the exceptional circumstances: the school's "
                                            "policy says it must come with the request, and evidence sent later is "
                                            "not accepted"))
    children = []
    for pupil in pupils:
        attended, possible = _attendance_now(pupil, today)
        children.append(ChildPreview(pupil, attended, possible, _assess(
            policy, rules, first, back, today, Fraction(attended, possible) if possible else None, bool(files))))
    days = absence_rules.covered_days(first, max(first, back - ONE_DAY), absence_rules.WHOLE_DAY, calendar)
    return RequestPreview(school, policy, rules, days, children, files, problems)


def submit(account: ParentAccount, draft: LeaveDraft, declared: bool, now: datetime | None = None) -> LeaveRequest:
    """Record the request and its declaration, attach its evidence, tell the parents. Twice is once."""
    now = now or utcnow()
    existing = _by_key(draft.submission_key)
    if existing is not None:
        if existing.parent_account_id != account.id:
            raise NotFound("no such request")
        return existing
    checked = preview(account, draft, school_time(now).date())
    problems = list(checked.problems)
    if not declared:
        problems.append(Problem("declaration", "Confirm the declaration to send the request"))
    if problems:
        raise RequestNotValid(problems)
    pupils = [c.pupil for c in checked.children]
    request = LeaveRequest(
        reference=_new_reference(), submission_key=draft.submission_key, parent_account=account,
        school=checked.school, requested_at=now, first_day=draft.first_day, return_day=draft.return_day,
        travelling_abroad=draft.travelling_abroad,
        destinations=draft.destinations.strip() if draft.travelling_abroad else "",
        circumstances=draft.circumstances.strip(), decision_due=checked.assessment.decision_due,
    )
    request.children = [LeaveRequestChild(pupil=c.pupil, attended_at_request=c.attended,
                                          possible_at_request=c.possible, approved_days=[], flags_at_decision=[])
                        for c in checked.children]
    request.declarations = [LeaveDeclaration(parent_account=account, name=_contact_name(account, pupils),
                                             text=declaration_text(checked.policy, pupils), declared_at=now)]
    db.session.add(request)
    try:
        db.session.flush()
    except IntegrityError:  # the same form sent twice at once: the other request made it
        db.session.rollback()
        return _by_key(draft.submission_key)
    actor = f"parent:{account.id}"
    uploads.attach(checked.evidence, EVIDENCE_OWNER, request.id, actor=actor)
    link = notify.external_url("parent.leave_request", reference=request.reference)
    notify.queue([account.email], f"Leave request {request.reference} received: not yet a decision",
                 "leave_received", key=f"leave:{request.reference}:received", request=request, preview=checked,
                 link=link, decider=decider_words(checked.policy))
    for other in _other_parents(request):
        notify.queue([other.email], f"Leave request {request.reference}: add your declaration", "leave_declare",
                     key=f"leave:{request.reference}:declare:{other.id}", request=request, link=link,
                     sender=request.declarations[0].name)
    record(actor, "leave.requested", request, after={
        "reference": request.reference, "pupils": [p.upn for p in pupils], "school": checked.school.urn,
        "first_day": request.first_day.isoformat(), "return_day": request.return_day.isoformat(),
        "abroad": request.travelling_abroad, "evidence": [f.sha256 for f in checked.evidence],
        "decision_due": request.decision_due.isoformat() if request.decision_due else None,
        "flags": {c.pupil.upn: list(c.assessment.flag_keys) for c in checked.children}})
    db.session.commit()
    return request


def is_submitted(draft: LeaveDraft) -> bool:
    return _by_key(draft.submission_key) is not None


def requests_for(account: ParentAccount) -> list[LeaveRequest]:
    """Every request this parent sent, or that is about one of their children."""
    mine = [p.id for p in children_of(account)]
    query = (select(LeaveRequest).join(LeaveRequestChild)
             .where(or_(LeaveRequest.parent_account_id == account.id, LeaveRequestChild.pupil_id.in_(mine)))
             .distinct().order_by(LeaveRequest.requested_at.desc()))
    return list(db.session.scalars(query))


def request_for(account: ParentAccount, reference: str) -> LeaveRequest:
    """A request this parent can see, or NotFound: another family's request looks like one that does not exist."""
    request = db.session.scalar(select(LeaveRequest).where(LeaveRequest.reference == (reference or "").upper()))
    if request is None:
        raise NotFound("no such request")
    if request.parent_account_id != account.id:
        mine = {p.id for p in children_of(account)}
        if not mine.intersection(c.pupil_id for c in request.children):
            raise NotFound("no such request")
    return request


def child_for_parent(account: ParentAccount, reference: str, child_id: int) -> LeaveRequestChild:
    """One child's part of a request (its decision letter), for the sender or a parent of that child."""
    request = request_for(account, reference)
    child = next((c for c in request.children if c.id == child_id), None)
    if child is None or (request.parent_account_id != account.id
                         and child.pupil_id not in {p.id for p in children_of(account)}):
        raise NotFound("no such decision")
    return child


def may_declare(account: ParentAccount, request: LeaveRequest) -> bool:
    return (any(c.status == PENDING for c in request.children)
            and not any(d.parent_account_id == account.id for d in request.declarations)
            and bool(_pupils_with_responsibility(account, request)))


def declare(account: ParentAccount, reference: str, now: datetime | None = None) -> LeaveDeclaration:
    """Another parent with parental responsibility adds their declaration, while a decision is still to come."""
    now = now or utcnow()
    request = request_for(account, reference)
    existing = next((d for d in request.declarations if d.parent_account_id == account.id), None)
    if existing is not None:
        return existing
    pupils = _pupils_with_responsibility(account, request)
    if not pupils:
        raise NotFound("no such request")
    if not any(c.status == PENDING for c in request.children):
        raise ServiceError("The school has already decided this request")
    policy, _ = school_policy(request.school.urn)
    declaration = LeaveDeclaration(request=request, parent_account=account, name=_contact_name(account, pupils),
                                   text=declaration_text(policy, pupils), declared_at=now)
    db.session.add(declaration)
    db.session.flush()
    record(f"parent:{account.id}", "leave.declared", declaration,
           after={"reference": request.reference, "pupils": [p.upn for p in pupils]})
    db.session.commit()
    return declaration


def declaration_text_for(account: ParentAccount, request: LeaveRequest) -> str:
    """The declaration another parent is asked to add: for the children of the request they are responsible for."""
    policy, _ = school_policy(request.school.urn)
    return declaration_text(policy, _pupils_with_responsibility(account, request))


def other_parent_names(account: ParentAccount, pupils: list[Pupil]) -> list[str]:
    """Other parents with parental responsibility for these children who will be asked for their declaration."""
    names = []
    for pupil in pupils:
        for contact in pupil.contacts:
            if (contact.parental_responsibility and contact.email and contact.parent_account_id is not None
                    and contact.parent_account_id != account.id and contact.name not in names):
                names.append(contact.name)
    return names


@dataclass(frozen=True)
class ParentDeclaration:
    name: str
    email: str | None
    declared_at: datetime | None
    has_account: bool


def declarations_status(request: LeaveRequest) -> list[ParentDeclaration]:
    """Every parent with parental responsibility for a child of the request, and whether they have declared."""
    declared = {d.parent_account_id: d for d in request.declarations}
    people: dict[str, ParentDeclaration] = {}
    for child in request.children:
        for contact in child.pupil.contacts:
            if not contact.parental_responsibility:
                continue
            key = contact.email or f"name:{contact.name}"
            if key in people:
                continue
            done = declared.get(contact.parent_account_id)
            people[key] = ParentDeclaration(contact.name, contact.email, done.declared_at if done else None,
                                            contact.parent_account_id is not None)
    for declaration in request.declarations:  # a declaration from a parent no longer in the contacts
        if declaration.parent_account.email not in people:
            people[declaration.parent_account.email] = ParentDeclaration(
                declaration.name, declaration.parent_account.email, declaration.declared_at, True)
    return sorted(people.values(), key=lambda p: (p.declared_at is None, p.declared_at or datetime.max, p.name))


def request_evidence(request: LeaveRequest) -> list[EvidenceFile]:
    return list(db.session.scalars(
        select(EvidenceFile).where(EvidenceFile.owner_type == EVIDENCE_OWNER, EvidenceFile.owner_id == request.id,
                                   EvidenceFile.state == ATTACHED).order_by(EvidenceFile.id)))


def evidence_of(request: LeaveRequest, file_id: int, reader) -> uploads.EvidenceDownload:
    """One of the request's files for `reader` under the uploads access rule (the parent who sent it, the
    school's staff), or NotFound."""
    file = db.session.get(EvidenceFile, file_id)
    if file is None or (file.owner_type, file.owner_id) != (EVIDENCE_OWNER, request.id):
        raise NotFound("There is no such file")
    return uploads.open_for(file, reader)


# ====================================================================================================== staff
@dataclass(frozen=True)
class QueueItem:
    child: LeaveRequestChild
    due: date | None
    overdue: bool
    flags: tuple[Flag, ...]

    @property
    def request(self) -> LeaveRequest:
        return self.child.request

    @property
    def pupil(self) -> Pupil:
        return self.child.pupil


def leave_queue(staff: StaffUser, today: date, school_urn: str | None = None, view: str = "waiting"
                ) -> list[QueueItem]:
    """Requests at the staff member's schools: waiting for a decision (the soonest due first), leave that has
    ended with nothing recorded about the return, decided ones, or all."""
    schools = [s for s in schools_of(staff) if school_urn in (None, "", s.urn)]
    if not schools or view not in QUEUE_VIEWS:
        return []
    query = (select(LeaveRequestChild).join(LeaveRequest)
             .where(LeaveRequest.school_id.in_([s.id for s in schools])))
    if view == "waiting":
        query = query.where(LeaveRequestChild.status == PENDING)
    elif view == "to_record":
        query = query.where(LeaveRequestChild.status != PENDING, LeaveRequestChild.outcome.is_(None),
                            LeaveRequest.return_day <= today)
    elif view == "decided":
        query = query.where(LeaveRequestChild.status != PENDING)
    children = list(db.session.scalars(query))
    with_files = _requests_with_evidence({c.request_id for c in children})
    items = []
    for child in children:
        request = child.request
        overdue = child.status == PENDING and request.decision_due is not None and request.decision_due < today
        flags = assessment_for(child, request.id in with_files).flags
        items.append(QueueItem(child, request.decision_due, overdue, flags))
    if view == "waiting":
        return sorted(items, key=lambda i: (i.due or date.max, i.request.requested_at, i.child.id))
    return sorted(items, key=lambda i: (i.request.first_day, i.child.id), reverse=True)


def leave_item(staff: StaffUser, child_id: int) -> LeaveRequestChild:
    child = db.session.get(LeaveRequestChild, child_id)
    if child is None:
        raise NotFound("no such request")
    require(staff, "view", child.request.school)
    return child


def assessment_for(child: LeaveRequestChild, has_evidence: bool) -> LeaveAssessment:
    """The domain's assessment as at the day the request was made, with the attendance the parent saw then."""
    request = child.request
    policy, rules = school_policy(request.school.urn)
    attendance = (Fraction(child.attended_at_request, child.possible_at_request)
                  if child.possible_at_request else None)
    asked_on = school_time(request.requested_at).date()
    return _assess(policy, rules, request.first_day, request.return_day, asked_on, attendance, has_evidence)


@dataclass
class Case:
    """Everything the decider sees about one child of a request."""

    child: LeaveRequestChild
    policy: Policy
    rules: SchoolRules
    assessment: LeaveAssessment
    flags: list[Flag]  # the domain's, then the portal's (declarations, earlier leave)
    conflicts: list[Conflict]  # where the policy contradicts itself about leave
    days: list[absence_rules.CoveredDay]
    evidence: list[EvidenceFile]
    declarations: list[ParentDeclaration]
    attendance_now: str | None  # this school year, today
    attendance_previous_year: str | None
    previous: list[LeaveRequestChild]  # this child's other requests in the policy's look-back
    others_in_request: list[LeaveRequestChild]
    may_decide: bool
    may_record: bool  # may write marks for an outcome (authorise absence, or decide leave)

    @property
    def request(self) -> LeaveRequest:
        return self.child.request

    @property
    def attendance_at_request(self) -> str | None:
        return format_pct(self.assessment.attendance)

    @property
    def previous_approved(self) -> list[LeaveRequestChild]:
        return [c for c in self.previous if c.status in (APPROVED, PART_APPROVED)]


# The leave settings a policy can contradict itself about, as the staff deciding a request read them.
CONFLICT_WORDS = {
    "leave.approved_code": "The code for leave the school grants",
    "leave.decision_within": "How soon the school decides",
    "leave.notice": "The notice parents must give",
    "leave.past_attendance_considered": "Whether past attendance is considered",
}


def conflict_words(key: str) -> str:
    """A policy setting's name in words: "leave.approved_code" -> "The code for leave the school grants"; a setting
    without words of its own, its last part with spaces ("leave.bar" -> "Bar")."""
    return CONFLICT_WORDS.get(key) or key.rsplit(".", 1)[-1].replace("_", " ").capitalize()


def case_for(staff: StaffUser, child_id: int, today: date) -> Case:
    child = leave_item(staff, child_id)
    request, pupil = child.request, child.pupil
    policy, rules = school_policy(request.school.urn)
    evidence = request_evidence(request)
    assessment = assessment_for(child, bool(evidence))
    declarations = declarations_status(request)
    previous = previous_requests(child, policy.leave.previous_leave_months)
    flags = list(assessment.flags) + _portal_flags(child, policy, declarations, previous)
    year_start, _ = school_year_of(today)
    previous_year = pupil_attendance(pupil.upn, start=year_start.replace(year=year_start.year - 1),
                                     end=year_start - ONE_DAY)
    return Case(
        child=child, policy=policy, rules=rules, assessment=assessment, flags=flags,
        conflicts=[c for c in policy.conflicts if c.key.startswith("leave.")],
        days=absence_rules.covered_days(request.first_day, max(request.first_day, request.return_day - ONE_DAY),
                                        absence_rules.WHOLE_DAY, rules.calendar),
        evidence=evidence, declarations=declarations,
        attendance_now=pupil_attendance(pupil.upn, as_of=today).json["attendance_pct"],
        attendance_previous_year=previous_year.json["attendance_pct"],
        previous=previous, others_in_request=[c for c in request.children if c.id != child.id],
        may_decide=may(staff, DECIDE_LEAVE, request.school),
        may_record=may(staff, AUTHORISE_ABSENCE, request.school) or may(staff, DECIDE_LEAVE, request.school),
    )


def previous_requests(child: LeaveRequestChild, months: int) -> list[LeaveRequestChild]:
    """The child's other leave requests made in the `months` before this one (RP's form asks about 12)."""
    made = child.request.requested_at
    since = datetime.combine(_months_before(made.date(), months), datetime.min.time())
    return list(db.session.scalars(
        select(LeaveRequestChild).join(LeaveRequest)
        .where(LeaveRequestChild.pupil_id == child.pupil_id, LeaveRequestChild.id != child.id,
               LeaveRequest.requested_at >= since, LeaveRequest.requested_at <= made)
        .order_by(LeaveRequest.requested_at.desc())))


def requested_school_days(child: LeaveRequestChild) -> list[date]:
    request = child.request
    _, rules = school_policy(request.school.urn)
    return rules.calendar.school_days(request.first_day, request.return_day - ONE_DAY)


def decide(staff: StaffUser, child_id: int, approved_days: list[date], reasons: str,
           now: datetime | None = None) -> LeaveRequestChild:
    """Approve all, some (consecutive school days) or none of the days for one child, with reasons.

    Only a role the policy names may decide (NotPermitted otherwise). Approved sessions become the approved code
    (C) in the register at once; the letter is kept and emailed to every parent with parental responsibility."""
    now = now or utcnow()
    child = leave_item(staff, child_id)
    request, pupil = child.request, child.pupil
    require(staff, DECIDE_LEAVE, request.school)
    if child.status != PENDING:
        decided = school_time(child.decided_at)
        raise ServiceError(f"{pupil.forename}’s leave was already decided on {decided:%-d %B %Y}")
    if not reasons.strip():
        raise ServiceError("Give the reasons for the decision: the letter to the parents states them")
    policy, rules = school_policy(request.school.urn)
    calendar = rules.calendar
    requested = requested_school_days(child)
    approved = sorted(set(approved_days))
    if not set(approved) <= set(requested):
        raise ServiceError("Approve only school days that were asked for")
    if approved:
        positions = [requested.index(d) for d in approved]
        if positions != list(range(positions[0], positions[0] + len(positions))):
            raise ServiceError("Approve consecutive school days (one period of leave), or none")
    child.status = REFUSED if not approved else (APPROVED if len(approved) == len(requested) else PART_APPROVED)
    evidence = request_evidence(request)
    case_flags = list(assessment_for(child, bool(evidence)).flags) + _portal_flags(
        child, policy, declarations_status(request), previous_requests(child, policy.leave.previous_leave_months))
    marks = [(d, s, policy.leave.approved_code) for d in approved for s in calendar.sessions_on(d)]
    replaced = _write_marks(pupil, marks, staff, now, f"Leave request {request.reference}: approved")
    child.approved_days = [d.isoformat() for d in approved]
    child.reasons = reasons.strip()
    child.flags_at_decision = [{"key": f.key, "message": f.message} for f in case_flags]
    child.decided_by, child.decided_at = staff, now
    child.letter = _letter(child, staff, now, policy, rules, requested, approved, bool(evidence))
    record(f"staff:{staff.id}", f"leave.{child.status}", child, {"status": PENDING}, {
        "reference": request.reference, "upn": pupil.upn, "status": child.status,
        "approved_days": child.approved_days, "reasons": child.reasons, "flags": [f.key for f in case_flags],
        "marks_replaced": replaced})
    recipients = decision_recipients(child)
    if recipients:
        notify.queue(recipients, f"Leave request {request.reference}: the school’s decision for {pupil.forename}",
                     "leave_decided",
                     key=f"leave:{request.reference}:{child.id}:decided", letter=child.letter,
                     link=notify.external_url("parent.leave_letter", reference=request.reference, child_id=child.id),
                     pdf=notify.external_url("parent.leave_letter_pdf", reference=request.reference,
                                             child_id=child.id))
    db.session.commit()
    return child


def decision_recipients(child: LeaveRequestChild) -> list[str]:
    """Every parent with parental responsibility for the child who has an email address."""
    return sorted({c.email for c in child.pupil.contacts if c.parental_responsibility and c.email})


# -------------------------------------------------------------------------------------------- after the leave
@dataclass
class OutcomeEffect:
    """What recording an outcome would write, and what it does to the penalty-notice threshold."""

    outcome: str
    actual_first: date
    actual_return: date
    before: ThresholdResult  # the pupil's threshold without any of these marks
    options: list[LateReturnOption]  # for a late return, the choices the policy allows; otherwise one

    def option(self, key: str | None) -> LateReturnOption:
        chosen = next((o for o in self.options if o.key == key), None) if key else None
        return chosen or next(o for o in self.options if o.default)


def outcome_effect(staff: StaffUser, child_id: int, outcome: str, actual_first: date | None = None,
                   actual_return: date | None = None) -> OutcomeEffect | None:
    """The marks an outcome would write and their effect on the threshold; None for outcomes that write none."""
    child = leave_item(staff, child_id)
    return _effect(child, outcome, actual_first, actual_return)


def record_outcome(staff: StaffUser, child_id: int, outcome: str, actual_first: date | None = None,
                   actual_return: date | None = None, choice: str | None = None, note: str = "",
                   now: datetime | None = None) -> LeaveRequestChild:
    """What happened: back on time, away outside the agreed dates (unauthorise the sessions outside them, or where
    the policy allows it the whole period), leave taken after a refusal (G), or leave not taken."""
    now = now or utcnow()
    child = leave_item(staff, child_id)
    request = child.request
    if child.status == PENDING:
        raise ServiceError("Decide the request before recording what happened")
    if child.outcome is not None:
        raise ServiceError(f"Already recorded: {child.outcome_words.lower()}")
    effect = _effect(child, outcome, actual_first, actual_return)
    written, replaced = [], {}
    if effect is not None:
        if not may(staff, DECIDE_LEAVE, request.school):
            require(staff, AUTHORISE_ABSENCE, request.school)  # writing G marks is coding an absence
        option = effect.option(choice)
        if option.key == UNAUTHORISE_WHOLE:
            require(staff, DECIDE_LEAVE, request.school)  # taking back leave that was granted is a leave decision
        written = [(m.date, m.session, m.code) for m in option.marks]
        replaced = _write_marks(child.pupil, written, staff, now,
                                f"Leave request {request.reference}: {_OUTCOME_COMMENTS[outcome]}")
        child.actual_first_day, child.actual_return_day = effect.actual_first, effect.actual_return
        child.late_return_choice = option.key if outcome == RETURNED_LATE else None
        threshold = option.threshold
    else:
        threshold = None
    child.outcome, child.outcome_note = outcome, note.strip()
    child.outcome_by, child.outcome_at = staff, now
    record(f"staff:{staff.id}", "leave.outcome", child, {"outcome": None}, {
        "reference": request.reference, "upn": child.pupil.upn, "outcome": outcome,
        "choice": child.late_return_choice, "marks": [f"{d.isoformat()} {s} {c}" for d, s, c in written],
        "marks_replaced": replaced, "note": child.outcome_note,
        "threshold_met": threshold.met if threshold else None,
        "threshold_counted": threshold.counted if threshold else None})
    recipients = decision_recipients(child)
    if written and recipients:
        # Unauthorised sessions written to the register: the parents hear it from the school, not from a letter
        # about a penalty notice later.
        pupil = child.pupil
        notify.queue(recipients, f"Leave request {request.reference}: {pupil.forename}’s absence recorded",
                     "leave_outcome", key=f"leave:{request.reference}:{child.id}:outcome", child=child,
                     request=request, school=request.school.name,
                     days=_days_in_words(written),
                     link=notify.external_url("parent.leave_request", reference=request.reference))
    db.session.commit()
    return child


def _days_in_words(marks: list[tuple[date, str, str]]) -> list[str]:
    """"Monday 5 January 2027: morning and afternoon, G (unauthorised leave of absence)", one line a day."""
    by_day: dict[date, list[tuple[str, str]]] = {}
    for day, session, code in sorted(marks):
        by_day.setdefault(day, []).append((session, code))
    lines = []
    for day, sessions in by_day.items():
        parts = " and ".join("morning" if s == "AM" else "afternoon" for s, _ in sessions)
        marked = sorted({c for _, c in sessions})
        meaning = "; ".join(f"{c} ({codes.CODES[c].meaning})" if c in codes.CODES else c for c in marked)
        lines.append(f"{day:%A} {day.day} {day:%B %Y}: {parts}, {meaning}")
    return lines


_OUTCOME_COMMENTS = {RETURNED_LATE: "away outside the agreed dates", TAKEN_AFTER_REFUSAL: "taken without approval"}


def _effect(child: LeaveRequestChild, outcome: str, actual_first: date | None, actual_return: date | None
            ) -> OutcomeEffect | None:
    if outcome not in OUTCOMES:
        raise ServiceError(f"unknown outcome {outcome!r}")
    request = child.request
    policy, rules = school_policy(request.school.urn)
    calendar = rules.calendar
    approved = child.approved_dates
    if outcome in (RETURNED_ON_TIME, RETURNED_LATE) and not approved:
        raise ServiceError("No days were approved: record that the leave was taken without approval, or not taken")
    if outcome == NOT_TAKEN and approved:
        raise ServiceError("Days were approved and are recorded as leave (C): if the child came to school, the "
                           "register the teacher took shows it")
    if outcome == TAKEN_AFTER_REFUSAL and len(approved) == len(requested_school_days(child)):
        raise ServiceError("Every day was approved: if the child was away longer, record a late return")
    if outcome in (RETURNED_ON_TIME, NOT_TAKEN):
        return None
    if outcome == RETURNED_LATE:
        approved_first, approved_return = approved[0], approved[-1] + ONE_DAY
        actual_first = actual_first or approved_first
        actual_return = actual_return or approved_return
        end = max(actual_return, approved_return)
        others = _other_marks(child.pupil, min(actual_first, approved_first), end)
        options = late_return_effect(approved_first, approved_return, actual_return, calendar, policy.leave,
                                     policy.penalties, others, actual_first=actual_first)
        if not options:
            raise ServiceError("No school session fell outside the agreed dates: record “returned on time”")
    else:
        actual_first = actual_first or request.first_day
        actual_return = actual_return or request.return_day
        if actual_return <= actual_first:
            raise ServiceError("The day of return must be after the first day away")
        end = actual_return
        others = _other_marks(child.pupil, actual_first, end)
        marks = [m for m in refused_marks(calendar, actual_first, actual_return - ONE_DAY, policy.leave.refused_code)
                 if m.date not in set(approved)]
        if not marks:
            raise ServiceError("There is no school session on those days that was not approved")
        replaced = {(m.date, m.session) for m in marks}
        merged = [m for m in others if (m.date, m.session) not in replaced] + marks
        local = () if policy.penalties.local is None else tuple(
            local_leave_flag(merged, calendar, policy.penalties.local, frozenset({policy.leave.refused_code})))
        options = [LateReturnOption(
            "taken_after_refusal", "The days taken without approval are recorded as unauthorised.", tuple(marks),
            threshold_reached(merged, calendar.school_weeks(), policy.penalties, end), local, default=True)]
    before = threshold_reached(others, calendar.school_weeks(), policy.penalties, end)
    return OutcomeEffect(outcome, actual_first, actual_return, before, options)


def _other_marks(pupil: Pupil, first: date, end: date) -> list[DomainMark]:
    """The pupil's marks that can share a penalty window with leave from `first` to `end` (a generous reach back:
    ten school weeks can span more than a term with its holidays)."""
    rows = db.session.execute(select(Mark.date, Mark.session, Mark.code, Mark.minutes_late).where(
        Mark.pupil_id == pupil.id, Mark.date >= first - timedelta(weeks=30), Mark.date <= end))
    return [DomainMark(r.date, r.session, r.code, r.minutes_late) for r in rows]


# ====================================================================================================== letters
def letter_html(letter: dict) -> str:
    return render_template("letters/leave_decision.html", letter=letter)


def letter_pdf(child: LeaveRequestChild) -> bytes:
    """The decision letter as a PDF, rendered by WeasyPrint from the letter's snapshot."""
    if not child.letter:
        raise NotFound("no letter yet")
    return _weasyprint_html()(string=letter_html(child.letter)).write_pdf()


def _weasyprint_html():
    """WeasyPrint's HTML class, imported on first use (half a second that only letters need).

    Importing WeasyPrint sets Pillow's process-wide `ImageFile.LOAD_TRUNCATED_IMAGES = True` (weasyprint/images.py),
    which would let truncated photos through the evidence checks of `services.uploads` for the rest of the
    process: put the setting back as it was. Letters hold no images, so WeasyPrint does not need it."""
    from PIL import ImageFile

    before = ImageFile.LOAD_TRUNCATED_IMAGES
    from weasyprint import HTML

    ImageFile.LOAD_TRUNCATED_IMAGES = before
    return HTML


def letter_filename(child: LeaveRequestChild) -> str:
    name = re.sub(r"[^A-Za-z0-9]+", "-", child.pupil.name).strip("-")
    return f"leave-decision-{child.request.reference}-{name}.pdf"


def _letter(child: LeaveRequestChild, staff: StaffUser, now: datetime, policy: Policy, rules: SchoolRules,
            requested: list[date], approved: list[date], has_evidence: bool) -> dict:
    request, pupil = child.request, child.pupil
    calendar = rules.calendar
    names = [c.name for c in pupil.contacts if c.parental_responsibility]
    role = sorted(roles_at(staff, request.school) & set(policy.leave.deciders)) or ["headteacher"]
    assessment = assessment_for(child, has_evidence)
    back_on = calendar.next_school_day(approved[-1] + ONE_DAY) if approved else None
    who = "The " + " and ".join(r.replace("_", " ") for r in role)
    if child.status == APPROVED:
        decision = (f"{who} has approved leave of absence for {pupil.name} for all {_days(len(requested))} asked "
                    f"for, {_span(approved)}.")
    elif child.status == PART_APPROVED:
        decision = (f"{who} has approved leave of absence for {pupil.name} for {_days(len(approved))} of the "
                    f"{_days(len(requested))} asked for, {_span(approved)}. The other days are not approved.")
    else:
        decision = f"{who} has not approved leave of absence for {pupil.name}."
    return {
        "reference": request.reference,
        "date": school_time(now).date().isoformat(),
        "date_words": _long(school_time(now).date()),
        "school": {"name": rules.name, "address": rules.address, "phone": rules.phone, "email": rules.email},
        "parents": names,
        "pupil": {"name": pupil.name, "forename": pupil.forename, "class": pupil.registration_group},
        "status": child.status,
        "decision": decision,
        "requested": {"first_day": _long(request.first_day), "return_day": _long(request.return_day),
                      "requested_on": _long(school_time(request.requested_at).date())},
        "days": [{"date": d.isoformat(), "words": _long(d), "sessions": len(calendar.sessions_on(d)),
                  "approved": d in approved} for d in requested],
        "closures": [{"words": _closure_words(c.start, c.end), "reasons": ", ".join(c.reasons), "where": c.where}
                     for c in assessment.closures],
        "back_on": _long(back_on) if back_on else None,
        "approved_code": policy.leave.approved_code,
        "refused_code": policy.leave.refused_code,
        "reasons": child.reasons,
        "criteria": _criteria(policy, assessment, has_evidence, pupil),
        "consequences": _consequences(policy, child.status, pupil, back_on),
        "decided_by": {"name": staff.name, "role": " and ".join(r.replace("_", " ") for r in role).capitalize()},
    }


def _closure_words(start: date, end: date) -> str:
    return _long(start) if start == end else f"{_long(start)} to {_long(end)}"


def _criteria(policy: Policy, assessment: LeaveAssessment, has_evidence: bool, pupil: Pupil) -> list[str]:
    leave = policy.leave
    criteria = [
        "Leave of absence in term time can be granted only in exceptional circumstances (the School Attendance "
        "(Pupil Registration) (England) Regulations 2024, regulation 11). The Department for Education does not "
        "consider a need or desire for a holiday or other absence for leisure and recreation to be an exceptional "
        f"circumstance. The {decider_words(policy)} decides, and sets the number of school days granted.",
        f"The school asks for at least {notice_words(policy)}' notice before the first day of absence. This request "
        f"gave {assessment.notice_given} {UNIT_WORDS[leave.notice_unit]}"
        f"{'' if assessment.notice_met else ', less than the school asks'}.",
    ]
    bar = bar_words(policy)
    if bar is not None:
        standing = (f"{pupil.forename}’s attendance this school year was {format_pct(assessment.attendance)}% when "
                    "the request was made" if assessment.attendance is not None
                    else f"No attendance had been recorded for {pupil.forename} this school year")
        rule = (f"Leave is not authorised when attendance is below {bar}" if leave.attendance_bar_effect == "refuse"
                else f"The school looks at whether attendance is above {bar}")
        criteria.append(f"{rule}. {standing}.")
    if leave.evidence != "optional":
        when = ("must come with the request; evidence sent later is not accepted" if leave.evidence == "with_request"
                else "must be supplied by the parent; the school does not ask for it")
        criteria.append(f"Evidence of the exceptional circumstances {when}. "
                        f"{'Evidence was supplied' if has_evidence else 'No evidence was supplied'}.")
    return criteria


def _consequences(policy: Policy, status: str, pupil: Pupil, back_on: date | None) -> list[str]:
    leave = policy.leave
    words = []
    if status != REFUSED:
        words.append(f"The approved days are recorded as authorised leave of absence ({leave.approved_code}). "
                     f"{pupil.forename} is expected back at school on {_long(back_on)}." if back_on else
                     f"The approved days are recorded as authorised leave of absence ({leave.approved_code}).")
        if leave.late_return == "may_unauthorise_whole_period":
            words.append("If the leave starts earlier or ends later than the agreed dates, the school may record "
                         "the whole period of leave as unauthorised.")
        else:
            words.append("Any day away outside the agreed dates is recorded as unauthorised.")
    if status != APPROVED:
        words.append(f"Days that are not approved are not permission to be away. If {pupil.forename} is taken out of "
                     "school on those days, the absence is recorded as unauthorised "
                     f"({leave.refused_code}).")
    return words + penalty_words(policy)[1:]


# ====================================================================================================== helpers
def _assess(policy: Policy, rules: SchoolRules, first: date, back: date, requested_on: date,
            attendance: Fraction | None, has_evidence: bool) -> LeaveAssessment:
    return assess_leave_request(first, back, requested_on, rules.calendar, policy.leave, attendance, has_evidence,
                                penalty_local=policy.penalties.local, also_stated=also_stated_notice(policy))


NOTICE_IN_WORDS = re.compile(r"(\d+)\s*(school days|weeks|days)", re.IGNORECASE)
_UNITS = {"school days": "school_days", "weeks": "weeks", "days": "calendar_days"}


def also_stated_notice(policy: Policy) -> tuple[NoticeRule, ...]:
    """Notice periods the policy also states where it contradicts itself (its `leave.notice` conflict, such as
    RP's "at least 6 weeks"), read from the conflict's words so the decider sees which the request meets."""
    rules = []
    for conflict in policy.conflicts:
        if conflict.key != "leave.notice":
            continue
        for amount, unit in NOTICE_IN_WORDS.findall(conflict.also_stated):
            rule = NoticeRule(int(amount), _UNITS.get(unit.lower(), "calendar_days"), conflict.source)
            if rule not in rules and (rule.amount, rule.unit) != (policy.leave.notice, policy.leave.notice_unit):
                rules.append(rule)
    return tuple(rules)


def _portal_flags(child: LeaveRequestChild, policy: Policy, declarations: list[ParentDeclaration],
                  previous: list[LeaveRequestChild]) -> list[Flag]:
    flags = []
    missing = [d for d in declarations if d.declared_at is None]
    if missing:
        flags.append(Flag("declarations_missing", f"{len(declarations) - len(missing)} of {len(declarations)} "
                                                  "parents with parental responsibility have declared; not yet: "
                                                  f"{_join([d.name for d in missing])}."))
    if previous:
        granted = sum(c.status in (APPROVED, PART_APPROVED) for c in previous)
        flags.append(Flag("previous_leave", f"{len(previous)} other leave request"
                                            f"{'s' if len(previous) != 1 else ''} for {child.pupil.forename} in the "
                                            f"last {policy.leave.previous_leave_months} months; {granted} approved."))
    return flags


def _attendance_now(pupil: Pupil, today: date) -> tuple[int | None, int | None]:
    summary = pupil_attendance(pupil.upn, as_of=today).summary
    return (summary.attended, summary.possible) if summary.possible else (None, None)


def _write_marks(pupil: Pupil, marks: list[tuple[date, str, str]], staff: StaffUser, now: datetime,
                 comment: str) -> dict[str, str]:
    """Write marks as portal decisions (exported to the MIS); returns the codes they replaced."""
    if not marks:
        return {}
    days = [d for d, _, _ in marks]
    existing = {(m.date, m.session): m for m in db.session.scalars(
        select(Mark).where(Mark.pupil_id == pupil.id, Mark.date >= min(days), Mark.date <= max(days)))}
    replaced = {}
    for day, session, code in marks:
        mark = existing.get((day, session))
        if mark is None:
            mark = Mark(pupil_id=pupil.id, date=day, session=session, minutes_late=None)
            db.session.add(mark)
        elif mark.code != code:
            replaced[f"{day.isoformat()} {session}"] = mark.code
        mark.code, mark.source, mark.recorded_at = code, SOURCE_PORTAL, now
        mark.recorded_by, mark.comment = staff.email, comment
    return replaced


def _requests_with_evidence(request_ids: set[int]) -> set[int]:
    if not request_ids:
        return set()
    return set(db.session.scalars(
        select(EvidenceFile.owner_id).where(EvidenceFile.owner_type == EVIDENCE_OWNER,
                                            EvidenceFile.owner_id.in_(request_ids), EvidenceFile.state == ATTACHED)
        .group_by(EvidenceFile.owner_id).having(func.count() > 0)))


def _one_school(account: ParentAccount, pupil_ids: list[int]) -> School:
    if not pupil_ids:
        raise RequestNotValid([Problem("children", "Select the children the request is for")])
    pupils = [child_of(account, pupil_id) for pupil_id in pupil_ids]
    if len({p.school_id for p in pupils}) > 1:
        raise RequestNotValid([Problem("children", "Each school decides leave for its own pupils: send a separate "
                                                   "request to each school")])
    return pupils[0].school


def _pupils_with_responsibility(account: ParentAccount, request: LeaveRequest) -> list[Pupil]:
    mine = {p.id for p in children_of(account)}
    return [c.pupil for c in request.children if c.pupil_id in mine]


def _other_parents(request: LeaveRequest) -> list[ParentAccount]:
    """Parents with parental responsibility for a child of the request, with an account, other than the sender."""
    pupil_ids = [c.pupil_id for c in request.children]
    return list(db.session.scalars(
        select(ParentAccount).join(Contact, Contact.parent_account_id == ParentAccount.id)
        .where(Contact.pupil_id.in_(pupil_ids), Contact.parental_responsibility.is_(True),
               ParentAccount.id != request.parent_account_id)
        .distinct().order_by(ParentAccount.id)))


def _contact_name(account: ParentAccount, pupils: list[Pupil]) -> str:
    ids = {p.id for p in pupils}
    return next((c.name for c in account.contacts if c.pupil_id in ids and c.parental_responsibility),
                account.email)


def _by_key(key: str) -> LeaveRequest | None:
    return db.session.scalar(select(LeaveRequest).where(LeaveRequest.submission_key == key))


def _new_reference() -> str:
    while True:
        reference = "L" + "".join(secrets.choice(REFERENCE_LETTERS) for _ in range(6))
        if db.session.scalar(select(LeaveRequest.id).where(LeaveRequest.reference == reference)) is None:
            return reference


def _months_before(day: date, months: int) -> date:
    month = day.month - 1 - months
    year = day.year + month // 12
    month = month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _days(n: int) -> str:
    return f"{n} school day{'s' if n != 1 else ''}"


def _long(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def _span(days: list[date]) -> str:
    return f"{_long(days[0])}" if len(days) == 1 else f"from {_long(days[0])} to {_long(days[-1])}"
