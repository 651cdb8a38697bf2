"""Compulsory school age (Education Act 1996 s8; domain.md Part A point 9, Part B §6).

Before it starts, sessions a pupil is not required to attend are coded X.
"""

from __future__ import annotations

import datetime as dt


def birthday(dob: dt.date, age: int) -> dt.date:
    """The day a person reaches `age`. Someone born on 29 February does so on 1 March in a common year
    (Family Law Reform Act 1969 s9)."""
    try:
        return dob.replace(year=dob.year + age)
    except ValueError:
        return dt.date(dob.year + age, 3, 1)


def compulsory_school_age_starts(dob: dt.date) -> dt.date:
    """The first of 31 December, 31 March or 31 August on or after the fifth birthday (the prescribed days)."""
    fifth = birthday(dob, 5)
    candidates = (
        dt.date(fifth.year, 3, 31),
        dt.date(fifth.year, 8, 31),
        dt.date(fifth.year, 12, 31),
    )
    return next(day for day in candidates if day >= fifth)


def last_friday_in_june(year: int) -> dt.date:
    day = dt.date(year, 6, 30)
    return day - dt.timedelta(days=(day.weekday() - 4) % 7)


def compulsory_school_age_ends(dob: dt.date) -> dt.date:
    """The last Friday in June of the school year in which the pupil turns 16.

    The school year is taken as 1 September to 31 August: a pupil turning 16 in July or August leaves on the
    last Friday of the June before, one turning 16 in September on the June after."""
    sixteenth = birthday(dob, 16)
    year = sixteenth.year + 1 if sixteenth.month >= 9 else sixteenth.year
    return last_friday_in_june(year)


def is_compulsory_school_age(dob: dt.date, on: dt.date) -> bool:
    """Both ends inclusive: compulsory school age ends at the end of the leaving day."""
    return compulsory_school_age_starts(dob) <= on <= compulsory_school_age_ends(dob)
