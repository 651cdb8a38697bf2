"""The attendance register: one mark per pupil, date and session."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db

SOURCE_MIS = "mis"  # imported from the school's MIS (or a CTF)
SOURCE_PORTAL = "portal"  # decided in the portal by a member of staff: exported back to the MIS


class Mark(db.Model):
    __table_args__ = (
        UniqueConstraint("pupil_id", "date", "session"),
        # Only the export of the portal's own decisions reads marks by time. Indexing every imported mark by time
        # made a year's import five times slower (benchmarks/README.md), so the index holds portal marks only.
        Index("ix_mark_portal_recorded_at", "recorded_at", sqlite_where=text("source = 'portal'"),
              postgresql_where=text("source = 'portal'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupil.id"))
    date: Mapped[date]
    session: Mapped[str] = mapped_column(String(2))  # "AM" or "PM"
    code: Mapped[str] = mapped_column(String(2))  # 2024 codes are one or two characters
    minutes_late: Mapped[int | None]
    comment: Mapped[str] = mapped_column(String(500), default="")
    source: Mapped[str] = mapped_column(String(10))
    # When the mark was recorded at its source: a mark never overwrites one recorded later.
    recorded_at: Mapped[datetime]
    recorded_by: Mapped[str | None] = mapped_column(String(200))
