"""Dates and times in words on every page, in the page's language: the templates' filters over
portal.domain.dates_words (the one home of the forms), e.g. `{{ report.first_day | date_words('short day month') }}`,
`{{ report.reported_at | school_time | time_words }}`, `{{ close | clock_words }}`."""

from __future__ import annotations

from flask import Flask

from flask_babel import get_locale

from portal.domain import dates_words


def current_language() -> str:
    """The language being written: the page's (portal/web/parent/language.py), or a message's under force_locale."""
    locale = get_locale()
    return locale.language if locale is not None else "en"


def date_words(day, form: str = "weekday day month year") -> str:
    return dates_words.date_words(day, form, current_language())


def time_words(moment, form: str = "time") -> str:
    return dates_words.time_words(moment, form, current_language())


def clock_words(moment) -> str:
    return dates_words.clock_words(moment, current_language())


def register(app: Flask) -> None:
    app.add_template_filter(date_words, "date_words")
    app.add_template_filter(time_words, "time_words")
    app.add_template_filter(clock_words, "clock_words")
    app.add_template_global(lambda: dates_words.WEEKDAYS, "weekdays_of_a_week")
