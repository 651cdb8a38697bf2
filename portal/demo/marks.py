"""A pupil's marks as rows and CSV text, and reading generated marks back (latest register day)."""

from __future__ import annotations

import csv
import itertools
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from portal.demo.identifiers import school_year_start
from portal.demo.people import DemoPupil
from portal.demo.pupil_year import codes_for
from portal.domain.policy import Policy


def pupil_marks(pupil: DemoPupil) -> Iterator[tuple[str, ...]]:
    plan = pupil.plan
    lo = plan.first_session_on_or_after(pupil.admission_date)
    hi = plan.end_session_through(pupil.leaving_date)
    if hi <= lo:
        return iter(())
    codes_, minutes, comments = codes_for(pupil, lo, hi)
    n = hi - lo
    minutes_list, comments_list = [""] * n, [""] * n
    for k, value in minutes.items():
        minutes_list[k] = value
    for k, value in comments.items():
        comments_list[k] = value
    return zip(itertools.repeat(pupil.upn, n), plan.dates[lo:hi], plan.sessions[lo:hi], codes_, minutes_list,
               comments_list, plan.recorded[lo:hi])


def pupil_marks_csv(pupil: DemoPupil) -> str:
    plan = pupil.plan
    lo = plan.first_session_on_or_after(pupil.admission_date)
    hi = plan.end_session_through(pupil.leaving_date)
    if hi <= lo:
        return ""
    codes_, minutes, comments = codes_for(pupil, lo, hi)
    head = f"{pupil.upn},"
    heads, tails = plan.heads, plan.tails
    lines = [f"{head}{h}{c},,{t}" for h, c, t in zip(heads[lo:hi], codes_, tails[lo:hi])]
    for k in minutes.keys() | comments.keys():
        lines[k] = (f"{head}{heads[lo + k]}{codes_[k]},{minutes.get(k, '')},{csv_field(comments.get(k, ''))}"
                    f"{tails[lo + k]}")
    return "".join(lines)


QUOTED: dict[str, str] = {}


def csv_field(text: str) -> str:
    """`text` as csv.writer writes it (minimal quoting)."""
    if not text:
        return text
    done = QUOTED.get(text)
    if done is None:
        needs = any(ch in text for ch in ',"\r\n')
        done = QUOTED[text] = '"' + text.replace('"', '""') + '"' if needs else text
    return done


def read_mark_rows(path: str | Path) -> Iterator[list[str]]:
    """The rows of a marks CSV written by `write_csvs`, without the header."""
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader, None)
        yield from reader


def latest_register_day(policy: Policy, today: date) -> date | None:
    """The latest school day of this school year up to `today`, at any of the policy's schools: the day of
    the unexplained N marks. None before the year's first school day."""
    days = [s.calendar.school_days(school_year_start(today), today) for s in policy.schools]
    last = [d[-1] for d in days if d]
    return max(last) if last else None


def last_school_day_by(policy: Policy, day: date) -> date | None:
    """The latest school day on or before `day` in any of the policy's calendars (any school year)."""
    found = []
    for school in policy.schools:
        first = school.calendar.first_day
        if first is not None and first <= day:
            found.append(school.calendar.school_days(first, day)[-1])
    return max(found) if found else None
