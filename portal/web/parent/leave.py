"""Ask for leave in term time: the form (with evidence), check your answers with the policy's warnings and the
declaration, the confirmation; every request and its outcome; another parent's declaration; the decision letter."""

from __future__ import annotations

from datetime import date
from io import BytesIO

from flask import abort, redirect, render_template, request, send_file, session, url_for
from flask_babel import gettext, ngettext
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from forms.leave import ConfirmLeaveForm, DeclareForm, LeaveRequestForm
from forms.validators import chosen_files
from portal.clock import school_today
from portal.domain.leave import UNIT_WORDS
from portal.domain.policy_words import notice_words
from portal.models.leave import OUTCOME_WORDS
from portal.services import NotFound, ServiceError, drafts, leave, uploads
from portal.web.evidence import send_evidence
from portal.web.parent.language import current_language
from portal.web.parent import bp, my_children, navigation
from portal.web.words import percent_words

JUST_SENT = "leave_just_sent"


def save_draft(draft: leave.LeaveDraft) -> None:
    drafts.save_leave(current_user, draft)  # on the server: 5,000 characters of Arabic would overflow the cookie


def load_draft() -> leave.LeaveDraft | None:
    return drafts.load_leave(current_user)


def today() -> date:
    return school_today()


def _fill(form: LeaveRequestForm, draft: leave.LeaveDraft) -> None:
    form.children.data = draft.pupil_ids
    form.first_day.data, form.return_day.data = draft.first_day, draft.return_day
    form.abroad.data = "yes" if draft.travelling_abroad else "no"
    form.destinations.data, form.circumstances.data = draft.destinations, draft.circumstances


def _show(form: LeaveRequestForm, problems) -> None:
    for problem in {(p.field, p.message): p for p in problems}.values():
        getattr(form, problem.field).errors.append(problem.message)


@bp.route("/leave/new", methods=["GET", "POST"])
def new_leave_request():
    children = my_children()
    form = LeaveRequestForm()
    megabytes = uploads.max_bytes() // (1024 * 1024)
    form.evidence.description = (f"Up to {leave.MAX_FILES} files: PDF, JPEG, PNG or an iPhone photo (HEIC), "
                                 f"{megabytes} MB each.")
    form.children.choices = [SelectChoice(c.id, f"{c.name} ({c.registration_group}, {c.school.name})")
                             for c in children]
    draft = load_draft()
    if draft and leave.is_submitted(draft):
        draft = None  # that request was sent: this is a new one
    evidence_ids = draft.evidence_ids if draft else []
    if request.method == "GET":
        if draft:
            _fill(form, draft)
            _show(form, _problems(draft))
        elif len(children) == 1:
            form.children.data = [children[0].id]
    elif form.validate_on_submit():
        chosen = chosen_files(form.evidence)
        try:
            if chosen:
                evidence_ids = [f.id for f in leave.store_evidence(current_user, form.children.data, chosen)]
        except uploads.UploadsRejected as rejected:
            form.evidence.errors.extend(rejected.messages)
        except leave.RequestNotValid as invalid:
            _show(form, invalid.problems)
        else:
            draft = leave.LeaveDraft(
                pupil_ids=form.children.data, first_day=form.first_day.data, return_day=form.return_day.data,
                travelling_abroad=form.abroad.data == "yes", destinations=(form.destinations.data or "").strip(),
                circumstances=(form.circumstances.data or "").strip(),
                submission_key=draft.submission_key if draft else leave.new_submission_key(),
                evidence_ids=evidence_ids)
            save_draft(draft)  # kept even with problems, so the files need not be chosen again
            problems = _problems(draft)
            if not problems:
                return redirect(url_for("parent.check_leave_request"), code=303)
            _show(form, problems)
    return render_template("parent/leave_form.html", form=form,
                           files=leave.evidence_files(current_user, evidence_ids),
                           school_rules=leave.rules_for(children), navigation=navigation("parent.leave_requests"))


def _problems(draft: leave.LeaveDraft):
    try:
        return leave.preview(current_user, draft, today()).problems
    except leave.RequestNotValid as invalid:
        return invalid.problems
    except NotFound:
        abort(404)


@bp.route("/leave/check", methods=["GET", "POST"])
def check_leave_request():
    draft = load_draft()
    if draft is None:
        return redirect(url_for("parent.new_leave_request"))
    try:
        checked = leave.preview(current_user, draft, today())
    except (NotFound, leave.RequestNotValid):
        return redirect(url_for("parent.new_leave_request"), code=303)
    if checked.problems:
        return redirect(url_for("parent.new_leave_request"), code=303)  # the form shows why
    form = ConfirmLeaveForm()
    if form.validate_on_submit():
        try:
            sent = leave.submit(current_user, draft, declared=form.declaration.data)
        except leave.RequestNotValid:
            return redirect(url_for("parent.new_leave_request"), code=303)
        drafts.discard(current_user, drafts.LEAVE)
        session[JUST_SENT] = sent.reference
        return redirect(url_for("parent.leave_request", reference=sent.reference), code=303)
    pupils = [c.pupil for c in checked.children]
    return render_template(
        "parent/leave_check.html", form=form, draft=draft, checked=checked,
        declaration=leave.declaration_text(checked.policy, pupils),
        penalties=leave.penalty_words(checked.policy, gettext),
        notice=notice_words(checked.policy, ngettext), unit=UNIT_WORDS[checked.policy.leave.notice_unit],
        decider=leave.decider_words(checked.policy, gettext), bar=leave.bar_words(checked.policy, percent_words),
        others=leave.other_parent_names(current_user, pupils), navigation=navigation("parent.leave_requests"))


@bp.get("/leave")
def leave_requests():
    return render_template("parent/leave_requests.html", requests=leave.requests_for(current_user),
                           navigation=navigation("parent.leave_requests"))


def _request(reference: str):
    try:
        return leave.request_for(current_user, reference)
    except NotFound:
        abort(404)


def _render_request(found, declare: DeclareForm | None = None, status: int = 200):
    may_declare = leave.may_declare(current_user, found)
    declaration = None
    if may_declare:
        declare = declare or DeclareForm()
        declaration = leave.declaration_text_for(current_user, found)
    return render_template(
        "parent/leave_request.html", request=found, just_sent=session.pop(JUST_SENT, None) == found.reference,
        declarations=leave.declarations_status(found), evidence=leave.request_evidence(found), my_id=current_user.id,
        declare=declare if may_declare else None, declaration=declaration, outcome_words=OUTCOME_WORDS,
        navigation=navigation("parent.leave_requests")), status


@bp.get("/leave/<reference>")
def leave_request(reference: str):
    return _render_request(_request(reference))


@bp.post("/leave/<reference>/declare")
def declare_leave(reference: str):
    found = _request(reference)
    form = DeclareForm()
    if not form.validate_on_submit():
        return _render_request(found, form)
    try:
        leave.declare(current_user, reference)
    except NotFound:
        abort(404)
    except ServiceError as exc:
        form.declaration.errors.append(str(exc))
        return _render_request(found, form)
    return redirect(url_for("parent.leave_request", reference=found.reference), code=303)


@bp.get("/leave/<reference>/evidence/<int:file_id>")
def leave_evidence(reference: str, file_id: int):
    try:
        return send_evidence(leave.evidence_of(_request(reference), file_id, current_user._get_current_object()))
    except NotFound:
        abort(404)


def _decided_child(reference: str, child_id: int):
    try:
        child = leave.child_for_parent(current_user, reference, child_id)
    except NotFound:
        abort(404)
    if not child.letter:
        abort(404)
    return child


@bp.get("/leave/<reference>/letter/<int:child_id>")
def leave_letter(reference: str, child_id: int):
    return render_template("parent/leave_letter.html", child=_decided_child(reference, child_id),
                           page_lang=current_language(), navigation=navigation("parent.leave_requests"))


@bp.get("/leave/<reference>/letter/<int:child_id>.pdf")
def leave_letter_pdf(reference: str, child_id: int):
    child = _decided_child(reference, child_id)
    return send_file(BytesIO(leave.letter_pdf(child, current_language())), mimetype="application/pdf", as_attachment=True,
                     download_name=leave.letter_filename(child))
