"""Report an absence: the form, check your answers, the confirmation; the reports list; "still off"."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from forms.absence import AbsenceReportForm, AnswerForm, ConfirmForm, StillOffForm
from forms.validators import chosen_files
from portal.clock import school_now
from portal.domain import absence as rules
from portal.models.absence import QUESTION
from portal.services import NotFound, ServiceError, absences, drafts, uploads
from portal.web.parent import bp, my_children, navigation

JUST_SENT = "absence_just_sent"


def save_draft(draft: absences.AbsenceDraft) -> None:
    drafts.save_absence(current_user, draft)  # on the server: a long answer would overflow the cookie


def load_draft() -> absences.AbsenceDraft | None:
    return drafts.load_absence(current_user)


def _fill(form: AbsenceReportForm, draft: absences.AbsenceDraft) -> None:
    form.children.data = draft.pupil_ids
    form.fill(draft.first_day, draft.last_day)
    form.part.data, form.reason.data = draft.part, draft.reason
    form.symptoms.data, form.details.data = draft.symptoms, draft.details
    form.appointment_time.data = draft.appointment_time.strftime("%H:%M") if draft.appointment_time else ""


@bp.route("/report-absence", methods=["GET", "POST"])
def report_absence():
    children = my_children()
    form = AbsenceReportForm()
    form.children.choices = [SelectChoice(c.id, f"{c.name} ({c.registration_group})") for c in children]
    draft = load_draft()
    if draft and absences.is_submitted(draft):
        draft = None  # that report was sent: this is a new one
    if request.method == "GET":
        if draft:
            _fill(form, draft)
        elif len(children) == 1:
            form.children.data = [children[0].id]
    elif form.validate_on_submit():
        previous = draft
        draft = absences.AbsenceDraft(
            pupil_ids=form.children.data, first_day=form.first(), last_day=form.last(), part=form.part.data,
            reason=form.reason.data, symptoms=form.symptoms.data or "", details=form.details.data or "",
            appointment_time=form.parsed_time() if form.reason.data == rules.MEDICAL else None,
            submission_key=draft.submission_key if draft else absences.new_submission_key(),
            continues=draft.continues if draft else None,
        )
        problems = [p for child in absences.preview(current_user, draft, school_now(), children)
                    for p in child.problems]
        files = chosen_files(form.evidence)
        if not problems and files:
            try:
                draft.evidence_ids = absences.store_evidence(current_user, draft.pupil_ids, files)
            except uploads.UploadsRejected as rejected:
                form.evidence.errors.extend(str(r) for r in rejected.rejections)
        elif draft is not None and not files and previous is not None:
            draft.evidence_ids = previous.evidence_ids  # coming back to change an answer keeps the files sent
        if not problems and not form.evidence.errors:
            save_draft(draft)
            return redirect(url_for("parent.check_report"), code=303)
        for problem in {(p.field, p.message) for p in problems}:
            form.field_for(problem[0]).errors.append(problem[1])
    return render_template("parent/report_form.html", form=form, continues=draft.continues if draft else None,
                           navigation=navigation("parent.report_absence"))


@bp.route("/report-absence/check", methods=["GET", "POST"])
def check_report():
    draft = load_draft()
    if draft is None:
        return redirect(url_for("parent.report_absence"))
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            report = absences.submit(current_user, draft)
        except absences.ReportNotValid:
            return redirect(url_for("parent.report_absence"), code=303)  # e.g. the day has passed: show why
        session[JUST_SENT] = report.reference
        return redirect(url_for("parent.report", reference=report.reference), code=303)
    previews = absences.preview(current_user, draft, school_now())
    return render_template("parent/report_check.html", form=form, draft=draft, previews=previews, rules=rules,
                           evidence=absences.pending_evidence(current_user, draft.evidence_ids),
                           navigation=navigation("parent.report_absence"))


@bp.get("/reports")
def reports():
    return render_template("parent/reports.html", reports=absences.reports_for(current_user),
                           navigation=navigation("parent.reports"))


@bp.get("/reports/<reference>")
def report(reference: str):
    try:
        found = absences.report_for(current_user, reference)
    except NotFound:
        abort(404)
    just_sent = session.pop(JUST_SENT, None) == found.reference
    return _report_page(found, just_sent=just_sent)


def _report_page(found, just_sent: bool = False, failed: AnswerForm | None = None, failed_child: int | None = None):
    """The report, with a form to answer each question the school asked about a child of this parent's."""
    answers = {child.id: failed if child.id == failed_child else AnswerForm(prefix=f"child-{child.id}")
               for child in found.children if child.status == QUESTION}
    return render_template("parent/report.html", report=found, just_sent=just_sent, rules=rules,
                           evidence=absences.report_evidence(found), answers=answers, form=failed,
                           still_off=StillOffForm(), navigation=navigation("parent.reports"))


@bp.post("/reports/<reference>/answer/<int:child_id>")
def answer(reference: str, child_id: int):
    try:
        found = absences.report_for(current_user, reference)
    except NotFound:
        abort(404)
    form = AnswerForm(prefix=f"child-{child_id}")
    if form.validate_on_submit():
        try:
            child = absences.answer_question(current_user, found.reference, child_id, form.answer.data)
        except NotFound:
            abort(404)
        except ServiceError as exc:
            form.answer.errors = [*form.answer.errors, str(exc)]
        else:
            flash(gettext("Your answer about %(name)s has been sent to the school.", name=child.pupil.forename), "success")
            return redirect(url_for("parent.report", reference=found.reference), code=303)
    return _report_page(found, failed=form, failed_child=child_id)


@bp.post("/reports/<reference>/still-off")
def still_off(reference: str):
    if not StillOffForm().validate_on_submit():
        abort(400)
    try:
        save_draft(absences.continuation(current_user, reference))
    except NotFound:
        abort(404)
    return redirect(url_for("parent.report_absence"), code=303)
