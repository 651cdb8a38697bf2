"""Staff's list of leave requests at their schools, and one child's part of a request for a member of staff."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from portal.domain.leave import Flag
from portal.extensions import db
from portal.models import Pupil, StaffUser
from portal.models.leave import PENDING, LeaveRequest, LeaveRequestChild
from portal.services import NotFound
from portal.services.leave.assessment import assessment_for
from portal.services.leave.evidence import requests_with_evidence
from portal.services.permissions import require, schools_chosen


QUEUE_VIEWS = ("waiting", "to_record", "decided", "all")


@dataclass(frozen=True)
class QueueItem:
    child: LeaveRequestChild
    due: date | None
    overdue: bool
    flags: tuple[Flag, ...]

    @property
    def request(self) -> LeaveRequest:
        return self.child.request

    @property
    def pupil(self) -> Pupil:
        return self.child.pupil


def leave_queue(staff: StaffUser, today: date, school_urn: str | None = None, view: str = "waiting"
                ) -> list[QueueItem]:
    """Requests at the staff member's schools: waiting for a decision (the soonest due first), leave that has
    ended with nothing recorded about the return, decided ones, or all."""
    schools = schools_chosen(staff, school_urn)
    if not schools or view not in QUEUE_VIEWS:
        return []
    query = (select(LeaveRequestChild).join(LeaveRequest)
             .where(LeaveRequest.school_id.in_([s.id for s in schools])))
    if view == "waiting":
        query = query.where(LeaveRequestChild.status == PENDING)
    elif view == "to_record":
        query = query.where(LeaveRequestChild.status != PENDING, LeaveRequestChild.outcome.is_(None),
                            LeaveRequest.return_day <= today)
    elif view == "decided":
        query = query.where(LeaveRequestChild.status != PENDING)
    children = list(db.session.scalars(query))
    with_files = requests_with_evidence({c.request_id for c in children})
    items = []
    for child in children:
        leave_request = child.request
        due = leave_request.decision_due
        overdue = child.status == PENDING and due is not None and due < today
        flags = assessment_for(child, leave_request.id in with_files).flags
        items.append(QueueItem(child, leave_request.decision_due, overdue, flags))
    if view == "waiting":
        return sorted(items, key=lambda i: (i.due or date.max, i.request.requested_at, i.child.id))
    return sorted(items, key=lambda i: (i.request.first_day, i.child.id), reverse=True)


def leave_item(staff: StaffUser, child_id: int) -> LeaveRequestChild:
    child = db.session.get(LeaveRequestChild, child_id)
    if child is None:
        raise NotFound("no such request")
    require(staff, "view", child.request.school)
    return child
