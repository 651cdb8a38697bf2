"""The legal pathway, for staff: pupils at the penalty-notice threshold, a pupil's pathway (what to be careful of
first), notices to improve (draft, send, posted copy, PDF, outcome) and penalty-notice decisions.

Every view needs the policy's `legal_action` role at the pupil's school (checked by the services): 403 for other
roles, 404 for another school's pupils.
"""

from __future__ import annotations

import io
from datetime import date

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from forms.contracts import PupilSearchForm
from forms.legal import (
    CancelNoticeForm,
    CaseFileForm,
    ConsiderForm,
    DeletionForm,
    NoticeForm,
    PostedForm,
    SendNoticeForm,
    SicknessForm,
    StepForm,
    TimetableForm,
    TimetableReviewForm,
)
from portal.clock import school_today
from portal.domain import legal_notices as legal
from portal.domain.support_plan import long_date
from portal.models.legal import DRAFT, SENT
from portal.services import (
    NotFound,
    ServiceError,
    case_files,
    deletions,
    legal_pathway,
    notices_to_improve,
    part_time_timetables,
    penalty_decisions,
)
from portal.services.permissions import LEGAL_ACTION, NotPermitted
from portal.web.staff import bp, navigation, staff_view

NAV = "staff.legal_home"


def today() -> date:
    """The day periods and outcomes are judged on (a function, so a test can fix it)."""
    return school_today()


def _guard(load, *args):
    try:
        return load(current_user, *args)
    except NotPermitted:
        abort(403)
    except NotFound:
        abort(404)


def _page(page: str, **context):
    return render_template(page, navigation=navigation(NAV), legal=legal, long_date=long_date,
                           notices=notices_to_improve, decisions=penalty_decisions, today=today(), **context)


@bp.get("/legal")
@staff_view(LEGAL_ACTION)
def legal_home():
    found = _guard(legal_pathway.overview, today())
    search = PupilSearchForm(request.args)
    text = search.q.data or "" if search.validate() else ""
    return _page("staff/legal/home.html", overview=found, search=search, searched=bool(text.strip()),
                 found=legal_pathway.find_pupils(current_user, text))


def _pupil_page(pupil_id: int, notice_form: NoticeForm | None = None, consider_form: ConsiderForm | None = None,
                timetable_form: TimetableForm | None = None, review_form: TimetableReviewForm | None = None,
                sickness_form: SicknessForm | None = None, deletion_form: DeletionForm | None = None):
    pathway = _guard(legal_pathway.pathway, pupil_id, today())
    forms = {"timetable_form": timetable_form or TimetableForm(), "review_form": review_form or TimetableReviewForm(),
             "sickness_form": sickness_form or SicknessForm(), "deletion_form": deletion_form or DeletionForm()}
    if notice_form is None:
        notice_form = NoticeForm()
        defaults = notices_to_improve.default_input(pathway.pupil)
        notice_form.expectation.data = defaults.expectation
    if consider_form is None:
        consider_form = _consider_form(pathway)
    warnings = {p.name: penalty_decisions.warnings(pathway.pupil.id, p.name, legal.IRREGULAR, today())
                for p in pathway.parents}
    return _page("staff/legal/pupil.html", pathway=pathway, notice_form=notice_form, consider_form=consider_form,
                 warnings=warnings, fines=pathway.rules.fines, **forms,
                 timetables=part_time_timetables.timetables_of(pathway.pupil.id),
                 deletion_run=deletions.latest_run(pathway.pupil, today()),
                 deletion_checks=deletions.checks_of(pathway.pupil.id),
                 possible={p.name: penalty_decisions.possible(pathway.pupil.id, p.name, today(), pathway.rules.fines)
                           for p in pathway.parents})


def _consider_form(pathway) -> ConsiderForm:
    form = ConsiderForm()
    form.parent.choices = [SelectChoice(p.name, p.name) for p in pathway.parents]
    return form


@bp.get("/legal/pupils/<int:pupil_id>")
@staff_view(LEGAL_ACTION)
def legal_pupil(pupil_id: int):
    return _pupil_page(pupil_id)


@bp.post("/legal/pupils/<int:pupil_id>/notices")
@staff_view(LEGAL_ACTION)
def draft_notices(pupil_id: int):
    pupil = _guard(legal_pathway.pupil_for_legal, pupil_id)
    form = NoticeForm()
    if form.validate_on_submit():
        try:
            drafted = notices_to_improve.draft_notices(
                current_user, pupil.id, notices_to_improve.NoticeInput(form.expectation.data, form.meeting.data,
                                                                       form.help_available.data or ""), today())
        except ServiceError as exc:
            form.form_errors.append(str(exc))
        else:
            flash(f"Drafted {len(drafted)} notice{'' if len(drafted) == 1 else 's'}, one for each parent: "
                  f"{', '.join(n.reference + ' to ' + n.parent_name for n in drafted)}. Read each, then send it.",
                  "success")
            return redirect(url_for("staff.notice", notice_id=drafted[0].id), code=303)
    return _pupil_page(pupil.id, notice_form=form)


@bp.get("/legal/notices/<int:notice_id>")
@staff_view(LEGAL_ACTION)
def notice(notice_id: int, posted: PostedForm | None = None):
    found = _guard(notices_to_improve.staff_notice, notice_id)
    siblings = notices_to_improve.drafted_with(found)
    return _page("staff/legal/notice.html", notice=found, fields=found.fields, send=SendNoticeForm(),
                 cancel=CancelNoticeForm(), posted=posted or PostedForm(), siblings=siblings,
                 outcome=notices_to_improve.outcome(found, today()), DRAFT=DRAFT, SENT=SENT,
                 cautions=legal_pathway.cautions(found.pupil, today()) if found.state == DRAFT else [])


@bp.post("/legal/notices/<int:notice_id>/send")
@staff_view(LEGAL_ACTION)
def send_notice(notice_id: int):
    found = _guard(notices_to_improve.staff_notice, notice_id)
    if SendNoticeForm().validate_on_submit():
        try:
            notices_to_improve.send_notice(current_user, found.id, today())
        except ServiceError as exc:
            flash(str(exc), "error")
        else:
            flash(f"{found.reference} sent" + (f" and emailed to {found.emailed_to}" if found.emailed_to else
                                               ": the parent has no email address") +
                  ". Print it and post it, then record the date it was posted.", "success")
    return redirect(url_for("staff.notice", notice_id=found.id), code=303)


@bp.post("/legal/notices/<int:notice_id>/cancel")
@staff_view(LEGAL_ACTION)
def cancel_notice(notice_id: int):
    found = _guard(notices_to_improve.staff_notice, notice_id)
    if CancelNoticeForm().validate_on_submit():
        try:
            notices_to_improve.cancel_draft(current_user, found.id)
        except ServiceError as exc:
            flash(str(exc), "error")
        else:
            flash(f"{found.reference} cancelled.", "success")
    return redirect(url_for("staff.notice", notice_id=found.id), code=303)


@bp.post("/legal/notices/<int:notice_id>/posted")
@staff_view(LEGAL_ACTION)
def notice_posted(notice_id: int):
    found = _guard(notices_to_improve.staff_notice, notice_id)
    form = PostedForm()
    if form.validate_on_submit():
        try:
            notices_to_improve.record_posted(current_user, found.id, form.posted_on.data, today())
        except ServiceError as exc:
            form.form_errors.append(str(exc))
        else:
            flash(f"Posted on {long_date(found.posted_on)}: recorded.", "success")
            return redirect(url_for("staff.notice", notice_id=found.id), code=303)
    return notice(found.id, posted=form)


@bp.get("/legal/notices/<int:notice_id>/pdf")
@staff_view(LEGAL_ACTION)
def notice_pdf(notice_id: int):
    found = _guard(notices_to_improve.staff_notice, notice_id)
    return send_file(io.BytesIO(notices_to_improve.notice_pdf(found)), mimetype="application/pdf",
                     as_attachment=True, download_name=f"{found.reference}.pdf")


@bp.post("/legal/pupils/<int:pupil_id>/decisions")
@staff_view(LEGAL_ACTION)
def consider_penalty(pupil_id: int):
    pathway = _guard(legal_pathway.pathway, pupil_id, today())
    form = _consider_form(pathway)
    if form.validate_on_submit():
        try:
            decision = penalty_decisions.consider(current_user, pathway.pupil.id, form.parent.data,
                                                  form.reason.data, form.on.data, form.note.data or "", today())
        except ServiceError as exc:
            form.form_errors.append(str(exc))
        else:
            flash(f"{decision.reference}: recorded that a penalty notice is being considered for "
                  f"{decision.parent_name}.", "success")
            return redirect(url_for("staff.penalty_decision", decision_id=decision.id), code=303)
    return _pupil_page(pathway.pupil.id, consider_form=form)


@bp.route("/legal/decisions/<int:decision_id>", methods=["GET", "POST"])
@staff_view(LEGAL_ACTION)
def penalty_decision(decision_id: int):
    decision = _guard(penalty_decisions.staff_decision, decision_id)
    form = StepForm()
    form.step.choices = [SelectChoice(value, words) for value, words in penalty_decisions.next_steps(decision)]
    if request.method == "POST" and form.validate_on_submit():
        try:
            penalty_decisions.record_step(current_user, decision.id, form.step.data, form.on.data,
                                          form.note.data or "", today(), received_on=form.received_on.data)
        except ServiceError as exc:
            form.form_errors.append(str(exc))
        else:
            flash(f"{decision.reference}: {legal.STEP_WORDS[decision.state].lower()} recorded.", "success")
            return redirect(url_for("staff.penalty_decision", decision_id=decision.id), code=303)
    rules = legal_pathway.penalty_rules(decision.pupil)
    return _page("staff/legal/decision.html", decision=decision, form=form, fines=rules.fines,
                 possible=penalty_decisions.possible(decision.pupil_id, decision.parent_name, today(), rules.fines,
                                                     leave_out=decision.id),
                 warnings=penalty_decisions.warnings(decision.pupil_id, decision.parent_name, decision.reason,
                                                     today()))


@bp.get("/legal/pupils/<int:pupil_id>/case-file")
@staff_view(LEGAL_ACTION)
def case_file(pupil_id: int):
    found = _guard(case_files.case_file, pupil_id, today())
    return _page("staff/legal/case_file.html", case=found, days=case_files.register_by_day(found.register),
                 form=CaseFileForm(), outcome=notices_to_improve.outcome)


@bp.post("/legal/pupils/<int:pupil_id>/case-file")
@staff_view(LEGAL_ACTION)
def case_file_pdf(pupil_id: int):
    pupil = _guard(legal_pathway.pupil_for_legal, pupil_id)
    if not CaseFileForm().validate_on_submit():
        return redirect(url_for("staff.case_file", pupil_id=pupil.id), code=303)
    name, pdf = case_files.case_file_pdf(current_user, pupil.id, today())
    return send_file(io.BytesIO(pdf), mimetype="application/pdf", as_attachment=True, download_name=name)

