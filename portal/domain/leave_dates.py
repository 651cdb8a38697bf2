"""Dates for leave requests: notice given, decision deadlines, and closures joined to the leave."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .calendar import SchoolCalendar, english_bank_holidays

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class NoticeRule:
    """A notice period a policy also states, where it contradicts itself (RP: 20 days vs 6 weeks)."""

    amount: int
    unit: str  # one of settings.NOTICE_UNITS
    source: str = ""


@dataclass(frozen=True)
class ClosedSpan:
    """Weekdays without school inside or next to the leave: shown to the decider, never counted as sessions."""

    start: dt.date
    end: dt.date
    reasons: tuple[str, ...]
    where: str  # "before", "inside" or "after"


def notice_given(requested_on: dt.date, first_day: dt.date, unit: str, calendar: SchoolCalendar) -> int:
    """Notice in the policy's unit. Days count up to and including the first day of leave (Mon for Fri: 4)."""
    if unit == "calendar_days":
        return (first_day - requested_on).days
    if unit == "school_days":
        return calendar.school_days_between(requested_on, first_day)
    if unit == "weeks":
        return (first_day - requested_on).days // 7
    raise ValueError(f"unknown notice unit {unit!r}")


def decision_due(received: dt.date, amount: int, unit: str, calendar: SchoolCalendar) -> dt.date | None:
    """The day a decision is due; None when it falls beyond the calendar (school days only)."""
    if unit == "calendar_days":
        return received + dt.timedelta(days=amount)
    if unit == "school_days":
        return calendar.nth_school_day_after(received, amount)
    if unit == "working_days":
        # Working days are Mon-Fri less English bank holidays, whatever the school calendar says.
        holidays = calendar.bank_holidays
        if holidays is None:
            holidays = english_bank_holidays(range(received.year, received.year + 2 + amount // 200))
        day, left = received, amount
        while left:
            day += ONE_DAY
            if day.weekday() < 5 and day not in holidays:
                left -= 1
        return day
    raise ValueError(f"unknown decision unit {unit!r}")


def _spans(calendar: SchoolCalendar, start: dt.date, end: dt.date, where: str) -> list[ClosedSpan]:
    spans, group = [], []
    day = start
    while day <= end + ONE_DAY:
        if day <= end and not calendar.is_school_day(day):
            if day.weekday() < 5:
                group.append(day)
        elif group:
            reasons = tuple(dict.fromkeys(calendar.why_closed(d) or "Closed" for d in group))
            spans.append(ClosedSpan(group[0], group[-1], reasons, where))
            group = []
        day += ONE_DAY
    return spans


def closures_around(calendar: SchoolCalendar, first_day: dt.date, last_day: dt.date) -> list[ClosedSpan]:
    """Holidays, bank holidays, INSET days and closures inside the leave or joined to either end of it."""
    spans = []
    before = calendar.previous_school_day(first_day)
    if before is not None:
        spans += _spans(calendar, before + ONE_DAY, first_day - ONE_DAY, "before")
    spans += _spans(calendar, first_day, last_day, "inside")
    after = calendar.next_school_day(last_day + ONE_DAY)
    if after is not None:
        spans += _spans(calendar, last_day + ONE_DAY, after - ONE_DAY, "after")
    return spans


def notice_met(requested_on: dt.date, first_day: dt.date, rule: NoticeRule, calendar: SchoolCalendar) -> bool:
    if rule.unit == "weeks":  # part weeks count: 6 weeks is met by 42 days
        return (first_day - requested_on).days >= 7 * rule.amount
    return notice_given(requested_on, first_day, rule.unit, calendar) >= rule.amount
