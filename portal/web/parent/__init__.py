"""The parent's side of the portal: their children, their attendance, and absence reports.

Every route needs a signed-in parent; each view loads a child or report through the parent_access and absences
services, which answer 404 for anything that is not this parent's, so a guessed id shows nothing.
"""

from flask import Blueprint, abort, redirect, request, url_for
from flask_babel import gettext
from flask_login import current_user

from portal.services import NotFound
from portal.services.parent_access import child_of, children_of

bp = Blueprint("parent", __name__, url_prefix="/parent")


@bp.before_request
def require_parent():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.sign_in", next=request.full_path))
    if current_user.kind != "parent":  # a ParentAccount, or the resumed columns of one (web.session)
        abort(403)
    return None


def my_child(pupil_id: int):
    """Load-or-404 for a child of the signed-in parent."""
    try:
        return child_of(current_user, pupil_id)
    except NotFound:
        abort(404)


def my_children():
    return children_of(current_user)


def navigation(active: str) -> list[dict]:
    items = [(gettext("Your children"), "parent.home"), (gettext("Report an absence"), "parent.report_absence"),
             (gettext("Reports"), "parent.reports"), (gettext("Leave requests"), "parent.leave_requests"),
             (gettext("Support plans"), "parent.plans")]
    return [{"href": url_for(endpoint), "text": text, "active": endpoint == active} for text, endpoint in items]


from portal.web.parent import (  # noqa: E402,F401  (register the views on bp)
    absences, account, attendance, home, leave, legal, plans,
)
