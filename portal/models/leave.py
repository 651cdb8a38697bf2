"""Term-time leave requests: one request from a parent for one or more children at one school, each child decided
on its own by the person the policy names, with the parents' declarations and, later, what actually happened.

Evidence files belong to the request through `EvidenceFile.owner_type == "leave_request"` and `owner_id`
(portal.models.evidence); the school's decision letter is kept as the facts it stated (`letter`, a JSON snapshot
taken when the decision was made), so the letter a parent downloads later says what it said when it was sent.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db

EVIDENCE_OWNER = "leave_request"  # EvidenceFile.owner_type of a request's files

# A child's decision.
PENDING = "pending"
APPROVED = "approved"  # every requested school day
PART_APPROVED = "part_approved"  # some of the days
REFUSED = "refused"  # none
STATUS_WORDS = {
    PENDING: "Waiting for a decision",
    APPROVED: "Approved",
    PART_APPROVED: "Approved for some of the days",
    REFUSED: "Not approved",
}

# What happened afterwards, recorded by staff.
RETURNED_ON_TIME = "returned_on_time"
RETURNED_LATE = "returned_late"  # left before, or came back after, the days approved
TAKEN_AFTER_REFUSAL = "taken_after_refusal"  # away on days that were not approved
NOT_TAKEN = "not_taken"  # the leave was not taken (the child was in school)
OUTCOME_WORDS = {
    RETURNED_ON_TIME: "Returned on time",
    RETURNED_LATE: "Away outside the agreed dates",
    TAKEN_AFTER_REFUSAL: "Leave taken without approval",
    NOT_TAKEN: "Leave not taken",
}


class LeaveRequest(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(12), unique=True)  # "L" and six letters: quoted on the phone
    # The form's one-time key: a double click, or back-and-resubmit, finds the request already made.
    submission_key: Mapped[str] = mapped_column(String(64), unique=True)
    parent_account_id: Mapped[int] = mapped_column(ForeignKey("parent_account.id"), index=True)  # who sent it
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)  # one school decides a request
    requested_at: Mapped[datetime] = mapped_column(index=True)  # UTC
    first_day: Mapped[date]  # the first day of absence
    return_day: Mapped[date]  # the day the children are back at school (the leave ends the day before)
    travelling_abroad: Mapped[bool] = mapped_column(default=False)
    destinations: Mapped[str] = mapped_column(Text, default="")
    circumstances: Mapped[str] = mapped_column(Text)
    decision_due: Mapped[date | None] = mapped_column(index=True)  # the policy's deadline; None past the calendar

    parent_account = relationship("ParentAccount")
    school = relationship("School")
    children: Mapped[list[LeaveRequestChild]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="LeaveRequestChild.id"
    )
    declarations: Mapped[list[LeaveDeclaration]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="LeaveDeclaration.declared_at"
    )


class LeaveRequestChild(db.Model):
    """One child of a request, with the decision for that child and what happened afterwards."""

    __table_args__ = (UniqueConstraint("request_id", "pupil_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("leave_request.id"), index=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupil.id"), index=True)
    # Attendance this school year when the request was made (attended / possible sessions), as the decider and the
    # parent saw it; both empty when nothing had been recorded yet.
    attended_at_request: Mapped[int | None]
    possible_at_request: Mapped[int | None]

    status: Mapped[str] = mapped_column(String(20), default=PENDING, index=True)
    approved_days: Mapped[list] = mapped_column(JSON, default=list)  # ISO dates of the school days approved
    reasons: Mapped[str] = mapped_column(Text, default="")  # the decider's reasons, as the letter gives them
    flags_at_decision: Mapped[list] = mapped_column(JSON, default=list)  # [{key, message}] the decider was shown
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    decided_at: Mapped[datetime | None]
    letter: Mapped[dict | None] = mapped_column(JSON)  # the facts the decision letter stated (see module docstring)

    outcome: Mapped[str | None] = mapped_column(String(30))
    actual_first_day: Mapped[date | None]  # when the child was in fact first away (late return, refusal)
    actual_return_day: Mapped[date | None]  # when the child was in fact back
    late_return_choice: Mapped[str | None] = mapped_column(String(30))  # domain LateReturnOption.key chosen
    outcome_note: Mapped[str] = mapped_column(Text, default="")
    outcome_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    outcome_at: Mapped[datetime | None]

    request: Mapped[LeaveRequest] = relationship(back_populates="children")
    pupil = relationship("Pupil")
    decided_by = relationship("StaffUser", foreign_keys=[decided_by_id])
    outcome_by = relationship("StaffUser", foreign_keys=[outcome_by_id])

    @property
    def status_words(self) -> str:
        return STATUS_WORDS[self.status]

    @property
    def outcome_words(self) -> str | None:
        return OUTCOME_WORDS.get(self.outcome) if self.outcome else None

    @property
    def decided(self) -> bool:
        return self.status != PENDING

    @property
    def approved_dates(self) -> list[date]:
        return [date.fromisoformat(d) for d in self.approved_days or []]


class LeaveDeclaration(db.Model):
    """A parent's declaration on a request, in the words they agreed to. The parent who sends the request declares
    on the form; another parent with parental responsibility adds theirs from the request's page."""

    __table_args__ = (UniqueConstraint("request_id", "parent_account_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("leave_request.id"), index=True)
    parent_account_id: Mapped[int] = mapped_column(ForeignKey("parent_account.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))  # as the school holds it (the contact's name)
    text: Mapped[str] = mapped_column(Text)  # exactly what they declared
    declared_at: Mapped[datetime]

    request: Mapped[LeaveRequest] = relationship(back_populates="declarations")
    parent_account = relationship("ParentAccount")
