"""SchoolCalendar: which days hold sessions, and counting in school days and school weeks."""

from __future__ import annotations

from datetime import date

import pytest
from school_year import BANK_HOLIDAYS, school_year

from portal.domain.calendar import (
    Closure,
    Holiday,
    SchoolCalendar,
    Term,
    bank_holiday_words,
    calendar_runs_out,
    holidays_between_terms,
    monday_of,
    school_year_label,
)

POLLING = Closure("Polling station", date(2025, 5, 1), date(2025, 5, 1), session="AM")
SNOW = Closure("Snow", date(2025, 1, 14), date(2025, 1, 14))
CAL = school_year(closures=(POLLING, SNOW))


@pytest.mark.parametrize(("day", "sessions", "why"), [
    pytest.param(date(2024, 9, 3), ("AM", "PM"), None, id="ordinary-school-day"),
    pytest.param(date(2024, 9, 7), (), "Weekend", id="saturday"),
    pytest.param(date(2025, 5, 5), (), "May Day bank holiday", id="bank-holiday-inside-summer-term"),
    pytest.param(date(2024, 10, 30), (), "October half term", id="half-term"),
    pytest.param(date(2024, 9, 2), (), "INSET day (staff training, school closed to pupils)", id="inset-first-day"),
    pytest.param(date(2025, 5, 23), (), "INSET day (staff training, school closed to pupils)",
                 id="inset-before-half-term"),
    pytest.param(date(2025, 1, 14), (), "School closed: Snow", id="whole-day-closure"),
    pytest.param(date(2025, 5, 1), ("PM",), None, id="half-day-closure-keeps-pm"),
    pytest.param(date(2025, 9, 8), (), "Term dates not published yet", id="after-the-published-calendar"),
])
def test_sessions_and_reasons(day, sessions, why):
    assert CAL.sessions_on(day) == sessions
    assert CAL.why_closed(day) == why
    assert CAL.is_school_day(day) is bool(sessions)


def test_half_day_closure_is_a_school_day_with_one_session():
    assert CAL.sessions(date(2025, 4, 30), date(2025, 5, 1)) == [
        (date(2025, 4, 30), "AM"), (date(2025, 4, 30), "PM"), (date(2025, 5, 1), "PM")]


def test_year_has_192_school_days_and_first_and_last():
    # 39 + 35 + 29 + 30 + 22 + 37: INSET days, Easter Monday and May Day are not school days.
    assert CAL.count_school_days(date(2024, 9, 1), date(2025, 8, 31)) == 191  # the snow day is closed too
    assert school_year().count_school_days(date(2024, 9, 1), date(2025, 8, 31)) == 192
    assert CAL.first_day == date(2024, 9, 3)
    assert CAL.last_day == date(2025, 7, 22)


def test_empty_calendar_has_no_first_or_last_day():
    empty = SchoolCalendar(terms=(), bank_holidays={})
    assert empty.first_day is None and empty.last_day is None
    assert empty.school_weeks() == []


@pytest.mark.parametrize(("day", "n", "expected"), [
    pytest.param(date(2024, 10, 25), 1, date(2024, 11, 4), id="friday-before-half-term-next-day-after-holiday"),
    pytest.param(date(2024, 10, 25), 5, date(2024, 11, 8), id="fifth-school-day-across-half-term"),
    pytest.param(date(2024, 10, 21), 5, date(2024, 11, 4), id="monday-plus-5-skips-half-term"),
    pytest.param(date(2024, 10, 26), 1, date(2024, 11, 4), id="from-a-saturday"),
    pytest.param(date(2025, 5, 2), 1, date(2025, 5, 6), id="skips-may-day"),
    pytest.param(date(2025, 7, 22), 1, None, id="past-the-calendar-end"),
])
def test_nth_school_day_after(day, n, expected):
    assert CAL.nth_school_day_after(day, n) == expected


def test_nth_school_day_after_needs_n_of_one_or_more():
    with pytest.raises(ValueError):
        CAL.nth_school_day_after(date(2024, 10, 25), 0)


@pytest.mark.parametrize(("earlier", "later", "expected"), [
    pytest.param(date(2024, 9, 9), date(2024, 9, 13), 4, id="monday-for-friday-is-4"),
    pytest.param(date(2024, 9, 9), date(2024, 9, 9), 0, id="same-day"),
    pytest.param(date(2024, 9, 13), date(2024, 9, 9), 0, id="backwards-is-0"),
    pytest.param(date(2024, 10, 25), date(2024, 11, 4), 1, id="across-half-term"),
    pytest.param(date(2024, 12, 20), date(2025, 1, 8), 2, id="across-christmas-and-an-inset-day"),
])
def test_school_days_between(earlier, later, expected):
    assert CAL.school_days_between(earlier, later) == expected


def test_school_weeks_skip_half_term():
    weeks = CAL.school_weeks(date(2024, 10, 1), date(2024, 11, 15))
    assert weeks == [date(2024, 9, 30), date(2024, 10, 7), date(2024, 10, 14), date(2024, 10, 21),
                     date(2024, 11, 4), date(2024, 11, 11)]
    assert not CAL.is_school_week(date(2024, 10, 30))
    assert CAL.is_school_week(date(2024, 10, 9))
    assert not CAL.is_school_week(date(2025, 8, 4))


def test_week_with_only_an_inset_day_and_a_bank_holiday_is_not_a_school_week():
    calendar = SchoolCalendar(
        terms=(Term("t", date(2025, 5, 5), date(2025, 5, 6)), Term("u", date(2025, 5, 12), date(2025, 5, 16))),
        inset_days=frozenset({date(2025, 5, 6)}), bank_holidays=BANK_HOLIDAYS)
    assert calendar.school_weeks() == [date(2025, 5, 12)]


def test_neighbouring_school_days():
    assert CAL.previous_school_day(date(2024, 11, 4)) == date(2024, 10, 25)
    assert CAL.next_school_day(date(2024, 10, 28)) == date(2024, 11, 4)
    assert CAL.next_school_day(date(2024, 11, 4)) == date(2024, 11, 4)
    assert CAL.previous_school_day(date(2024, 9, 3)) is None
    assert CAL.next_school_day(date(2025, 7, 23)) is None


def test_term_of_and_monday_of():
    assert CAL.term_of(date(2025, 3, 3)).name == "Spring 2"
    assert CAL.term_of(date(2025, 2, 18)) is None
    assert monday_of(date(2025, 3, 9)) == date(2025, 3, 3)


def test_bank_holidays_default_to_englands_from_the_holidays_package():
    calendar = SchoolCalendar(terms=(Term("Summer 1", date(2025, 4, 22), date(2025, 5, 23)),))
    assert not calendar.is_school_day(date(2025, 5, 5))
    assert calendar.why_closed(date(2025, 5, 5)) == "May Day bank holiday"
    assert calendar.is_school_day(date(2025, 5, 6))


@pytest.mark.parametrize(("day", "name"), [
    (date(2024, 9, 3), None),
    (date(2024, 8, 20), "School holiday"),  # before the calendar's first term
    (date(2024, 10, 29), "October half term"),
    (date(2024, 12, 23), "Christmas holiday"),
    (date(2025, 1, 3), "Christmas holiday"),
    (date(2025, 2, 18), "February half term"),
    (date(2025, 4, 10), "Easter holiday"),
    (date(2025, 5, 28), "May half term"),
    (date(2025, 8, 11), "Term dates not published yet"),  # after the calendar's last school day
])
def test_holidays_are_named_as_families_call_them(day, name):
    assert CAL.holiday_name(day) == name


def test_bank_holidays_are_said_plainly():
    assert bank_holiday_words("Boxing Day (observed)") == "Boxing Day bank holiday"
    assert bank_holiday_words("Spring Bank Holiday") == "Spring bank holiday"


def test_a_day_closed_in_both_halves_says_why():
    calendar = school_year(closures=(
        Closure("Polling station", date(2025, 5, 1), date(2025, 5, 1), session="AM"),
        Closure("Staff meeting", date(2025, 5, 1), date(2025, 5, 1), session="PM"),
    ))
    assert not calendar.is_school_day(date(2025, 5, 1))
    assert calendar.why_closed(date(2025, 5, 1)) is not None


# ---------------------------------------------------------------- holidays and a calendar that runs out

def test_holidays_between_terms_are_the_weekdays_off_named_as_parents_know_them():
    terms = (Term("Autumn 1", date(2026, 9, 1), date(2026, 10, 16)), Term("Autumn 2", date(2026, 11, 2),
             date(2026, 12, 18)), Term("Spring 1", date(2027, 1, 4), date(2027, 2, 12)),
             Term("Spring 2", date(2027, 2, 15), date(2027, 3, 25)))  # no weekday between Spring 1 and 2
    assert holidays_between_terms(terms) == [
        Holiday("October half term", date(2026, 10, 19), date(2026, 10, 30)),
        Holiday("Christmas holiday", date(2026, 12, 21), date(2027, 1, 1)),
    ]


def test_a_calendar_runs_out_from_1_march_of_its_last_school_year():
    calendar = SchoolCalendar(terms=(Term("Autumn", date(2026, 9, 1), date(2026, 12, 18)),
                                     Term("Summer", date(2027, 4, 12), date(2027, 7, 21))))
    assert calendar_runs_out(calendar, date(2027, 2, 28)) is None
    assert calendar_runs_out(calendar, date(2027, 3, 1)) == date(2027, 7, 21)
    assert calendar_runs_out(calendar, date(2027, 9, 6)) == date(2027, 7, 21)  # already past it
    longer = SchoolCalendar(terms=(*calendar.terms, Term("Autumn", date(2027, 9, 1), date(2027, 12, 17))))
    assert calendar_runs_out(longer, date(2027, 3, 1)) is None  # next year's dates are in
    assert school_year_label(date(2027, 7, 21)) == "2026-27" and school_year_label(date(2027, 9, 1)) == "2027-28"
