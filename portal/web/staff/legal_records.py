"""The legal pathway's records for the local authority, for staff: the returns (preview, then a CSV or PDF
download, audited), part-time timetables with their reviews, staff's expectation of further illness, and the
conditions of deletion ground (i) people establish.

The same role as the rest of the pathway (`legal_action`, checked by the services).
"""

from __future__ import annotations

import io

from flask import abort, flash, redirect, request, send_file, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from forms.legal import DeletionForm, ReturnForm, SicknessForm, TimetableForm, TimetableReviewForm
from portal.services import NotFound, ServiceError, deletions, la_returns, legal_pathway, part_time_timetables
from portal.services.attendance import school_year_of
from portal.services.permissions import LEGAL_ACTION
from portal.web.staff import bp, staff_view
from portal.web.staff.legal import _guard, _page, _pupil_page, today


def _return_form(data, csrf: bool) -> ReturnForm:
    form = ReturnForm(data) if csrf else ReturnForm(data, meta={"csrf": False})  # the app's CSRF setting, or none
    schools = legal_pathway.legal_schools(current_user)
    form.school.choices = [SelectChoice(s.urn, s.name) for s in schools]
    form.kind.choices = [SelectChoice(k, words) for k, words in la_returns.KINDS.items()]
    return form


@bp.get("/legal/returns")
@staff_view(LEGAL_ACTION)
def legal_returns():
    _guard(legal_pathway.overview_access, request.args.get("school"))
    asked = bool(request.args)
    form = _return_form(request.args if asked else None, csrf=False)
    del form.format  # the preview: the format is chosen at the download
    if not asked:
        form.school.data = form.school.choices[0].value if form.school.choices else None
        form.kind.data = "continuous_absence"
        form.start.data, form.end.data = school_year_of(today())[0], today()
    found = None
    if asked and form.validate():
        try:
            found = la_returns.build(current_user, form.school.data, form.kind.data, form.start.data, form.end.data)
        except NotFound:
            abort(404)
        except ServiceError as exc:
            form.form_errors.append(str(exc))
    return _page("staff/legal/returns.html", form=form, found=found, download=_return_form(None, csrf=True))


@bp.post("/legal/returns")  # the same address: the download of the return shown
@staff_view(LEGAL_ACTION)
def legal_return_download():
    _guard(legal_pathway.overview_access, request.form.get("school"))
    form = _return_form(request.form, csrf=True)
    if form.validate_on_submit():
        try:
            found = la_returns.build(current_user, form.school.data, form.kind.data, form.start.data, form.end.data)
            name, content, mimetype = la_returns.export(current_user, found, form.format.data)
        except NotFound:
            abort(404)
        except ServiceError as exc:
            form.form_errors.append(str(exc))
        else:
            return send_file(io.BytesIO(content), mimetype=mimetype, as_attachment=True, download_name=name)
    return _page("staff/legal/returns.html", form=form, found=None, download=form)


@bp.post("/legal/pupils/<int:pupil_id>/part-time")
@staff_view(LEGAL_ACTION)
def record_part_time(pupil_id: int):
    pupil = _guard(legal_pathway.pupil_for_legal, pupil_id)
    form = TimetableForm()
    if form.validate_on_submit():
        try:
            part_time_timetables.record_timetable(current_user, pupil.id, form.starts.data, form.ends.data,
                                                  form.arrangement.data, form.consent_by.data, form.consent_on.data,
                                                  form.review_every_days.data, today())
        except ServiceError as exc:
            form.form_errors.append(str(exc))
        else:
            flash("Part-time timetable recorded. Its reviews are on this page, with a reminder when one is due.",
                  "success")
            return redirect(url_for("staff.legal_pupil", pupil_id=pupil.id), code=303)
    return _pupil_page(pupil.id, timetable_form=form)


@bp.post("/legal/part-time/<int:timetable_id>/review")
@staff_view(LEGAL_ACTION)
def review_part_time(timetable_id: int):
    timetable = _guard(part_time_timetables.staff_timetable, timetable_id)
    form = TimetableReviewForm()
    if form.validate_on_submit():
        try:
            part_time_timetables.review(current_user, timetable.id, form.reviewed_on.data, form.note.data, today())
        except ServiceError as exc:
            form.form_errors.append(str(exc))
        else:
            flash("Review recorded.", "success")
            return redirect(url_for("staff.legal_pupil", pupil_id=timetable.pupil_id), code=303)
    return _pupil_page(timetable.pupil_id, review_form=form)


@bp.post("/legal/pupils/<int:pupil_id>/sickness")
@staff_view(LEGAL_ACTION)
def confirm_sickness(pupil_id: int):
    pupil = _guard(legal_pathway.pupil_for_legal, pupil_id)
    form = SicknessForm()
    if form.validate_on_submit():
        try:
            la_returns.confirm_sickness(current_user, pupil.id, form.further_days.data, form.note.data or "", today())
        except ServiceError as exc:
            form.form_errors.append(str(exc))
        else:
            flash("Expectation confirmed: the sickness return uses it.", "success")
            return redirect(url_for("staff.legal_pupil", pupil_id=pupil.id), code=303)
    return _pupil_page(pupil.id, sickness_form=form)


@bp.post("/legal/pupils/<int:pupil_id>/deletion")
@staff_view(LEGAL_ACTION)
def record_deletion_check(pupil_id: int):
    pupil = _guard(legal_pathway.pupil_for_legal, pupil_id)
    form = DeletionForm()
    if form.validate_on_submit():
        try:
            deletions.record_check(current_user, pupil.id, form.decision.data, form.no_grounds_illness.data,
                                   form.school_enquiries.data, form.la_enquiries.data, form.reason.data,
                                   form.decided_on.data, today())
        except ServiceError as exc:
            form.form_errors.append(str(exc))
        else:
            flash("Decision recorded. It shows on the deletion-consideration return.", "success")
            return redirect(url_for("staff.legal_pupil", pupil_id=pupil.id), code=303)
    return _pupil_page(pupil.id, deletion_form=form)
