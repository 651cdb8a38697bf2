"""Who is signed in. Flask-Login keeps the token of the browser's server-side session (portal/services/sessions.py)
in the session cookie, and in the "keep me signed in" cookie; each request resumes that session or finds it over."""

from flask import Flask, current_app, has_request_context, request, session
from flask_login import current_user, login_user, logout_user

from portal.extensions import login_manager
from portal.services import sessions
from portal.web import session_cookie

UNCHECKED = {"static", "health.health"}  # nothing of anyone's: no session looked up


def load_user(token: str):
    account = sessions.resume(token)
    if isinstance(account, sessions.ResumedParent) and not (has_request_context() and getattr(
            current_app.view_functions.get(request.endpoint), "account_columns_only", False)):
        return account.account()
    return account


def account_columns_only(view):
    """Mark a view that needs of the signed-in parent only what the session's resume read (id, email, language):
    its current_user is a sessions.ResumedParent, no ORM object (the kept child page, BENCHMARKS.md). Every other
    view gets the ParentAccount."""
    view.account_columns_only = True
    return view


def sign_in(account, remember: bool = False) -> None:
    """Start a session for this browser: the one way anyone signs in."""
    if current_user.is_authenticated:  # signing in again, perhaps as someone else: the old session ends first
        sessions.sign_out(current_user._get_current_object())
    language = session.get("language")
    session.clear()  # nothing from before signing in carries over (a fixed session is no use to an attacker)...
    if language:  # ...but the language chosen on the sign-in pages (portal/web/parent/language.py)
        session["language"] = language
    sessions.start(account, remember=remember)
    login_user(account, remember=remember)


def sign_out(everywhere: bool = False) -> int:
    """End this browser's session on the server (or every session of the account) and forget it here."""
    ended = 0
    if current_user.is_authenticated:
        if everywhere:
            ended = sessions.sign_out_everywhere(current_user._get_current_object())
        else:
            sessions.sign_out(current_user._get_current_object())
    logout_user()
    return ended


def register(app: Flask) -> None:
    session_cookie.register(app)  # Flask's signed cookie, its serializer and key made once (web/session_cookie.py)
    login_manager.user_loader(load_user)

    @app.before_request
    def resume_session():
        # Resume (or end) the session before the view does anything: the loader may write, and commits
        # nothing of the view's.
        if request.endpoint not in UNCHECKED:
            current_user.is_authenticated  # noqa: B018  (loads the user)
