"""Exports back to the school's MIS.

`export_marks` writes the portal's own decisions (marks with source "portal": absences authorised, leave decided,
N recoded by staff in the portal) as a CSV the MIS can import. Marks imported from the MIS are never exported: the
MIS already holds them.

The file (UTF-8, header row, one row per mark, ordered by recorded_at, oldest first):

    upn,date,session,code,minutes_late,comment,recorded_at,recorded_by

- upn: the pupil's 13-character UPN
- date: the register date, YYYY-MM-DD
- session: AM or PM
- code: the 2024 attendance code (one or two characters: C1, J1, Y7...)
- minutes_late: whole minutes, empty if not recorded
- comment: free text, may be empty; text a spreadsheet would run as a formula starts with an apostrophe
  (services/csv_files.py)
- recorded_at: when the decision was made, UTC, YYYY-MM-DDTHH:MM:SS
- recorded_by: who made it (e.g. "staff:12"), empty if unknown

The first seven columns are the marks CSV the portal itself imports (design.md §6), so the file can also be read
back; `recorded_by` is an extra column, which the importer ignores. `since` keeps the marks recorded at or after
that moment (UTC), so a daily job can pass the time of its previous run.
"""

from __future__ import annotations

import os
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import select

from portal.extensions import db
from portal.models import Mark, Pupil
from portal.models.marks import SOURCE_PORTAL
from portal.services import ServiceError, csv_files

MARK_COLUMNS = ("upn", "date", "session", "code", "minutes_late", "comment", "recorded_at", "recorded_by")
STREAM_BATCH = 5000


def as_utc_naive(moment: datetime) -> datetime:
    """Stored times are naive UTC: convert an aware datetime, keep a naive one as given (taken as UTC)."""
    if moment.tzinfo is not None:
        return moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment


def export_marks(path: str | Path, since: datetime | None = None) -> int:
    """Write the portal's decisions to `path` as CSV (columns MARK_COLUMNS); return how many marks.

    The file is written beside `path` and renamed into place, so an MIS never reads half a file. It holds pupil
    data, so it is readable by its owner only (mode 600)."""
    query = (
        select(Pupil.upn, Mark.date, Mark.session, Mark.code, Mark.minutes_late, Mark.comment, Mark.recorded_at,
               Mark.recorded_by)
        .join(Pupil, Pupil.id == Mark.pupil_id)
        .where(Mark.source == SOURCE_PORTAL)
        .order_by(Mark.recorded_at, Pupil.upn, Mark.date, Mark.session)
    )
    if since is not None:
        query = query.where(Mark.recorded_at >= as_utc_naive(since))
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise ServiceError(f"cannot write {path}: the folder {folder} does not exist")
    count = 0
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            writer = csv_files.writer(out)
            writer.writerow(MARK_COLUMNS)
            rows = db.session.execute(query, execution_options={"yield_per": STREAM_BATCH})
            for row in rows:
                writer.writerow((
                    row.upn,
                    row.date.isoformat(),
                    row.session,
                    row.code,
                    "" if row.minutes_late is None else row.minutes_late,
                    row.comment or "",
                    row.recorded_at.isoformat(timespec="seconds"),
                    row.recorded_by or "",
                ))
                count += 1
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return count
