"""Error pages: a plain-English title and a next step for people, a small JSON object for scripts.

`register(app)` installs the handlers. A browser gets `templates/errors/<code>.html` (the expired-form page is
`errors/csrf.html`), with the right status; a client that prefers JSON to HTML (`Accept: application/json`) gets
`{"error": "<title>", "status": <code>}`. No page ever shows a traceback: the 500 handler rolls the database
session back, and Flask has already logged the exception before the handler runs.
"""

from __future__ import annotations

import logging

from flask import Flask, current_app, jsonify, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from portal.extensions import db

log = logging.getLogger(__name__)

# Page titles (also the JSON "error"), in the words of the GOV.UK Design System's error-page patterns where one exists.
TITLES = {
    400: "Sorry, there is a problem with your request",
    403: "You do not have permission to see this page",
    404: "Page not found",
    405: "Sorry, this page cannot do that",
    413: "The file is too big",
    429: "Too many attempts",
    500: "Sorry, there is a problem with the service",
}
CSRF_TITLE = "This page has expired"
PAGES = {code: f"errors/{code}.html" for code in TITLES}

# Shown when even the 500 page cannot be rendered (a broken template or a failing context processor).
LAST_RESORT = "Sorry, there is a problem with the service. Try again later."


def register(app: Flask) -> None:
    for code in (400, 403, 404, 405, 413, 429):
        app.register_error_handler(code, http_error)
    app.register_error_handler(500, server_error)
    # Flask picks the most specific handler, so CSRFError (a 400) gets its own page, and any other HTTP error
    # (401, 410, 503...) a generic one rather than Werkzeug's.
    app.register_error_handler(CSRFError, csrf_error)
    app.register_error_handler(HTTPException, other_http_error)


def http_error(error: HTTPException):
    code = error.code or 500
    context = {}
    if code == 413:
        context["limit"] = size_in_mb(current_app.config.get("MAX_CONTENT_LENGTH"))
    elif code == 429:
        context["wait"] = retry_window(error)
    return respond(code, TITLES[code], PAGES[code], error, **context)


def csrf_error(error: CSRFError):
    # The form's token is missing, stale or from another session: most often a page left open too long.
    return respond(400, CSRF_TITLE, "errors/csrf.html", error, again=form_again(), home=home_page())


def form_again() -> str | None:
    """The page whose form was sent, to open afresh: the same address, when it is a page (a button-only form such
    as "still off" posts to an address with nothing to show); else None."""
    try:
        current_app.url_map.bind("", url_scheme=request.scheme).match(request.path, method="GET")
    except HTTPException:
        return None
    return request.full_path.rstrip("?")


def home_page() -> str:
    """Where the person's portal starts: a parent's children, a member of staff's review queue, or the start."""
    user_id = current_user.get_id() if current_user and current_user.is_authenticated else None
    endpoint = None if user_id is None else ("staff.queue" if user_id.startswith("staff:") else "parent.home")
    return url_for(endpoint) if endpoint in current_app.view_functions else url_for("home.index")


def other_http_error(error: HTTPException):
    code = error.code or 500
    if code >= 500:
        return server_error(error)
    return respond(code, error.name, "errors/error.html", error, description=error.description)


def server_error(error: Exception):
    # Whatever failed may have left the session mid-transaction; roll back so rendering (and the next request on
    # this connection) starts clean. A broken database must not stop the page being shown.
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - we are already handling an error; report it and carry on
        log.exception("Rolling back the database session failed while handling a server error")
    code = getattr(error, "code", None) or 500
    try:
        return respond(code, TITLES[500], PAGES[500], error)
    except Exception:  # noqa: BLE001 - never let the error page itself become a traceback
        log.exception("Rendering the error page failed")
        return LAST_RESORT, code, {"Content-Type": "text/plain; charset=utf-8"}


def respond(code: int, title: str, template: str, error: Exception, **context):
    headers = extra_headers(error)
    if wants_json():
        return jsonify(error=title, status=code), code, headers
    return render_template(template, title=title, status=code, **context), code, headers


def wants_json() -> bool:
    """True when the client prefers JSON to HTML; browsers (and `Accept: */*`) get the HTML page."""
    accept = request.accept_mimetypes
    return accept["application/json"] > accept["text/html"]


def extra_headers(error: Exception) -> dict[str, str]:
    """Headers the error carries, such as `Allow` on a 405 or `Retry-After`, but not its Content-Type."""
    if not isinstance(error, HTTPException):
        return {}
    return {name: value for name, value in error.get_headers() if name.lower() != "content-type"}


def size_in_mb(limit: int | None) -> str | None:
    """55 * 1024 * 1024 -> "55 MB"; 1.5 MB -> "1.5 MB"; under 1 MB -> "0.2 MB"; no limit -> None."""
    if not limit:
        return None
    mb = limit / (1024 * 1024)
    text = f"{mb:.1f}".rstrip("0").rstrip(".")
    return f"{text if text != '0' else '0.1'} MB"


def retry_window(error: HTTPException) -> str | None:
    """How long a rate limit's window is, in words ("15 minutes"), when Flask-Limiter says which limit was hit."""
    item = getattr(getattr(error, "limit", None), "limit", None)
    try:
        seconds = int(item.get_expiry())
    except (AttributeError, TypeError, ValueError):
        return None
    return duration_in_words(seconds)


def duration_in_words(seconds: int) -> str:
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = round(seconds / size)
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return "1 minute"
