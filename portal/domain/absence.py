"""A parent's absence report: which sessions it covers, whether it came in late, and the code staff would use.

Parents report; only staff code (Part A point 11). These rules decide what a report means, never the mark.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from portal.domain.calendar import AM, PM, SchoolCalendar
from portal.domain.policy_rules import AbsenceReporting, SessionTimes
from portal.domain.policy_words import Translate, english

WHOLE_DAY = "day"
PARTS = {WHOLE_DAY: (AM, PM), AM: (AM,), PM: (PM,)}
PART_WORDS = {WHOLE_DAY: "Whole day", AM: "Morning", PM: "Afternoon"}

ILLNESS = "illness"
MEDICAL = "medical"
RELIGIOUS = "religious"
OTHER = "other"
REASONS = {
    ILLNESS: "Illness",
    MEDICAL: "Medical or dental appointment",
    RELIGIOUS: "Religious observance",
    OTHER: "Something else",
}
# What staff would most likely record (they decide): I illness, M appointment, R religious observance.
# "Other" has no default: the office must judge it, and an unexplained reason becomes O, never silently C.
SUGGESTED_CODES = {ILLNESS: "I", MEDICAL: "M", RELIGIOUS: "R", OTHER: None}

# "Not sure yet": the report covers the first day; the parent extends it ("still off") rather than re-typing.
OPEN_ENDED_DAYS = 1


@dataclass(frozen=True)
class CoveredDay:
    date: date
    sessions: tuple[str, ...]  # the sessions reported absent that the school has that day
    closed_because: str | None = None  # set when the school is closed: weekend, holiday, INSET...


# What is wrong with a report, in English: check_report reads each through the caller's gettext (babel.cfg reads
# this table into the catalogues), so the domain stays free of Flask and the parent reads it in their language.
PROBLEM_WORDS = {
    "no_first_day": "Enter the first day of absence",
    "first_too_early": "The first day must be on or after %(day)s: for earlier absences, please contact the school "
                       "office",
    "first_too_late": "The first day must be on or before %(day)s: for absences further ahead, please contact the "
                      "school office",
    "last_before_first": "The last day must be the same as or after the first day",
    "last_too_late": "The last day must be on or before %(day)s",
    "no_term_dates": "The school has not published its term dates for %(day)s yet: please contact the school office",
    "no_school": "There is no school on the days you chose: check the dates",
    "no_reason": "Tell us the reason for the absence",
}


@dataclass(frozen=True)
class Problem:
    field: str
    message: str


def long_date(day: date) -> str:
    """"3 September 2026", as parents write dates."""
    return f"{day.day} {day:%B %Y}"


def covered_days(first: date, last: date | None, part: str, calendar: SchoolCalendar) -> list[CoveredDay]:
    """Every day from first to last (or just the first, if not sure yet), with what happens that day."""
    last = last or first
    days, day = [], first
    while day <= last:
        school = calendar.sessions_on(day)
        wanted = tuple(s for s in PARTS[part] if s in school)
        days.append(CoveredDay(day, wanted, None if wanted else calendar.why_closed(day) or "No school that session"))
        day += timedelta(days=1)
    return days


@dataclass(frozen=True)
class DayRun:
    """Days as a parent reads them: a day with school on its own, or days without school in one run, so that a
    Christmas holiday is one line ("Christmas holiday, 21 December to 1 January") rather than twelve."""

    first: date
    last: date
    sessions: tuple[str, ...]  # () when there is no school
    closed_because: str | None = None


def day_runs(days: list[CoveredDay], calendar: SchoolCalendar) -> list[DayRun]:
    """`days` (from `covered_days`) with each run of days without school for one reason joined. Weekends and bank
    holidays inside a school holiday belong to the holiday."""
    runs: list[DayRun] = []
    for day in days:
        if day.sessions:
            runs.append(DayRun(day.date, day.date, day.sessions))
            continue
        why = calendar.holiday_name(day.date) or day.closed_because
        last = runs[-1] if runs else None
        if last and not last.sessions and last.closed_because == why and last.last + timedelta(days=1) == day.date:
            runs[-1] = replace(last, last=day.date)
        else:
            runs.append(DayRun(day.date, day.date, (), why))
    return runs


def sessions_reported(first: date, last: date | None, part: str, calendar: SchoolCalendar) -> int:
    return sum(len(d.sessions) for d in covered_days(first, last, part, calendar))


def check_report(first: date | None, last: date | None, part: str, reason: str, details: str,
                 today: date, calendar: SchoolCalendar, rules: AbsenceReporting, gettext: Translate = english,
                 day_words: Callable[[date], str] = long_date) -> list[Problem]:
    """Everything wrong with a report at once, each tied to the field to fix. `gettext` and `day_words` (a date
    as "3 September 2026") write the messages in the reader's language; English without them."""
    def problem(field: str, key: str, day: date | None = None) -> Problem:
        return Problem(field, gettext(PROBLEM_WORDS[key], day=day_words(day)) if day else gettext(PROBLEM_WORDS[key]))

    problems: list[Problem] = []
    if first is None:
        return [problem("first_day", "no_first_day")]
    earliest = _school_days_back(today, rules.max_days_past, calendar)
    if first < earliest:
        problems.append(problem("first_day", "first_too_early", earliest))
    latest = today + timedelta(days=rules.max_days_ahead)
    if first > latest:
        problems.append(problem("first_day", "first_too_late", latest))
    if last is not None:
        if last < first:
            problems.append(problem("last_day", "last_before_first"))
        elif last > latest:
            problems.append(problem("last_day", "last_too_late", latest))
    if last is None or last >= first:
        if not problems and calendar.last_day is not None and first > calendar.last_day:
            problems.append(problem("first_day", "no_term_dates", first))
        elif not problems and sessions_reported(first, last, part, calendar) == 0:
            problems.append(problem("first_day", "no_school"))
    if reason == OTHER and not details.strip():
        problems.append(problem("details", "no_reason"))
    return problems


def _school_days_back(today: date, count: int, calendar: SchoolCalendar) -> date:
    """The earliest day a parent may report: `count` school days back from today (today counts as day 0)."""
    day = today
    for _ in range(count):
        previous = calendar.previous_school_day(day)
        if previous is None:
            break
        day = previous
    return day


def is_late_report(first: date, part: str, reported_at: datetime, times_by_session: dict[str, SessionTimes],
                   calendar: SchoolCalendar) -> bool:
    """Reported after the register closed for the first session it covers (domain.md Part A point 5)."""
    for day in covered_days(first, first, part, calendar):
        for session in day.sessions:
            closes = datetime.combine(day.date, times_by_session[session].register_closes)
            return reported_at > closes
    return False


def extension_first_day(last_covered: date, calendar: SchoolCalendar) -> date | None:
    """"Still off": the next school day after the days a report already covers."""
    return calendar.nth_school_day_after(last_covered, 1)
