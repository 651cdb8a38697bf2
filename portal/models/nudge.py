"""A batch of messages to parents that staff stopped before it went (portal/services/nudge_batches.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db


class NudgeStop(db.Model):
    """One school's round (portal.domain.nudges.Round.key), stopped: nothing of it is sent until resumed."""

    __table_args__ = (UniqueConstraint("school_id", "round_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    round_key: Mapped[str] = mapped_column(String(40))
    stopped_by_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    stopped_at: Mapped[datetime]

    school = relationship("School")
    stopped_by = relationship("StaffUser")
