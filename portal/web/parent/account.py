"""A parent who lost a phone, or signed in on a computer that is not theirs, signs out on every device at once."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user

from forms.auth import SignOutEverywhereForm
from portal.services import sessions
from portal.web import session as signed_in
from portal.web.parent import bp


@bp.route("/sign-out-everywhere", methods=["GET", "POST"])
def sign_out_everywhere():
    form = SignOutEverywhereForm()
    if form.validate_on_submit():
        signed_in.sign_out(everywhere=True)
        flash(gettext("You have signed out on every device. To sign in again, ask for a new link."), "success")
        return redirect(url_for("auth.sign_in"), code=303)
    return render_template("auth/sign_out_everywhere.html", form=form, devices=sessions.open_sessions(current_user),
                           cancel=url_for("parent.home"))
