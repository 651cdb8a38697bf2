"""A member of staff's own account: change the password, sign out everywhere, or (signed out) reset a forgotten
password by an emailed single-use link, whose token stays out of URLs as the parents' sign-in link's does."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from forms.auth import SignOutEverywhereForm
from forms.staff_accounts import ChangePasswordForm, ForgotPasswordForm, ResetPasswordForm
from portal.extensions import limiter
from portal.services import sessions
from portal.services import staff_accounts as accounts
from portal.services.parent_access import LinkNotValid
from portal.services.permissions import PasswordRefused
from portal.web import session as signed_in
from portal.web.staff import bp, navigation, staff_view


@bp.route("/account", methods=["GET", "POST"])
@staff_view()
def account():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            ended = accounts.change_password(current_user, form.current.data, form.new.data)
        except accounts.WrongPassword as exc:
            form.current.errors.append(str(exc))
        except PasswordRefused as exc:
            form.new.errors.append(str(exc))
        else:
            flash("Your password is changed." + (f" {ended} other session{'s' if ended != 1 else ''} signed out."
                                                 if ended else ""), "success")
            return redirect(url_for("staff.account"), code=303)
    return render_template("staff/account.html", form=form, everywhere=SignOutEverywhereForm(),
                           devices=sessions.open_sessions(current_user), navigation=navigation("staff.account"))


@bp.post("/sign-out-everywhere")
@staff_view()
def sign_out_everywhere():
    if SignOutEverywhereForm().validate_on_submit():
        signed_in.sign_out(everywhere=True)
        flash("You have signed out on every device.", "success")
        return redirect(url_for("staff.sign_in"), code=303)
    return redirect(url_for("staff.account"), code=303)


def _email_key() -> str:
    return "reset:" + ((request.form.get("email") or "").strip().lower() or "-")


@bp.route("/forgot-password", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
@limiter.limit("3 per hour", methods=["POST"], key_func=_email_key)
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        accounts.request_password_reset(form.email.data)
        # The same answer whether or not the address is a member of staff's.
        flash("If that address belongs to a member of staff, we have emailed it a link to choose a new password.",
              "success")
        return redirect(url_for("staff.sign_in"), code=303)
    return render_template("staff/forgot_password.html", form=form)


@bp.route("/reset-password", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
def reset_password():
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            accounts.reset_password(form.token_value(), form.new.data)
        except LinkNotValid as exc:
            return render_template("staff/reset_not_valid.html", reason=exc.reason), 410
        except PasswordRefused as exc:
            form.new.errors.append(str(exc))
        else:
            flash("Your new password is set, and every session you had is signed out. Sign in with it now.",
                  "success")
            return redirect(url_for("staff.sign_in"), code=303)
    return render_template("staff/reset_password.html", form=form)
