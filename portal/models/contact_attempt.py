"""The first-day contact log: every step staff take to find out why a pupil is absent (ALP §12, domain.md §6)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db


class ContactAttempt(db.Model):
    """One step (a text, a call, the chase email, a home visit...) for one pupil's absence on one day."""

    __table_args__ = (Index("ix_contact_attempt_date_pupil", "date", "pupil_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupil.id"), index=True)
    date: Mapped[date]  # the day of the absence being chased (the first-day list it belongs to)
    action: Mapped[str] = mapped_column(String(20))  # one of portal.domain.policy_rules.CONTACT_ACTIONS
    # When the step was taken, on the school's clock (Europe/London), like the step times in the policy.
    at: Mapped[datetime]
    outcome: Mapped[str] = mapped_column(Text)  # what happened, in the words of the member of staff
    # Contact made: the reason is known or the child has been found. The pupil leaves the list to chase.
    resolved: Mapped[bool] = mapped_column(Boolean, default=False)
    # The portal's chase email to the parents: contact on top of the procedure, so it does not stand for the
    # procedure's own "email" step (ALP §12 emails the AHOS and the Attendance Manager, not the parents).
    chase_email: Mapped[bool] = mapped_column(Boolean, default=False)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)
    recorded_at: Mapped[datetime]  # when it was written down (UTC, like the audit log)

    pupil = relationship("Pupil")
    staff = relationship("StaffUser")
