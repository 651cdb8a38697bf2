"""Part-time timetables (C2): recorded with the parent's consent, an end date and a review at least every two
weeks; reviews recorded; a reminder to the legal-action staff when a review is due (`flask legal remind`, cron).

The register's C2 marks stay the MIS's: this records the agreement behind them, for the part-time return and the
pupil's pathway ("on a part-time timetable" is shown before any letter).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import or_, select

from portal.clock import utcnow
from portal.domain import part_time as rules
from portal.domain.support_plan import clean_text, long_date
from portal.extensions import db
from portal.models import OutboxMessage, StaffRole, StaffUser
from portal.models.legal import PartTimeReview, PartTimeTimetable
from portal.services import NotFound, ServiceError, notify
from portal.services.audit_writer import record
from portal.services.legal_pathway import pupil_for_legal
from portal.services.permissions import LEGAL_ACTION, may, require

MAX_TEXT = 2000


def record_timetable(staff: StaffUser, pupil_id: int, starts: date | None, ends: date | None, arrangement: str,
                     consent_by: str, consent_on: date | None, review_every_days: int | None, today: date,
                     now: datetime | None = None) -> PartTimeTimetable:
    now = now or utcnow()
    pupil = pupil_for_legal(staff, pupil_id)
    arrangement = clean_text(arrangement or "")
    problems = rules.timetable_problems(starts, ends, consent_on, consent_by or "", review_every_days, today)
    if not arrangement:
        problems.insert(0, "Describe the arrangement: which sessions the pupil attends, and why")
    if len(arrangement) > MAX_TEXT:
        problems.append(f"The arrangement is longer than {MAX_TEXT} characters")
    if problems:
        raise ServiceError(problems[0])
    timetable = PartTimeTimetable(
        pupil=pupil, school=pupil.school, starts_on=starts, ends_on=ends, arrangement=arrangement,
        consent_by=clean_text(consent_by)[:200], consent_on=consent_on, review_every_days=review_every_days,
        next_review_on=rules.next_review(starts, review_every_days, ends) if today <= ends else None,
        created_at=now, created_by=staff)
    db.session.add(timetable)
    db.session.flush()
    record(f"staff:{staff.id}", "part_time.recorded", timetable, after={
        "pupil": pupil.upn, "from": starts.isoformat(), "to": ends.isoformat(), "consent_by": timetable.consent_by,
        "consent_on": consent_on.isoformat(), "review_every_days": review_every_days})
    db.session.commit()
    return timetable


def staff_timetable(staff: StaffUser, timetable_id: int) -> PartTimeTimetable:
    timetable = db.session.get(PartTimeTimetable, timetable_id)
    if timetable is None:
        raise NotFound("no such timetable")
    require(staff, LEGAL_ACTION, timetable.school)
    return timetable


def review(staff: StaffUser, timetable_id: int, reviewed_on: date | None, note: str, today: date,
           now: datetime | None = None) -> PartTimeReview:
    now = now or utcnow()
    timetable = staff_timetable(staff, timetable_id)
    note = clean_text(note or "")
    if reviewed_on is None or reviewed_on > today:
        raise ServiceError("Enter the date of the review: today or earlier")
    if reviewed_on < timetable.starts_on:
        raise ServiceError(f"The timetable started on {long_date(timetable.starts_on)}: a review comes after")
    if not note:
        raise ServiceError("Write down what the review found and what happens next")
    added = PartTimeReview(timetable=timetable, reviewed_on=reviewed_on, note=note[:MAX_TEXT], staff=staff,
                           recorded_at=now)
    db.session.add(added)
    before = {"next_review_on": timetable.next_review_on.isoformat() if timetable.next_review_on else None}
    timetable.next_review_on = rules.next_review(reviewed_on, timetable.review_every_days, timetable.ends_on)
    db.session.flush()
    record(f"staff:{staff.id}", "part_time.reviewed", timetable, before, {
        "reviewed_on": reviewed_on.isoformat(), "note": note,
        "next_review_on": timetable.next_review_on.isoformat() if timetable.next_review_on else None})
    db.session.commit()
    return added


def timetables_of(pupil_id: int) -> list[PartTimeTimetable]:
    return list(db.session.scalars(select(PartTimeTimetable).where(PartTimeTimetable.pupil_id == pupil_id)
                                   .order_by(PartTimeTimetable.starts_on.desc())))


def current(pupil_id: int, on: date) -> PartTimeTimetable | None:
    return db.session.scalar(select(PartTimeTimetable).where(
        PartTimeTimetable.pupil_id == pupil_id, PartTimeTimetable.starts_on <= on, PartTimeTimetable.ends_on >= on)
        .order_by(PartTimeTimetable.id.desc()).limit(1))


def _legal_staff(timetable: PartTimeTimetable) -> list[str]:
    school = timetable.school
    staff = db.session.scalars(select(StaffUser).join(StaffRole).where(StaffUser.active.is_(True)).where(
        or_(StaffRole.school_id == school.id,
            StaffRole.school_id.is_(None) & (StaffRole.trust_id == school.trust_id))).distinct())
    return sorted({s.email for s in staff if may(s, LEGAL_ACTION, school)})


def send_review_reminders(as_of: date, actor: str) -> list[PartTimeTimetable]:
    """Email the school's legal-action staff once per due review (on or before `as_of`). Safe to run often."""
    due = db.session.scalars(select(PartTimeTimetable).where(PartTimeTimetable.next_review_on.is_not(None),
                                                             PartTimeTimetable.next_review_on <= as_of)
                             .order_by(PartTimeTimetable.next_review_on)).all()
    reminded = []
    for timetable in due:
        key = f"part-time:{timetable.id}:review:{timetable.next_review_on.isoformat()}"
        recipients = _legal_staff(timetable)
        if not recipients or db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.key == key)):
            continue
        notify.queue(recipients, f"Part-time timetable review due: {timetable.pupil.name}", "part_time_review",
                     key=key, timetable=timetable, due=long_date(timetable.next_review_on),
                     link=notify.external_url("staff.legal_pupil", pupil_id=timetable.pupil_id))
        record(actor, "part_time.review_reminder", timetable,
               after={"due": timetable.next_review_on.isoformat(), "to": recipients})
        reminded.append(timetable)
    db.session.commit()
    return reminded
