"""Messages to parents: each school's next batch of the half-termly message, with counts and examples, which the
roles that run attendance may stop, resume or send now (portal/services/nudge_batches.py decides who)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from forms.nudges import BatchForm
from portal.clock import school_today
from portal.domain.nudges import REASONS
from portal.services import NotFound, ServiceError
from portal.services import nudge_batches as service
from portal.services.permissions import NotPermitted
from portal.web.staff import bp, navigation, staff_view

LANGUAGE_NAMES = {"en": "English", "pl": "Polish", "ro": "Romanian"}


@bp.get("/messages")
@staff_view()
def messages():
    try:
        batches = service.overview(current_user, school_today(), request.args.get("school") or None)
    except NotFound:
        abort(404)
    return render_template("staff/messages.html", batches=batches, form=BatchForm(), reasons=REASONS,
                           languages=LANGUAGE_NAMES, navigation=navigation("staff.messages"))


@bp.post("/messages/<urn>/stop")
@staff_view(service.MANAGE_MESSAGES)
def stop_messages(urn: str):
    return _act(urn, service.stop, "Stopped: nothing of this batch will be sent until you resume it.")


@bp.post("/messages/<urn>/resume")
@staff_view(service.MANAGE_MESSAGES)
def resume_messages(urn: str):
    return _act(urn, service.resume, "Resumed: the batch goes when it is due.")


@bp.post("/messages/<urn>/send")
@staff_view(service.MANAGE_MESSAGES)
def send_messages(urn: str):
    return _act(urn, service.send_now, None)


def _act(urn: str, action, done: str | None):
    form = BatchForm()
    if form.validate_on_submit():
        try:
            result = action(current_user, urn, form.round.data, school_today())
        except NotFound:
            abort(404)
        except NotPermitted:
            abort(403)
        except ServiceError as exc:
            flash(str(exc)[:1].upper() + str(exc)[1:] + ".", "error")
        else:
            flash(done or f"{result} email{'s' * (result != 1)} queued: they go out within a few minutes.",
                  "success")
    else:
        flash("Choose the batch on the page.", "error")
    return redirect(url_for("staff.messages"), 303)
