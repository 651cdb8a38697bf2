"""Figures in words on a parent's page, in the page's language: days (the language's plural forms, as the
half-termly message writes them: portal/services/nudge_words.py) and percentages (the language's decimal
separator and percent sign). English reads exactly as the page always has (the services' own words)."""

from __future__ import annotations

from decimal import Decimal

from flask import Flask
from flask_babel import get_locale, gettext, ngettext
from markupsafe import Markup

from portal.domain.nudge_rules import DEFAULT_LANGUAGE
from portal.services.nudge_words import NBSP, days_words as message_days_words
from portal.services.nudge_words import percent_words as message_percent_words
from portal.web.dates import current_language

def N_(text: str) -> str:
    """Marks a string for `pybabel extract` (babel.cfg: -k N_) that is translated later, where it is shown."""
    return text


# Words the register service writes outside its tables (portal/services/child_register.py), for `translated`.
REGISTER_WORDS = (N_("Late, counted as present"), N_("Not recorded yet."), N_("No session: the school was closed."),
                  N_("Weekend"), N_("INSET day (staff training, school closed to pupils)"))  # portal.domain.calendar
# A support plan's status as portal.services.support_plans.status_words writes it for a plan with its latest version
# sent (its other states are its STATE_WORDS table, read by babel.cfg).
PLAN_WORDS = (N_("Agreed"), N_("Declined by a parent"), N_("Waiting for signatures"))


def translated(text) -> str:
    """Words a domain table or service holds in English (BAND_WORDS, a register code's word and explanation),
    in the page's language; text the catalogues do not hold (a school's own wording) stays as it is. Unlike
    `_()` in a template, never %-formats the text, so a school's "90%" is safe."""
    return gettext(str(text)) if text else text  # Romanian sets the sign apart; Polish and Urdu write 93,5%


def days_words(value) -> str:
    """A portal.services.child_attendance.Days ("5 days", "half a day") in the page's language."""
    if value is None:
        return ""
    language = current_language()
    if language == DEFAULT_LANGUAGE or language not in ("pl", "ro"):
        return str(value)
    return message_days_words(Decimal(value.sessions) / 2)


def more_days_words(days) -> str:
    """How many more days would take attendance below a line: "3 more days"."""
    if current_language() == DEFAULT_LANGUAGE:
        return f"{days} more day{'' if days == 1 else 's'}"
    return ngettext("%(num)s more day", "%(num)s more days", int(days)).replace(" ", NBSP, 1)


def percent_words(value) -> str:
    """A percentage the services write as "93.5" (or a number) as "93.5%" ("93,5%" in Polish)."""
    if value is None:
        return ""
    if current_language() == DEFAULT_LANGUAGE:
        return f"{value}%"
    return Markup.escape(message_percent_words(value))


def message_lang() -> str:
    """<html lang> of an email: the language it is rendered in (the parent's page, or force_locale's)."""
    locale = get_locale()
    return "en-GB" if locale is None or locale.language == "en" else str(locale).replace("_", "-")


def register(app: Flask) -> None:
    app.add_template_global(message_lang)
    for function in (days_words, more_days_words, percent_words, translated):
        app.add_template_filter(function)
