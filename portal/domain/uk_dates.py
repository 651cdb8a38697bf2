"""Dates as MIS exports and Excel in England write them: ISO, or day first; never month first.

Accepted: 2026-09-07 (ISO, also 2026/09/07), 07/09/2026 and 7/9/2026 (also with - or . between), 7 Sep 2026 and
7-Sep-2026, each optionally followed by a midnight time (2016-07-17 00:00:00, 17/07/2016 00:00), which is how Excel
and SQL-backed exports write a date held as a date-time. Refused, with what to write instead:

- a month-first date (07/17/2016): the portal is for schools in England and reads every d/m/y date day first, so a
  US-style date is only caught when its "month" is over 12. A file of such dates is refused rather than guessed;
- two-digit years (07/09/26): a date of birth in 1926 and 2026 read the same way, so the century is not guessed;
- a time other than midnight after a date, in a column that holds a date.

Date-times (recorded_at) take the same date forms followed by HH:MM or HH:MM:SS, or ISO 8601 with a time zone.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timezone

MONTHS = {name: number for number, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
_TIME = r"(?:[ T](?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.\d{1,6})?)?)?"
_ISO = re.compile(r"(?P<year>\d{4})[-/](?P<month>\d{1,2})[-/](?P<day>\d{1,2})" + _TIME)
_DAY_FIRST = re.compile(r"(?P<day>\d{1,2})(?P<sep>[/.-])(?P<month>\d{1,2})(?P=sep)(?P<year>\d{2}|\d{4})" + _TIME)
_MONTH_NAME = re.compile(r"(?P<day>\d{1,2})[ -](?P<month>[A-Za-z]{3,9})[ -](?P<year>\d{2}|\d{4})" + _TIME)
DATE_FORMS = "YYYY-MM-DD or DD/MM/YYYY, e.g. 2026-09-07 or 07/09/2026"
DATETIME_FORMS = "YYYY-MM-DDTHH:MM or DD/MM/YYYY HH:MM, e.g. 2026-09-07T09:35 or 07/09/2026 09:35"


class DateProblem(ValueError):
    """What is wrong with a date and what to write instead."""


def _parts(text: str):
    """(year, month, day, (hour, minute, second) or None) from a date in one of the accepted forms."""
    for pattern in (_ISO, _DAY_FIRST, _MONTH_NAME):
        match = pattern.fullmatch(text)
        if match:
            break
    else:
        return None
    year, day = match["year"], int(match["day"])
    if len(year) == 2:
        raise DateProblem(f"{text!r} has a two-digit year: write the year in full, e.g. "
                          f"{day:02d}/{_month(match, text):02d}/20{year}")
    month = _month(match, text)
    if pattern is _DAY_FIRST and month > 12 and day <= 12:
        raise DateProblem(f"{text!r} looks like a month-first (US) date: dates are read day first, as in England "
                          f"(DD/MM/YYYY); export the dates as DD/MM/YYYY or YYYY-MM-DD")
    clock = None
    if match["hour"] is not None:
        clock = (int(match["hour"]), int(match["minute"]), int(match["second"] or 0))
    return int(year), month, day, clock


def _month(match: re.Match, text: str) -> int:
    month = match["month"]
    if month.isdigit():
        return int(month)
    number = MONTHS.get(month[:3].lower())
    if number is None or (len(month) > 3 and not _full_month(month)):
        raise DateProblem(f"{text!r}: {month!r} is not a month")
    return number


def _full_month(name: str) -> bool:
    full = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
            "november", "december", "sept")
    return name.lower() in full


def read_date(value: str) -> date:
    """A date from an MIS export; DateProblem says what is wrong."""
    text = value.strip()
    parts = _parts(text)
    if parts is None:
        raise DateProblem(f"{text!r} is not a date: write it as {DATE_FORMS}")
    year, month, day, clock = parts
    if clock is not None and any(clock):
        raise DateProblem(f"{text!r} has a time of day ({clock[0]:02d}:{clock[1]:02d}) where a date is expected: "
                          f"write the date alone, as {DATE_FORMS}")
    try:
        return date(year, month, day)
    except ValueError:
        raise DateProblem(f"{text!r} is not a date in the calendar (day {day}, month {month}, year {year}): "
                          f"dates are read day first, as {DATE_FORMS}") from None


def read_datetime(value: str) -> datetime:
    """A date and time from an MIS export; a time zone is converted to UTC. DateProblem says what is wrong."""
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        parsed = None
    if parsed is None:
        parts = _parts(text)
        if parts is None or parts[3] is None:
            raise DateProblem(f"{text!r} is not a date and time: write it as {DATETIME_FORMS}")
        year, month, day, (hour, minute, second) = parts
        try:
            parsed = datetime(year, month, day, hour, minute, second)
        except ValueError:
            raise DateProblem(f"{text!r} is not a date and time in the calendar: dates are read day first, "
                              f"as {DATETIME_FORMS}") from None
    if parsed.tzinfo is not None:
        try:
            parsed = parsed.astimezone(timezone.utc).replace(tzinfo=None)
        except OverflowError:
            raise DateProblem(f"{text!r} is not a date and time the portal can hold") from None
    return parsed
