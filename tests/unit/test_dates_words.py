"""Dates in words: English exactly as the templates' strftime wrote it before, on every day of a year (so no
English page changes); Polish and Romanian in their own grammar."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from portal.domain.dates_words import DATE_FORMS, clock_words, date_words, time_words

# Each form and the strftime it replaced in the templates.
STRFTIME = {
    "weekday day month year": "%A %-d %B %Y", "weekday day month": "%A %-d %B", "weekday day": "%A %-d",
    "day month year": "%-d %B %Y", "day month": "%-d %B", "short day month year": "%-d %b %Y",
    "short day month": "%-d %b", "short weekday day month year": "%a %-d %b %Y", "short weekday day month": "%a %-d %b",
    "short weekday": "%a",
    "weekday": "%A", "month year": "%B %Y", "month": "%B",
}


def test_every_form_has_its_english_strftime():
    assert set(STRFTIME) == set(DATE_FORMS)


@pytest.mark.parametrize("form", sorted(DATE_FORMS))
def test_english_reads_as_before_on_every_day_of_a_year(form):
    first = date(2027, 1, 1)
    for offset in range(365):
        day = first + timedelta(days=offset)
        assert date_words(day, form) == day.strftime(STRFTIME[form]) == date_words(day, form, "en_GB")


def test_times_read_as_before():
    moment = datetime(2026, 12, 3, 9, 5, 7)
    assert time_words(moment) == "09:05"
    assert time_words(moment, "time with seconds") == "09:05:07"
    assert clock_words(time(8, 50)) == "8:50am" and clock_words(time(13, 0)) == "1pm"
    assert clock_words(time(13, 0), "pl") == "13:00"


def test_polish_and_romanian_use_their_own_grammar():
    day = date(2026, 9, 3)
    assert date_words(day, "weekday day month year", "pl") == "czwartek 3 września 2026"  # genitive month
    assert date_words(day, "month year", "pl") == "wrzesień 2026"  # standing alone: nominative
    assert date_words(day, "weekday day month year", "ro") == "joi 3 septembrie 2026"


def test_an_unknown_form_is_refused_by_name():
    with pytest.raises(ValueError, match="not a date form"):
        date_words(date(2026, 9, 3), "fortnight")
