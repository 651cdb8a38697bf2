"""The system page, for admins: what /health reports, in words, with each job's last run (ran, took, result)."""

from __future__ import annotations

from flask import abort, render_template
from flask_login import current_user

from portal.services import health, jobs
from portal.web.staff import bp, navigation, staff_view


@bp.get("/system")
@staff_view("admin")
def system():
    if not health.may_see_detail(current_user):
        abort(403)
    return render_template("staff/system.html", health=health.check(), took=jobs.took,
                           navigation=navigation("staff.system"))
