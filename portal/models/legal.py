"""The legal pathway: notices to improve and penalty-notice decisions, per parent and per child.

Parents are named as the school's contacts name them, and kept as text: a contacts import may drop the contact
row, but a notice sent to a parent stays on the record under the name it was sent to. A notice's fields and text
never change once it is sent; a decision's steps are only ever added.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db

DRAFT = "draft"  # only staff see it
SENT = "sent"  # emailed (where the parent has an address) and shown to the parent; the posted copy is recorded
CANCELLED = "cancelled"  # a draft dropped before sending
NOTICE_STATES = (DRAFT, SENT, CANCELLED)


class NoticeToImprove(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupil.id"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    parent_name: Mapped[str] = mapped_column(String(200))
    parent_email: Mapped[str | None] = mapped_column(String(254))
    parent_account_id: Mapped[int | None] = mapped_column(ForeignKey("parent_account.id"), index=True)
    state: Mapped[str] = mapped_column(String(12), default=DRAFT, index=True)
    fields: Mapped[dict] = mapped_column(JSON)  # everything the letter says (portal.services.notices_to_improve)
    sha256: Mapped[str] = mapped_column(String(64))  # of the letter's text, as sent
    letter_date: Mapped[date]
    period_start: Mapped[date]
    period_end: Mapped[date] = mapped_column(index=True)
    drafted_at: Mapped[datetime]
    drafted_by_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    sent_at: Mapped[datetime | None]
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    emailed_to: Mapped[str | None] = mapped_column(String(254))
    posted_on: Mapped[date | None]  # the date the paper copy went in the post, as staff record it
    posted_recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))

    pupil = relationship("Pupil")
    school = relationship("School")
    parent_account = relationship("ParentAccount")
    drafted_by = relationship("StaffUser", foreign_keys=[drafted_by_id])
    sent_by = relationship("StaffUser", foreign_keys=[sent_by_id])
    posted_recorded_by = relationship("StaffUser", foreign_keys=[posted_recorded_by_id])

    @property
    def reference(self) -> str:
        return f"NTI-{self.id:05d}"


class PenaltyDecision(db.Model):
    """One penalty notice considered for one parent and one child: its steps, from "considered" on."""

    id: Mapped[int] = mapped_column(primary_key=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupil.id"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    parent_name: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(String(30))  # portal.domain.legal_notices.REASONS
    notice_to_improve_id: Mapped[int | None] = mapped_column(ForeignKey("notice_to_improve.id"))
    state: Mapped[str] = mapped_column(String(12), index=True)  # the latest step
    issued_on: Mapped[date | None]  # counts towards the three-year limit unless withdrawn
    received_on: Mapped[date | None]  # when the parent received it: the payment periods run from here
    kind: Mapped[str | None] = mapped_column(String(10))  # "first" or "second", as the rules made it
    amount_paid: Mapped[int | None]  # GBP
    created_at: Mapped[datetime]
    created_by_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))

    pupil = relationship("Pupil")
    school = relationship("School")
    notice_to_improve = relationship("NoticeToImprove")
    created_by = relationship("StaffUser")
    steps: Mapped[list[PenaltyDecisionStep]] = relationship(
        back_populates="decision", order_by="PenaltyDecisionStep.id", cascade="all, delete-orphan"
    )

    @property
    def reference(self) -> str:
        return f"PN-{self.id:05d}"


class PenaltyDecisionStep(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("penalty_decision.id"), index=True)
    step: Mapped[str] = mapped_column(String(12))
    happened_on: Mapped[date]  # the day it happened
    note: Mapped[str] = mapped_column(Text, default="")  # why (required for "not issued" and "withdrawn")
    amount: Mapped[int | None]  # GBP: what was paid, or what the notice asks
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    recorded_at: Mapped[datetime]

    decision: Mapped[PenaltyDecision] = relationship(back_populates="steps")
    staff = relationship("StaffUser")


class PartTimeTimetable(db.Model):
    """A temporary part-time timetable (C2), agreed with a parent, with an end date and reviews."""

    id: Mapped[int] = mapped_column(primary_key=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupil.id"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    arrangement: Mapped[str] = mapped_column(Text)  # which sessions, and why
    consent_by: Mapped[str] = mapped_column(String(200))  # the parent who agreed
    consent_on: Mapped[date]
    review_every_days: Mapped[int]
    next_review_on: Mapped[date | None] = mapped_column(index=True)  # None once it has ended
    created_at: Mapped[datetime]
    created_by_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))

    pupil = relationship("Pupil")
    school = relationship("School")
    created_by = relationship("StaffUser")
    reviews: Mapped[list[PartTimeReview]] = relationship(
        back_populates="timetable", order_by="PartTimeReview.id", cascade="all, delete-orphan"
    )


class PartTimeReview(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    timetable_id: Mapped[int] = mapped_column(ForeignKey("part_time_timetable.id"), index=True)
    reviewed_on: Mapped[date]
    note: Mapped[str] = mapped_column(Text)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    recorded_at: Mapped[datetime]

    timetable: Mapped[PartTimeTimetable] = relationship(back_populates="reviews")
    staff = relationship("StaffUser")


class SicknessExpectation(db.Model):
    """Staff's judgement that a pupil will miss more school through illness (the sickness return's "expects")."""

    id: Mapped[int] = mapped_column(primary_key=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupil.id"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    expected_further_days: Mapped[int]
    confirmed_on: Mapped[date]
    note: Mapped[str] = mapped_column(Text, default="")
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    recorded_at: Mapped[datetime]

    staff = relationship("StaffUser")


class DeletionCheck(db.Model):
    """The conditions of deletion ground (i) that people establish, and what they decided (domain/deletion.py)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupil.id"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    run_start: Mapped[date | None]  # the register's run of G, N or O the decision was made on
    run_end: Mapped[date | None]
    run_days: Mapped[int]
    no_grounds_illness: Mapped[bool]
    school_enquiries: Mapped[str] = mapped_column(Text, default="")
    la_enquiries: Mapped[str] = mapped_column(Text, default="")
    decision: Mapped[str] = mapped_column(String(10))  # delete or keep
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_on: Mapped[date]
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    recorded_at: Mapped[datetime]

    pupil = relationship("Pupil")
    staff = relationship("StaffUser")
