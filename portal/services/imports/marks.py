"""`import marks`: the register from the MIS, up to millions of rows.

One pass over the file checks every row and streams the good ones into a temporary staging table; if any row
was bad (and the caller does not skip bad rows) the transaction rolls back and nothing is imported, otherwise a
few set-based statements merge the staging table into the register. The checks (mark_checks) settle most rows
with a few dictionary lookups: each distinct UPN, date, code and school day is checked once, not once a row.
Re-importing a file changes nothing, and a mark never overwrites one recorded later (a staff decision in the
portal, or a newer export).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

from sqlalchemy import Column, Date, DateTime, Integer, MetaData, String, Table, and_, exists, func, insert, literal
from sqlalchemy import or_, select, update

from portal.clock import school_today
from portal.domain import mis_columns
from portal.extensions import db
from portal.models import Mark, Pupil, School
from portal.models.marks import SOURCE_MIS
from portal.services import pupil_figures
from portal.services.imports.common import (
    Columns,
    CsvFile,
    ImportResult,
    Progress,
    RowProblem,
    finish,
    in_one_transaction,
)
from portal.services.imports.forked import in_a_fork
from portal.services.imports.mark_checks import MarkChecker

REQUIRED = mis_columns.REQUIRED["marks"]
OPTIONAL = mis_columns.OPTIONAL["marks"]
BULK_CACHE_KIB = 256 * 1024
FORK_FROM_BYTES = 16 << 20  # about 270,000 marks: a smaller file is read and stored in a few seconds
ROWS_A_STATEMENT = 100  # 800 values at most: under the 999 bound parameters of SQLite before 3.32
# A mark stored straight into the register, in the order SQLAlchemy binds these columns (the table's).
DIRECT = ["pupil_id", "date", "session", "code", "minutes_late", "comment", "source", "recorded_at"]


@dataclass
class MarkCounts:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    kept_newer: int = 0


def import_marks(path: str | Path, actor: str, skip_invalid: bool = False, rejected_path: Path | None = None,
                 progress: Progress | None = None, columns: Columns | None = None) -> ImportResult:
    """`columns`: the school's own headings (domain.mis_columns)."""
    csv_file = CsvFile(path, "marks", columns)
    result = ImportResult("marks", problems=csv_file.check_header())
    if result.problems:
        finish(result, csv_file, [], skip_invalid, rejected_path)
    # A row without recorded_at was recorded when the MIS exported the file.
    exported_at = datetime.fromtimestamp(csv_file.path.stat().st_mtime, timezone.utc).replace(tzinfo=None)
    checker = MarkChecker(exported_at)
    places = [csv_file.index().get(c) for c in REQUIRED + OPTIONAL]
    width = len(csv_file.header)

    bad = []

    def reject(line: int, fields: list[str], problems: list[str]) -> None:
        result.problems += [RowProblem(line, m) for m in problems]
        bad.append((line, fields, "; ".join(problems)))

    def stage_and_merge():
        # Each row is checked once as it streams on into the staging table; the bad ones are noted.
        unmarked = _unmarked_pupils()
        rows = checker.stream(csv_file.rows(progress), places, width, reject)
        if not _worth_a_fork(csv_file):
            staging, total, direct = _stage(rows, unmarked=unmarked)
        else:  # read and checked in a fork, stored here as they come
            batches, outcome = in_a_fork(lambda: _value_batches(rows, unmarked),
                                         lambda: (checker.tally(), bad, result.problems, csv_file.broken))
            staging, total, direct = _stage((), unmarked=unmarked, batches=batches)
            tally, bad[:], result.problems, csv_file.broken = outcome[0]
            checker.take_tally(tally)
        result.rows = checker.rows
        # A bad row refuses the whole file: the rollback drops the staging table and the rows stored directly,
        # so nothing is imported.
        finish(result, csv_file, bad, skip_invalid, rejected_path)
        counts = _merge(staging, total, SOURCE_MIS, None, checker.pupil_ids, direct)
        result.added, result.updated, result.kept_newer = counts.added, counts.updated, counts.kept_newer
        result.no_mark = checker.no_mark
        result.unchanged = (result.rows - result.rejected - result.no_mark - counts.added - counts.updated
                            - counts.kept_newer)
        result.pupil_ids = checker.pupil_ids
        result.school_ids = set(db.session.scalars(select(School.id).where(School.urn.in_(checker.urns))))

    in_one_transaction(actor, csv_file, result, stage_and_merge)
    if result.added or result.updated:
        # The merge forgot the kept figures of every pupil in the file: work them out now, in the same run, so the
        # first look after the morning import is as fast as any other (no cliff until `attendance refresh`).
        result.refreshed = pupil_figures.refresh(school_today(), pupil_ids=result.pupil_ids)
    return result


def store_marks(rows: Iterable[tuple], actor: str, source: str = SOURCE_MIS, recorded_by: str | None = None,
                batch: int = 50000) -> MarkCounts:
    """Merge marks into the register; the caller commits. Rows are unique per (pupil_id, date, session):
    (pupil_id, date, session, code, minutes_late, comment, recorded_at)."""
    staging, total, _ = _stage(rows, batch)
    return _merge(staging, total, source, recorded_by)


def _unmarked_pupils() -> frozenset[int]:
    """On SQLite, the pupils the register holds no mark for, under the import's write lock: their marks need no
    merge, so they go straight into the register, sparing a first import SQLite's second pass over every row
    (staging, then the register). Taking the lock first means no mark of theirs can arrive before the import's
    own. PostgreSQL's COPY into the staging table is cheap: nothing is sent directly there."""
    connection = db.session.connection()
    if connection.dialect.name != "sqlite":
        return frozenset()
    connection.exec_driver_sql("DELETE FROM mark WHERE 0")  # changes nothing; takes SQLite's write lock
    mark = Mark.__table__
    return frozenset(db.session.scalars(select(Pupil.id).where(~exists().where(mark.c.pupil_id == Pupil.id))))


def _worth_a_fork(csv_file: CsvFile) -> bool:
    """Reading and checking in a fork (imports/forked.py): a big file, on SQLite, with a second core to read on."""
    return (csv_file.size >= FORK_FROM_BYTES and db.session.connection().dialect.name == "sqlite"
            and (os.cpu_count() or 1) > 1 and "fork" in multiprocessing.get_all_start_methods())


def _stage(rows: Iterable[tuple], batch: int = 50000, unmarked: frozenset[int] = frozenset(),
           batches: Iterable[tuple[bool, list]] | None = None) -> tuple[Table, int, int]:
    """A temporary table holding the incoming marks, filled as they stream in; the marks of `unmarked` pupils go
    straight into the register. Returns the table, the rows staged and the rows stored directly. On SQLite,
    `batches` (of _value_batches) may come in place of `rows`."""
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        # A larger page cache for the merge's index lookups; _merge puts the default back.
        connection.exec_driver_sql(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
    staging = Table(
        "mark_staging", MetaData(),
        Column("pupil_id", Integer), Column("date", Date), Column("session", String(2)), Column("code", String(2)),
        Column("minutes_late", Integer), Column("comment", String(500)), Column("recorded_at", DateTime),
        prefixes=["TEMPORARY"],
    )
    staging.drop(connection, checkfirst=True)
    staging.create(connection)
    return staging, *_fill(connection, staging, rows, batch, unmarked, batches)


def _merge(staging: Table, total: int, source: str, recorded_by: str | None,
           pupil_ids: set[int] | None = None, direct: int = 0) -> MarkCounts:
    """Insert what is new, update what an equal or newer record changes, keep what the register holds newer.
    `pupil_ids`: the staged marks' pupils, when the caller knows them (else read from the staging table);
    `direct`: marks already stored straight into the register (new, so added)."""
    connection = db.session.connection()
    mark, s = Mark.__table__, staging.c
    same_key = and_(mark.c.pupil_id == s.pupil_id, mark.c.date == s.date, mark.c.session == s.session)
    differs = or_(mark.c.code != s.code, mark.c.minutes_late.is_distinct_from(s.minutes_late),
                  mark.c.comment != s.comment)
    # Kept and updated before the insert: on a first import they find nothing, and the new rows are not looked up
    # again.
    kept = connection.execute(
        select(func.count()).select_from(staging.join(mark, same_key)).where(differs, s.recorded_at < mark.c.recorded_at)
    ).scalar_one()
    updated = connection.execute(
        update(mark).where(same_key, differs, s.recorded_at >= mark.c.recorded_at)
        .values(code=s.code, minutes_late=s.minutes_late, comment=s.comment, recorded_at=s.recorded_at,
                source=source, recorded_by=recorded_by)
    ).rowcount
    added = connection.execute(
        insert(mark).from_select(
            ["pupil_id", "date", "session", "code", "minutes_late", "comment", "recorded_at", "source",
             "recorded_by"],
            select(s.pupil_id, s.date, s.session, s.code, s.minutes_late, s.comment, s.recorded_at,
                   literal(source, String), literal(recorded_by, String))
            .where(~exists().where(same_key)),
        ),
        execution_options={"preserve_rowcount": True},  # psycopg reports -1 for INSERT otherwise
    ).rowcount
    unchanged = total - added - updated - kept  # of the staged rows: every direct one is new
    added += direct
    if added or updated:
        pupil_figures.forget(connection, select(s.pupil_id).distinct() if pupil_ids is None else pupil_ids)
    staging.drop(connection)
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("PRAGMA cache_size = -2000")  # SQLite's default, for the pooled connection
    return MarkCounts(added=added, updated=updated, unchanged=unchanged, kept_newer=kept)


def _fill(connection, staging: Table, rows: Iterable[tuple], batch: int,
          unmarked: frozenset[int] = frozenset(), batches: Iterable[tuple[bool, list]] | None = None) -> tuple[int, int]:
    """Stream rows into the staging table with the driver's fastest path: COPY on PostgreSQL, on SQLite INSERTs of
    many rows each, the marks of `unmarked` pupils into the register itself (as a merge would store them).
    Returns the rows staged and the rows stored directly."""
    raw = connection.connection.driver_connection
    total = 0
    if connection.dialect.name == "postgresql":
        names = ", ".join(c.name for c in staging.columns)
        with raw.cursor() as cursor, cursor.copy(f"COPY {staging.name} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                total += 1
        return total, 0
    cursor = raw.cursor()
    staged = _Inserts(cursor, staging.insert().compile(dialect=connection.dialect), batch)
    direct = _Inserts(cursor, Mark.__table__.insert().compile(dialect=connection.dialect, column_keys=DIRECT), batch)
    if direct.names != DIRECT:  # the rows below are built in this order
        raise RuntimeError(f"INSERT INTO mark binds {direct.names}, not {DIRECT}")
    for straight_in, values in _value_batches(rows, unmarked) if batches is None else batches:
        (direct if straight_in else staged).extend(values)
    return staged.finish(), direct.finish()


def _value_batches(rows: Iterable[tuple], unmarked: frozenset[int], size: int = 20000) -> Iterator[tuple[bool, list]]:
    """The rows' values as SQLite's INSERTs bind them, about `size` rows a batch: (True, values) for marks stored
    straight into the register (of `unmarked` pupils, in DIRECT's order), (False, values) for the staging table."""
    # Stored as SQLAlchemy stores dates and times on SQLite, so the merged rows read back as the same values.
    # A year's register has a few hundred distinct dates and times: format each once.
    days: dict[date, str] = {}
    stamps: dict[datetime, str] = {}
    store: list = []
    stage: list = []
    for pupil_id, day, session, code, late, comment, recorded in rows:
        day_text = days.get(day) or days.setdefault(day, day.isoformat())
        stamp = stamps.get(recorded) or stamps.setdefault(recorded, recorded.strftime("%Y-%m-%d %H:%M:%S.%f"))
        if pupil_id in unmarked:
            store.extend((pupil_id, day_text, session, code, late, comment, SOURCE_MIS, stamp))
            if len(store) >= size * len(DIRECT):
                yield True, store
                store = []
        else:
            stage.extend((pupil_id, day_text, session, code, late, comment, stamp))
            if len(stage) >= size * (len(DIRECT) - 1):  # no source column
                yield False, stage
                stage = []
    yield True, store
    yield False, stage


class _Inserts:
    """Rows sent to SQLite in INSERTs of ROWS_A_STATEMENT rows each, a batch of statements at a time: the driver's
    cost is mostly per statement run, not per value bound."""

    def __init__(self, cursor, statement, batch: int):
        self.one = str(statement)  # INSERT INTO t (...) VALUES (?, ...)
        self.names = list(statement.positiontup)
        self.width = len(self.names)
        self.many = self.one + (", (" + ", ".join("?" * self.width) + ")") * (ROWS_A_STATEMENT - 1)
        self.step = self.width * ROWS_A_STATEMENT
        self.limit = self.step * max(1, batch // ROWS_A_STATEMENT)  # whole statements a batch
        self.cursor, self.values, self.sent = cursor, [], 0

    def extend(self, more: list) -> None:
        """Rows' values, one after another, in the statement's column order."""
        values = self.values
        values.extend(more)
        if len(values) >= self.limit:
            self._send(len(values) - len(values) % self.step)

    def _send(self, whole: int) -> None:
        values, step = self.values, self.step
        self.cursor.executemany(self.many, [values[i:i + step] for i in range(0, whole, step)])
        self.sent += whole // self.width
        del values[:whole]

    def finish(self) -> int:
        """Send what is left; the rows sent in all."""
        values, width = self.values, self.width
        self._send(len(values) - len(values) % self.step)
        self.cursor.executemany(self.one, [values[i:i + width] for i in range(0, len(values), width)])
        self.sent += len(values) // width
        values.clear()
        return self.sent
