"""After the leave: what happened (back on time, late, taken after a refusal, not taken) and the marks it writes,
with their effect on the penalty-notice threshold."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import force_locale, gettext
from sqlalchemy import select

from portal.clock import utcnow
from portal.domain.leave import LateReturnOption, late_return_effect, refused_marks
from portal.domain.leave_dates import ONE_DAY
from portal.domain.marks import Mark as DomainMark
from portal.domain.penalties import ThresholdResult, local_leave_flag, threshold_reached
from portal.extensions import db
from portal.models import Mark, Pupil, StaffUser
from portal.models.leave import (
    NOT_TAKEN, PENDING, RETURNED_LATE, RETURNED_ON_TIME, TAKEN_AFTER_REFUSAL, LeaveRequestChild,
)
from portal.services import ServiceError, notify, register
from portal.services.audit_writer import record
from portal.services.leave.decision import decision_contacts, decision_recipients, requested_school_days
from portal.services.leave.queue import leave_item
from portal.services.leave.wording import marks_in_words
from portal.services.parent_language import day_words, emails_by_locale
from portal.services.policies import school_policy
from portal.services.permissions import AUTHORISE_ABSENCE, DECIDE_LEAVE, may, require


OUTCOMES = (RETURNED_ON_TIME, RETURNED_LATE, TAKEN_AFTER_REFUSAL, NOT_TAKEN)


UNAUTHORISE_WHOLE = "unauthorise_whole_period"  # domain LateReturnOption.key: the RP choice


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
    leave_request = child.request
    if child.status == PENDING:
        raise ServiceError("Decide the request before recording what happened")
    if child.outcome is not None:
        raise ServiceError(f"Already recorded: {child.outcome_words.lower()}")
    effect = _effect(child, outcome, actual_first, actual_return)
    written, replaced = [], {}
    if effect is not None:
        if not may(staff, DECIDE_LEAVE, leave_request.school):
            require(staff, AUTHORISE_ABSENCE, leave_request.school)  # writing G marks is coding an absence
        option = effect.option(choice)
        if option.key == UNAUTHORISE_WHOLE:
            require(staff, DECIDE_LEAVE, leave_request.school)  # taking back leave that was granted is a leave decision
        written = [(m.date, m.session, m.code) for m in option.marks]
        replaced = register.write_marks(child.pupil_id, written, staff, now,
                                         f"Leave request {leave_request.reference}: {_OUTCOME_COMMENTS[outcome]}")
        child.actual_first_day, child.actual_return_day = effect.actual_first, effect.actual_return
        child.late_return_choice = option.key if outcome == RETURNED_LATE else None
        threshold = option.threshold
    else:
        threshold = None
    child.outcome, child.outcome_note = outcome, note.strip()
    child.outcome_by, child.outcome_at = staff, now
    record(f"staff:{staff.id}", "leave.outcome", child, {"outcome": None}, {
        "reference": leave_request.reference, "upn": child.pupil.upn, "outcome": outcome,
        "choice": child.late_return_choice, "marks": [f"{d.isoformat()} {s} {c}" for d, s, c in written],
        "marks_replaced": replaced, "note": child.outcome_note,
        "threshold_met": threshold.met if threshold else None,
        "threshold_counted": threshold.counted if threshold else None})
    recipients = decision_recipients(child)
    if written and recipients:
        # Unauthorised sessions written to the register: the parents hear it from the school, not from a letter
        # about a penalty notice later.
        # One email per language the parents read (services/parent_language.py), as the decision's.
        pupil = child.pupil
        for locale, emails in emails_by_locale(decision_contacts(child)).items():
            language = "" if locale.startswith("en") else f"{locale}:"
            with force_locale(locale):
                notify.queue(emails, gettext("Leave request %(reference)s: %(name)s’s absence recorded",
                                             reference=leave_request.reference, name=pupil.forename),
                             "leave_outcome", key=f"leave:{leave_request.reference}:{child.id}:{language}outcome",
                             child=child, request=leave_request, school=leave_request.school.name,
                             days=marks_in_words(written, gettext=gettext, day_words=day_words),
                             link=notify.external_url("parent.leave_request", reference=leave_request.reference))
    db.session.commit()
    return child


_OUTCOME_COMMENTS = {RETURNED_LATE: "away outside the agreed dates", TAKEN_AFTER_REFUSAL: "taken without approval"}


def _effect(child: LeaveRequestChild, outcome: str, actual_first: date | None, actual_return: date | None
            ) -> OutcomeEffect | None:
    if outcome not in OUTCOMES:
        raise ServiceError(f"unknown outcome {outcome!r}")
    leave_request = child.request
    policy, rules = school_policy(leave_request.school.urn)
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
        actual_first = actual_first or leave_request.first_day
        actual_return = actual_return or leave_request.return_day
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
