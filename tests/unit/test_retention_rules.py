"""Retention periods in whole school years, counted from the end of the record's school year (domain.md §4)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.domain.retention import (
    cutoff, cutoff_instant, kept_until, midnight_utc, periods, school_year_end, school_year_start,
)
from portal.domain.policy_rules import Retention


@pytest.mark.parametrize(("day", "start", "end"), [
    (date(2025, 9, 1), date(2025, 9, 1), date(2026, 8, 31)),
    (date(2026, 3, 15), date(2025, 9, 1), date(2026, 8, 31)),
    (date(2026, 8, 31), date(2025, 9, 1), date(2026, 8, 31)),
    (date(2024, 2, 29), date(2023, 9, 1), date(2024, 8, 31)),
])
def test_the_school_year_runs_from_september_to_august(day, start, end):
    assert (school_year_start(day), school_year_end(day)) == (start, end)


@pytest.mark.parametrize(("record", "years", "until"), [
    (date(2026, 3, 15), 6, date(2032, 8, 31)),  # 2025/26 ends 31 August 2026, kept 6 more school years
    (date(2025, 9, 1), 6, date(2032, 8, 31)),  # the first day of the same school year: the same end
    (date(2025, 8, 31), 6, date(2031, 8, 31)),  # the last day of the year before: a year earlier
    (date(2026, 3, 15), 1, date(2027, 8, 31)),
    (date(2026, 3, 15), 0, date(2026, 8, 31)),
])
def test_a_record_is_kept_until_the_end_of_its_school_year_plus_the_period(record, years, until):
    assert kept_until(record, years) == until


@pytest.mark.parametrize(("as_of", "years", "first_kept"), [
    (date(2032, 8, 31), 6, date(2025, 9, 1)),  # 2025/26 is still kept on its last day
    (date(2032, 9, 1), 6, date(2026, 9, 1)),  # and goes, whole, the next day
    (date(2033, 7, 1), 6, date(2026, 9, 1)),  # nothing more until the next 1 September
    (date(2026, 9, 1), 1, date(2025, 9, 1)),
    (date(2026, 9, 1), 0, date(2026, 9, 1)),
    (date(2026, 9, 1), -1, date(2026, 9, 1)),  # a negative period is no period
])
def test_the_cutoff_is_the_first_day_of_the_oldest_school_year_kept(as_of, years, first_kept):
    assert cutoff(as_of, years) == first_kept


@given(record=st.dates(date(2000, 1, 1), date(2060, 12, 31)), as_of=st.dates(date(2000, 1, 1), date(2070, 12, 31)),
       years=st.integers(0, 12))
def test_the_cutoff_deletes_exactly_what_is_past_its_keep_until_day(record, as_of, years):
    assert (record < cutoff(as_of, years)) == (as_of > kept_until(record, years))


def test_the_cutoff_moment_is_midnight_in_england():
    assert midnight_utc(date(2026, 1, 10)) == datetime(2026, 1, 10, 0, 0)  # GMT
    assert midnight_utc(date(2026, 9, 1)) == datetime(2026, 8, 31, 23, 0)  # BST
    assert cutoff_instant(date(2032, 9, 1), 6) == datetime(2026, 8, 31, 23, 0)  # BST: UTC+1
    assert cutoff_instant(date(2032, 1, 10), 6) == datetime(2025, 8, 31, 23, 0)


def test_registers_are_kept_at_least_six_years_whatever_the_policy_says():
    assert periods(Retention(register_years=3)).register == 6
    assert periods(Retention(register_years=3)).register_raised_from == 3
    assert periods(Retention(register_years=8)).register == 8
    assert periods(Retention(register_years=8)).register_raised_from is None
    assert periods(Retention(evidence_years=0)).evidence == 0
