"""First-day contact: the pupils absent without a word from home, the chase email, and the log of every step.

The procedure is the trust's (`[[first_day_contact]]` in the policy: ALP §12 text at 9.30, calls at 11.00, email,
home visit, other contacts, referral; RP's day-one and day-two steps). What this module decides:

- **Who is on the list for a day.** A pupil on roll that day, at one of the staff member's schools, whose latest
  recorded mark that day *for a session whose register has closed* (at the pupil's site) is N, and who has no
  absence report from a parent covering that date and session (any status: a report is word from home; the review
  queue deals with it). A later mark wins: N in the morning and present in the afternoon means the child has been
  seen, so the pupil leaves the list; if the afternoon mark has not been imported yet, the morning N still stands.
- **No mark is not absence.** A pupil with no mark at all for a closed register is *not* listed: the portal's
  register comes from MIS imports, and a late import would otherwise put the whole school on the list (the stale-
  marks fault design.md §1 warns about). Pupils with no mark for the latest closed register are counted per
  school and session instead, so the office sees that the register has not arrived (the list goes by their
  earlier mark that day, if any).
- **Resolved.** Logging a step with "contact made" (the reason is known, or the child is found) moves the pupil to
  the "contact made" part of the list; the MIS recode of the N, imported later, removes them altogether.
- **Who may act.** Any member of staff with a role at the pupil's school may see the list, send the chase email
  and log steps; the policy's `who` for each step is shown as guidance, not enforced (the office covers for the
  attendance officer and the other way round). Another school's pupils look like pupils that do not exist.
- **The chase email** goes to every contact of the pupil with parental responsibility and an email address, one
  message per family (siblings with the same contacts share one email), once per click: the click carries a
  one-time key, so a double submit queues nothing twice. Each pupil emailed gets an "email" entry in the log,
  marked as the chase email: it is contact on top of the procedure, so the next step stays the policy's (ALP's
  text at 9.30 is still due after the email; ALP's own "email" step goes to the AHOS, not the parents).

Times: register times and step times in the policy are the school's clock, so `now` is naive Europe/London time
(`clock.school_now()`); `ContactAttempt.at` is too.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import force_locale, gettext, ngettext
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from portal.clock import utcnow
from portal.domain import codes, dates_words
from portal.domain.absence import PARTS, long_date
from portal.domain.policy_rules import CONTACT_ACTIONS, ContactStep
from portal.extensions import db
from portal.models import AbsenceReport, AbsenceReportChild, Mark, OutboxMessage, Pupil, School, StaffUser
from portal.models.contact_attempt import ContactAttempt
from portal.services import NotFound, ServiceError, notify
from portal.services.audit_writer import record
from portal.services.parent_language import contact_locale
from portal.services.policies import trust_policy
from portal.services.permissions import pupil_for, schools_chosen

UNEXPLAINED = "N"
CHASE_ACTION = "email"
OUTCOME_MAX = 2000
ACTION_WORDS = {
    "text": "Text message",
    "call": "Phone call",
    "email": "Email",
    "home_visit": "Home visit",
    "other_contacts": "Other named contacts",
    "referral": "Referral",
}
SESSION_WORDS = {"AM": "morning", "PM": "afternoon"}
if set(ACTION_WORDS) != set(CONTACT_ACTIONS):  # checked at import, also under python -O
    raise RuntimeError("ACTION_WORDS must name every one of CONTACT_ACTIONS")


@dataclass(frozen=True)
class Entry:
    """A pupil on the first-day list, with what has been done and what comes next."""

    pupil: Pupil
    sessions: tuple[str, ...]  # the closed registers that day at which the pupil is N
    attempts: tuple[ContactAttempt, ...]  # steps logged for this absence, in the order taken
    steps: tuple[ContactStep, ...]  # the trust's procedure
    next_step: ContactStep | None
    due: datetime | None  # when the next step is due, if the policy gives it a time
    overdue: bool

    @property
    def resolved(self) -> bool:
        return any(a.resolved for a in self.attempts)

    @property
    def recipients(self) -> list[str]:
        return chase_recipients(self.pupil)

    @property
    def emailed(self) -> bool:
        """The chase email has gone to the parents about this absence."""
        return any(a.chase_email for a in self.attempts)


@dataclass
class FirstDayList:
    day: date
    now: datetime
    to_contact: list[Entry] = field(default_factory=list)  # vulnerable pupils first, then by name
    resolved: list[Entry] = field(default_factory=list)  # contact made today: kept for the record
    reported: list[Pupil] = field(default_factory=list)  # N, but a parent has reported: see the review queue
    # (school, session, pupils with no mark for it): the latest closed register has not all been imported
    unmarked: list[tuple[str, str, int]] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)  # registers not closed yet, in words
    closed: list[tuple[str, str]] = field(default_factory=list)  # (school, why there is no school that day)
    procedures: list[tuple[str, tuple[ContactStep, ...]]] = field(default_factory=list)  # (trust, steps)
    school_day: bool = False  # at least one of the schools has sessions that day

    @property
    def entries(self) -> list[Entry]:
        return self.to_contact + self.resolved


@dataclass
class ChaseResult:
    emailed: list[Pupil] = field(default_factory=list)
    messages: int = 0
    no_email: list[Pupil] = field(default_factory=list)  # no contact with parental responsibility and an email
    not_listed: list[Pupil] = field(default_factory=list)  # reported, seen or resolved since the page was drawn
    already: list[Pupil] = field(default_factory=list)  # this click was already sent (a double submit)


def chase_recipients(pupil: Pupil) -> list[str]:
    """The addresses the chase email goes to: contacts with parental responsibility and an email, by priority."""
    seen: list[str] = []
    for contact in sorted(pupil.contacts, key=lambda c: (c.priority, c.id or 0)):
        email = (contact.email or "").strip().lower()
        if contact.parental_responsibility and email and email not in seen:
            seen.append(email)
    return seen


def next_step(steps: tuple[ContactStep, ...], attempts: Collection[ContactAttempt]) -> ContactStep | None:
    """The first step of the procedure not yet taken.

    The attempts are matched to the steps in order: each one completes the next step with its action, so a step
    skipped stays behind (the office called before texting: the call is done, the text is not next), and a
    procedure that repeats an action (RP: text, call, then text and call again on day two) is followed through.
    The portal's chase email is contact on top of the procedure and completes no step."""
    position = 0
    for attempt in attempts:
        if getattr(attempt, "chase_email", False):
            continue
        found = next((k for k in range(position, len(steps)) if steps[k].action == attempt.action), None)
        if found is not None:
            position = found + 1
    return steps[position] if position < len(steps) else None


def first_day_list(staff: StaffUser, day: date, now: datetime, school_urn: str | None = None) -> FirstDayList:
    """The first-day contact list for `day` at the staff member's schools (or one of them), as of `now`."""
    schools = _schools(staff, school_urn)
    return _build(schools, day, now)


def _schools(staff: StaffUser, school_urn: str | None) -> list[School]:
    schools = schools_chosen(staff, school_urn)
    if school_urn and not schools:
        raise NotFound("no such school")
    return schools


def _build(schools: list[School], day: date, now: datetime, only: Collection[int] | None = None) -> FirstDayList:
    listing = FirstDayList(day=day, now=now)
    open_schools: dict[int, tuple] = {}  # school id -> (school, policy, sessions that day, site times by site id)
    for school in schools:
        policy = trust_policy(school.trust)
        spec = policy.school(school.urn)
        if spec is None:
            continue
        if (policy.trust.name, policy.first_day_contact) not in listing.procedures:
            listing.procedures.append((policy.trust.name, policy.first_day_contact))
        sessions = spec.calendar.sessions_on(day)
        if not sessions:
            listing.closed.append((school.name, spec.calendar.why_closed(day) or "No school that day"))
            continue
        default_site = spec.sites[0]
        times = {site.id: (spec.site(site.slug) or default_site) for site in school.sites}
        times[None] = default_site
        open_schools[school.id] = (school, policy, sessions, times)
        listing.school_day = True
        for session in sessions:
            closes: dict = {}
            for site in sorted(set(times.values()), key=lambda t: t.name):
                closes.setdefault(site.times(session).register_closes, []).append(site.name)
            still_open = sorted((c, names) for c, names in closes.items() if datetime.combine(day, c) > now)
            if still_open:
                where = ", ".join(f"{c:%H:%M}" + (f" ({' and '.join(names)})" if len(closes) > 1 else "")
                                  for c, names in still_open)
                listing.waiting.append(f"{school.name}: the {SESSION_WORDS[session]} register closes at {where}")
    if not open_schools:
        return listing

    roll = select(Pupil.id, Pupil.school_id, Pupil.site_id).where(
        Pupil.school_id.in_(open_schools), Pupil.admission_date <= day,
        (Pupil.leaving_date.is_(None)) | (Pupil.leaving_date >= day))
    if only is not None:
        roll = roll.where(Pupil.id.in_(only))
    pupils = db.session.execute(roll).all()
    marks = {(r.pupil_id, r.session): codes.normalise(r.code) for r in db.session.execute(
        select(Mark.pupil_id, Mark.session, Mark.code)
        .where(Mark.date == day, Mark.pupil_id.in_(roll.with_only_columns(Pupil.id))))}

    unmarked: Counter[tuple[str, str]] = Counter()
    candidates: dict[int, tuple[tuple[str, ...], str]] = {}  # pupil id -> (N sessions, the latest closed session)
    for pupil_id, school_id, site_id in pupils:
        school, _, sessions, times = open_schools[school_id]
        site = times.get(site_id, times[None])
        closed = [s for s in sessions if datetime.combine(day, site.times(s).register_closes) <= now]
        if not closed:
            continue
        if (pupil_id, closed[-1]) not in marks:
            unmarked[(school.name, closed[-1])] += 1
        latest = next(((s, marks[(pupil_id, s)]) for s in reversed(closed) if (pupil_id, s) in marks), None)
        if latest is not None and latest[1] == UNEXPLAINED:
            candidates[pupil_id] = (tuple(s for s in closed if marks.get((pupil_id, s)) == UNEXPLAINED), latest[0])
    listing.unmarked = [(name, session, n) for (name, session), n in sorted(unmarked.items())]
    if not candidates:
        return listing

    reported = set()
    for pupil_id, part in db.session.execute(
            select(AbsenceReportChild.pupil_id, AbsenceReport.part).join(AbsenceReport)
            .where(AbsenceReportChild.pupil_id.in_(candidates), AbsenceReport.first_day <= day,
                   func.coalesce(AbsenceReport.last_day, AbsenceReport.first_day) >= day)):
        if candidates[pupil_id][1] in PARTS[part]:
            reported.add(pupil_id)
    attempts: dict[int, list[ContactAttempt]] = {}
    for attempt in db.session.scalars(
            select(ContactAttempt).where(ContactAttempt.date == day, ContactAttempt.pupil_id.in_(candidates))
            .order_by(ContactAttempt.at, ContactAttempt.id)):
        attempts.setdefault(attempt.pupil_id, []).append(attempt)
    loaded = db.session.scalars(select(Pupil).where(Pupil.id.in_(candidates))
                                .options(selectinload(Pupil.contacts))).all()
    for pupil in sorted(loaded, key=lambda p: (not p.vulnerable, p.legal_surname, p.forename, p.upn)):
        if pupil.id in reported:
            listing.reported.append(pupil)
            continue
        steps = open_schools[pupil.school_id][1].first_day_contact
        done = tuple(attempts.get(pupil.id, ()))
        step = next_step(steps, done)
        due = datetime.combine(day, step.at) if step is not None and step.at is not None else None
        entry = Entry(pupil, candidates[pupil.id][0], done, steps, step, due, due is not None and now > due)
        (listing.resolved if entry.resolved else listing.to_contact).append(entry)
    return listing


def _visible_pupil(staff: StaffUser, pupil_id: int) -> Pupil:
    return pupil_for(staff, pupil_id)


@dataclass(frozen=True)
class PupilContact:
    """One pupil's first-day contact for a day: where they stand and every step logged."""

    pupil: Pupil
    entry: Entry | None  # None: not on the list (reported, seen, or never N that day)
    reported: bool
    attempts: tuple[ContactAttempt, ...]
    steps: tuple[ContactStep, ...]


def pupil_contact(staff: StaffUser, pupil_id: int, day: date, now: datetime) -> PupilContact:
    pupil = _visible_pupil(staff, pupil_id)
    listing = _build([pupil.school], day, now, only=[pupil.id])
    entry = next((e for e in listing.entries if e.pupil.id == pupil.id), None)
    attempts = tuple(db.session.scalars(
        select(ContactAttempt).where(ContactAttempt.date == day, ContactAttempt.pupil_id == pupil.id)
        .order_by(ContactAttempt.at, ContactAttempt.id)))
    steps = trust_policy(pupil.school.trust).first_day_contact
    return PupilContact(pupil, entry, pupil in listing.reported, attempts, steps)


def chase(staff: StaffUser, day: date, pupil_ids: Collection[int], click: str, now: datetime) -> ChaseResult:
    """Queue the chase email for each selected pupil still on the list, and log it as a step.

    `click` is the one-time key of the form the member of staff submitted: the same click sent twice queues
    nothing the second time. Pupils reported, seen or resolved since the page was drawn are left out."""
    if not click or len(click) > 64:
        raise ServiceError("The form has expired: open the list again")
    pupils = [_visible_pupil(staff, pupil_id) for pupil_id in dict.fromkeys(pupil_ids)]
    result = ChaseResult()
    if not pupils:
        return result
    listing = _build(list({p.school_id: p.school for p in pupils}.values()), day, now, only=[p.id for p in pupils])
    entries = {e.pupil.id: e for e in listing.to_contact}
    families: dict[tuple[str, ...], list[Entry]] = {}
    for pupil in pupils:
        entry = entries.get(pupil.id)
        if entry is None:
            result.not_listed.append(pupil)
        elif not entry.recipients:
            result.no_email.append(pupil)
        else:
            families.setdefault(tuple(sorted(entry.recipients)), []).append(entry)
    recorded_at = utcnow()
    for recipients, family in families.items():
        key = _chase_key(day, click, [e.pupil.id for e in family])
        groups = _by_locale(recipients, family)
        keys = [key if locale.startswith("en") else f"{key}:{locale}" for locale in groups]
        if db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.key.in_(keys))) is not None:
            result.already.extend(e.pupil for e in family)
            continue
        schools = list({e.pupil.school_id: e.pupil.school for e in family}.values())
        # One email per language the family's parents read (services/parent_language.py).
        for (locale, emails), message_key in zip(groups.items(), keys):
            with force_locale(locale):
                names = _names([e.pupil.forename for e in family])
                when = (gettext("today") if day == now.date()
                        else gettext("on %(day)s", day=dates_words.date_words(day, language=locale.split("_")[0])))
                subject = ngettext("Please tell us why %(names)s is not in school %(when)s",
                                   "Please tell us why %(names)s are not in school %(when)s", len(family),
                                   names=names, when=when)
                notify.queue(emails, subject, "first_day_chase", key=message_key, entries=family, day=day,
                             when=when, names=names, schools=schools,
                             link=notify.external_url("parent.report_absence"))
        result.messages += 1
        for entry in family:
            attempt = ContactAttempt(pupil_id=entry.pupil.id, date=day, action=CHASE_ACTION, at=now,
                                     outcome=f"Chase email sent to {', '.join(recipients)}.", resolved=False,
                                     chase_email=True, staff_id=staff.id, recorded_at=recorded_at)
            db.session.add(attempt)
            db.session.flush()
            record(f"staff:{staff.id}", "first_day.chase_email", attempt, after=_audit_view(attempt, entry.pupil))
            result.emailed.append(entry.pupil)
    db.session.commit()
    return result


def _chase_key(day: date, click: str, pupil_ids: list[int]) -> str:
    ids = ",".join(str(i) for i in sorted(pupil_ids))
    digest = hashlib.sha256(f"{click}|{ids}".encode()).hexdigest()[:32]
    return f"first-day:{day.isoformat()}:{digest}"


def _names(forenames: list[str]) -> str:
    """"Sam", "Sam and Sid", "Ann, Sam and Sid", in the language being written (force_locale)."""
    if len(forenames) == 1:
        return forenames[0]
    return gettext("%(first)s and %(last)s", first=", ".join(forenames[:-1]), last=forenames[-1])


def _by_locale(recipients: tuple[str, ...], family: list[Entry]) -> dict[str, list[str]]:
    """The chase's addresses grouped by the language to write to each in (their contact's, else English)."""
    contacts = [c for e in family for c in sorted(e.pupil.contacts, key=lambda c: (c.priority, c.id or 0))
                if c.parental_responsibility]
    locale_of: dict[str, str] = {}
    for contact in contacts:
        email = (contact.email or "").strip().lower()
        if email:
            locale_of.setdefault(email, contact_locale(contact))
    groups: dict[str, list[str]] = {}
    for email in recipients:
        groups.setdefault(locale_of.get(email, "en_GB"), []).append(email)
    return dict(sorted(groups.items()))


def log_step(staff: StaffUser, pupil_id: int, day: date, action: str, outcome: str, at: datetime, now: datetime,
             resolved: bool = False) -> ContactAttempt:
    """Write down a step taken for a pupil's absence on `day`: what, when (school time) and what happened."""
    pupil = _visible_pupil(staff, pupil_id)
    if action not in CONTACT_ACTIONS:
        raise ServiceError(f"Choose a step: {', '.join(ACTION_WORDS.values())}")
    outcome = (outcome or "").strip()
    if not outcome:
        raise ServiceError("Write what happened, for example “No answer, left a voicemail”")
    if len(outcome) > OUTCOME_MAX:
        raise ServiceError(f"Write what happened in {OUTCOME_MAX} characters or fewer")
    if at > now + timedelta(minutes=1):
        raise ServiceError(f"{at:%H:%M} on {long_date(at.date())} has not come yet: give the time the step was taken")
    if at.date() < day:
        raise ServiceError(f"The step was taken before the absence on {long_date(day)}: check the day")
    attempt = ContactAttempt(pupil_id=pupil.id, date=day, action=action, at=at, outcome=outcome,
                             resolved=bool(resolved), chase_email=False, staff_id=staff.id, recorded_at=utcnow())
    db.session.add(attempt)
    db.session.flush()
    record(f"staff:{staff.id}", "first_day.step", attempt, after=_audit_view(attempt, pupil))
    db.session.commit()
    return attempt


def _audit_view(attempt: ContactAttempt, pupil: Pupil) -> dict:
    return {"upn": pupil.upn, "date": attempt.date.isoformat(), "action": attempt.action,
            "at": attempt.at.isoformat(timespec="minutes"), "outcome": attempt.outcome, "resolved": attempt.resolved,
            "chase_email": attempt.chase_email}
