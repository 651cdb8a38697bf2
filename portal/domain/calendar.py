"""The school calendar: terms, INSET days, closures and English bank holidays.

A *school day* is a weekday inside a term that is not a bank holiday, an INSET day or
a whole-day closure. A *session* is the AM or PM half of a school day. A *school week*
is a Monday-to-Sunday week that holds at least one session (domain.md, Part A point 4):
weeks with none, such as half-term, are skipped when counting "10 school weeks".
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property

import holidays

AM = "AM"
PM = "PM"
SESSIONS = (AM, PM)


@dataclass(frozen=True)
class Term:
    name: str
    starts: date
    ends: date

    def __contains__(self, day: date) -> bool:
        return self.starts <= day <= self.ends


@dataclass(frozen=True)
class Closure:
    """A planned closure (polling day, snow day): the whole day, or one session."""

    name: str
    starts: date
    ends: date
    session: str | None = None  # None: whole day; "AM" or "PM": that session only

    def covers(self, day: date) -> bool:
        return self.starts <= day <= self.ends


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def bank_holiday_words(name: str) -> str:
    """A bank holiday as people say it: "Boxing Day (observed)" -> "Boxing Day bank holiday",
    "Spring Bank Holiday" -> "Spring bank holiday"."""
    name = name.replace(" (observed)", "").replace("Bank Holiday", "bank holiday")
    return name if name.endswith("bank holiday") else f"{name} bank holiday"


def english_bank_holidays(years) -> dict[date, str]:
    """England's bank holidays for the given years, from the `holidays` package."""
    return dict(holidays.country_holidays("GB", subdiv="ENG", years=sorted(set(years))))


@dataclass(frozen=True)
class SchoolCalendar:
    terms: tuple[Term, ...]
    inset_days: frozenset[date] = frozenset()
    closures: tuple[Closure, ...] = ()
    # Injected so tests can pin them; None means England's, from `holidays`.
    bank_holidays: dict[date, str] | None = field(default=None, compare=False)

    @cached_property
    def _holidays(self) -> dict[date, str]:
        if self.bank_holidays is not None:
            return self.bank_holidays
        years = {y for t in self.terms for y in range(t.starts.year, t.ends.year + 1)}
        return english_bank_holidays(years)

    @cached_property
    def _days(self) -> list[date]:
        """Every school day, sorted: the index makes counting and n-th lookups O(log n)."""
        days = []
        for term in sorted(self.terms, key=lambda t: t.starts):
            day = term.starts
            while day <= term.ends:
                if self.sessions_on(day):
                    days.append(day)
                day += timedelta(days=1)
        return days

    @cached_property
    def _day_set(self) -> frozenset[date]:
        return frozenset(self._days)

    @cached_property
    def _day_numbers(self) -> dict[date, int]:
        return {day: i for i, day in enumerate(self._days)}

    @cached_property
    def _weeks(self) -> list[date]:
        return sorted({monday_of(d) for d in self._days})

    @property
    def first_day(self) -> date | None:
        return self._days[0] if self._days else None

    @property
    def last_day(self) -> date | None:
        return self._days[-1] if self._days else None

    def term_of(self, day: date) -> Term | None:
        return next((t for t in self.terms if day in t), None)

    def why_closed(self, day: date) -> str | None:
        """Why `day` holds no session, in words a parent understands; None on a school day."""
        if day.weekday() >= 5:
            return "Weekend"
        if day in self._holidays:
            return bank_holiday_words(self._holidays[day])
        if self.term_of(day) is None:
            return self.holiday_name(day)
        if day in self.inset_days:
            return "INSET day (staff training, school closed to pupils)"
        closures = [c for c in self.closures if c.covers(day)]
        for closure in closures:
            if closure.session is None:
                return f"School closed: {closure.name}"
        if {c.session for c in closures} >= set(SESSIONS):
            return "School closed: " + " and ".join(sorted({c.name for c in closures}))
        return None

    def holiday_name(self, day: date) -> str | None:
        """The school holiday `day` falls in, weekends and bank holidays in it too, named as parents know it
        ("Christmas holiday", "October half term": `holidays_between_terms`'s names); "School holiday" before the
        calendar begins, and after its last school day "Term dates not published yet". None in term time."""
        if self.term_of(day) is not None:
            return None
        if self.last_day is None or day > self.last_day:
            return "Term dates not published yet"
        before = [t.ends for t in self.terms if t.ends < day]
        if not before:
            return "School holiday"
        first = max(before) + timedelta(days=1)
        while first.weekday() >= 5:  # named from its first weekday, as holidays_between_terms names it
            first += timedelta(days=1)
        return _holiday_name(first)

    @cached_property
    def _sessions_memo(self) -> dict[date, tuple[str, ...]]:
        return {}

    def sessions_on(self, day: date) -> tuple[str, ...]:
        """The sessions a pupil is expected on `day`: (), ("AM",), ("PM",) or ("AM", "PM")."""
        # Whole-trust alerts ask this for every school day of every pupil: work each day out once.
        memo = self._sessions_memo
        found = memo.get(day)
        if found is None:
            found = memo[day] = self._sessions_on(day)
        return found

    def _sessions_on(self, day: date) -> tuple[str, ...]:
        if self.why_closed(day) is not None:
            return ()
        closed = {c.session for c in self.closures if c.covers(day) and c.session}
        return tuple(s for s in SESSIONS if s not in closed)

    def is_school_day(self, day: date) -> bool:
        return day in self._day_set

    def school_day_number(self, day: date) -> int | None:
        """The position of `day` among the calendar's school days (0 for the first); None if not a school day.
        Two school days are consecutive when their numbers differ by one, whatever lies between them."""
        return self._day_numbers.get(day)

    def school_days(self, start: date, end: date) -> list[date]:
        """School days from `start` to `end`, both included."""
        lo = bisect.bisect_left(self._days, start)
        hi = bisect.bisect_right(self._days, end)
        return self._days[lo:hi]

    def count_school_days(self, start: date, end: date) -> int:
        """How many school days from `start` to `end`, both included."""
        return bisect.bisect_right(self._days, end) - bisect.bisect_left(self._days, start)

    def school_days_between(self, earlier: date, later: date) -> int:
        """School days strictly after `earlier`, up to and including `later`.

        This is how notice is counted: a request on Monday for leave on Friday
        gives 4 school days' notice (Tue, Wed, Thu, Fri)."""
        if later <= earlier:
            return 0
        return self.count_school_days(earlier + timedelta(days=1), later)

    def sessions(self, start: date, end: date) -> list[tuple[date, str]]:
        return [(d, s) for d in self.school_days(start, end) for s in self.sessions_on(d)]

    def nth_school_day_after(self, day: date, n: int) -> date | None:
        """The n-th school day after `day` (not counting `day`); None past the calendar's end."""
        if n < 1:
            raise ValueError("n must be 1 or more")
        index = bisect.bisect_right(self._days, day) + n - 1
        return self._days[index] if index < len(self._days) else None

    def previous_school_day(self, day: date) -> date | None:
        index = bisect.bisect_left(self._days, day) - 1
        return self._days[index] if index >= 0 else None

    def next_school_day(self, day: date) -> date | None:
        """The first school day on or after `day`."""
        index = bisect.bisect_left(self._days, day)
        return self._days[index] if index < len(self._days) else None

    def school_weeks(self, start: date | None = None, end: date | None = None) -> list[date]:
        """The Mondays of school weeks whose week overlaps [start, end]."""
        lo = 0 if start is None else bisect.bisect_left(self._weeks, monday_of(start))
        hi = len(self._weeks) if end is None else bisect.bisect_right(self._weeks, monday_of(end))
        return self._weeks[lo:hi]

    def is_school_week(self, day: date) -> bool:
        monday = monday_of(day)
        index = bisect.bisect_left(self._weeks, monday)
        return index < len(self._weeks) and self._weeks[index] == monday


# ---------------------------------------------------------------- holidays, and a calendar that runs out

@dataclass(frozen=True)
class Holiday:
    """The weekdays between two terms: the first and last weekday off."""

    name: str
    starts: date
    ends: date


def _holiday_name(first: date) -> str:
    return {10: "October half term", 11: "October half term", 12: "Christmas holiday", 1: "Christmas holiday",
            2: "February half term", 3: "Easter holiday", 4: "Easter holiday", 5: "May half term",
            6: "May half term"}.get(first.month, "Summer holiday")


def holidays_between_terms(terms) -> list[Holiday]:
    """Each gap between consecutive terms that holds a weekday, named as parents know it ("Easter holiday")."""
    ordered = sorted(terms, key=lambda t: t.starts)
    found = []
    for before, after in zip(ordered, ordered[1:]):
        first, last = before.ends + timedelta(days=1), after.starts - timedelta(days=1)
        while first <= last and first.weekday() >= 5:
            first += timedelta(days=1)
        while last >= first and last.weekday() >= 5:
            last -= timedelta(days=1)
        if first <= last:
            found.append(Holiday(_holiday_name(first), first, last))
    return found


RUNS_OUT_WARNING_FROM = (3, 1)  # 1 March of the last school year: leave is asked for months ahead


def school_year_label(day: date) -> str:
    """"2026-27" for any day from 1 September 2026 to 31 August 2027."""
    start = day.year if day.month >= 9 else day.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def calendar_runs_out(calendar: SchoolCalendar, today: date) -> date | None:
    """The last day of the calendar's terms, once it is time to add the next school year's dates; else None.

    From 1 March of the last school year the calendar holds (or at once, if that year has already ended): parents
    ask for leave and report absences ahead, and a date past the calendar has no school days to check against."""
    if not calendar.terms:
        return None
    last = max(t.ends for t in calendar.terms)
    year_start = last.year if last.month >= 9 else last.year - 1
    month, day = RUNS_OUT_WARNING_FROM
    return last if today >= date(year_start + 1, month, day) else None
