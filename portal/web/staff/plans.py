"""Attendance support plans, for staff: find a pupil, draft a plan, send it for signing, sign for the school,
record the pupil's signature, review it; read any version and download it as a PDF.

Every view needs the policy's `draft_support_plans` role at the plan's school (checked by the service): plans hold
what families said about their lives, so they are kept to the people who run them.
"""

from __future__ import annotations

import io
from datetime import date

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from forms.contracts import (
    PlanForm,
    PupilSearchForm,
    PupilSignForm,
    ReviewForm,
    SchoolSignForm,
    SendForm,
    checklist_choices,
)
from portal.clock import school_today
from portal.domain import support_plan as rules
from portal.models.support_plan import ACTIVE, DRAFT, STATES
from portal.services import NotFound, ServiceError, support_plans
from portal.services.attendance import pupil_attendance
from portal.services.permissions import DRAFT_SUPPORT_PLANS, NotPermitted
from portal.web.staff import bp, navigation, staff_view

NAV = "staff.plans"


def today() -> date:
    """The day reviews are due against (a function, so a test can fix it)."""
    return school_today()


def _guard(load, *args):
    """Run a service loader; someone else's plan is 404, a role that may not run plans here is 403."""
    try:
        return load(current_user, *args)
    except NotPermitted:
        abort(403)
    except NotFound:
        abort(404)


def _page(page: str, **context):
    return render_template(page, navigation=navigation(NAV), rules=rules, support_plans=support_plans,
                           **context)


@bp.get("/plans")
@staff_view(DRAFT_SUPPORT_PLANS)
def plans():
    search = PupilSearchForm(request.args)
    state = request.args.get("state") if request.args.get("state") in STATES else None
    found = support_plans.find_pupils(current_user, search.q.data or "") if search.validate() else []
    states = [SelectChoice("", "All")] + [SelectChoice(s, support_plans.STATE_WORDS[s]) for s in STATES]
    return _page("staff/plan_list.html", plans=support_plans.plans_for_staff(current_user, state), state=state,
                 states=states, due=support_plans.due_reviews(today(), current_user), search=search, found=found,
                 declined=support_plans.declined_plans(current_user),
                 searched=bool((search.q.data or "").strip()))


def _fill(form: PlanForm, data: support_plans.PlanInput) -> None:
    for name in ("meeting_date", "review_date", "attendees_parents", "attendees_pupil", "attendees_school",
                 "attendees_others", "concerns", "parent_views", "pupil_views", "barriers", "support_offered",
                 "support_other", "parent_commitments", "additional_actions", "school_commitments"):
        getattr(form, name).data = getattr(data, name)


def _input(form: PlanForm) -> support_plans.PlanInput:
    return support_plans.PlanInput(**{name: getattr(form, name).data or ([] if name in rules.LIST_KEYS else "")
                                      for name in support_plans.PlanInput.__dataclass_fields__})


def _plan_form(pupil, version=None) -> PlanForm:
    form = PlanForm()
    template = support_plans.template_for(pupil.school)
    for key in rules.LIST_KEYS:
        getattr(form, key).choices = checklist_choices(support_plans.checklist(template, key, version))
    return form


@bp.route("/pupils/<int:pupil_id>/plans/new", methods=["GET", "POST"])
@staff_view(DRAFT_SUPPORT_PLANS)
def new_plan(pupil_id: int):
    pupil = _guard(support_plans.pupil_for_plan, pupil_id)
    form = _plan_form(pupil)
    if request.method == "GET":
        _fill(form, support_plans.new_input(current_user, pupil, today()))
    elif form.validate_on_submit():
        try:
            plan = support_plans.draft_plan(current_user, pupil.id, _input(form))
        except ServiceError as exc:
            form.refuse(str(exc), exc.field)
        else:
            flash(f"Draft saved as {plan.reference}. Check it, then send it to the family for signing.", "success")
            return redirect(url_for("staff.plan", plan_id=plan.id), code=303)
    return _page("staff/plan_form.html", form=form, pupil=pupil, plan=None,
                 attendance=pupil_attendance(pupil.upn, as_of=today()),
                 template=support_plans.template_for(pupil.school),
                 earlier=support_plans.plans_of_pupil(current_user, pupil))


@bp.route("/plans/<int:plan_id>/change", methods=["GET", "POST"])
@staff_view(DRAFT_SUPPORT_PLANS)
def change_plan(plan_id: int):
    plan = _guard(support_plans.staff_plan, plan_id)
    if plan.state not in (DRAFT, ACTIVE):
        abort(404)
    form = _plan_form(plan.pupil, plan.latest)
    if request.method == "GET":
        _fill(form, support_plans.input_from_version(plan.latest))
    elif form.validate_on_submit():
        try:
            version = support_plans.change_plan(current_user, plan.id, _input(form))
        except ServiceError as exc:
            form.refuse(str(exc), exc.field)
        else:
            flash(f"Saved as version {version.number}." + (" Send it to the family: it needs signing again."
                                                           if version.number > 1 and not version.issued_at else ""),
                  "success")
            return redirect(url_for("staff.plan", plan_id=plan.id), code=303)
    return _page("staff/plan_form.html", form=form, pupil=plan.pupil, plan=plan,
                 attendance=pupil_attendance(plan.pupil.upn, as_of=today()),
                 template=support_plans.template_for(plan.school), earlier=[])


@bp.get("/plans/<int:plan_id>")
@staff_view(DRAFT_SUPPORT_PLANS)
def plan(plan_id: int):
    found = _guard(support_plans.staff_plan, plan_id)
    return _show(found)


def _show(plan, send: SendForm | None = None):
    current = plan.current
    return _page("staff/plan.html", plan=plan, latest=plan.latest, current=current,
                 status=support_plans.version_status(current) if current else None,
                 document=rules.document(plan.latest.fields), send=send or SendForm(),
                 signers=support_plans.parent_signers(plan.pupil),
                 unreachable=support_plans.unreachable_parents(plan.pupil),
                 at_start=support_plans.attendance_at_start(plan),
                 since=support_plans.attendance_since_start(plan, today()), today=today())


@bp.post("/plans/<int:plan_id>/send")
@staff_view(DRAFT_SUPPORT_PLANS)
def send_plan(plan_id: int):
    plan = _guard(support_plans.staff_plan, plan_id)
    form = SendForm()
    if form.validate_on_submit():
        try:
            invited = support_plans.send_for_signing(current_user, plan.id)
        except ServiceError as exc:
            flash(str(exc), "error")
        else:
            if invited:
                flash(f"Version {plan.latest.number} sent. We emailed {', '.join(invited)} to read and sign it.",
                      "success")
            else:
                flash(f"Version {plan.latest.number} sent, but no parent with parental responsibility has an email "
                      "address: print the PDF for them to sign.", "success")
    return redirect(url_for("staff.plan", plan_id=plan.id), code=303)


def _signing_page(plan, form, title: str, action: str, kind: str):
    version = plan.current
    if request.method == "GET":
        form.version.data, form.sha256.data = str(version.number), version.sha256
    return _page("staff/plan_sign.html", plan=plan, version=version, document=rules.document(version.fields),
                 form=form, title=title, action=action, kind=kind)


@bp.route("/plans/<int:plan_id>/sign", methods=["GET", "POST"])
@staff_view(DRAFT_SUPPORT_PLANS)
def sign_plan(plan_id: int):
    plan = _guard(support_plans.staff_plan, plan_id)
    if plan.state != ACTIVE or plan.current is None:
        abort(404)
    form = SchoolSignForm(typed_name=current_user.name)
    if form.validate_on_submit():
        try:
            support_plans.sign_as_school(current_user, plan.id, form.version_number(), form.sha256.data,
                                         form.typed_name.data, form.confirm.data)
        except ServiceError as exc:
            form.refuse(str(exc), exc.field)
        else:
            flash(f"Signed for the school: version {plan.current.number}.", "success")
            return redirect(url_for("staff.plan", plan_id=plan.id), code=303)
    return _signing_page(plan, form, "Sign for the school", url_for("staff.sign_plan", plan_id=plan.id), "school")


@bp.route("/plans/<int:plan_id>/pupil-signature", methods=["GET", "POST"])
@staff_view(DRAFT_SUPPORT_PLANS)
def pupil_signature(plan_id: int):
    plan = _guard(support_plans.staff_plan, plan_id)
    if plan.state != ACTIVE or plan.current is None:
        abort(404)
    form = PupilSignForm()
    if form.validate_on_submit():
        try:
            support_plans.record_pupil_signature(current_user, plan.id, form.version_number(), form.sha256.data,
                                                 form.typed_name.data, form.confirm.data)
        except ServiceError as exc:
            form.refuse(str(exc), exc.field)
        else:
            flash(f"{plan.pupil.forename}’s signature is saved.", "success")
            return redirect(url_for("staff.plan", plan_id=plan.id), code=303)
    return _signing_page(plan, form, f"{plan.pupil.forename}’s signature (optional)",
                         url_for("staff.pupil_signature", plan_id=plan.id), "pupil")


@bp.route("/plans/<int:plan_id>/review", methods=["GET", "POST"])
@staff_view(DRAFT_SUPPORT_PLANS)
def plan_review(plan_id: int):
    plan = _guard(support_plans.staff_plan, plan_id)
    if plan.state != ACTIVE:
        flash("Only a plan that has been sent to the family and is still running can be reviewed.", "error")
        return redirect(url_for("staff.plan", plan_id=plan.id), code=303)
    form = ReviewForm()
    if form.validate_on_submit():
        try:
            review = support_plans.review_plan(current_user, plan.id, form.progress.data, form.outcome.data,
                                               form.next_review_date.data)
        except ServiceError as exc:
            form.refuse(str(exc), exc.field)
        else:
            flash({"continue": f"Review saved. Next review: {rules.long_date(review.next_review_date)}.",
                   "closed": "Review saved. The plan is closed.",
                   "escalated": "Review saved. The plan is escalated to the next stage of support."}[review.outcome],
                  "success")
            return redirect(url_for("staff.plan", plan_id=plan.id), code=303)
    return _page("staff/plan_review.html", plan=plan, form=form, at_start=support_plans.attendance_at_start(plan),
                 since=support_plans.attendance_since_start(plan, today()),
                 template=support_plans.template_for(plan.school), today=today())


@bp.get("/plans/<int:plan_id>/versions/<int:number>")
@staff_view(DRAFT_SUPPORT_PLANS)
def plan_version(plan_id: int, number: int):
    plan = _guard(support_plans.staff_plan, plan_id)
    try:
        version = support_plans.version_of(plan, number)
    except NotFound:
        abort(404)
    return _page("staff/plan_version.html", plan=plan, version=version, document=rules.document(version.fields),
                 status=support_plans.version_status(version))


@bp.get("/plans/<int:plan_id>/versions/<int:number>/pdf")
@staff_view(DRAFT_SUPPORT_PLANS)
def plan_pdf(plan_id: int, number: int):
    plan = _guard(support_plans.staff_plan, plan_id)
    try:
        version = support_plans.version_of(plan, number)
    except NotFound:
        abort(404)
    return send_file(io.BytesIO(support_plans.version_pdf(plan, version)), mimetype="application/pdf",
                     as_attachment=True, download_name=f"{plan.reference}-version-{version.number}.pdf")
