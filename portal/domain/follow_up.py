"""Follow-up duties the register triggers (domain.md Part A point 8, Part B §4 and §6).

Each function returns what a member of staff should look at; the decisions (recoding, telling the local
authority, deleting a pupil from the register) stay with people.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from .attendance import sessions_as_days
from .calendar import SchoolCalendar
from .codes import normalise
from .marks import Mark
from .policy_rules import FollowUpRules

LA_RETURN_CODES = frozenset({"G", "N", "O", "U"})
DELETION_CODES = frozenset({"G", "N", "O"})


@dataclass(frozen=True)
class OverdueN:
    mark: Mark
    deadline: dt.date  # the last school day on which the N may still be replaced


def n_deadline(mark: Mark, calendar: SchoolCalendar, rules: FollowUpRules) -> dt.date | None:
    """The n_recode_after-th school day after the mark's date; None if the calendar ends first."""
    return calendar.nth_school_day_after(mark.date, rules.n_recode_after)


def n_overdue(marks: Iterable[Mark], calendar: SchoolCalendar, as_of: dt.date,
              rules: FollowUpRules) -> list[OverdueN]:
    """Every N mark not replaced by its deadline (due for recoding to O or the real reason), oldest first.

    An N may still be replaced on its deadline day; it is overdue from the day after."""
    overdue = []
    for mark in sorted((m for m in marks if m.code == "N"), key=lambda m: m.key):
        deadline = n_deadline(mark, calendar, rules)
        if deadline is not None and as_of > deadline:
            overdue.append(OverdueN(mark, deadline))
    return overdue


@dataclass(frozen=True)
class AbsenceRun:
    start: dt.date
    end: dt.date
    days: int  # school days in the run
    sessions: int


def continuous_absence(marks: Iterable[Mark], calendar: SchoolCalendar, codes: Iterable[str],
                       days: int) -> list[AbsenceRun]:
    """Runs of at least `days` continuous school days on which every session is coded in `codes`.

    Holidays and INSET days are not school days, so they neither break nor lengthen a run. A school day with a
    session missing from `marks` breaks it: an unrecorded session is not evidence of absence."""
    wanted = frozenset(normalise(c) for c in codes)
    recorded = {(m.date, m.session): m.code for m in marks}  # a later mark for a session replaces an earlier one
    # Only a day holding a wanted code can be in a run, so only those days are looked at, not every school day.
    runs: list[AbsenceRun] = []
    current: list[dt.date] = []
    sessions = previous = 0
    for day in sorted({day for (day, _), code in recorded.items() if code in wanted}):
        number = calendar.school_day_number(day)
        expected = calendar.sessions_on(day)
        if number is None or not expected or not all(recorded.get((day, s)) in wanted for s in expected):
            continue
        if current and number != previous + 1:  # a school day between them is not in the run: it breaks it
            _close_run(runs, current, sessions, days)
            current, sessions = [], 0
        current.append(day)
        sessions += len(expected)
        previous = number
    _close_run(runs, current, sessions, days)
    return runs


def _close_run(runs: list[AbsenceRun], current: list[dt.date], sessions: int, days: int) -> None:
    if current and len(current) >= days:
        runs.append(AbsenceRun(current[0], current[-1], len(current), sessions))


def la_absence_return(marks: Iterable[Mark], calendar: SchoolCalendar, rules: FollowUpRules) -> list[AbsenceRun]:
    """Continuous unauthorised absence the school must report to the local authority (10 days of G/N/O/U)."""
    return continuous_absence(marks, calendar, LA_RETURN_CODES, rules.continuous_unauthorised)


DELETION_CONDITIONS = (
    "no reasonable grounds to believe the pupil is unable to attend because of sickness or an unavoidable cause",
    "the school and the local authority have both failed, after reasonable enquiry, to find the pupil",
)


def deletion_consideration(marks: Iterable[Mark], calendar: SchoolCalendar,
                           rules: FollowUpRules) -> list[AbsenceRun]:
    """Runs that satisfy the first condition of deletion ground (i): 20 continuous school days of G/N/O only.

    Only this condition is computed; the others (DELETION_CONDITIONS) are for people to establish, and a
    deletion needs a deletion return to the local authority."""
    return continuous_absence(marks, calendar, DELETION_CODES, rules.deletion_consideration)


@dataclass(frozen=True)
class SicknessCheck:
    days_so_far: Decimal  # sessions coded I, halved
    expected_days: Decimal  # days so far plus the further days reasonably expected
    reached: bool
    expected_to_reach: bool

    @property
    def flag(self) -> bool:
        return self.reached or self.expected_to_reach


def sickness_flag(marks: Iterable[Mark], rules: FollowUpRules,
                  expected_further_days: Decimal | int = 0) -> SicknessCheck:
    """Should the school make a sickness return (I expected to reach 15 days, in a row or in total)?

    Days in a row are never more than days in total, so the total over the marks given (the caller chooses the
    period, normally the school year) decides both cases."""
    sessions = sum(1 for m in marks if m.code == "I")
    so_far = sessions_as_days(sessions)
    expected = so_far + Decimal(expected_further_days)
    return SicknessCheck(
        days_so_far=so_far,
        expected_days=expected,
        reached=so_far >= rules.sickness_days,
        expected_to_reach=expected >= rules.sickness_days,
    )
