"""The register's one writer: every decision the portal makes about a pupil's sessions (an absence report
decided, leave approved, what happened after leave) writes its marks here, and only here are the figures kept for
those pupils (`pupil_figures`) forgotten, in the same transaction.

The MIS and CTF imports merge marks in bulk (`services.imports.marks`, many thousands of rows through a staging
table) and forget the figures of the pupils they touched themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import select

from portal.extensions import db
from portal.models import Mark, StaffUser
from portal.models.marks import SOURCE_PORTAL
from portal.services import pupil_figures


def write_marks(pupil_id: int, marks: Iterable[tuple[date, str, str]], staff: StaffUser, now: datetime,
                comment: str) -> dict[str, str]:
    """Write (day, session, code) marks as the portal's decisions (the marks export carries them to the MIS);
    returns the codes they replaced, {"2026-01-05 AM": "/"}."""
    marks = list(marks)
    if not marks:
        return {}
    days = [day for day, _, _ in marks]
    existing = {(m.date, m.session): m for m in db.session.scalars(
        select(Mark).where(Mark.pupil_id == pupil_id, Mark.date >= min(days), Mark.date <= max(days)))}
    replaced = {}
    for day, session, code in marks:
        mark = existing.get((day, session))
        if mark is None:
            mark = Mark(pupil_id=pupil_id, date=day, session=session, minutes_late=None)
            db.session.add(mark)
        elif mark.code != code:
            replaced[f"{day.isoformat()} {session}"] = mark.code
        mark.code, mark.source, mark.recorded_at = code, SOURCE_PORTAL, now
        mark.recorded_by, mark.comment = staff.email, comment
    db.session.flush()
    pupil_figures.forget(db.session.connection(), [pupil_id])
    return replaced
