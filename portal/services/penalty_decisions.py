"""Penalty-notice decisions: a log per parent per child, from "considered" to paid, withdrawn or not issued.

The national rules (portal.domain.legal_notices and penalties; amounts and periods from the policy) decide what
is possible and the portal says it: a first notice (£80 within 21 days, £160 within 28), a second within three
years of the first (a flat £160), no third within those three years (the local authority considers other
action). Withdrawn notices do not count. For irregular attendance the page says when no notice to improve came
first, or when it is still running; term-time leave skips the notice to improve, as the framework allows.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from portal.clock import utcnow
from portal.domain import legal_notices as legal
from portal.domain.penalties import NextNotice
from portal.domain.policy_rules import Fines
from portal.domain.support_plan import clean_text, long_date
from portal.extensions import db
from portal.models import StaffUser
from portal.models.legal import SENT, NoticeToImprove, PenaltyDecision, PenaltyDecisionStep
from portal.services import NotFound, ServiceError
from portal.services.audit_writer import record
from portal.services.legal_pathway import parents_with_responsibility, penalty_rules, pupil_for_legal
from portal.services.permissions import LEGAL_ACTION, require

MAX_NOTE = 2000


def staff_decision(staff: StaffUser, decision_id: int) -> PenaltyDecision:
    decision = db.session.get(PenaltyDecision, decision_id)
    if decision is None:
        raise NotFound("no such decision")
    require(staff, LEGAL_ACTION, decision.school)
    return decision


def history_for(pupil_id: int, parent_name: str, leave_out: int | None = None) -> list[tuple[date | None, str]]:
    """(issued_on, state) of every decision for this parent and child, as the three-year rule reads them."""
    rows = db.session.execute(select(PenaltyDecision.id, PenaltyDecision.issued_on, PenaltyDecision.state).where(
        PenaltyDecision.pupil_id == pupil_id, PenaltyDecision.parent_name == parent_name))
    return [(r.issued_on, r.state) for r in rows if r.id != leave_out]


def possible(pupil_id: int, parent_name: str, on: date, fines: Fines, leave_out: int | None = None) -> NextNotice:
    """What a notice issued `on` to this parent for this child would be, leaving out decision `leave_out`."""
    return legal.what_is_possible(history_for(pupil_id, parent_name, leave_out), on, fines)


def warnings(pupil_id: int, parent_name: str, reason: str, on: date) -> list[str]:
    """What staff should know before taking a decision further: support first, and what the rules allow."""
    from portal.services.notices_to_improve import latest_sent, outcome

    found = []
    notice = latest_sent(pupil_id, parent_name)
    state = outcome(notice, on).state if notice is not None else None
    problem = legal.support_first_problem(reason, state, notice.period_end if notice else None, on)
    if problem:
        found.append(problem)
    return found


def _note(value: str) -> str:
    text = clean_text(value or "")
    if len(text) > MAX_NOTE:
        raise ServiceError(f"The note is longer than {MAX_NOTE} characters")
    return text


def consider(staff: StaffUser, pupil_id: int, parent_name: str, reason: str, on: date, note: str, today: date,
             now: datetime | None = None) -> PenaltyDecision:
    """Open a decision for one parent and one child: "considered", with why."""
    now = now or utcnow()
    pupil = pupil_for_legal(staff, pupil_id)
    names = {p.name for p in parents_with_responsibility(pupil)}
    if parent_name not in names:
        raise ServiceError(f"Choose a parent with parental responsibility for {pupil.name}")
    if reason not in legal.REASONS:
        raise ServiceError("Choose why a penalty notice is being considered")
    if on is None or on > today:
        raise ServiceError("Enter the date it was considered: today or earlier")
    open_one = db.session.scalar(select(PenaltyDecision).where(
        PenaltyDecision.pupil_id == pupil.id, PenaltyDecision.parent_name == parent_name,
        PenaltyDecision.state.not_in(legal.ENDED)).limit(1))
    if open_one is not None:
        raise ServiceError(f"A decision for {parent_name} is still open ({open_one.reference}): record its next step")
    notice = db.session.scalar(select(NoticeToImprove).where(
        NoticeToImprove.pupil_id == pupil.id, NoticeToImprove.parent_name == parent_name,
        NoticeToImprove.state == SENT).order_by(NoticeToImprove.id.desc()).limit(1))
    decision = PenaltyDecision(pupil=pupil, school=pupil.school, parent_name=parent_name, reason=reason,
                               notice_to_improve=notice if reason == legal.IRREGULAR else None,
                               state=legal.CONSIDERED, created_at=now, created_by=staff)
    db.session.add(decision)
    decision.steps.append(PenaltyDecisionStep(step=legal.CONSIDERED, happened_on=on, note=_note(note), staff=staff,
                                              recorded_at=now))
    db.session.flush()
    record(f"staff:{staff.id}", "penalty_decision.considered", decision,
           after={"pupil": pupil.upn, "parent": parent_name, "reason": reason, "on": on.isoformat()})
    db.session.commit()
    return decision


def record_step(staff: StaffUser, decision_id: int, step: str, on: date | None, note: str, today: date,
                received_on: date | None = None, now: datetime | None = None) -> PenaltyDecisionStep:
    """Add the next step. The national rules refuse what the law does not allow, and say why."""
    now = now or utcnow()
    decision = staff_decision(staff, decision_id)
    problem = legal.step_problem(decision.state, step)
    if problem:
        raise ServiceError(problem)
    if on is None or on > today:
        raise ServiceError("Enter the date it happened: today or earlier")
    if on < decision.steps[-1].happened_on:
        raise ServiceError(f"The last step was on {long_date(decision.steps[-1].happened_on)}: this one cannot "
                           "come before it")
    note = _note(note)
    if step in (legal.NOT_ISSUED, legal.WITHDRAWN) and not note:
        raise ServiceError(f"Say why the notice was {legal.STEP_WORDS[step].lower()}")
    fines = penalty_rules(decision.pupil).fines
    amount = None
    if step in (legal.REQUESTED, legal.ISSUED):
        allowed = possible(decision.pupil_id, decision.parent_name, on, fines, leave_out=decision.id)
        if allowed.kind == "none":
            raise ServiceError(f"{allowed.message} Record “not issued” with the alternative action instead")
        if step == legal.ISSUED:
            decision.issued_on, decision.kind = on, allowed.kind
            decision.received_on = received_on or on
            if decision.received_on < on:
                raise ServiceError("The parent cannot have received the notice before it was issued")
            amount = allowed.full_amount
    if step == legal.PAID:
        allowed = possible(decision.pupil_id, decision.parent_name, decision.issued_on, fines, leave_out=decision.id)
        amount = legal.payment_due(allowed, decision.received_on, on)
        if amount is None:
            raise ServiceError(f"Paid {(on - decision.received_on).days} days after receipt: past the "
                               f"{fines.first_full_days} days to pay. Record “not paid within the period”")
        decision.amount_paid = amount
    before = {"state": decision.state}
    decision.state = step
    added = PenaltyDecisionStep(step=step, happened_on=on, note=note, amount=amount, staff=staff, recorded_at=now)
    decision.steps.append(added)
    db.session.flush()
    record(f"staff:{staff.id}", f"penalty_decision.{step}", decision, before,
           {"state": step, "on": on.isoformat(), "amount": amount, "note": note})
    db.session.commit()
    return added


def next_steps(decision: PenaltyDecision) -> list[tuple[str, str]]:
    return [(s, legal.STEP_WORDS[s]) for s in legal.NEXT_STEPS[decision.state]]


def decisions_at(school_ids: list[int]) -> list[PenaltyDecision]:
    if not school_ids:
        return []
    return list(db.session.scalars(select(PenaltyDecision).where(PenaltyDecision.school_id.in_(school_ids))
                                   .order_by(PenaltyDecision.id.desc())))
