"""Staff sign in with email and password; attempts are rate limited per address and per network address."""

from flask import flash, redirect, render_template, request, url_for

from forms.auth import SignOutForm, StaffSignInForm
from portal.extensions import limiter
from portal.services import permissions
from portal.web import session as signed_in
from portal.web.staff import bp, staff_view


def _email_key() -> str:
    return "staff:" + ((request.form.get("email") or "").strip().lower() or "-")


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
@limiter.limit("10 per 15 minutes", methods=["POST"], key_func=_email_key)
def sign_in():
    form = StaffSignInForm()
    if form.validate_on_submit():
        staff = permissions.authenticate(form.email.data, form.password.data)
        if staff is not None:
            signed_in.sign_in(staff)
            return redirect(url_for("staff.queue"), code=303)
        form.password.errors.append("The email address or password is not right")
    return render_template("staff/sign_in.html", form=form)


@bp.post("/sign-out")
@staff_view()
def sign_out():
    if SignOutForm().validate_on_submit():
        signed_in.sign_out()
        flash("You have signed out.", "success")
    return redirect(url_for("staff.sign_in"), code=303)
