"""Part-time timetables (code C2) and sickness expectations: the checks before they are recorded.

A part-time timetable is temporary, agreed with the parent, and kept under review (the 2024 Regulations' C2 is
"leave of absence for the purpose of a temporary reduced timetable, agreed with a parent"; Working together to
improve school attendance asks for a time limit and regular review). The portal asks for: the parent's consent
and its date, an end date, and a review at least every two weeks (issue 18), with a reminder when one is due.
"""

from __future__ import annotations

import datetime as dt

MAX_REVIEW_DAYS = 14  # "a review at least every two weeks"
MAX_EXPECTED_DAYS = 190  # a school year: more further days of illness than that is a typing mistake


def timetable_problems(starts: dt.date | None, ends: dt.date | None, consent_on: dt.date | None,
                       consent_by: str, review_every_days: int | None, today: dt.date) -> list[str]:
    """Everything wrong with a part-time timetable as entered, in words that say what to fix."""
    problems = []
    if starts is None or ends is None:
        problems.append("Enter the first and last day of the part-time timetable: it must have an end date")
    elif ends < starts:
        problems.append("The timetable ends before it starts")
    if not consent_by.strip():
        problems.append("Enter the parent who agreed to the timetable: it needs a parent's consent")
    if consent_on is None:
        problems.append("Enter the date the parent agreed")
    elif consent_on > today:
        problems.append("The parent's consent cannot be dated in the future")
    elif starts is not None and consent_on > starts:
        problems.append("The parent must agree before the timetable starts")
    if review_every_days is None or not 1 <= review_every_days <= MAX_REVIEW_DAYS:
        problems.append(f"Review the timetable at least every {MAX_REVIEW_DAYS} days: enter 1 to {MAX_REVIEW_DAYS}")
    return problems


def next_review(after: dt.date, review_every_days: int, ends: dt.date) -> dt.date | None:
    """The next review after `after`; none once the timetable has ended (its end is its last review)."""
    day = after + dt.timedelta(days=review_every_days)
    if after >= ends:
        return None
    return min(day, ends)


def expected_days_problem(days: int | None) -> str | None:
    if days is None or not 0 <= days <= MAX_EXPECTED_DAYS:
        return f"Enter the further school days of illness expected, 0 to {MAX_EXPECTED_DAYS}"
    return None
