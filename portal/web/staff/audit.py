"""The audit log: every change, newest first, filtered by pupil or by member of staff. Read only: GET alone."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from forms.oversight import AuditFilterForm
from portal.domain.ids import parse_id
from portal.services import audit_reader as service
from portal.web.staff import bp, navigation, staff_view


@bp.get("/audit")
@staff_view()
def audit_log():
    form = AuditFilterForm(request.args)
    form.staff.choices = [SelectChoice("", "Anyone")] + [
        SelectChoice(str(m.id), f"{m.name} ({m.email})") for m in service.staff_members(current_user)]
    form.validate()
    staff = form.staff.data or ""
    if staff and parse_id(staff) is None:
        form.staff.errors = [*form.staff.errors, "No such member of staff at your schools"]
    page = None
    if not (form.upn.errors or form.staff.errors):
        try:
            page = service.events(current_user, upn=(form.upn.data or "").strip() or None,
                                  staff_id=parse_id(staff), page=form.page.data or 1)
        except service.UnknownPupil as exc:
            form.upn.errors = [*form.upn.errors, str(exc)]
        except service.UnknownStaff as exc:
            form.staff.errors = [*form.staff.errors, str(exc)]
    args = {k: v for k, v in request.args.items() if k in ("upn", "staff") and v}
    return render_template("staff/audit.html", filters=form, page=page, args=args,
                           navigation=navigation("staff.audit_log"))
