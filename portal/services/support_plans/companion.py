"""A version's text translated for a parent who reads the portal in Polish or Romanian: the document's own words
(headings, labels, dates, the attendance measured) in their language around what staff and the policy wrote, as
they wrote it. Shown after the English text, which is the one signed (its SHA-256), never instead of it."""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as flask_gettext

from portal.domain import support_plan as rules
from portal.domain.languages import babel_locale
from portal.domain.nudge_rules import LANGUAGES
from portal.services.nudge_words import decimal_words, percent_words
from portal.services.parent_language import day_words


def companion_document(fields: dict, language: str | None) -> rules.Document | None:
    """The version's document in `language`, or None for English (or a language not translated in full)."""
    if language not in LANGUAGES[1:]:
        return None
    with force_locale(babel_locale(language)):
        return rules.document(fields, flask_gettext, _day, percent_words, decimal_words)


def _day(value) -> str:
    # Without the weekday: a weekday's name would stand in the wrong case after "from" and "to" in Polish.
    return day_words(value, "day month year")
