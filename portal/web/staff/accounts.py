"""Admins run their schools' staff accounts: the list, and each colleague's roles, switch and password reset."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from forms.staff_accounts import AccountActionForm, AddRoleForm
from portal.extensions import db
from portal.models import School, Trust
from portal.services import NotFound, ServiceError
from portal.services import staff_accounts as accounts
from portal.services.permissions import NotPermitted
from portal.web.staff import bp, navigation, staff_view


def _admin_only() -> None:
    if not accounts.is_admin(current_user):
        abort(403)


@bp.get("/accounts")
@staff_view("admin")
def accounts_list():
    _admin_only()
    return render_template("staff/accounts.html", staff=accounts.staff_list(current_user),
                           navigation=navigation("staff.accounts_list"))


def _where_choices() -> list[SelectChoice]:
    schools, trusts = accounts.assignable(current_user)
    return ([SelectChoice(f"school:{s.id}", s.name) for s in schools]
            + [SelectChoice(f"trust:{t.id}", f"Across {t.name}") for t in trusts])


@bp.route("/accounts/<int:staff_id>", methods=["GET", "POST"])
@staff_view("admin")
def account_page(staff_id: int):
    try:
        accounts.colleague(current_user, staff_id)  # another school's staff look like nobody, to anyone
        _admin_only()
        staff = accounts.member(current_user, staff_id)
    except NotFound:
        abort(404)
    action, add = AccountActionForm(prefix="a"), AddRoleForm(prefix="r")
    add.where.choices = _where_choices()
    try:
        if action.validate_on_submit():
            _act(staff, action)
            return redirect(url_for("staff.account_page", staff_id=staff.id), code=303)
        if add.submit.data and add.validate_on_submit():
            kind, _, pk = add.where.data.partition(":")
            place = db.session.get(School if kind == "school" else Trust, int(pk))
            if kind == "school":
                accounts.add_role(current_user, staff, add.role.data, school=place)
            else:
                accounts.add_role(current_user, staff, add.role.data, trust=place)
            flash(f"{staff.name} is now {add.role.data.replace('_', ' ')} at {place.name}.", "success")
            return redirect(url_for("staff.account_page", staff_id=staff.id), code=303)
    except NotPermitted as exc:
        abort(403, str(exc))
    except NotFound:
        abort(404)
    except ServiceError as exc:
        flash(str(exc), "important")
    return render_template("staff/account_page.html", staff=staff, action=action, add=add,
                           may_run=accounts.may_run(current_user, staff), navigation=navigation("staff.accounts_list"))


def _act(staff, form: AccountActionForm) -> None:
    what = form.action.data
    if what == "switch_off":
        accounts.switch_off(current_user, staff)
        flash(f"{staff.name}'s account is switched off: they are signed out everywhere and cannot sign in.", "success")
    elif what == "switch_on":
        accounts.switch_on(current_user, staff)
        flash(f"{staff.name}'s account is switched on.", "success")
    elif what == "send_reset":
        accounts.send_password_reset(current_user, staff)
        flash(f"We have emailed {staff.email} a link to choose a new password.", "success")
    elif form.role_id.data:
        accounts.remove_role(current_user, staff, int(form.role_id.data))
        flash(f"Role taken away from {staff.name}.", "success")
