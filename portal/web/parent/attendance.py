"""One child's attendance, explained: the figures and what they mean in days, what happens next, the last month of
the register; and the whole year's register on a page of its own (by July it is 39 weeks: too much for a phone)."""

from __future__ import annotations

from datetime import date

from flask import render_template, session
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import escape

from portal.clock import school_today
from portal.services import child_pages
from portal.services.child_attendance import child_attendance
from portal.web import charts
from portal.web.csrf_tokens import csrf_token
from portal.web.dates import date_words
from portal.web.parent import bp, my_child, navigation
from portal.web.session import account_columns_only
from portal.web.words import percent_words

RECENT_WEEKS = 4  # the register on the attendance page: about a month, newest first


def today() -> date:
    """The day the figures run to (a function, so a test can fix it)."""
    return school_today()


@bp.get("/children/<int:pupil_id>")
@account_columns_only  # current_user.id and .email are all it reads of the parent
def child(pupil_id: int):
    """The page is kept once rendered (portal.services.child_pages): a parent looking again, or the other parent,
    gets it from one query until the child's marks, the policy, the pupil's details or the day change."""
    as_of, language = today(), str(get_locale())
    personal = "_flashes" not in session  # a page with a message on it is this request's alone
    if personal:
        html = child_pages.kept(current_user.id, pupil_id, language, as_of)
        if html is not None:
            return _filled_in(html)
    pupil = my_child(pupil_id)
    made_from = child_pages.stamp(pupil)
    html = _render_child(pupil, as_of)
    if personal:
        child_pages.keep(made_from, language, as_of, _placeholders(html))
    return html


def _render_child(pupil, as_of: date) -> str:
    page = child_attendance(pupil, as_of=as_of, register_weeks=RECENT_WEEKS)
    chart = None
    if page.trend:
        # The week and the figure of each point in the page's language: "8 wrz", "95,0%".
        points = [charts.Plotted(date_words(p.week_beginning, "short day month"), p.value, percent_words(p.percent))
                  for p in page.trend]
        chart = charts.attendance_trend(
            points, page.bands.target,
            title=_("%(name)s’s attendance this school year, week by week", name=page.forename),
            lines=[(page.persistent_attendance, _("Persistent absence: %(line)s or below",
                                                  line=percent_words(page.persistent_attendance_line)))],
            id_prefix="attendance-trend",
        )
    return render_template("parent/child.html", page=page, chart=chart, navigation=navigation("parent.home"))


# What a rendered page holds of the parent viewing it (base.html's sign-out form and footer), kept as placeholders.
CSRF_PLACEHOLDER = "%%portal-csrf-token%%"
EMAIL_PLACEHOLDER = "%%portal-parent-email%%"


def _placeholders(html: str) -> str:
    return (html.replace(csrf_token(), CSRF_PLACEHOLDER)
            .replace(str(escape(current_user.email)), EMAIL_PLACEHOLDER))


def _filled_in(html: str) -> str:
    return html.replace(CSRF_PLACEHOLDER, csrf_token()).replace(EMAIL_PLACEHOLDER, str(escape(current_user.email)))


@bp.get("/children/<int:pupil_id>/register")
def child_register(pupil_id: int):
    page = child_attendance(my_child(pupil_id), as_of=today())
    return render_template("parent/register.html", page=page, navigation=navigation("parent.home"))
