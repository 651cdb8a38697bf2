"""Deletion ground (i): staff record the conditions the register cannot know, and what they decided.

The register's part (20 continuous school days of G, N or O) is worked out here from the pupil's marks, as the
deletion return does; the decision, the enquiries and the judgement about illness are recorded and audited, and
the deletion-consideration return shows them.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from portal.clock import utcnow
from portal.domain.deletion import DELETE, deletion_problems
from portal.domain.follow_up import deletion_consideration
from portal.domain.support_plan import clean_text
from portal.extensions import db
from portal.models import StaffUser
from portal.models.legal import DeletionCheck
from portal.services import ServiceError
from portal.services.audit_writer import record
from portal.services.legal_pathway import domain_marks, pupil_for_legal
from portal.services.policies import school_policy, trust_policy

LOOKBACK_DAYS = 120  # a run of 20 school days, and the weeks since, fit well inside this


def latest_run(pupil, as_of: date):
    """The pupil's most recent run of continuous G, N or O days as of `as_of` (None if there is none)."""
    _, school = school_policy(pupil.school.urn)
    follow_up = trust_policy(pupil.school.trust).follow_up
    runs = deletion_consideration(domain_marks(pupil, as_of - timedelta(days=LOOKBACK_DAYS), as_of),
                                  school.calendar, follow_up) if school else []
    return runs[-1] if runs else None


def record_check(staff: StaffUser, pupil_id: int, decision: str, no_grounds_illness: bool, school_enquiries: str,
                 la_enquiries: str, reason: str, decided_on: date | None, today: date,
                 now: datetime | None = None) -> DeletionCheck:
    now = now or utcnow()
    pupil = pupil_for_legal(staff, pupil_id)
    run = latest_run(pupil, decided_on or today)
    needed = trust_policy(pupil.school.trust).follow_up.deletion_consideration
    texts = {key: clean_text(value or "")[:2000] for key, value in
             (("school", school_enquiries), ("la", la_enquiries), ("reason", reason))}
    problems = deletion_problems(decision, run.days if run else 0, needed, no_grounds_illness, texts["school"],
                                 texts["la"], texts["reason"], decided_on, today)
    if problems:
        raise ServiceError(problems[0])
    check = DeletionCheck(pupil_id=pupil.id, school_id=pupil.school_id, run_start=run.start if run else None,
                          run_end=run.end if run else None, run_days=run.days if run else 0,
                          no_grounds_illness=no_grounds_illness, school_enquiries=texts["school"],
                          la_enquiries=texts["la"], decision=decision, reason=texts["reason"], decided_on=decided_on,
                          staff_id=staff.id, recorded_at=now)
    db.session.add(check)
    db.session.flush()
    record(f"staff:{staff.id}", f"deletion_check.{decision}", check, after={
        "pupil": pupil.upn, "run": [check.run_start.isoformat(), check.run_end.isoformat()] if run else None,
        "no_grounds_illness": no_grounds_illness, "decided_on": decided_on.isoformat(),
        "delete": decision == DELETE})
    db.session.commit()
    return check


def checks_of(pupil_id: int) -> list[DeletionCheck]:
    return list(db.session.scalars(select(DeletionCheck).where(DeletionCheck.pupil_id == pupil_id)
                                   .order_by(DeletionCheck.id.desc())))
