"""One child's attendance, explained: the figures and what they mean in days, what happens next, the last month of
the register; and the whole year's register on a page of its own (by July it is 39 weeks: too much for a phone)."""

from __future__ import annotations

from datetime import date

from flask import render_template

from portal.clock import school_today
from portal.services.child_attendance import child_attendance
from portal.web import charts
from portal.web.parent import bp, my_child, navigation

RECENT_WEEKS = 4  # the register on the attendance page: about a month, newest first


def today() -> date:
    """The day the figures run to (a function, so a test can fix it)."""
    return school_today()


@bp.get("/children/<int:pupil_id>")
def child(pupil_id: int):
    page = child_attendance(my_child(pupil_id), as_of=today(), register_weeks=RECENT_WEEKS)
    chart = None
    if page.trend:
        chart = charts.attendance_trend(
            page.trend, page.bands.target,
            title=f"{page.forename}’s attendance this school year, week by week",
            lines=[(page.persistent_attendance, f"Persistent absence: {page.persistent_attendance_line}% or below")],
            id_prefix="attendance-trend",
        )
    return render_template("parent/child.html", page=page, chart=chart, navigation=navigation("parent.home"))


@bp.get("/children/<int:pupil_id>/register")
def child_register(pupil_id: int):
    page = child_attendance(my_child(pupil_id), as_of=today())
    return render_template("parent/register.html", page=page, navigation=navigation("parent.home"))
