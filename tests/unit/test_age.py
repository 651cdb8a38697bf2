"""Compulsory school age (scenario 25)."""

from __future__ import annotations

from datetime import date

import pytest

from portal.domain.age import (
    birthday, compulsory_school_age_ends, compulsory_school_age_starts, is_compulsory_school_age,
    last_friday_in_june,
)


@pytest.mark.parametrize(("dob", "starts"), [
    pytest.param(date(2020, 2, 10), date(2025, 3, 31), id="s25-born-10-feb-2020"),
    pytest.param(date(2019, 12, 31), date(2024, 12, 31), id="s25-fifth-birthday-on-a-prescribed-day"),
    pytest.param(date(2019, 8, 31), date(2024, 8, 31), id="birthday-31-august"),
    pytest.param(date(2019, 9, 1), date(2024, 12, 31), id="born-1-september"),
    pytest.param(date(2020, 1, 1), date(2025, 3, 31), id="born-1-january"),
    pytest.param(date(2020, 4, 1), date(2025, 8, 31), id="born-1-april"),
    pytest.param(date(2020, 3, 31), date(2025, 3, 31), id="born-31-march"),
    pytest.param(date(2020, 2, 29), date(2025, 3, 31), id="leap-day"),
])
def test_compulsory_school_age_starts(dob, starts):
    assert compulsory_school_age_starts(dob) == starts


@pytest.mark.parametrize(("dob", "ends"), [
    pytest.param(date(2009, 2, 10), date(2025, 6, 27), id="turns-16-in-february"),
    pytest.param(date(2009, 6, 27), date(2025, 6, 27), id="turns-16-on-the-leaving-day"),
    pytest.param(date(2009, 6, 30), date(2025, 6, 27), id="turns-16-just-after-leaving-day"),
    pytest.param(date(2009, 8, 31), date(2025, 6, 27), id="summer-born-leaves-at-15"),
    pytest.param(date(2009, 9, 1), date(2026, 6, 26), id="september-born-leaves-the-june-after"),
    pytest.param(date(2007, 1, 10), date(2023, 6, 30), id="june-30-is-a-friday"),
    pytest.param(date(2007, 12, 25), date(2024, 6, 28), id="turns-16-at-christmas"),
])
def test_compulsory_school_age_ends(dob, ends):
    assert compulsory_school_age_ends(dob) == ends


@pytest.mark.parametrize(("dob", "on", "expected"), [
    pytest.param(date(2020, 2, 10), date(2025, 3, 30), False, id="day-before-start"),
    pytest.param(date(2020, 2, 10), date(2025, 3, 31), True, id="start-day"),
    pytest.param(date(2009, 2, 10), date(2025, 6, 27), True, id="leaving-day"),
    pytest.param(date(2009, 2, 10), date(2025, 6, 28), False, id="day-after-leaving"),
])
def test_is_compulsory_school_age(dob, on, expected):
    assert is_compulsory_school_age(dob, on) is expected


def test_leap_day_birthday_is_1_march_in_a_common_year():
    assert birthday(date(2020, 2, 29), 5) == date(2025, 3, 1)
    assert birthday(date(2020, 2, 29), 4) == date(2024, 2, 29)


@pytest.mark.parametrize(("year", "day"), [(2023, 30), (2025, 27), (2026, 26), (2024, 28)])
def test_last_friday_in_june(year, day):
    assert last_friday_in_june(year) == date(year, 6, day)
