"""When each school's data last came from its MIS: one row per school per import (any route: command, feed)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db


class DataArrival(db.Model):
    __table_args__ = (Index("ix_data_arrival_school_kind_at", "school_id", "kind", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"))
    kind: Mapped[str] = mapped_column(String(20))  # "pupils", "contacts", "marks", "ctf"
    at: Mapped[datetime]  # UTC, when the import was committed
    file_name: Mapped[str] = mapped_column(String(255))
    rows: Mapped[int] = mapped_column(default=0)
