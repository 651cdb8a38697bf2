"""Oversight: the pupils at risk, persistently and severely absent, and every follow-up list, with CSV exports and
the whole-school figures."""

from __future__ import annotations

from flask import Response, abort, render_template, request
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from forms.oversight import OversightFilterForm
from portal.clock import school_now, school_today
from portal.domain.ids import parse_id
from portal.services import NotFound, data_arrivals, support_plans
from portal.services import oversight as service
from portal.services.permissions import DRAFT_SUPPORT_PLANS, schools_of, schools_where
from portal.web.staff import bp, navigation, staff_view


def _overview() -> tuple[OversightFilterForm, service.Overview, dict]:
    form = OversightFilterForm(request.args)
    schools = schools_of(current_user)
    form.school.choices = [SelectChoice("", "All your schools")] + [SelectChoice(s.urn, s.name) for s in schools]
    form.site.choices = [SelectChoice("", "All sites")] + [
        SelectChoice(str(site.id), f"{school.name}: {site.name}") for school in schools for site in school.sites]
    form.validate()
    site = form.site.data or ""
    if site and parse_id(site) is None:
        abort(404)
    try:
        result = service.overview(
            current_user, form.as_of.data or school_today(), school_urn=form.school.data or None,
            site_id=parse_id(site),
            year_group=(form.year_group.data or "").strip().upper() or None,
            registration_group=(form.registration_group.data or "").strip() or None)
    except NotFound:
        abort(404)
    # The filters as given, for links to the lists and their CSV files.
    args = {k: v for k, v in request.args.lists() if k in form._fields and k != "submit"}
    return form, result, args


@bp.get("/oversight")
@staff_view()
def oversight():
    form, result, args = _overview()
    return render_template("staff/oversight.html", filters=form, result=result, args=args,
                           feed=data_arrivals.feed_status(current_user, school_now()), feed_now=school_now(),
                           navigation=navigation("staff.oversight"))


@bp.get("/oversight/<kind>")
@staff_view()
def oversight_list(kind: str):
    try:
        list_kind = service.list_kind(kind)
    except NotFound:
        abort(404)
    form, result, args = _overview()
    entries = result.lists.get(kind, [])
    planning = {s.urn for s in schools_where(current_user, DRAFT_SUPPORT_PLANS)}
    return render_template("staff/oversight_list.html", filters=form, result=result, args=args, kind=list_kind,
                           entries=entries, planning=planning,
                           plans=support_plans.open_plans_by_pupil(current_user, [e.row.pupil_id for e in entries]),
                           navigation=navigation("staff.oversight"))


@bp.get("/oversight/<kind>.csv")
@staff_view()
def oversight_csv(kind: str):
    try:
        service.list_kind(kind)
    except NotFound:
        abort(404)
    _, result, _ = _overview()
    return Response(service.list_csv(result, kind), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{kind}-{result.as_of.isoformat()}.csv"'})
