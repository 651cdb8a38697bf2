"""The language of the portal's pages: the GOV.UK language navigation in the header posts here, and Flask-Babel's
locale selector reads the choice. Staff pages are in English; a signed-in parent's pages in the language they
chose (remembered on their account), else their contact's preferred language, else English; before signing in,
the choice lasts as long as the browser's session."""

from __future__ import annotations

from babel import Locale
from flask import Blueprint, Flask, abort, g, has_request_context, redirect, request, session, url_for
from flask_login import current_user, user_logged_in
from sqlalchemy.exc import SQLAlchemyError

from portal.domain.languages import (
    DEFAULT_LANGUAGE, HTML_LANG, PAGE_LANGUAGES, NotALanguage, babel_locale, checked_language, direction,
)
from portal.models import ParentAccount
from portal.services.parent_language import choose_language, language_of

bp = Blueprint("language", __name__)


def current_language() -> str:
    if not has_request_context():
        return DEFAULT_LANGUAGE
    if "page_language" not in g:
        g.page_language = _language()
    return g.page_language


def _language() -> str:
    if request.blueprint == "staff" or (request.endpoint or "").startswith("staff."):
        return DEFAULT_LANGUAGE
    user = current_user._get_current_object() if current_user else None
    if getattr(user, "kind", None) == "parent" and user.is_authenticated:  # or its resumed columns (web.session)
        try:
            return language_of(user)
        except SQLAlchemyError:  # the database is down: the error page must still be drawn, in English
            return DEFAULT_LANGUAGE
    if user is not None and user.is_authenticated:  # staff reading a shared page
        return DEFAULT_LANGUAGE
    chosen = session.get("language")
    return chosen if chosen in PAGE_LANGUAGES else DEFAULT_LANGUAGE


# Parsed once per language, not on every request (Flask-Babel takes a Locale as it is).
_LOCALES = {language: Locale.parse(babel_locale(language)) for language in PAGE_LANGUAGES}


def select_locale() -> Locale:
    """Flask-Babel's locale selector: English pages are en_GB (the emails' own locale too)."""
    language = current_language()
    return _LOCALES.get(language) or Locale.parse(babel_locale(language))


@bp.post("/language")
def choose():
    """Set the pages' language and go back to the page the parent was on (CSRF-checked like every form)."""
    try:
        language = checked_language(request.form.get("language", ""))
    except NotALanguage:
        abort(400)
    user = current_user._get_current_object()
    if isinstance(user, ParentAccount) and user.is_authenticated:
        choose_language(user, language)
    else:
        session["language"] = language
    g.pop("page_language", None)
    return redirect(_back(request.form.get("back")), code=303)


def _back(path: str | None) -> str:
    # Only a path on this site: never an address elsewhere ("//evil.example", "https://...").
    if path and path.startswith("/") and not path.startswith("//") and "\\" not in path:
        return path
    return url_for("home.index")


def page_context() -> dict:
    language = current_language()
    return {
        "page_language": language,
        "page_lang": HTML_LANG[language],
        "page_dir": direction(language),
        "page_languages": PAGE_LANGUAGES,
        "page_language_html_lang": HTML_LANG,
    }


def keep_choice_made_before_signing_in(sender, user) -> None:
    """A parent who chose a language on the sign-in pages, and has none on their account yet, keeps it."""
    chosen = session.pop("language", None)
    if isinstance(user, ParentAccount) and user.language is None and chosen in PAGE_LANGUAGES:
        choose_language(user, chosen)
    g.pop("page_language", None)


def register(app: Flask) -> None:
    app.register_blueprint(bp)
    app.context_processor(page_context)
    user_logged_in.connect(keep_choice_made_before_signing_in, app)
