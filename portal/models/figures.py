"""Each pupil's attendance figures as of a day, worked out from the register and kept so oversight of a whole trust
does not read every mark of the year on each request (benchmarks/README.md, BENCHMARKS.md)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db


class PupilFigures(db.Model):
    """A stored result, never a source: it holds only while everything it was worked out from is unchanged.

    A change to the pupil's marks deletes the row (portal.services.pupil_figures); a different day, policy,
    school, admission or leaving date makes it out of date when it is read. The counts are columns, not a document,
    so reading a trust's 20,000 rows is reading numbers."""

    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupil.id"), primary_key=True)
    as_of: Mapped[date]
    policy_sha256: Mapped[str] = mapped_column(String(64))
    school_id: Mapped[int]
    admission_date: Mapped[date]
    leaving_date: Mapped[date | None]
    computed_at: Mapped[datetime]
    # portal.domain.attendance.Summary's counts over the school year to as_of
    possible: Mapped[int]
    attended: Mapped[int]
    present: Mapped[int]
    approved_activity: Mapped[int]
    authorised: Mapped[int]
    unauthorised: Mapped[int]
    late_before_close: Mapped[int]
    late_after_close: Mapped[int]
    not_counted: Mapped[int]
    persistent_absence: Mapped[bool]
    severe_absence: Mapped[bool]
    period_start: Mapped[date | None]
    period_end: Mapped[date | None]
    band: Mapped[str] = mapped_column(String(20))
    tier: Mapped[int | None]
    # recent lateness (portal.domain.lateness.recent_lateness)
    late: Mapped[int]
    late_of: Mapped[int]
    last_late: Mapped[date | None]
    alerts: Mapped[str | None] = mapped_column(Text)  # JSON list of attendance.alerts' objects; NULL for none
