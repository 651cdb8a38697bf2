"""Attendance support plans (attendance contracts): versions, signatures and reviews.

A version's fields and text never change once the version is sent to the family (`issued_at` set): a change makes
the next version. Each signature (or refusal) stores the SHA-256 of the exact text the signer read. Signatures and
reviews are only ever added.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db

DRAFT = "draft"  # never sent to the family: only staff see it
ACTIVE = "active"  # sent: collecting signatures, or agreed and running until its review
CLOSED = "closed"  # reviewed and closed
ESCALATED = "escalated"  # reviewed and escalated to the next stage of support
STATES = (DRAFT, ACTIVE, CLOSED, ESCALATED)

PARENT, PUPIL, SCHOOL = "parent", "pupil", "school"
SIGNED, DECLINED = "signed", "declined"

CONTINUE = "continue"
OUTCOMES = (CONTINUE, CLOSED, ESCALATED)


class SupportPlan(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupil.id"), index=True)
    # The school that made the plan: its policy is the template, its staff run it.
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)  # gets the review reminders
    state: Mapped[str] = mapped_column(String(12), default=DRAFT, index=True)
    created_at: Mapped[datetime]
    started_on: Mapped[date | None]  # the meeting date of the first version sent: attendance "since the plan"
    review_date: Mapped[date | None] = mapped_column(index=True)  # the next review: drives reminders and queue
    ended_at: Mapped[datetime | None]  # closed or escalated

    pupil = relationship("Pupil")
    school = relationship("School")
    owner = relationship("StaffUser")
    versions: Mapped[list[SupportPlanVersion]] = relationship(
        back_populates="plan", order_by="SupportPlanVersion.number", cascade="all, delete-orphan"
    )
    reviews: Mapped[list[PlanReview]] = relationship(
        back_populates="plan", order_by="PlanReview.id", cascade="all, delete-orphan"
    )

    @property
    def reference(self) -> str:
        return f"SP-{self.id:05d}"

    @property
    def latest(self) -> SupportPlanVersion:
        return self.versions[-1]

    @property
    def current(self) -> SupportPlanVersion | None:
        """The version the family has: the latest one sent."""
        issued = [v for v in self.versions if v.issued_at is not None]
        return issued[-1] if issued else None


class SupportPlanVersion(db.Model):
    __table_args__ = (UniqueConstraint("plan_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("support_plan.id"), index=True)
    number: Mapped[int]
    fields: Mapped[dict] = mapped_column(JSON)  # portal.domain.support_plan.FIELD_KEYS
    text: Mapped[str] = mapped_column(Text)  # the canonical text (render_text of the fields)
    sha256: Mapped[str] = mapped_column(String(64))  # of `text`, UTF-8
    created_at: Mapped[datetime]
    created_by_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    updated_at: Mapped[datetime]
    issued_at: Mapped[datetime | None]  # sent to the family: from then on it never changes
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))

    plan: Mapped[SupportPlan] = relationship(back_populates="versions")
    created_by = relationship("StaffUser", foreign_keys=[created_by_id])
    issued_by = relationship("StaffUser", foreign_keys=[issued_by_id])
    signatures: Mapped[list[PlanSignature]] = relationship(
        back_populates="version", order_by="PlanSignature.id", cascade="all, delete-orphan"
    )


class PlanSignature(db.Model):
    """A signature, or a parent's refusal with their reason, on one version.

    `signer` is "parent:<account id>", "pupil" or "school": one signature and one refusal at most per signer and
    version (a parent who declined may still sign later; a signature is final)."""

    __table_args__ = (UniqueConstraint("version_id", "signer", "outcome"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("support_plan_version.id"), index=True)
    signer: Mapped[str] = mapped_column(String(40))
    role: Mapped[str] = mapped_column(String(10))  # parent, pupil or school
    outcome: Mapped[str] = mapped_column(String(10))  # signed or declined
    parent_account_id: Mapped[int | None] = mapped_column(ForeignKey("parent_account.id"), index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))  # school signer, or who saw the pupil
    typed_name: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text, default="")  # why a parent declined
    sha256: Mapped[str] = mapped_column(String(64))  # of the exact text signed (the version's text)
    at: Mapped[datetime]

    version: Mapped[SupportPlanVersion] = relationship(back_populates="signatures")
    parent_account = relationship("ParentAccount")
    staff = relationship("StaffUser")


class PlanReview(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("support_plan.id"), index=True)
    due_on: Mapped[date | None]  # the review date it answers
    reviewed_at: Mapped[datetime]
    reviewed_by_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    progress: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(12))  # continue, closed or escalated
    next_review_date: Mapped[date | None]
    # The figures the reviewer saw: at the start of the plan, and since it started (attendance summary JSON).
    attendance_before: Mapped[dict | None] = mapped_column(JSON)
    attendance_since: Mapped[dict | None] = mapped_column(JSON)

    plan: Mapped[SupportPlan] = relationship(back_populates="reviews")
    reviewed_by = relationship("StaffUser")
