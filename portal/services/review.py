"""The staff review queue for absence reports, and the decisions that become register marks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import force_locale, gettext
from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from portal.clock import utcnow
from portal.domain import absence as rules
from portal.domain import codes
from portal.extensions import db
from portal.models import (
    AbsenceReport,
    AbsenceReportChild,
    Contact,
    LeaveRequest,
    LeaveRequestChild,
    Mark,
    Pupil,
    StaffUser,
    SupportPlan,
)
from portal.models.absence import ACCEPTED, ANSWERED, QUESTION, RECEIVED, UNAUTHORISED
from portal.models.support_plan import ACTIVE
from portal.services import NotFound, ServiceError, notify, register
from portal.services.audit_writer import record
from portal.services.parent_language import message_locale
from portal.services.policies import school_policy, trust_policy
from portal.services.permissions import AUTHORISE_ABSENCE, require, schools_chosen, schools_of

OPEN = (RECEIVED, QUESTION, ANSWERED)
ACTIONS = ("accept", "question", "unauthorised")
UNAUTHORISED_CODE = "O"  # "no other code applies, or reason not accepted" (domain.md Part B §1)


@dataclass(frozen=True)
class QueueItem:
    child: AbsenceReportChild
    deadline: datetime  # the register closes for the first session the report covers
    overdue: bool
    suggested_code: str | None

    @property
    def report(self) -> AbsenceReport:
        return self.child.report

    @property
    def pupil(self) -> Pupil:
        return self.child.pupil


def _deadline(child: AbsenceReportChild) -> datetime:
    """When the register of the report's first session closes. A busy morning's reports share a few answers, so
    they are kept per policy version (its SHA-256: a new policy is never answered from an old one)."""
    pupil, report = child.pupil, child.report
    school = pupil.school
    key = (school.trust.policy_sha256, school.urn, pupil.site.slug if pupil.site else None, report.first_day,
           report.part)
    deadline = _DEADLINES.get(key)
    if deadline is None:
        spec = trust_policy(school.trust).school(school.urn)
        site = spec.site(key[2]) if key[2] else spec.sites[0]
        deadline = next((datetime.combine(day.date, site.times(day.sessions[0]).register_closes)
                         for day in rules.covered_days(report.first_day, report.first_day, report.part, spec.calendar)
                         if day.sessions), datetime.combine(report.first_day, site.am.register_closes))
        if len(_DEADLINES) > 10_000:
            _DEADLINES.clear()
        _DEADLINES[key] = deadline
    return deadline


_DEADLINES: dict[tuple, datetime] = {}


def absence_queue(staff: StaffUser, now: datetime, school_urn: str | None = None, year_group: str | None = None,
                  registration_group: str | None = None, status: str | None = None,
                  overdue_only: bool = False, site_id: int | None = None,
                  assigned_to_me: bool = False) -> list[QueueItem]:
    """Reports waiting for a person at the staff member's schools, the most urgent first. `now` is the school's
    wall clock (`clock.school_now()`): each deadline is a register close in UK time."""
    schools = schools_chosen(staff, school_urn)
    if not schools:
        return []
    # The pupil, the report and the pupil's school and site come with each row: a morning's queue is thousands.
    query = (select(AbsenceReportChild).join(Pupil).join(AbsenceReport)
             .options(contains_eager(AbsenceReportChild.pupil).selectinload(Pupil.school),
                      contains_eager(AbsenceReportChild.pupil).selectinload(Pupil.site),
                      contains_eager(AbsenceReportChild.report))
             .where(Pupil.school_id.in_([s.id for s in schools]))
             .where(AbsenceReportChild.status == status if status else AbsenceReportChild.status.in_(OPEN)))
    if year_group:
        query = query.where(Pupil.year_group == year_group)
    if registration_group:
        query = query.where(Pupil.registration_group == registration_group)
    if site_id:
        query = query.where(Pupil.site_id == site_id)
    if assigned_to_me:
        query = query.where(AbsenceReportChild.assigned_to_id == staff.id)
    items = []
    for child in db.session.scalars(query):
        deadline = _deadline(child)
        overdue = child.status in (RECEIVED, ANSWERED) and deadline < now  # a question waits for the parent
        if overdue_only and not overdue:
            continue
        items.append(QueueItem(child, deadline, overdue, rules.SUGGESTED_CODES[child.report.reason]))
    return sorted(items, key=lambda item: (item.deadline, item.child.id))


def queue_item(staff: StaffUser, child_id: int) -> AbsenceReportChild:
    child = db.session.get(AbsenceReportChild, child_id)
    if child is None:
        raise NotFound("no such report")
    require(staff, "view", child.pupil.school)
    return child


def assign(staff: StaffUser, child_id: int) -> AbsenceReportChild:
    """Take a report ("assign to me"), or give it back if it is already yours: colleagues see who has it."""
    child = queue_item(staff, child_id)
    before = {"assigned_to": child.assigned_to.email if child.assigned_to else None}
    child.assigned_to = None if child.assigned_to_id == staff.id else staff
    record(f"staff:{staff.id}", "absence.assign", child, before,
           {"assigned_to": child.assigned_to.email if child.assigned_to else None})
    db.session.commit()
    return child


def decide(staff: StaffUser, child_id: int, action: str, code: str | None = None, note: str = "",
           now: datetime | None = None) -> AbsenceReportChild:
    """Accept with a code, ask the parent a question, or record as unauthorised (with a reason)."""
    now = now or utcnow()
    child = queue_item(staff, child_id)
    if action not in ACTIONS:
        raise ServiceError(f"unknown action {action!r}")
    if action == "question":
        if not note.strip():
            raise ServiceError("Write the question for the parent")
    else:
        require(staff, AUTHORISE_ABSENCE, child.pupil.school)
        code = _decision_code(action, code, note)
    before = {"status": child.status, "code": child.code, "note": child.note, "answer": child.answer}
    replaced = _record_marks(child, code, staff, now) if action != "question" else {}
    child.status = {"accept": ACCEPTED, "question": QUESTION, "unauthorised": UNAUTHORISED}[action]
    child.code = code if action != "question" else None
    child.note = note.strip()
    if action == "question":  # a new question: the answer to the last one stays in the audit log
        child.answer, child.answered_at = "", None
    child.decided_by, child.decided_at = staff, now
    record(f"staff:{staff.id}", f"absence.{action}", child, before,
           {"status": child.status, "code": child.code, "note": child.note, "marks_replaced": replaced})
    report = child.report
    with force_locale(message_locale(report.parent_account)):  # the parent's language (services/parent_language.py)
        notify.queue([report.parent_account.email],
                     gettext("Absence report %(reference)s: %(status)s", reference=report.reference,
                             status=gettext(child.status_words)),
                     "absence_decided", child=child, report=report,
                     link=notify.external_url("parent.report", reference=report.reference))
    db.session.commit()
    return child


def _decision_code(action: str, code: str | None, note: str) -> str:
    if action == "unauthorised":
        if not note.strip():
            raise ServiceError("Give the reason the absence is not authorised: the parent will see it")
        return UNAUTHORISED_CODE
    code = codes.normalise(code or "")
    problem = codes.check_code(code)
    if problem:
        raise ServiceError(problem)
    if code not in codes.AUTHORISED:
        raise ServiceError(f"{code} is not an authorised absence code: to record the absence as unauthorised, "
                           "use “Record as unauthorised” and give the reason")
    return code


def _record_marks(child: AbsenceReportChild, code: str, staff: StaffUser, now: datetime) -> dict[str, str]:
    """Write the decision into the register, session by session; returns the codes it replaced."""
    _, school = school_policy(child.pupil.school.urn)
    report = child.report
    marks = [(day.date, session, code)
             for day in rules.covered_days(report.first_day, report.last_day, report.part, school.calendar)
             for session in day.sessions]
    return register.write_marks(child.pupil_id, marks, staff, now, f"Absence report {report.reference}")


def bulk_accept(staff: StaffUser, child_ids: list[int], now: datetime | None = None) -> tuple[int, list[str]]:
    """Accept each report with its suggested code; those without one (a reason of "other") are left for a person."""
    accepted, left = 0, []
    for child_id in child_ids:
        child = queue_item(staff, child_id)
        suggested = rules.SUGGESTED_CODES[child.report.reason]
        if suggested is None or child.status not in OPEN:
            left.append(child.report.reference)
            continue
        decide(staff, child_id, "accept", suggested, now=now)
        accepted += 1
    return accepted, left


def recent_marks(pupil: Pupil, since: date) -> list[Mark]:
    return list(db.session.scalars(select(Mark).where(Mark.pupil_id == pupil.id, Mark.date >= since)
                                   .order_by(Mark.date.desc(), Mark.session)))


def earlier_reports(pupil: Pupil, limit: int = 10) -> list[AbsenceReportChild]:
    return list(db.session.scalars(
        select(AbsenceReportChild).join(AbsenceReport).where(AbsenceReportChild.pupil_id == pupil.id)
        .order_by(AbsenceReport.reported_at.desc()).limit(limit)))


def siblings(pupil: Pupil, staff: StaffUser) -> list[Pupil]:
    """Children who share a contact with parental responsibility (same email) with this pupil, at the schools this
    member of staff works with: a half-brother at a school of another trust is that school's business, not theirs."""
    emails = [c.email for c in pupil.contacts if c.parental_responsibility and c.email]
    if not emails:
        return []
    schools = [s.id for s in schools_of(staff)]
    return list(db.session.scalars(
        select(Pupil).join(Contact).where(Contact.email.in_(emails), Pupil.id != pupil.id,
                                          Pupil.school_id.in_(schools)).distinct()))


def open_plans(pupil: Pupil) -> list[SupportPlan]:
    """The pupil's support plans still running: the queue shows that one exists and its review date."""
    return list(db.session.scalars(select(SupportPlan).where(SupportPlan.pupil_id == pupil.id,
                                                             SupportPlan.state == ACTIVE)))


def recent_leave(pupil: Pupil, since: date) -> list[LeaveRequestChild]:
    """The pupil's leave requests made since `since` (RP's form asks about the last 12 months)."""
    return list(db.session.scalars(
        select(LeaveRequestChild).join(LeaveRequest)
        .where(LeaveRequestChild.pupil_id == pupil.id, LeaveRequest.requested_at >= since)
        .order_by(LeaveRequest.requested_at.desc())))
