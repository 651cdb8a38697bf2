"""Penalty notices: the national threshold, the fines, and Nottingham-style local leave flags.

Reaching a threshold means a person must *consider* a notice (domain.md Part A point 4): everything here flags,
nothing issues.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from . import codes
from .calendar import SchoolCalendar, monday_of
from .marks import Mark
from .policy_rules import Fines, LocalPenaltyRule, PenaltyRules


@dataclass(frozen=True)
class ThresholdResult:
    met: bool
    first_met_on: dt.date | None  # the date of the session that first completed a qualifying window
    window_start: dt.date | None  # Monday of the first school week of the worst window
    window_end: dt.date | None  # Sunday of its last school week
    counted: int  # counted sessions (G, O, U by default) in the worst window
    pending: int  # pending sessions (N by default) in that window: shown, not counted
    sessions: tuple[Mark, ...] = ()  # the counted marks in that window, for staff to check


def threshold_reached(marks: Iterable[Mark], school_weeks: Sequence[dt.date], rules: PenaltyRules,
                      as_of: dt.date) -> ThresholdResult:
    """Has the pupil had `threshold_sessions` counted sessions within any `window_school_weeks` school weeks?

    `school_weeks` are the Mondays of the weeks holding a session of the pupil's calendar; for a pupil who moved
    school pass the union of both schools' weeks (the window crosses terms, years and schools). A week holding a
    counted or pending mark is a school week even if the caller's list missed it."""
    counted_codes = frozenset(codes.normalise(c) for c in rules.counted_codes)
    pending_codes = frozenset(codes.normalise(c) for c in rules.pending_codes) - counted_codes
    counted: list[Mark] = []
    pending: list[Mark] = []
    for m in marks:
        if m.date <= as_of:
            if m.code in counted_codes:
                counted.append(m)
            elif m.code in pending_codes:
                pending.append(m)
    # Sorted after filtering: a stable sort keeps the order sorting every mark first would give.
    counted.sort(key=_key)
    pending.sort(key=_key)
    days = {m.date for m in counted} | {m.date for m in pending}
    monday = {day: monday_of(day) for day in days}
    weeks = sorted({w for w in school_weeks if w <= as_of} | set(monday.values()))
    if not weeks:
        return ThresholdResult(False, None, None, None, 0, 0)
    index = {week: i for i, week in enumerate(weeks)}
    week_of = {day: index[m] for day, m in monday.items()}
    counted_weeks = [week_of[m.date] for m in counted]  # never decreasing: the marks are in date order
    size = rules.window_school_weeks

    # The window ending in a mark's week reaches furthest back, so it is the one to test; as the marks go on,
    # its first week only moves forward, so one pass with two ends counts every window (the whole-trust alerts
    # judge hundreds of counted sessions a pupil).
    first_met_on = None
    oldest = 0
    for position, week in enumerate(counted_weeks):
        while oldest <= position and counted_weeks[oldest] < week - size + 1:
            oldest += 1
        if position - oldest + 1 >= rules.threshold_sessions:
            first_met_on = counted[position].date
            break

    # Sessions before each week, so a window of weeks is one subtraction.
    counted_before = _before_each_week(counted_weeks, len(weeks))
    pending_before = _before_each_week([week_of[m.date] for m in pending], len(weeks))

    starts = range(max(1, len(weeks) - size + 1))
    ends = [min(start + size, len(weeks)) for start in starts]
    firsts = [min(start, len(weeks)) for start in starts]
    # (counted, pending, start): on a tie the most recent window wins, as it is the one staff can still act on.
    best = max(zip([counted_before[e] - counted_before[f] for f, e in zip(firsts, ends)],
                   [pending_before[e] - pending_before[f] for f, e in zip(firsts, ends)], starts))
    start = best[2]
    last = weeks[min(start + size, len(weeks)) - 1]
    window = tuple(m for m, week in zip(counted, counted_weeks) if start <= week < start + size)
    return ThresholdResult(
        met=first_met_on is not None,
        first_met_on=first_met_on,
        window_start=weeks[start],
        window_end=last + dt.timedelta(days=6),
        counted=best[0],
        pending=best[1],
        sessions=window,
    )


def _key(mark: Mark) -> tuple[dt.date, int]:
    return mark.key


def _before_each_week(mark_weeks: list[int], weeks: int) -> list[int]:
    """before[i]: how many of the marks fall in weeks 0 to i-1 (i from 0 to `weeks`)."""
    before = [0] * (weeks + 1)
    for week in mark_weeks:
        before[week + 1] += 1
    for i in range(weeks):
        before[i + 1] += before[i]
    return before


@dataclass(frozen=True)
class NextNotice:
    kind: str  # "first", "second" or "none" (no third within the repeat window: alternative action)
    early_amount: int | None  # GBP if paid within early_days (first notice only)
    early_days: int | None
    full_amount: int | None  # GBP if paid within full_days
    full_days: int | None
    message: str
    counted_notices: tuple[dt.date, ...] = ()  # earlier notices in the current repeat window


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day `years` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def next_notice(previous_notices: Iterable[tuple[dt.date, bool]], on: dt.date, fines: Fines) -> NextNotice:
    """What a notice issued `on` would be, for one parent and one child.

    `previous_notices` are (issued_on, withdrawn). Withdrawn notices do not count; paid, unpaid and prosecuted
    ones do. The first counted notice opens a window of `repeat_window_years`: inside it a second notice is a flat
    amount and a third cannot be issued; a notice after the window closes opens a new one."""
    issued = sorted(day for day, withdrawn in previous_notices if not withdrawn and day <= on)
    window: list[dt.date] = []
    for day in issued:
        if window and day < add_years(window[0], fines.repeat_window_years):
            window.append(day)
        else:
            window = [day]
    if window and on >= add_years(window[0], fines.repeat_window_years):
        window = []
    if not window:
        return NextNotice("first", fines.first_early, fines.first_early_days, fines.first_full,
                          fines.first_full_days,
                          f"First notice: £{fines.first_early} if paid within {fines.first_early_days} days, "
                          f"£{fines.first_full} within {fines.first_full_days} days.")
    if len(window) == 1:
        return NextNotice("second", None, None, fines.second, fines.first_full_days,
                          f"Second notice within {fines.repeat_window_years} years of the first "
                          f"({window[0].isoformat()}): a flat £{fines.second}, no reduced amount.",
                          tuple(window))
    closes = add_years(window[0], fines.repeat_window_years)
    return NextNotice("none", None, None, None, None,
                      f"No further notice can be issued before {closes.isoformat()}: the local authority "
                      "considers alternative action (which may be prosecution).", tuple(window))


def amount_payable(notice: NextNotice, days_after_receipt: int) -> int | None:
    """What a notice costs if paid this many days after receipt; None once it can no longer be paid."""
    if notice.early_amount is not None and days_after_receipt <= notice.early_days:
        return notice.early_amount
    if notice.full_amount is not None and days_after_receipt <= notice.full_days:
        return notice.full_amount
    return None


def family_total(parents: int, children: int, days_after_receipt: int, notice: NextNotice) -> tuple[int, int | None]:
    """(notices, total GBP) when each parent gets one notice per child and all pay on the same day.

    Notices are per parent, per child (RP Appendix 1): 2 parents x 3 children = 6 notices."""
    count = parents * children
    each = amount_payable(notice, days_after_receipt)
    return count, (None if each is None else count * each)


@dataclass(frozen=True)
class LeaveRun:
    start: dt.date
    end: dt.date
    leave_days: tuple[dt.date, ...]  # school days with every session coded as unauthorised leave
    inset_days: tuple[dt.date, ...]  # INSET days counted into the run (never sessions)
    joined_to_holiday: bool  # next to (or spanning) a holiday, bank holiday or INSET day
    reasons: tuple[str, ...]  # "consecutive_days", "joined_to_holiday"
    message: str

    @property
    def days(self) -> int:
        return len(self.leave_days) + len(self.inset_days)


def local_leave_flag(marks: Iterable[Mark], calendar: SchoolCalendar, rule: LocalPenaltyRule,
                     leave_codes: frozenset[str] = frozenset({"G"})) -> list[LeaveRun]:
    """Runs of unauthorised leave that meet a local rule such as Nottingham's.

    A leave day is a school day on which every session is in `leave_codes`. A run is consecutive school days, so
    it may span a weekend or a holiday (which then joins it to the holiday). With `inset_counts`, INSET days
    inside or at the edge of a run count as days of it (RP: "where there was intent"), though never as sessions;
    otherwise an INSET day is treated like a holiday."""
    by_day: dict[dt.date, set[str]] = {}
    for m in marks:
        if m.code in leave_codes:
            by_day.setdefault(m.date, set()).add(m.session)
    leave = sorted(d for d, sessions in by_day.items()
                   if calendar.is_school_day(d) and set(calendar.sessions_on(d)) <= sessions)
    if not leave:
        return []
    counts_inset = {d for d in calendar.inset_days if rule.inset_counts}
    # Wide enough to reach an INSET day on the far side of the summer holiday.
    lo, hi = leave[0] - dt.timedelta(days=62), leave[-1] + dt.timedelta(days=62)
    days = sorted(set(calendar.school_days(lo, hi)) | {d for d in counts_inset if lo <= d <= hi})
    leave_set = set(leave)
    runs, current = [], []
    for day in days + [None]:
        if day is not None and (day in leave_set or day in counts_inset):
            current.append(day)
            continue
        if any(d in leave_set for d in current):
            runs.append(current)
        current = []
    flagged = []
    for run in runs:
        flag = _judge_run(run, leave_set, calendar, rule)
        if flag is not None:
            flagged.append(flag)
    return flagged


def _closed_weekday_near(calendar: SchoolCalendar, first: dt.date, last: dt.date) -> bool:
    """Is there a weekday with no school (holiday, bank holiday, INSET, closure) next to or inside the run?"""
    before, after = first - dt.timedelta(days=1), last + dt.timedelta(days=1)
    while before.weekday() >= 5:
        before -= dt.timedelta(days=1)
    while after.weekday() >= 5:
        after += dt.timedelta(days=1)
    day = before
    while day <= after:
        if day.weekday() < 5 and not calendar.is_school_day(day):
            return True
        day += dt.timedelta(days=1)
    return False


def _judge_run(run: list[dt.date], leave_set: set[dt.date], calendar: SchoolCalendar,
               rule: LocalPenaltyRule) -> LeaveRun | None:
    leave_days = tuple(d for d in run if d in leave_set)
    inset = tuple(d for d in run if d not in leave_set)
    total = len(run)
    joined = _closed_weekday_near(calendar, run[0], run[-1])  # an INSET day in the run is such a weekday
    reasons = []
    if total >= rule.consecutive_leave_days:
        reasons.append("consecutive_days")
    if joined and rule.adjacent_to_holiday_days is not None and total >= rule.adjacent_to_holiday_days:
        reasons.append("joined_to_holiday")
    if not reasons:
        return None
    inset_note = f" (including {len(inset)} INSET day{'s' if len(inset) > 1 else ''})" if inset else ""
    message = (f"{total} consecutive school days of unauthorised leave{inset_note}, "
               f"{run[0].isoformat()} to {run[-1].isoformat()}"
               f"{', joined to a holiday or INSET day' if joined else ''}: {rule.name}: consider a penalty notice.")
    return LeaveRun(run[0], run[-1], leave_days, inset, joined, tuple(reasons), message)
