"""Parents sign in with an emailed link and sign out (on every device at once: portal/web/parent/account.py).

The emailed link is /sign-in/link#<token>: what follows `#` never leaves the browser, so the token appears in no
access or proxy log, and no Referer. The page moves it into its form (static/js/init.js) and the parent presses
"Sign in"; the POST, with the token in its body, is what spends the link. Opening the link (a GET, as a mail scanner
does) spends nothing. Without JavaScript the parent pastes the link into the same form.
"""

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext
from flask_login import current_user

from forms.auth import SignInForm, SignOutForm, UseLinkForm
from portal.extensions import limiter
from portal.services import parent_access
from portal.web import session as signed_in

bp = Blueprint("auth", __name__)


AFTER_SIGN_IN = "after_sign_in"


def _safe_next(value: str | None) -> str | None:
    """A page of the parent portal to come back to after signing in (an emailed plan link); nothing else."""
    if value and value.startswith("/parent/") and "//" not in value and "\\" not in value:
        return value
    return None


def _email_key() -> str:
    return (request.form.get("email") or "").strip().lower() or "-"


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit("10 per minute; 50 per hour", methods=["POST"])
@limiter.limit("5 per hour", methods=["POST"], key_func=_email_key)  # no mailbox flooded from many addresses
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("parent.home"))
    if target := _safe_next(request.args.get("next")):
        session[AFTER_SIGN_IN] = target
    form = SignInForm()
    if form.validate_on_submit():
        parent_access.request_sign_in_link(form.email.data)
        # The same page whether or not the address is known: nobody can probe who is a parent here.
        return redirect(url_for("auth.check_email"), code=303)
    return render_template("auth/sign_in.html", form=form)


@bp.get("/sign-in/check-your-email")
def check_email():
    return render_template("auth/check_email.html")


@bp.route("/sign-in/link", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
def use_link():
    form = UseLinkForm()
    if form.validate_on_submit():
        try:
            account = parent_access.use_link(form.token_value())
        except parent_access.LinkNotValid as exc:
            return render_template("auth/link_not_valid.html", reason=exc.reason), 410
        target = _safe_next(session.get(AFTER_SIGN_IN))
        signed_in.sign_in(account, remember=form.keep_signed_in.data)
        return redirect(target or url_for("parent.home"), code=303)
    return render_template("auth/use_link.html", form=form)


@bp.post("/sign-out")
def sign_out():
    if SignOutForm().validate_on_submit():
        signed_in.sign_out()
        flash(gettext("You have signed out."), "success")
    return redirect(url_for("home.index"), code=303)
