"""Absence reports from parents: one report may cover several children, each decided on its own by staff."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db

RECEIVED = "received"
ACCEPTED = "accepted"
QUESTION = "question"
ANSWERED = "answered"  # the parent answered the school's question: back with the school
UNAUTHORISED = "unauthorised"
STATUS_WORDS = {
    RECEIVED: "Received",
    ACCEPTED: "Accepted",
    QUESTION: "The school has a question",
    ANSWERED: "Answered: with the school",
    UNAUTHORISED: "Recorded as unauthorised",
}


class AbsenceReport(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(12), unique=True)  # what a parent quotes on the phone
    # The form's one-time key: a double click, or back-and-resubmit, finds the report already made.
    submission_key: Mapped[str] = mapped_column(String(64), unique=True)
    parent_account_id: Mapped[int] = mapped_column(ForeignKey("parent_account.id"), index=True)
    reported_at: Mapped[datetime] = mapped_column(index=True)
    first_day: Mapped[date]
    last_day: Mapped[date | None]  # None: "not sure yet"
    part: Mapped[str] = mapped_column(String(3))  # "day", "AM" or "PM"
    reason: Mapped[str] = mapped_column(String(20))
    symptoms: Mapped[str] = mapped_column(Text, default="")
    appointment_time: Mapped[time | None]
    details: Mapped[str] = mapped_column(Text, default="")
    late_reported: Mapped[bool] = mapped_column(default=False)
    continues_id: Mapped[int | None] = mapped_column(ForeignKey("absence_report.id"))

    parent_account = relationship("ParentAccount")
    children: Mapped[list[AbsenceReportChild]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="AbsenceReportChild.id"
    )
    continues: Mapped[AbsenceReport | None] = relationship(remote_side=[id])


class AbsenceReportChild(db.Model):
    """One child of a report, with the school's decision for that child."""

    __table_args__ = (UniqueConstraint("report_id", "pupil_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("absence_report.id"), index=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupil.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=RECEIVED, index=True)
    code: Mapped[str | None] = mapped_column(String(2))  # the code the school used, once accepted
    note: Mapped[str] = mapped_column(Text, default="")  # the school's question or reason, shown to the parent
    answer: Mapped[str] = mapped_column(Text, default="", server_default="")  # the parent's answer to the school's latest question
    answered_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    decided_at: Mapped[datetime | None]
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))  # who is dealing with it

    report: Mapped[AbsenceReport] = relationship(back_populates="children")
    pupil = relationship("Pupil")
    decided_by = relationship("StaffUser", foreign_keys=[decided_by_id])
    assigned_to = relationship("StaffUser", foreign_keys=[assigned_to_id])

    @property
    def status_words(self) -> str:
        return STATUS_WORDS[self.status]
