"""Attendance support plans, for parents: read each plan of their children, sign it or say why they do not agree,
see what they and the school agreed to and when it is reviewed, read earlier versions, download the PDF.

The URLs carry the child: `my_child` answers 404 for a child who is not this parent's, and the service answers
404 for a plan that is not that child's, or that the school has not sent yet.
"""

from __future__ import annotations

import io

from flask import abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext
from flask_login import current_user

from forms.contracts import DeclineForm, SignForm
from portal.domain import support_plan as rules
from portal.models.support_plan import ACTIVE
from portal.services import NotFound, ServiceError, support_plans
from portal.web.parent import bp, my_child, my_children, navigation
from portal.web.parent.language import current_language

NAV = "parent.plans"


def _plan(pupil_id: int, plan_id: int):
    child = my_child(pupil_id)
    try:
        return child, support_plans.plan_for_parent(current_user, plan_id, pupil_id=child.id)
    except NotFound:
        abort(404)


def _page(page: str, **context):
    return render_template(page, navigation=navigation(NAV), rules=rules, support_plans=support_plans,
                           **context)


@bp.get("/plans")
def plans():
    by_child = {child.id: (child, []) for child in my_children()}
    for plan in support_plans.plans_for_parent(current_user):
        by_child[plan.pupil_id][1].append(plan)
    return _page("parent/plan_list.html", children=list(by_child.values()))


def _show(child, plan, sign: SignForm | None = None):
    version = plan.current
    status = support_plans.version_status(version)
    me = status.parent(current_user)
    can_answer = plan.state == ACTIVE and me is not None and not me.signed
    if sign is None and can_answer:
        sign = SignForm(version=str(version.number), sha256=version.sha256)
    return _page("parent/plan.html", child=child, plan=plan, version=version, status=status, me=me,
                 document=rules.document(version.fields), sign=sign if can_answer else None,
                 companion=support_plans.companion_document(version.fields, current_language()),
                 form=sign if can_answer else None)


@bp.get("/children/<int:pupil_id>/plans/<int:plan_id>")
def plan(pupil_id: int, plan_id: int):
    child, found = _plan(pupil_id, plan_id)
    return _show(child, found)


@bp.post("/children/<int:pupil_id>/plans/<int:plan_id>/sign")
def sign_plan(pupil_id: int, plan_id: int):
    child, found = _plan(pupil_id, plan_id)
    form = SignForm()
    if form.validate_on_submit():
        try:
            support_plans.sign_as_parent(current_user, found.id, form.version_number(), form.sha256.data,
                                         form.typed_name.data, form.confirm.data)
        except support_plans.PlanChanged as exc:
            flash(str(exc), "error")
            return redirect(url_for("parent.plan", pupil_id=child.id, plan_id=found.id), code=303)
        except ServiceError as exc:
            form.form_errors.append(str(exc))
        else:
            flash(gettext("You have signed %(name)s’s plan. Thank you.", name=child.forename), "success")
            return redirect(url_for("parent.plan", pupil_id=child.id, plan_id=found.id), code=303)
    return _show(child, found, sign=form)


@bp.route("/children/<int:pupil_id>/plans/<int:plan_id>/decline", methods=["GET", "POST"])
def decline_plan(pupil_id: int, plan_id: int):
    child, found = _plan(pupil_id, plan_id)
    version = found.current
    me = support_plans.version_status(version).parent(current_user)
    if found.state != ACTIVE or me is None or me.signed or me.refusal is not None:
        return redirect(url_for("parent.plan", pupil_id=child.id, plan_id=found.id), code=303)
    form = DeclineForm(version=str(version.number), sha256=version.sha256)
    if form.validate_on_submit():
        try:
            support_plans.decline_as_parent(current_user, found.id, form.version_number(), form.sha256.data,
                                            form.reason.data)
        except support_plans.PlanChanged as exc:
            flash(str(exc), "error")
            return redirect(url_for("parent.plan", pupil_id=child.id, plan_id=found.id), code=303)
        except ServiceError as exc:
            form.form_errors.append(str(exc))
        else:
            flash(gettext("We have told the school you do not agree, and why. They will contact you."), "success")
            return redirect(url_for("parent.plan", pupil_id=child.id, plan_id=found.id), code=303)
    return _page("parent/plan_decline.html", child=child, plan=found, version=version, form=form)


def _version(pupil_id: int, plan_id: int, number: int):
    child, found = _plan(pupil_id, plan_id)
    try:
        return child, found, support_plans.version_of(found, number, issued_only=True)
    except NotFound:
        abort(404)


@bp.get("/children/<int:pupil_id>/plans/<int:plan_id>/versions/<int:number>")
def plan_version(pupil_id: int, plan_id: int, number: int):
    child, found, version = _version(pupil_id, plan_id, number)
    return _page("parent/plan_version.html", child=child, plan=found, version=version,
                 document=rules.document(version.fields), status=support_plans.version_status(version),
                 companion=support_plans.companion_document(version.fields, current_language()))


@bp.get("/children/<int:pupil_id>/plans/<int:plan_id>/versions/<int:number>/pdf")
def plan_pdf(pupil_id: int, plan_id: int, number: int):
    _, found, version = _version(pupil_id, plan_id, number)
    pdf = support_plans.version_pdf(found, version, language=current_language())
    return send_file(io.BytesIO(pdf), mimetype="application/pdf",
                     as_attachment=True, download_name=f"{found.reference}-version-{version.number}.pdf")
