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
    school, admission or leaving date makes it out of date when it is read."""

    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupil.id"), primary_key=True)
    as_of: Mapped[date]
    policy_sha256: Mapped[str] = mapped_column(String(64))
    school_id: Mapped[int]
    admission_date: Mapped[date]
    leaving_date: Mapped[date | None]
    computed_at: Mapped[datetime]
    figures: Mapped[str] = mapped_column(Text)  # JSON: the summary's counts, recent lateness and the alerts
