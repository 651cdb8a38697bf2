"""The half-termly message to parents (issue 19): who is due, and queueing it through the outbox.

`plan(as_of)` works out, for each school whose policy makes a round due today, which parents get which version
(portal.domain.nudges) and which are held or skipped and why: the dry run and the preview print it. `send(as_of,
actor)` queues what the plan says, one email per parent with parental responsibility, in the parent's language, each
with an idempotency key (the pupil, the round and the address) so a rerun sends nothing twice, and an audit event on
the pupil (so every message is in the audit log and the subject-access export).

The figures are the parent page's: `child_attendance` assembles them, and the school's median comes from the
figures kept for oversight (`pupil_figures`), over the pupils on roll, never showing another child's figure.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal

from flask import render_template
from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.clock import school_time, utcnow
from portal.domain import nudges as rules
from portal.domain.languages import babel_locale
from portal.domain.nudge_rules import fill, language_code
from portal.extensions import db
from portal.models import AbsenceReportChild, LeaveRequestChild, Mark, NudgeStop, OutboxMessage, Pupil, School
from portal.models.absence import ACCEPTED, UNAUTHORISED
from portal.models.leave import PENDING
from portal.models.support_plan import ACTIVE, SupportPlan
from portal.services import audit_writer, notify, pupil_figures
from portal.services.attendance import school_year_of
from portal.services.child_attendance import ChildAttendance, child_attendance
from portal.services.nudge_words import phone_words, subject_for, words
from portal.services.policies import trust_policy

TEMPLATE = "nudge"  # templates/email/nudge.txt and .html


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str
    language: str  # a portal language code: "en", "pl", "ro"
    key: str  # the outbox idempotency key
    status: str = "due"  # "due", "sent" (this round, already) or "told_recently"


@dataclass
class Planned:
    """One child: chosen from the figures kept for oversight (fast, for the whole school); the message's content
    is worked out from the parent page's figures (`complete`) only for what is sent or shown."""

    pupil: Pupil
    round: rules.Round
    choice: rules.Choice
    facts: rules.Facts
    median: Decimal | None = None
    recipients: list[Recipient] = field(default_factory=list)
    content: rules.Content | None = None
    page: ChildAttendance | None = None

    @property
    def due(self) -> list[Recipient]:
        return [r for r in self.recipients if r.status == "due"] if self.choice.outcome == rules.SEND else []


@dataclass
class Batch:
    as_of: date
    rounds: dict[str, rules.Round | None]  # school name -> the round due today (or the next one), if any
    items: list[Planned] = field(default_factory=list)
    goes_on: dict[str, date] = field(default_factory=dict)  # school name -> the day its round is due
    stopped: dict[str, NudgeStop] = field(default_factory=dict)  # school name -> staff stopped its round

    @property
    def messages(self) -> list[tuple[Planned, Recipient]]:
        """What sending would queue: everything due, but for the schools whose round staff stopped."""
        return [(item, r) for item in self.items if item.pupil.school.name not in self.stopped for r in item.due]

    def counts(self) -> Counter:
        """Emails by version and language (what would go, stopped or not), and children by why they get none:
        the preview's figures."""
        found: Counter = Counter()
        for item, recipient in ((i, r) for i in self.items for r in i.due):
            found[f"email:{item.choice.version}"] += 1
            found[f"language:{recipient.language}"] += 1
        for item in self.items:
            if item.choice.outcome != rules.SEND:
                found[f"child:{item.choice.reason}"] += 1
            elif not item.due:
                statuses = {r.status for r in item.recipients}
                found["child:" + ("no_email" if not statuses else "sent" if "sent" in statuses
                                  else "told_recently")] += 1
        return found


def plan(as_of: date, school_urn: str | None = None, upcoming: bool = False) -> Batch:
    """Who is due today; with `upcoming`, a school with no round due today shows its next one, on today's figures
    (the batch staff see, and may stop, before it goes)."""
    year_start, _ = school_year_of(as_of)
    query = select(School).order_by(School.name)
    if school_urn:
        query = query.where(School.urn == school_urn)
    batch = Batch(as_of, {})
    for school in db.session.scalars(query):
        policy = trust_policy(school.trust)
        school_policy = policy.school(school.urn)
        if school_policy is None:
            continue
        due = rules.current_round(policy.nudges.schedule, school_policy.calendar, as_of, year_start)
        goes_on = as_of
        if due is None and upcoming:
            goes_on, due = rules.next_round(policy.nudges.schedule, school_policy.calendar, as_of) or (as_of, None)
        batch.rounds[school.name] = due
        if due is None:
            continue
        batch.goes_on[school.name] = goes_on
        stop = db.session.scalar(select(NudgeStop).where(NudgeStop.school_id == school.id,
                                                         NudgeStop.round_key == due.key))
        if stop is not None:
            batch.stopped[school.name] = stop
        batch.items.extend(_plan_school(school, policy, due, as_of))
    return batch


def send(as_of: date, actor: str, school_urn: str | None = None) -> Batch:
    """Queue every message the plan says is due, in one transaction; delivered by `outbox send`."""
    batch = plan(as_of, school_urn)
    for item, recipient in batch.messages:
        if complete(item, as_of).content is None:
            continue  # the page's figures choose otherwise than the kept ones: nothing goes (never seen so far)
        _queue(item, recipient)
        audit_writer.record(actor, "nudge.queued", item.pupil, after={
            "round": item.round.key, "version": item.choice.version, "situation": item.choice.situation,
            "to": recipient.email, "language": recipient.language, "days_missed": str(item.content.days_missed),
            "key": recipient.key})
    db.session.commit()
    return batch


# ---------------------------------------------------------------- working it out


def _plan_school(school: School, policy, due: rules.Round, as_of: date) -> list[Planned]:
    pupils = db.session.scalars(
        select(Pupil).options(selectinload(Pupil.contacts)).where(Pupil.school_id == school.id, Pupil.admission_date <= as_of,
                            (Pupil.leaving_date.is_(None)) | (Pupil.leaving_date >= as_of))
        .order_by(Pupil.legal_surname, Pupil.legal_forename)).all()
    if not pupils:
        return []
    ids = [p.id for p in pupils]
    kept = pupil_figures.current(pupils, {school.id: school}, as_of)
    median = rules.median_days_missed(f.summary.absent for f in kept.values() if f.summary.possible)
    open_decisions = _open_decisions(ids)
    plans = set(db.session.scalars(select(SupportPlan.pupil_id).where(
        SupportPlan.pupil_id.in_(ids), SupportPlan.state == ACTIVE)))
    part_time = set(db.session.scalars(select(Mark.pupil_id).where(
        Mark.pupil_id.in_(ids), Mark.code == rules.PART_TIME_CODE,
        Mark.date >= as_of - timedelta(days=rules.PART_TIME_RECENT_DAYS * 7 // 5))))  # school days, in weeks
    told = _last_told(ids, policy.nudges.days_between)
    already = _keys_queued(due, ids)

    planned = []
    for pupil in pupils:
        if pupil.id not in kept:
            continue  # a school its trust's policy no longer holds: nothing to judge by
        situations = frozenset(s for s, applies in (("support_plan", pupil.id in plans),
                                                    ("part_time", pupil.id in part_time),
                                                    ("health_need", pupil.health_need)) if applies)
        facts = rules.Facts(kept[pupil.id].summary, kept[pupil.id].band, situations=situations,
                            open_decision=pupil.id in open_decisions)
        item = Planned(pupil, due, rules.choose(facts, policy.nudges), facts, median)
        if item.choice.outcome == rules.SEND:
            item.recipients = _recipients(pupil, due, as_of, policy.nudges, told, already)
        planned.append(item)
    return planned


def complete(item: Planned, as_of: date) -> Planned:
    """The message's content from the parent page's figures (`child_attendance`), chosen again on them: the
    message says exactly what the page says."""
    if item.content is not None:
        return item
    policy = trust_policy(item.pupil.school.trust)
    page = child_attendance(item.pupil, as_of, register_weeks=1)
    facts = replace(item.facts, summary=page.summary, band=page.band)
    item.choice, item.facts, item.page = rules.choose(facts, policy.nudges), facts, page
    if item.choice.outcome == rules.SEND:
        calendar = policy.school(item.pupil.school.urn).calendar
        remaining = page.remaining.sessions if page.remaining is not None else None
        last_day = (calendar.school_days(as_of, page.year_end) or [page.year_end])[-1]
        item.content = rules.content(item.choice, facts, policy.bands, item.pupil.forename, item.median,
                                     remaining, last_day)
    return item


def _recipients(pupil: Pupil, due: rules.Round, as_of: date, nudge_rules, told, already) -> list[Recipient]:
    found: dict[str, Recipient] = {}
    for contact in pupil.contacts:
        if not (contact.parental_responsibility and contact.email) or contact.email in found:
            continue
        key = message_key(pupil.id, due, contact.email)
        status = "due"
        if key in already:
            status = "sent"
        elif rules.told_recently(told.get((pupil.id, _address_hash(contact.email))), as_of, nudge_rules):
            status = "told_recently"
        found[contact.email] = Recipient(contact.email, contact.name, language_code(contact.preferred_language),
                                         key, status)
    return list(found.values())


def message_key(pupil_id: int, due: rules.Round, email: str) -> str:
    """The outbox key: the pupil, the round and the address (hashed: keys are short and not an address book)."""
    return f"{key_prefix(pupil_id)}{due.key}:{_address_hash(email)}"


def key_prefix(pupil_id: int) -> str:
    """Every message about one pupil starts so (the subject-access export finds them by it)."""
    return f"nudge:{pupil_id}:"


def _address_hash(email: str) -> str:
    return hashlib.sha256(email.lower().encode()).hexdigest()[:16]


def _open_decisions(ids: list[int]) -> set[int]:
    reports = db.session.scalars(select(AbsenceReportChild.pupil_id).where(
        AbsenceReportChild.pupil_id.in_(ids), AbsenceReportChild.status.not_in((ACCEPTED, UNAUTHORISED))))
    leave = db.session.scalars(select(LeaveRequestChild.pupil_id).where(
        LeaveRequestChild.pupil_id.in_(ids), LeaveRequestChild.status == PENDING))
    return set(reports) | set(leave)


def _last_told(ids: list[int], days_between: int) -> dict[tuple[int, str], date]:
    """The school day each (pupil, address hash) was last sent a message, within `days_between` days."""
    since = utcnow() - timedelta(days=days_between + 1)
    found: dict[tuple[int, str], date] = {}
    rows = db.session.execute(select(OutboxMessage.key, OutboxMessage.created_at).where(
        OutboxMessage.key.startswith("nudge:"), OutboxMessage.created_at >= since))
    wanted = set(ids)
    for key, created_at in rows:
        _, pupil_id, *_, address = key.split(":")
        if int(pupil_id) in wanted:
            day = school_time(created_at).date()
            found[(int(pupil_id), address)] = max(day, found.get((int(pupil_id), address), day))
    return found


def _keys_queued(due: rules.Round, ids: list[int]) -> set[str]:
    prefixes = {f"{key_prefix(i)}{due.key}:" for i in ids}
    rows = db.session.scalars(select(OutboxMessage.key).where(OutboxMessage.key.like(f"nudge:%:{due.key}:%")))
    return {k for k in rows if k.rsplit(":", 1)[0] + ":" in prefixes}


# ---------------------------------------------------------------- the email


def _queue(item: Planned, recipient: Recipient) -> None:
    with force_locale(babel_locale(recipient.language)):
        subject, context = _message(item, recipient)
        notify.queue([recipient.email], subject, TEMPLATE, key=recipient.key, **context)


def example(item: Planned, recipient: Recipient, as_of: date) -> tuple[str, str] | None:
    """The subject and text of one message as it would go: the staff preview shows a few."""
    if complete(item, as_of).content is None:
        return None
    with force_locale(babel_locale(recipient.language)):
        subject, context = _message(item, recipient)
        return subject, render_template(f"email/{TEMPLATE}.txt", **context)


def _message(item: Planned, recipient: Recipient) -> tuple[str, dict]:
    """The subject and the templates' context, in the language forced around the call."""
    page, content = item.page, item.content
    school_words = trust_policy(item.pupil.school.trust).nudges.words(recipient.language)
    placeholders = dict(forename=item.pupil.forename, school=page.school_name, phone=phone_words(page.school_phone),
                        email=page.school_email)
    return subject_for(content, page.school_name), dict(
        c=content, page=page, recipient=recipient, words=words(content, page.school_phone),
        lang=recipient.language, monthly=item.round.key.startswith("month:"),
        own={k: fill(v, **placeholders) for k, v in school_words.items()},
        link=notify.external_url("parent.child", pupil_id=item.pupil.id))


def preview_text(days_value: Decimal | None) -> str:
    """Days as the dry run prints them: "4.5"."""
    return "-" if days_value is None else f"{days_value.normalize():f}"
