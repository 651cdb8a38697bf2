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


class ChildPage(db.Model):
    """A child's attendance page as a parent sees it, rendered once and kept: a stored result, never a source.

    Keyed by the child, the language the page is shown in and the school day it runs to (a new day is a new
    page). A change to the child's marks deletes the rows (portal.services.pupil_figures.forget, the one path the
    register writer calls); a different policy (its calendar included), pupil details or register arrival makes a
    row out of date when it is read (portal.services.child_pages). The HTML holds nothing of the parent who
    viewed it: their CSRF token and email are placeholders filled in on each request."""

    __tablename__ = "child_page"

    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupil.id"), primary_key=True)
    language: Mapped[str] = mapped_column(String(20), primary_key=True)  # the page's locale: "en", "pl", "ro"
    as_of: Mapped[date] = mapped_column(primary_key=True)
    policy_sha256: Mapped[str] = mapped_column(String(64))
    # What of the pupil the page shows or depends on, as when it was rendered
    school_id: Mapped[int]
    site_id: Mapped[int | None]
    admission_date: Mapped[date]
    leaving_date: Mapped[date | None]
    legal_forename: Mapped[str] = mapped_column(String(100))
    preferred_forename: Mapped[str] = mapped_column(String(100))
    legal_surname: Mapped[str] = mapped_column(String(100))
    register_as_of: Mapped[datetime | None]  # the school's latest marks arrival (UTC) the page says it is as of
    computed_at: Mapped[datetime]
    html: Mapped[str] = mapped_column(Text)
