"""The requests a parent may read: those they sent and those about their children."""

from __future__ import annotations

from sqlalchemy import or_, select

from portal.extensions import db
from portal.models import ParentAccount
from portal.models.leave import LeaveRequest, LeaveRequestChild
from portal.services import NotFound
from portal.services.parent_access import children_of, may_see


def requests_for(account: ParentAccount) -> list[LeaveRequest]:
    """Every request this parent sent, or that is about one of their children."""
    mine = [p.id for p in children_of(account)]
    query = (select(LeaveRequest).join(LeaveRequestChild)
             .where(or_(LeaveRequest.parent_account_id == account.id, LeaveRequestChild.pupil_id.in_(mine)))
             .distinct().order_by(LeaveRequest.requested_at.desc()))
    return list(db.session.scalars(query))


def request_for(account: ParentAccount, reference: str) -> LeaveRequest:
    """A request this parent can see, or NotFound: another family's request looks like one that does not exist."""
    leave_request = db.session.scalar(select(LeaveRequest).where(LeaveRequest.reference == (reference or "").upper()))
    if leave_request is None:
        raise NotFound("no such request")
    if not may_see(account, leave_request.parent_account_id, (c.pupil_id for c in leave_request.children)):
        raise NotFound("no such request")
    return leave_request


def child_for_parent(account: ParentAccount, reference: str, child_id: int) -> LeaveRequestChild:
    """One child's part of a request (its decision letter), for the sender or a parent of that child."""
    leave_request = request_for(account, reference)
    child = next((c for c in leave_request.children if c.id == child_id), None)
    if child is None or not may_see(account, leave_request.parent_account_id, [child.pupil_id]):
        raise NotFound("no such decision")
    return child
