"""The decision for one child: the days approved, the marks written, the letter kept and emailed."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import force_locale, gettext

from portal.clock import school_time, utcnow
from portal.domain.leave_dates import ONE_DAY
from portal.extensions import db
from portal.models import StaffUser
from portal.models.leave import APPROVED, PART_APPROVED, PENDING, REFUSED, LeaveRequestChild
from portal.services import ServiceError, notify, register
from portal.services.audit_writer import record
from portal.services.leave.assessment import assessment_for, portal_flags, previous_requests
from portal.services.leave.declarations import declarations_status
from portal.services.leave.evidence import request_evidence
from portal.services.leave.letters import decision_letter
from portal.services.leave.queue import leave_item
from portal.services.parent_language import emails_by_locale
from portal.services.policies import school_policy
from portal.services.permissions import DECIDE_LEAVE, require


def requested_school_days(child: LeaveRequestChild) -> list[date]:
    leave_request = child.request
    _, rules = school_policy(leave_request.school.urn)
    return rules.calendar.school_days(leave_request.first_day, leave_request.return_day - ONE_DAY)


def decide(staff: StaffUser, child_id: int, approved_days: list[date], reasons: str,
           now: datetime | None = None) -> LeaveRequestChild:
    """Approve all, some (consecutive school days) or none of the days for one child, with reasons.

    Only a role the policy names may decide (NotPermitted otherwise). Approved sessions become the approved code
    (C) in the register at once; the letter is kept and emailed to every parent with parental responsibility."""
    now = now or utcnow()
    child = leave_item(staff, child_id)
    leave_request, pupil = child.request, child.pupil
    require(staff, DECIDE_LEAVE, leave_request.school)
    if child.status != PENDING:
        decided = school_time(child.decided_at)
        raise ServiceError(f"{pupil.forename}’s leave was already decided on {decided:%-d %B %Y}")
    if not reasons.strip():
        raise ServiceError("Give the reasons for the decision: the letter to the parents states them")
    policy, rules = school_policy(leave_request.school.urn)
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
    evidence = request_evidence(leave_request)
    case_flags = list(assessment_for(child, bool(evidence)).flags) + portal_flags(
        child, policy, declarations_status(leave_request), previous_requests(child, policy.leave.previous_leave_months))
    marks = [(d, s, policy.leave.approved_code) for d in approved for s in calendar.sessions_on(d)]
    replaced = register.write_marks(pupil.id, marks, staff, now, f"Leave request {leave_request.reference}: approved")
    child.approved_days = [d.isoformat() for d in approved]
    child.reasons = reasons.strip()
    child.flags_at_decision = [{"key": f.key, "message": f.message} for f in case_flags]
    child.decided_by, child.decided_at = staff, now
    child.letter = decision_letter(child, staff, now, policy, rules, requested, approved, bool(evidence))
    record(f"staff:{staff.id}", f"leave.{child.status}", child, {"status": PENDING}, {
        "reference": leave_request.reference, "upn": pupil.upn, "status": child.status,
        "approved_days": child.approved_days, "reasons": child.reasons, "flags": [f.key for f in case_flags],
        "marks_replaced": replaced})
    # One email per language the parents read (services/parent_language.py); the letter in it is the English one.
    for locale, recipients in emails_by_locale(decision_contacts(child)).items():
        language = "" if locale.startswith("en") else f"{locale}:"
        with force_locale(locale):
            notify.queue(recipients,
                         gettext("Leave request %(reference)s: the school’s decision for %(name)s",
                                 reference=leave_request.reference, name=pupil.forename),
                         "leave_decided",
                         key=f"leave:{leave_request.reference}:{child.id}:{language}decided", letter=child.letter,
                         link=notify.external_url("parent.leave_letter", reference=leave_request.reference,
                                                  child_id=child.id),
                         pdf=notify.external_url("parent.leave_letter_pdf", reference=leave_request.reference,
                                                 child_id=child.id))
    db.session.commit()
    return child


def decision_contacts(child: LeaveRequestChild) -> list:
    """Every parent with parental responsibility for the child who has an email address."""
    return [c for c in child.pupil.contacts if c.parental_responsibility and c.email]


def decision_recipients(child: LeaveRequestChild) -> list[str]:
    return sorted({c.email for c in decision_contacts(child)})
