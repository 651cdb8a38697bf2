"""The staff side of the half-termly message: each school's next batch, with counts and examples, before it goes;
stopping it (nothing of that round is sent until resumed), resuming it, and sending it now.

Who may stop, resume or send: the roles that run attendance (MANAGE_ROLES); any member of staff at the school may
look. Every stop, resume and send is audited, and each message sent has its own event (portal/services/nudges.py).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from portal.clock import utcnow
from portal.domain.nudges import Round
from portal.extensions import db
from portal.models import NudgeStop, School, StaffUser
from portal.services import NotFound, ServiceError, audit_writer, nudges
from portal.services.permissions import NotPermitted, roles_at, school_of, schools_chosen

MANAGE_MESSAGES = "manage_messages"  # the permission the staff pages declare
MANAGE_ROLES = frozenset({"attendance_officer", "senior_leader", "headteacher", "admin"})
EXAMPLES = 5  # one of each version, then one in each other language


@dataclass(frozen=True)
class Example:
    pupil: str
    version: str
    language: str
    to: str
    subject: str
    text: str


@dataclass
class SchoolBatch:
    school: School
    round: Round | None
    goes_on: date | None  # the day it is due: today, or the next school day a round begins
    stopped: NudgeStop | None
    may_manage: bool
    due_today: bool = False  # the round is due now (not only coming)
    emails: int = 0
    counts: Counter = field(default_factory=Counter)
    examples: list[Example] = field(default_factory=list)


def overview(staff: StaffUser, today: date, school_urn: str | None = None) -> list[SchoolBatch]:
    """Each of the member of staff's schools (or the one asked for) with its batch due today or next."""
    schools = schools_chosen(staff, school_urn)
    if school_urn and not schools:
        raise NotFound("no such school")
    found = []
    for school in schools:
        batch = nudges.plan(today, school.urn, upcoming=True)
        due = batch.rounds.get(school.name)
        goes_on = batch.goes_on.get(school.name)
        entry = SchoolBatch(school, due, goes_on, batch.stopped.get(school.name), may_manage(staff, school),
                            due_today=goes_on is not None and goes_on <= today, counts=batch.counts())
        entry.emails = sum(len(item.due) for item in batch.items)
        entry.examples = _examples(batch, today)
        found.append(entry)
    return found


def may_manage(staff: StaffUser, school: School) -> bool:
    return staff.active and bool(roles_at(staff, school) & MANAGE_ROLES)


def stop(staff: StaffUser, school_urn: str, round_key: str, today: date) -> NudgeStop:
    school, due, _ = _the_batch(staff, school_urn, round_key, today)
    existing = db.session.scalar(select(NudgeStop).where(NudgeStop.school_id == school.id,
                                                         NudgeStop.round_key == due.key))
    if existing is not None:
        return existing
    stopped = NudgeStop(school_id=school.id, round_key=due.key, stopped_by_id=staff.id, stopped_at=utcnow())
    db.session.add(stopped)
    audit_writer.record(f"staff:{staff.id}", "nudge.batch_stopped", school, after={"round": due.key})
    db.session.commit()
    return stopped


def resume(staff: StaffUser, school_urn: str, round_key: str, today: date) -> None:
    school, due, _ = _the_batch(staff, school_urn, round_key, today)
    stopped = db.session.scalar(select(NudgeStop).where(NudgeStop.school_id == school.id,
                                                        NudgeStop.round_key == due.key))
    if stopped is None:
        return
    db.session.delete(stopped)
    audit_writer.record(f"staff:{staff.id}", "nudge.batch_resumed", school, before={"round": due.key})
    db.session.commit()


def send_now(staff: StaffUser, school_urn: str, round_key: str, today: date) -> int:
    """Queue the batch due today at this school; returns how many emails. `outbox send` delivers them."""
    school, due, goes_on = _the_batch(staff, school_urn, round_key, today)
    if goes_on > today:
        raise ServiceError(f"this batch is due on {goes_on:%-d %B %Y}: it cannot go before then")
    if db.session.scalar(select(NudgeStop.id).where(NudgeStop.school_id == school.id,
                                                    NudgeStop.round_key == due.key)):
        raise ServiceError("this batch is stopped: resume it first")
    batch = nudges.send(today, f"staff:{staff.id}", school.urn)
    audit_writer.record(f"staff:{staff.id}", "nudge.batch_sent", school,
                 after={"round": due.key, "emails": len(batch.messages)})
    db.session.commit()
    return len(batch.messages)


def _the_batch(staff: StaffUser, school_urn: str, round_key: str, today: date) -> tuple[School, Round, date]:
    """The school and its batch due today or next, checked against what the member of staff saw and may do."""
    school = school_of(staff, school_urn)
    if not may_manage(staff, school):
        raise NotPermitted(f"your role at {school.name} does not allow this: ask the headteacher, a senior leader "
                           "or the attendance officer")
    batch = nudges.plan(today, school.urn, upcoming=True)
    due = batch.rounds.get(school.name)
    if due is None or due.key != round_key:
        raise ServiceError("that batch is no longer the next one: look at the page again")
    return school, due, batch.goes_on[school.name]


def _examples(batch: nudges.Batch, today: date) -> list[Example]:
    """One message of each version, then one in each other language, up to EXAMPLES."""
    chosen, seen = [], set()
    for want in ("version", "language"):
        for item, recipient in ((i, r) for i in batch.items for r in i.due):
            what = item.choice.version if want == "version" else recipient.language
            if len(chosen) < EXAMPLES and (want, what) not in seen and (item, recipient) not in chosen:
                if want == "language" and what == "en":
                    continue
                seen.add((want, what))
                chosen.append((item, recipient))
    examples = []
    for item, recipient in chosen:
        shown = nudges.example(item, recipient, today)
        if shown is not None:
            examples.append(Example(item.pupil.name, item.choice.version, recipient.language, recipient.email,
                                    *shown))
    return examples
