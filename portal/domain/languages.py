"""The languages a parent may read the portal's pages in, and which one a page is shown in.

Messages (the half-termly email) go out in portal.domain.nudge_rules.LANGUAGES, each with a complete translation;
pages add Urdu, of which the page chrome (header, navigation, language choice, the child page's headings) is
translated so far and the rest reads in English, right to left around it (docs/translation.md).
"""

from __future__ import annotations

from portal.domain.nudge_rules import DEFAULT_LANGUAGE, language_code

# code -> the language's name in itself, as the GOV.UK language navigation lists them (English first).
PAGE_LANGUAGES = {"en": "English", "pl": "Polski", "ro": "Română", "ur": "اردو"}
RIGHT_TO_LEFT = frozenset({"ur"})
# What <html lang> says for each: English pages are British English.
HTML_LANG = {"en": "en-GB", "pl": "pl", "ro": "ro", "ur": "ur"}


class NotALanguage(ValueError):
    """A language the portal's pages are not shown in."""


def checked_language(value: str) -> str:
    if value not in PAGE_LANGUAGES:
        raise NotALanguage(f"{value!r} is not one of the portal's languages: {', '.join(PAGE_LANGUAGES)}")
    return value


def page_language(chosen: str | None, contact_preferences: list[str | None]) -> str:
    """The parent's own choice; else the first preferred language the school's contact records give that the
    portal translates into (as the MIS writes it: "Polish", "pl-PL"); else English."""
    if chosen in PAGE_LANGUAGES:
        return chosen
    for preference in contact_preferences:
        code = language_code(preference)
        if code != DEFAULT_LANGUAGE:
            return code
    return DEFAULT_LANGUAGE


def babel_locale(language: str) -> str:
    """The Babel locale a language's pages and emails are written in: English is British English (en_GB)."""
    return "en_GB" if language == DEFAULT_LANGUAGE else language


def direction(language: str) -> str:
    return "rtl" if language in RIGHT_TO_LEFT else "ltr"
