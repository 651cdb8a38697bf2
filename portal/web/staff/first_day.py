"""First-day contact: who is absent with no word from home, one click to email their parents, every step logged."""

from __future__ import annotations

import secrets
from datetime import date, datetime

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from forms.first_day import ChaseForm, FirstDayFilterForm, StepForm
from portal.clock import school_now, school_today
from portal.services import NotFound, ServiceError
from portal.services import first_day as service
from portal.services.permissions import schools_of
from portal.web.staff import bp, navigation, staff_view


def day_args(day: date) -> list[int]:
    """A day as the GOV.UK date input sends it (day, month, year), for links back to the same list."""
    return [day.day, day.month, day.year]


def _filters() -> FirstDayFilterForm:
    form = FirstDayFilterForm(request.args)
    form.school.choices = [SelectChoice("", "All your schools")] + [
        SelectChoice(s.urn, s.name) for s in schools_of(current_user)]
    form.validate()
    return form


def _names(pupils) -> str:
    return ", ".join(p.name for p in pupils)


@bp.get("/first-day")
@staff_view()
def first_day():
    filters = _filters()
    now = school_now()
    day = filters.on.data or now.date()
    try:
        listing = service.first_day_list(current_user, day, now, school_urn=filters.school.data or None)
    except NotFound:
        abort(404)
    chase = ChaseForm(formdata=None, day=day.isoformat(), click=secrets.token_urlsafe(16))
    chase.pupils.data = [e.pupil.id for e in listing.to_contact if e.recipients and not e.emailed]
    return render_template("staff/first_day.html", listing=listing, filters=filters, chase=chase,
                           words=service.ACTION_WORDS, sessions=service.SESSION_WORDS, on=day_args(day),
                           navigation=navigation("staff.first_day"))


@bp.post("/first-day/chase")
@staff_view()
def first_day_chase():
    form = ChaseForm()
    day = form.parsed_day() or school_today()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(message, "error")
        return redirect(url_for("staff.first_day", on=day_args(day)), code=303)
    try:
        result = service.chase(current_user, day, form.pupils.data or [], form.click.data, school_now())
    except NotFound:
        abort(404)
    except ServiceError as exc:
        flash(str(exc), "error")
        return redirect(url_for("staff.first_day", on=day_args(day)), code=303)
    if result.emailed:
        flash(f"Chase email sent about {_names(result.emailed)} ({result.messages} "
              f"email{'s' * (result.messages != 1)}).", "success")
    if result.no_email:
        flash(f"No parent email address for {_names(result.no_email)}: phone instead.", "error")
    if result.not_listed:
        flash(f"Not emailed, no longer on the list (reported, seen or contacted since): "
              f"{_names(result.not_listed)}.", "error")
    if result.already and not result.emailed:
        flash(f"Already sent: {_names(result.already)}.", "error")
    return redirect(url_for("staff.first_day", on=day_args(day)), code=303)


@bp.route("/first-day/pupils/<int:pupil_id>", methods=["GET", "POST"])
@staff_view()
def first_day_pupil(pupil_id: int):
    now = school_now()
    day = _filters().on.data or now.date()
    try:
        contact = service.pupil_contact(current_user, pupil_id, day, now)
    except NotFound:
        abort(404)
    form = StepForm()
    form.action.choices = [SelectChoice(k, v) for k, v in service.ACTION_WORDS.items()]
    if request.method == "GET":
        form.time.data = now.strftime("%H:%M")
        if contact.entry and contact.entry.next_step:
            form.action.data = contact.entry.next_step.action
    if form.validate_on_submit():
        try:
            service.log_step(current_user, pupil_id, day, form.action.data, form.outcome.data,
                             datetime.combine(now.date(), form.parsed_time()), now, resolved=form.resolved.data)
        except NotFound:
            abort(404)
        except ServiceError as exc:
            form.outcome.errors.append(str(exc))
        else:
            flash(f"Saved: {service.ACTION_WORDS[form.action.data].lower()} for {contact.pupil.name}.", "success")
            return redirect(url_for("staff.first_day", on=day_args(day)), code=303)
    return render_template("staff/first_day_pupil.html", contact=contact, form=form, day=day, on=day_args(day),
                           words=service.ACTION_WORDS, sessions=service.SESSION_WORDS,
                           navigation=navigation("staff.first_day"))
