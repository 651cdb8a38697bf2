"""Leave requests for staff: the queue with each decision's deadline, one child's case with everything the policy
asks the decider to weigh, the decision (roles the policy names only), the letter, and what happened afterwards."""

from __future__ import annotations

from io import BytesIO

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from forms.leave import OUTCOMES, LeaveDecisionForm, LeaveOutcomeForm, LeaveQueueFilterForm
from portal.clock import school_today
from portal.domain.leave import UNIT_WORDS
from portal.domain.policy_words import notice_words
from portal.models.leave import OUTCOME_WORDS
from portal.services import NotFound, ServiceError, leave
from portal.services.permissions import DECIDE_LEAVE, NotPermitted, schools_of
from portal.web.evidence import send_evidence
from portal.web.staff import bp, navigation, staff_view

FLAG_TAGS = {  # the short tag each flag gets in the queue
    "short_notice": "Short notice", "not_in_advance": "Not in advance", "notice_conflict": "Notice conflict",
    "below_attendance_bar": "Below the bar", "no_attendance_yet": "No attendance yet",
    "evidence_missing": "No evidence", "decision_after_start": "Decide soon",
    "local_penalty_if_refused": "Local PN rule", "invalid_dates": "Dates", "no_school_days": "No school days",
    "return_not_school_day": "Return day closed",
}


def today():
    return school_today()


@bp.get("/leave")
@staff_view()
def leave_queue():
    form = LeaveQueueFilterForm(request.args)
    form.school.choices = [SelectChoice("", "All your schools")] + [
        SelectChoice(s.urn, s.name) for s in schools_of(current_user)]
    form.validate()
    view = form.view.data or "waiting"
    items = leave.leave_queue(current_user, today(), school_urn=form.school.data or None, view=view)
    return render_template("staff/leave_queue.html", items=items, filters=form, view=view, today=today(),
                           flag_tags=FLAG_TAGS, outcome_words=OUTCOME_WORDS, navigation=navigation("staff.leave_queue"))


def _case(child_id: int):
    try:
        return leave.case_for(current_user, child_id, today())
    except NotFound:
        abort(404)


def _decision_form(case, form: LeaveDecisionForm | None = None) -> LeaveDecisionForm:
    form = form or LeaveDecisionForm()
    form.approved_days.choices = [
        SelectChoice(d.isoformat(), f"{d:%A} {d.day} {d:%B %Y}") for d in case.assessment.school_days]
    return form


def _outcome_form(case, form: LeaveOutcomeForm | None = None) -> LeaveOutcomeForm:
    form = form or LeaveOutcomeForm()
    allowed = {"approved": ("returned_on_time", "returned_late", "taken_after_refusal"),
               "part_approved": ("returned_on_time", "returned_late", "taken_after_refusal"),
               "refused": ("taken_after_refusal", "not_taken")}.get(case.child.status, ())
    form.outcome.choices = [c for c in OUTCOMES if c.value in allowed]
    return form


def _render_case(case, decision=None, outcome=None, effect=None, status=200):
    return render_template(
        "staff/leave_case.html", case=case, decision=_decision_form(case, decision),
        outcome=_outcome_form(case, outcome), effect=effect, flag_tags=FLAG_TAGS, outcome_words=OUTCOME_WORDS,
        notice=notice_words(case.policy), unit=UNIT_WORDS[case.policy.leave.notice_unit],
        decider=leave.decider_words(case.policy), bar=leave.bar_words(case.policy), today_date=today(),
        conflict_words=leave.conflict_words, navigation=navigation("staff.leave_queue")), status


@bp.get("/leave/<int:child_id>")
@staff_view()
def leave_case(child_id: int):
    return _render_case(_case(child_id))


@bp.post("/leave/<int:child_id>/decide")
@staff_view(DECIDE_LEAVE)
def decide_leave(child_id: int):
    case = _case(child_id)
    form = _decision_form(case)
    if form.validate_on_submit():
        try:
            child = leave.decide(current_user, child_id, form.days_approved(list(case.assessment.school_days)),
                                 form.reasons.data or "")
        except NotPermitted as refused:
            abort(403, description=str(refused))
        except ServiceError as exc:
            form.decision.errors.append(str(exc))
        else:
            sent = leave.decision_recipients(child)
            flash(f"Decision recorded for {child.pupil.name}: {child.status_words.lower()}. "
                  + (f"The letter was emailed to {', '.join(sent)}." if sent else
                     "No parent with parental responsibility has an email address: print the letter and send it."),
                  "success")
            return redirect(url_for("staff.leave_case", child_id=child_id), code=303)
    return _render_case(case, decision=form)


@bp.post("/leave/<int:child_id>/outcome")
@staff_view()
def leave_outcome(child_id: int):
    case = _case(child_id)
    form = _outcome_form(case)
    if not form.validate_on_submit():
        return _render_case(case, outcome=form)
    try:
        effect = leave.outcome_effect(current_user, child_id, form.outcome.data, form.actual_first.data,
                                      form.actual_return.data)
        if effect is not None:
            form.choice.choices = [SelectChoice(o.key, o.description) for o in effect.options]
        if effect is not None and (form.check.data or not form.choice.data):
            if not form.choice.data:
                form.choice.data = next(o.key for o in effect.options if o.default)
            return _render_case(case, outcome=form, effect=effect)
        child = leave.record_outcome(current_user, child_id, form.outcome.data, form.actual_first.data,
                                     form.actual_return.data, form.choice.data or None, form.note.data or "")
    except NotPermitted as refused:
        abort(403, description=str(refused))
    except ServiceError as exc:
        form.outcome.errors.append(str(exc))
        return _render_case(case, outcome=form)
    flash(f"Recorded for {child.pupil.name}: {child.outcome_words.lower()}.", "success")
    return redirect(url_for("staff.leave_case", child_id=child_id), code=303)


@bp.get("/leave/<int:child_id>/letter")
@staff_view()
def leave_letter(child_id: int):
    case = _case(child_id)
    if not case.child.letter:
        abort(404)
    return render_template("staff/leave_letter.html", child=case.child, navigation=navigation("staff.leave_queue"))


@bp.get("/leave/<int:child_id>/letter.pdf")
@staff_view()
def leave_letter_pdf(child_id: int):
    case = _case(child_id)
    if not case.child.letter:
        abort(404)
    return send_file(BytesIO(leave.letter_pdf(case.child)), mimetype="application/pdf", as_attachment=True,
                     download_name=leave.letter_filename(case.child))


@bp.get("/leave/<int:child_id>/evidence/<int:file_id>")
@staff_view()
def leave_evidence(child_id: int, file_id: int):
    try:
        child = leave.leave_item(current_user, child_id)
        return send_evidence(leave.evidence_of(child.request, file_id, current_user._get_current_object()))
    except NotFound:
        abort(404)
