"""The half-termly message to parents: who gets which version, when, and the figures it states (issue 19).

Parents underestimate the school their child misses ("90%" sounds like an A and is about 19 days a year), so the
message speaks in days: missed so far, what the school's target allows by now, what the typical pupil at the school
has missed (the median, never another child's figure), and where the year ends if it goes on like this. Everything
here is pure: the service passes in the same Summary the parent page shows and the day it runs.

Kind by rule: illness and medical appointments are named as such; a pupil with an open support plan, a part-time
timetable or a recorded health need gets the version the policy chooses (or none); a message waits while a decision
about the child is open; and a family never gets two messages about one child within `days_between` days.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from portal.domain.attendance import Summary, pct
from portal.domain.calendar import SchoolCalendar
from portal.domain.nudge_rules import SITUATIONS, NudgeRules
from portal.domain.policy_rules import Bands

# Fewer possible sessions than this (two weeks of school) and a figure says little: no message yet.
MIN_POSSIBLE_SESSIONS = 20
# The school's median is shown only over at least this many pupils, so it never stands for a few children.
MIN_PUPILS_FOR_MEDIAN = 10
# An agreed temporary part-time timetable is coded C2; one within this many school days counts as current.
PART_TIME_CODE = "C2"
PART_TIME_RECENT_DAYS = 10

STANDARD, THANKS, GENTLE = "standard", "thanks", "gentle"
SEND, HELD, SKIP = "send", "held", "skip"
# Why a pupil gets no message, in words for the preview and the dry run.
REASONS = {
    "left": "no longer on roll",
    "too_early": "too early in the year to say (under two weeks of school)",
    "on_target_none": "on target, and the policy sends no thank-you",
    "situation_none": "the policy sends nothing to pupils in this situation",
    "open_decision": "held: a decision about the child is open in the queue",
    "told_recently": "already told about this child in the last week",
    "no_email": "no parent with parental responsibility has an email address",
    "sent": "already sent in this round",
}
# The next step each band asks for (the school's own `next_step` wording replaces it).
NEXT_STEP = {"below_target": "keep_going", "at_risk": "talk", "persistent": "meet", "severe": "meet"}


@dataclass(frozen=True)
class Round:
    """One batch: after a half-term ends, or one calendar month. The key makes each message once per round."""

    key: str  # "half-term:2024-10-25", "month:2024-11"
    after: date  # the last day the round looks back on (the half-term's end, or the month's last day)
    label: str  # "Autumn 1", "November 2024"


def current_round(schedule: str, calendar: SchoolCalendar, today: date, year_start: date) -> Round | None:
    """The round due on `today`, or None. Messages go on school days only; the first round of a school year is the
    one after its first half-term (or its first full month), so none goes out on stale figures from last year."""
    if schedule == "off" or not calendar.is_school_day(today):
        return None
    if schedule == "monthly":
        first = today.replace(day=1)
        previous_end = first - timedelta(days=1)
        if previous_end < year_start:
            return None
        return Round(f"month:{today:%Y-%m}", previous_end, f"{previous_end:%B %Y}")
    ended = [t for t in calendar.terms if year_start <= t.ends < today]
    if not ended:
        return None
    last = max(ended, key=lambda t: t.ends)
    return Round(f"half-term:{last.ends.isoformat()}", last.ends, last.name)


def next_round(schedule: str, calendar: SchoolCalendar, today: date,
               look_ahead: int = 200) -> tuple[date, Round] | None:
    """The first school day after `today` on which a round other than today's is due, and that round: the batch
    staff see before it goes. None if none within `look_ahead` school days (off, or the calendar ends)."""
    now = current_round(schedule, calendar, today, _school_year_start(today))
    day = today
    for _ in range(look_ahead):
        day = calendar.nth_school_day_after(day, 1)
        if day is None:
            return None
        due = current_round(schedule, calendar, day, _school_year_start(day))
        if due is not None and (now is None or due.key != now.key):
            return day, due
    return None


def _school_year_start(day: date) -> date:
    return date(day.year if day.month >= 9 else day.year - 1, 9, 1)


def days(sessions: int | Fraction) -> Decimal:
    """Sessions as days (sessions / 2, domain.md Part A point 2), to the half day."""
    return Decimal(math.floor(Fraction(sessions) + Fraction(1, 2))) / 2


def median_days_missed(absent_sessions: Iterable[int]) -> Decimal | None:
    """The median of the pupils' days missed so far (each pupil's absent sessions), or None for too few pupils."""
    values = sorted(absent_sessions)
    if len(values) < MIN_PUPILS_FOR_MEDIAN:
        return None
    return days(Fraction(statistics.median_low(values) + statistics.median_high(values), 2))


def target_days_so_far(summary: Summary, bands: Bands) -> Decimal:
    """The most a pupil could have missed by now and still be at the target: absence <= (100 - target)% of the
    possible sessions, whole sessions only."""
    return Decimal(math.floor((1 - pct(bands.target)) * summary.possible)) / 2


def projected_days(summary: Summary, remaining_sessions: int | None) -> Decimal | None:
    """Days missed by the end of the year if the rest of it goes as it has so far (whole days, half up)."""
    if not summary.possible or remaining_sessions is None:
        return None
    total = Fraction(summary.absent, summary.possible) * (summary.possible + remaining_sessions)
    return Decimal(math.floor(total / 2 + Fraction(1, 2)))


@dataclass(frozen=True)
class Facts:
    """What the rules need to know about one child."""

    summary: Summary  # this school year so far, as the parent page shows it (with by_code)
    band: str
    on_roll: bool = True
    situations: frozenset[str] = frozenset()  # some of nudge_rules.SITUATIONS
    open_decision: bool = False


@dataclass(frozen=True)
class Choice:
    outcome: str  # SEND, HELD or SKIP
    version: str | None = None  # STANDARD, THANKS or GENTLE when sent
    situation: str | None = None  # the situation that chose a gentle version
    reason: str | None = None  # a REASONS key when not sent

    @property
    def reason_words(self) -> str:
        return REASONS[self.reason] if self.reason else ""


def choose(facts: Facts, rules: NudgeRules) -> Choice:
    """Which version a child's parents get this round, or why none. The gentlest version that applies wins."""
    if not facts.on_roll:
        return Choice(SKIP, reason="left")
    if facts.summary.possible < MIN_POSSIBLE_SESSIONS:
        return Choice(SKIP, reason="too_early")
    situations = [s for s in SITUATIONS if s in facts.situations]
    chosen = {s: rules.versions[s] for s in situations}
    for situation, version in chosen.items():
        if version == "none":
            return Choice(SKIP, situation=situation, reason="situation_none")
    if facts.open_decision:
        return Choice(HELD, reason="open_decision")
    gentle = next((s for s, v in chosen.items() if v == "gentle"), None)
    if gentle:
        return Choice(SEND, GENTLE, situation=gentle)
    if facts.band == "on_target":
        return Choice(SEND, THANKS) if rules.on_target == "thanks" else Choice(SKIP, reason="on_target_none")
    return Choice(SEND, STANDARD)


def told_recently(last_told: date | None, today: date, rules: NudgeRules) -> bool:
    """A family was sent a message about this child within the last `days_between` days."""
    return last_told is not None and (today - last_told).days < rules.days_between


@dataclass(frozen=True)
class Content:
    """The message's figures, all in days: the templates word them, in the parent's language."""

    version: str
    situation: str | None
    band: str
    forename: str
    days_missed: Decimal
    illness_days: Decimal  # I: named as illness, never as a fault
    medical_days: Decimal  # M: medical or dental appointments
    unexplained_days: Decimal  # N: the school does not know the reason yet
    school_days: Decimal  # possible sessions so far, as days
    target: str  # the policy's attendance target as written: "97", "96.5"
    target_days: Decimal  # the most missed by now at the target
    median_days: Decimal | None  # the typical pupil at the school; None: not shown
    projected_days: Decimal | None  # by the end of the year at this rate; None: not shown
    year_end: date
    next_step: str | None  # a NEXT_STEP value; None for a thank-you

    @property
    def above_target(self) -> bool:
        return self.days_missed > self.target_days

    @property
    def compared_with_median(self) -> str | None:
        """ "more", "fewer" or "same" than the typical pupil, when the median is shown."""
        if self.median_days is None:
            return None
        if self.days_missed == self.median_days:
            return "same"
        return "more" if self.days_missed > self.median_days else "fewer"


def content(choice: Choice, facts: Facts, bands: Bands, forename: str, median: Decimal | None,
            remaining_sessions: int | None, year_end: date) -> Content:
    """The figures of a message that `choose` decided to send. A gentle message and a thank-you leave out the
    comparisons: for them the point is the days and the help, not where the child stands."""
    s = facts.summary
    standard = choice.version == STANDARD
    return Content(
        version=choice.version,
        situation=choice.situation,
        band=facts.band,
        forename=forename,
        days_missed=days(s.absent),
        illness_days=days(s.by_code.get("I", 0)),
        medical_days=days(s.by_code.get("M", 0)),
        unexplained_days=days(s.by_code.get("N", 0)),
        school_days=days(s.possible),
        target=f"{bands.target.normalize():f}",
        target_days=target_days_so_far(s, bands),
        median_days=median if standard else None,
        projected_days=projected_days(s, remaining_sessions) if standard and remaining_sessions else None,
        year_end=year_end,
        next_step=NEXT_STEP.get(facts.band) if choice.version != THANKS else None,
    )
