"""A notice to improve in words: the school's English letter, the authoritative text, then, for a parent who reads
the portal in Polish or Romanian, the same letter translated for their convenience (a "companion"), never instead
of it. Both are templates/letters/_notice_to_improve_body.html, rendered in the letter's language.

What the service words itself (what happens if attendance does not improve, the support offered) is kept in each
language when the letter is fixed (the notice's fields, under its SHA-256: "companions"); what the school or its
staff wrote (the policy's paragraphs, the improvement expected, the meeting) stays as they wrote it, which the
companion says.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as flask_gettext
from markupsafe import Markup
from sqlalchemy import select

from portal.domain.languages import babel_locale
from portal.domain.nudge_rules import DEFAULT_LANGUAGE, LANGUAGES
from portal.domain.support_plan import long_date
from portal.extensions import db
from portal.models import Contact, NoticeToImprove, ParentAccount
from portal.services.first_day import ACTION_WORDS
from portal.services.parent_language import account_locale, contact_locale, day_words


def N_(text: str) -> str:
    return text  # marks a word for `pybabel extract`, translated where the letter is written


# How the support offered names the contact log's actions (portal/services/first_day.py), in the catalogues.
_ACTIONS = (N_("Text message"), N_("Phone call"), N_("Email"), N_("Home visit"), N_("Other named contacts"),
            N_("Referral"))
if set(_ACTIONS) != set(ACTION_WORDS.values()):  # checked at import, also under python -O
    raise RuntimeError("_ACTIONS must hold every one of first_day.ACTION_WORDS")


def companions(words: Callable[[Callable, Callable], dict]) -> dict[str, dict]:
    """The service's own words of a letter in each language the catalogues translate in full: `words(gettext,
    day_words)` is called once per language, inside that language."""
    kept = {}
    for language in LANGUAGES[1:]:
        with force_locale(babel_locale(language)):
            kept[language] = words(flask_gettext, day_words)
    return kept


def parent_language(notice: NoticeToImprove) -> str | None:
    """The language to write to the notice's parent in: their account's, else the one the school's records give
    them (the contact with the notice's email address); None for English."""
    account = db.session.get(ParentAccount, notice.parent_account_id) if notice.parent_account_id else None
    if account is not None:
        locale = account_locale(account)
    else:
        contact = db.session.scalar(select(Contact).where(Contact.pupil_id == notice.pupil_id,
                                                          Contact.email == notice.parent_email).limit(1)) \
            if notice.parent_email else None
        locale = contact_locale(contact) if contact is not None else DEFAULT_LANGUAGE
    return locale if locale in LANGUAGES[1:] else None


def letter_html(notice: NoticeToImprove, language: str | None = None, title_tag: str = "h1",
                section_tag: str = "h2") -> Markup:
    """The letter in English, then its companion in `language` when the letter kept one (letters fixed before
    companions were kept have none)."""
    english = _render(notice, notice.fields, DEFAULT_LANGUAGE, long_date, title_tag, section_tag)
    kept = (notice.fields.get("companions") or {}).get(language) if language else None
    if kept is None:
        return english
    fields = {**notice.fields, **kept}
    return english + _render(notice, fields, language, _day_words, title_tag, section_tag, companion=True)


def _day_words(value: date | str) -> str:
    # Without the weekday: a weekday's name would stand in the wrong case after "from" and "to" in Polish.
    return day_words(date.fromisoformat(value) if isinstance(value, str) else value, "day month year")


def _render(notice, fields: dict, language: str, dates, title_tag: str, section_tag: str,
            companion: bool = False) -> Markup:
    with force_locale(babel_locale(language)):
        # Safe as markup (bandit B704): a template rendered with autoescape, which escaped every value it holds.
        return Markup(render_template(  # nosec B704
            "letters/_notice_to_improve_letter.html", notice=notice, fields=fields, long_date=dates,
            title_tag=title_tag, section_tag=section_tag, companion=companion,
            lang="en-GB" if language == DEFAULT_LANGUAGE else language))
