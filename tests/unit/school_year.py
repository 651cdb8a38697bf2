"""A pinned school year (2024-25, Nottingham-like) for the domain tests: no network, no `holidays` lookup."""

from __future__ import annotations

from datetime import date, timedelta

from portal.domain.calendar import Closure, SchoolCalendar, Term
from portal.domain.marks import Mark

TERMS = (
    Term("Autumn 1", date(2024, 9, 2), date(2024, 10, 25)),
    Term("Autumn 2", date(2024, 11, 4), date(2024, 12, 20)),
    Term("Spring 1", date(2025, 1, 6), date(2025, 2, 14)),
    Term("Spring 2", date(2025, 2, 24), date(2025, 4, 4)),
    Term("Summer 1", date(2025, 4, 22), date(2025, 5, 23)),
    Term("Summer 2", date(2025, 6, 2), date(2025, 7, 22)),
)
INSET = frozenset({date(2024, 9, 2), date(2025, 1, 6), date(2025, 5, 23)})
BANK_HOLIDAYS = {
    date(2024, 8, 26): "Summer bank holiday",
    date(2024, 12, 25): "Christmas Day",
    date(2024, 12, 26): "Boxing Day",
    date(2025, 1, 1): "New Year's Day",
    date(2025, 4, 18): "Good Friday",
    date(2025, 4, 21): "Easter Monday",
    date(2025, 5, 5): "May Day",
    date(2025, 5, 26): "Spring bank holiday",
    date(2025, 8, 25): "Summer bank holiday",
}


def school_year(closures: tuple[Closure, ...] = (), inset=INSET, terms=TERMS) -> SchoolCalendar:
    return SchoolCalendar(terms=terms, inset_days=inset, closures=closures, bank_holidays=BANK_HOLIDAYS)


def day_marks(start: date, end: date, code: str, calendar: SchoolCalendar | None = None) -> list[Mark]:
    """`code` for every session of every school day from start to end (weekdays if no calendar)."""
    marks, day = [], start
    while day <= end:
        sessions = calendar.sessions_on(day) if calendar else (("AM", "PM") if day.weekday() < 5 else ())
        marks += [Mark(day, s, code) for s in sessions]
        day += timedelta(days=1)
    return marks


def sessions(codes: str | list[str], first: date = date(2024, 9, 3)) -> list[Mark]:
    """Marks on consecutive weekday sessions (AM, PM, AM...) from `first`: "//\\\\I" style or a list of codes."""
    marks, day, session = [], first, "AM"
    for code in codes:
        marks.append(Mark(day, session, code))
        if session == "AM":
            session = "PM"
        else:
            session, day = "AM", day + timedelta(days=1)
            while day.weekday() >= 5:
                day += timedelta(days=1)
    return marks
