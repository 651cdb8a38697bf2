"""The attendance register: one mark per pupil, date and session."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db

SOURCE_MIS = "mis"  # imported from the school's MIS (or a CTF)
SOURCE_PORTAL = "portal"  # decided in the portal by a member of staff: exported back to the MIS


class Mark(db.Model):
    __table_args__ = (UniqueConstraint("pupil_id", "date", "session"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupil.id"))
    date: Mapped[date]
    session: Mapped[str] = mapped_column(String(2))  # "AM" or "PM"
    code: Mapped[str] = mapped_column(String(2))  # 2024 codes are one or two characters
    minutes_late: Mapped[int | None]
    comment: Mapped[str] = mapped_column(String(500), default="")
    source: Mapped[str] = mapped_column(String(10))
    # When the mark was recorded at its source: a mark never overwrites one recorded later.
    recorded_at: Mapped[datetime] = mapped_column(index=True)
    recorded_by: Mapped[str | None] = mapped_column(String(200))
