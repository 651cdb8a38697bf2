"""Subject access requests: staff pick a pupil by UPN and download everything the portal holds about the family.

The service decides who may (portal/services/subject_access.py): a headteacher, senior leader, attendance
officer or admin at the pupil's school. Every download is audited there.
"""

from __future__ import annotations

import io

from flask import render_template, send_file
from flask_login import current_user

from forms.subject_access import SubjectAccessForm
from portal.services import NotFound
from portal.services import subject_access as service
from portal.services.permissions import NotPermitted
from portal.web.staff import bp, navigation, staff_view


@bp.route("/subject-access", methods=["GET", "POST"])
@staff_view(service.EXPORT_FAMILY_DATA)
def subject_access():
    form = SubjectAccessForm()
    if form.validate_on_submit():
        try:
            pupil = service.pupil_by_upn(current_user, form.upn.data)
            export = service.export_for(current_user, pupil.id)
        except (NotFound, NotPermitted) as exc:
            form.upn.errors = [*form.upn.errors, _sentence(str(exc))]
        else:
            return send_file(io.BytesIO(export.data), mimetype="application/zip", as_attachment=True,
                             download_name=export.filename, max_age=0)
    return render_template("staff/subject_access.html", form=form, roles=service.EXPORT_ROLES,
                           navigation=navigation("staff.subject_access"))


def _sentence(message: str) -> str:
    return message[:1].upper() + message[1:]
