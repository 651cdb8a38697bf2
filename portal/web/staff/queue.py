"""The review queue: absence reports waiting for a person, each with the pupil's context and the decision."""

from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from forms.review import AssignForm, BulkAcceptForm, DecisionForm, QueueFilterForm
from portal.clock import school_now, school_today, utcnow
from portal.domain import absence as rules
from portal.domain import codes
from portal.domain.ids import parse_id
from portal.services import NotFound, ServiceError, absences, data_arrivals, review, support_plans, term_dates
from portal.services.attendance import pupil_attendance
from portal.services.permissions import AUTHORISE_ABSENCE, may, refusal, schools_of
from portal.web.staff import bp, navigation, staff_view

QUEUE_PAGE = 100  # reports a page: a busy morning of a large trust is thousands, too many for one page


@bp.get("/")
@staff_view()
def queue():
    form = QueueFilterForm(request.args)
    schools = schools_of(current_user)
    form.school.choices = [SelectChoice("", "All your schools")] + [SelectChoice(s.urn, s.name) for s in schools]
    form.site.choices = [SelectChoice("", "All sites")] + [
        SelectChoice(str(site.id), f"{school.name}: {site.name}") for school in schools for site in school.sites]
    form.validate()
    items = review.absence_queue(current_user, school_now(), school_urn=form.school.data or None,
                                 year_group=(form.year_group.data or "").strip().upper() or None,
                                 registration_group=(form.registration_group.data or "").strip() or None,
                                 status=form.status.data or None, overdue_only=form.overdue.data,
                                 site_id=parse_id(form.site.data),
                                 assigned_to_me=form.mine.data)
    pages = max(1, -(-len(items) // QUEUE_PAGE))
    number = request.args.get("page", "1")
    number = parse_id(number) or 1
    number = number if number <= pages else 1
    first = (number - 1) * QUEUE_PAGE
    # Links to the other pages keep the filters.
    args = {k: v for k, v in request.args.items() if k != "page"}
    pagination = {"number": number, "pages": pages, "first": first + 1 if items else 0,
                  "last": min(first + QUEUE_PAGE, len(items)), "total": len(items),
                  "previous": url_for("staff.queue", **args, page=number - 1) if number > 1 else None,
                  "next": url_for("staff.queue", **args, page=number + 1) if number < pages else None}
    authorising = {s.id for s in schools if may(current_user, AUTHORISE_ABSENCE, s)}
    return render_template("staff/queue.html", items=items[first:first + QUEUE_PAGE], pagination=pagination,
                           filters=form, bulk=BulkAcceptForm(), rules=rules, authorising=authorising,
                           refusals=[refusal(AUTHORISE_ABSENCE, s) for s in schools if s.id not in authorising],
                           due=support_plans.due_reviews(school_today(), current_user),
                           feed=data_arrivals.feed_status(current_user, school_now()), feed_now=school_now(),
                           declined=support_plans.declined_plans(current_user),
                           term_dates=term_dates.running_out(current_user, school_today()),
                           navigation=navigation("staff.queue"))


@bp.route("/absences/<int:child_id>", methods=["GET", "POST"])
@staff_view()
def absence(child_id: int):
    try:
        child = review.queue_item(current_user, child_id)
    except NotFound:
        abort(404)
    suggested = rules.SUGGESTED_CODES[child.report.reason]
    form = DecisionForm(code=suggested)
    if form.validate_on_submit():
        try:
            review.decide(current_user, child_id, form.action.data, form.code.data, form.note.data or "")
        except ServiceError as exc:
            form.action.errors.append(str(exc))
        else:
            flash(f"Saved: {child.pupil.name}, report {child.report.reference}.", "success")
            return redirect(url_for("staff.queue"), code=303)
    pupil = child.pupil
    may_authorise = may(current_user, AUTHORISE_ABSENCE, pupil.school)
    if not may_authorise:  # offer only what this role may do; the service still refuses anything else
        form.action.choices = [c for c in form.action.choices if c.value == "question"]
    return render_template(
        "staff/absence.html", child=child, form=form, suggested=suggested, rules=rules, codes=codes,
        may_authorise=may_authorise, refusal=None if may_authorise else refusal(AUTHORISE_ABSENCE, pupil.school),
        attendance=pupil_attendance(pupil.upn),
        marks=review.recent_marks(pupil, child.report.first_day - timedelta(weeks=4)),
        earlier=[c for c in review.earlier_reports(pupil) if c.id != child.id],
        plans=review.open_plans(pupil), leave=review.recent_leave(pupil, utcnow() - timedelta(days=365)),
        evidence=[f for f in absences.report_evidence(child.report) if f.school_id == pupil.school_id],
        assign=AssignForm(),
        siblings=review.siblings(pupil, current_user), navigation=navigation("staff.queue"))


@bp.post("/absences/<int:child_id>/assign")
@staff_view()
def assign(child_id: int):
    if not AssignForm().validate_on_submit():
        abort(400)
    try:
        child = review.assign(current_user, child_id)
    except NotFound:
        abort(404)
    flash("Assigned to you." if child.assigned_to_id == current_user.id else "Given back to the queue.", "success")
    return redirect(url_for("staff.absence", child_id=child_id), code=303)


@bp.post("/absences/accept")
@staff_view(AUTHORISE_ABSENCE)
def bulk_accept():
    form = BulkAcceptForm()
    if form.validate_on_submit():
        try:
            accepted, left = review.bulk_accept(current_user, form.items.data or [])
        except (NotFound, ServiceError) as exc:
            flash(str(exc), "error")
        else:
            message = f"Accepted {accepted} report{'s' * (accepted != 1)}."
            if left:
                message += f" Left for you to decide (no suggested code): {', '.join(left)}."
            flash(message, "success")
    return redirect(url_for("staff.queue"), code=303)
