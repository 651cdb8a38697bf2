"""The CSRF token a page carries, signed once a minute for each session rather than on every page.

Flask-WTF signs the session's secret token with the time on every page that holds a form (`generate_csrf`): an HMAC
and a serialisation, the same work for every page a parent opens within the minute, and a tenth of a kept child
page's time (BENCHMARKS.md). Here the signed token is reused for up to REUSE_SECONDS. Checking is Flask-WTF's,
unchanged (`validate_csrf`, WTF_CSRF_TIME_LIMIT): a token signed up to a minute earlier expires that much sooner,
never later, and is as bound to its session as before.
"""

from __future__ import annotations

from flask import current_app, g, session
from flask_wtf.csrf import generate_csrf

from portal.clock import utcnow

REUSE_SECONDS = 60
MAX_KEPT = 10_000  # sessions remembered per process; then forgotten all at once, and signed again

_signed: dict[tuple[str, str], tuple[float, str]] = {}


def csrf_token() -> str:
    """The page's CSRF token: Flask-WTF's, signed within the last minute for this session."""
    field = current_app.config["WTF_CSRF_FIELD_NAME"]
    if field in g or field not in session:
        return generate_csrf()  # this request's token already, or a session that has none yet
    key, now = (current_app.secret_key, session[field]), utcnow().timestamp()
    kept = _signed.get(key)
    if kept is not None and 0 <= now - kept[0] < REUSE_SECONDS:
        setattr(g, field, kept[1])  # what generate_csrf gives for the rest of the request (the page's forms)
        return kept[1]
    token = generate_csrf()
    if len(_signed) >= MAX_KEPT:
        _signed.clear()
    _signed[key] = (now, token)
    return token


def register(app) -> None:
    app.add_template_global(csrf_token, "csrf_token")  # in place of Flask-WTF's generate_csrf
