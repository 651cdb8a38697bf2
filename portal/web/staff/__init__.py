"""The staff side: sign-in, the review queue and the work done from it.

Every view is wrapped in `staff_view(permission)`, which a convention test checks across app.url_map. What a
member of staff may see or decide at a given school is then checked by the services, against the policy.
"""

from functools import wraps

from flask import Blueprint, abort, redirect, request, url_for
from flask_login import current_user

from portal.models import StaffUser
from portal.services.permissions import schools_of

bp = Blueprint("staff", __name__, url_prefix="/staff")
PUBLIC = {"staff.sign_in", "staff.forgot_password", "staff.reset_password"}


def staff_view(permission: str = "view"):
    """Only signed-in staff with at least one role; the service checks the role at the pupil's school."""
    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return redirect(url_for("staff.sign_in", next=request.full_path))
            if not isinstance(current_user, StaffUser) or not schools_of(current_user):
                abort(403)
            return view(*args, **kwargs)

        wrapper.staff_permission = permission
        return wrapper

    return decorate


def navigation(active: str) -> list[dict]:
    items = [("Queue", "staff.queue"), ("Leave requests", "staff.leave_queue"), ("First-day contact", "staff.first_day"),
             ("Oversight", "staff.oversight"), ("Support plans", "staff.plans"), ("Messages", "staff.messages"),
             ("Legal pathway", "staff.legal_home"),
             ("Audit log", "staff.audit_log"),
             ("Subject access", "staff.subject_access")]
    if any(r.role == "admin" for r in current_user.roles):
        items.append(("Staff accounts", "staff.accounts_list"))
        items.append(("System", "staff.system"))
    return [{"href": url_for(endpoint), "text": text, "active": endpoint == active} for text, endpoint in items]


from portal.web.staff import (  # noqa: E402,F401  (register the views on bp)
    accounts, audit, auth, first_day, leave, legal, legal_records, messages, oversight, password, plans, queue,
    subject_access, system,
)
