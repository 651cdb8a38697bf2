"""Dates and times in words, in a reader's language: the one home for how a page writes a day or a time.

Each form is named for what it shows and is a CLDR pattern, so a Polish or Romanian reader gets the language's own
day and month names and grammar ("czwartek 3 września 2026", "joi 3 septembrie 2026"); English reads exactly as
the portal has always written it ("Thursday 3 September 2026", "3 Sep"). English is formatted with the `en` locale,
not `en_GB`, whose abbreviations ("Sept") would change what English pages say. Pure: the caller passes the locale
(the templates' filters pass the page's: portal/web/dates.py).
"""

from __future__ import annotations

from datetime import date, datetime, time

from babel.dates import format_date, format_time

# name -> CLDR pattern. The comment is the English it writes (the strftime form it replaced).
DATE_FORMS = {
    "weekday day month year": "EEEE d MMMM y",  # Thursday 3 December 2026 (%A %-d %B %Y)
    "weekday day month": "EEEE d MMMM",  # Thursday 3 December (%A %-d %B)
    "weekday day": "EEEE d",  # Thursday 3 (the first day of a range within one month)
    "day month year": "d MMMM y",  # 3 December 2026 (%-d %B %Y)
    "day month": "d MMMM",  # 3 December (%-d %B)
    "short day month year": "d MMM y",  # 3 Dec 2026 (%-d %b %Y)
    "short day month": "d MMM",  # 3 Dec (%-d %b)
    "short weekday day month year": "EEE d MMM y",  # Thu 3 Dec 2026 (%a %-d %b %Y)
    "short weekday day month": "EEE d MMM",  # Thu 3 Dec (%a %-d %b)
    "short weekday": "EEE",  # Thu (%a)
    "weekday": "EEEE",  # Thursday (%A)
    "month year": "LLLL y",  # December 2026 (%B %Y)
    "month": "LLLL",  # December (%B)
}
TIME_FORMS = {
    "time": "HH:mm",  # 09:35 (%H:%M)
    "time with seconds": "HH:mm:ss",  # 09:35:07 (%H:%M:%S)
}
ENGLISH = "en"
# A Monday to a Friday, for naming the weekdays in a table's head: 4 to 8 January 2027.
WEEKDAYS = tuple(date(2027, 1, day) for day in range(4, 9))


def locale_for(language: str | None) -> str:
    """The babel locale a page language is written in: English as `en` (see the module's note)."""
    if not language or language.lower().replace("-", "_").split("_")[0] == "en":
        return ENGLISH
    return language


def date_words(day: date | datetime, form: str = "weekday day month year", language: str | None = None) -> str:
    """`day` in one of DATE_FORMS, in `language` (a locale such as "pl"; English when None)."""
    if form not in DATE_FORMS:
        raise ValueError(f"{form!r} is not a date form: one of {', '.join(DATE_FORMS)}")
    if isinstance(day, datetime):
        day = day.date()
    return format_date(day, DATE_FORMS[form], locale=locale_for(language))


def time_words(moment: time | datetime, form: str = "time", language: str | None = None) -> str:
    """`moment`'s time of day in one of TIME_FORMS (the 24-hour clock, as the school's registers are kept)."""
    if form not in TIME_FORMS:
        raise ValueError(f"{form!r} is not a time form: one of {', '.join(TIME_FORMS)}")
    if isinstance(moment, datetime):
        moment = moment.time()
    return format_time(moment, TIME_FORMS[form], locale=locale_for(language))


def clock_words(moment: time, language: str | None = None) -> str:
    """A register time as parents read it: "8:50am", "1pm" in English; the 24-hour clock elsewhere ("08:50"),
    as Polish and Romanian write times."""
    if locale_for(language) == ENGLISH:
        hour = moment.hour % 12 or 12
        minutes = f":{moment.minute:02d}" if moment.minute else ""
        return f"{hour}{minutes}{'am' if moment.hour < 12 else 'pm'}"
    return format_time(moment, "H:mm", locale=language)
