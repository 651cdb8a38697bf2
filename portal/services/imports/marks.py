"""`import marks`: the register from the MIS, up to millions of rows.

One pass over the file checks every row and streams the good ones into a temporary staging table; if any row
was bad (and the caller does not skip bad rows) the transaction rolls back and nothing is imported, otherwise a
few set-based statements merge the staging table into the register. Caches make each distinct UPN, date, code and school day cost one check, not one per row.
Re-importing a file changes nothing, and a mark never overwrites one recorded later (a staff decision in the
portal, or a newer export).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

from sqlalchemy import Column, Date, DateTime, Integer, MetaData, String, Table, and_, exists, func, insert, literal
from sqlalchemy import or_, select, update

from portal.domain import codes, enrolments, mis_columns
from portal.domain.enrolments import Stay
from portal.domain.calendar import AM, PM
from portal.domain.rows import parse_date, parse_datetime, parse_upn, parse_whole_number
from portal.clock import school_today
from portal.extensions import db
from portal.models import Enrolment, Mark, Pupil, School
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
from portal.services.policies import trust_policy

REQUIRED = mis_columns.REQUIRED["marks"]
OPTIONAL = mis_columns.OPTIONAL["marks"]
DAY_ZERO = date(2000, 1, 1).toordinal()
NOT_IN_SESSION = "#"
NO_MARK = ("", "-")  # what MIS exports write for a session with no mark yet: nothing to store
BULK_CACHE_KIB = 256 * 1024


@dataclass
class MarkCounts:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    kept_newer: int = 0


class MarkChecker:
    """Checks mark rows against the loaded pupils and their schools' calendars."""

    def __init__(self, default_recorded_at: datetime):
        self.default_recorded_at = default_recorded_at
        # upn -> (pupil_id, the current school's URN, every enrolment as Stays keyed by URN)
        stays: dict[int, list[Stay]] = {}
        for pupil_id, urn, admitted, left in db.session.execute(
            select(Enrolment.pupil_id, School.urn, Enrolment.admission_date, Enrolment.leaving_date).join(School)
        ):
            stays.setdefault(pupil_id, []).append(Stay(urn, admitted, left))
        self.pupils: dict[str, tuple[int, str, tuple[Stay, ...]]] = {}
        for upn, pupil_id, urn, admitted, left in db.session.execute(
            select(Pupil.upn, Pupil.id, School.urn, Pupil.admission_date, Pupil.leaving_date).join(School)
        ):
            # A pupil made before enrolments were kept has its own school as its one enrolment.
            self.pupils[upn] = (pupil_id, urn, tuple(stays.get(pupil_id) or [Stay(urn, admitted, left)]))
        self.schools = {s.urn: (trust_policy(s.trust).school(s.urn).calendar, s.name)
                        for s in db.session.scalars(select(School))}
        self._upns: dict[str, tuple | str] = {}
        self._dates: dict[str, date | str] = {}
        self._codes: dict[str, str | tuple] = {}
        self._stamps: dict[str, datetime | str] = {}
        self._sessions: dict[tuple[str, date], tuple[str, ...] | str] = {}
        self._seen: dict[int, bytearray] = {}
        self.no_mark = 0
        self.pupil_ids: set[int] = set()  # the pupils with a mark to store
        self.urns: set[str] = set()

    def check(self, upn: str, day: str, session: str, code: str, minutes: str, comment: str, stamp: str):
        """(row, problems): row is the tuple to store, or None when there is nothing to store (a `#`)."""
        problems = []
        pupil = self._upn(upn)
        if isinstance(pupil, str):
            problems.append(pupil)
            pupil = None
        when = self._dates.get(day)
        if when is None:  # each distinct date is parsed once (a dict lookup per row, no call)
            when = self._dates[day] = _value_or_problem(parse_date(day))
        if isinstance(when, str):
            problems.append(when)
            when = None
        session = session.upper()
        if session not in (AM, PM):
            problems.append(f"session {session!r} should be AM or PM")
        no_mark = code in NO_MARK
        code = NOT_IN_SESSION if no_mark else self._code(code)
        if isinstance(code, tuple):
            problems.append(code[0])
            code = None
        late, problem = parse_whole_number(minutes, "minutes_late", 0, 300) if minutes else (None, None)
        if problem:
            problems.append(problem)
        if len(comment) > 500:
            problems.append("comment is longer than 500 characters")
        recorded = self._stamps.get(stamp) if stamp else self.default_recorded_at
        if recorded is None:
            recorded = self._stamps[stamp] = _value_or_problem(parse_datetime(stamp))
        if isinstance(recorded, str):
            problems.append(recorded)
        if pupil is not None:
            self.urns.add(pupil[1])  # the school's data arrived, even if only "no mark yet"
        if problems or pupil is None or when is None or code is None:
            return None, problems
        if no_mark:
            self.no_mark += 1
            return None, []
        pupil_id, urn, stays = pupil
        problem, on_roll = self.on_roll(stays, urn, when, session)
        if problem:
            return None, [] if code == NOT_IN_SESSION and on_roll is not False else [problem]
        if self._duplicate(pupil_id, when, session):
            return None, [f"a second mark for UPN {upn.strip().upper()} on {when} {session}: keep one row per "
                          "pupil, date and session"]
        self.pupil_ids.add(pupil_id)
        return (pupil_id, when, session, code, late, comment, recorded), []

    def _upn(self, raw: str):
        found = self._upns.get(raw)
        if found is None:
            upn, problem = parse_upn(raw) if raw.strip() else (None, "upn is empty")
            if problem:
                found = problem
            elif upn not in self.pupils:
                found = f"UPN {upn} is not a pupil of any loaded school: import pupils first"
            else:
                found = self.pupils[upn]
            self._upns[raw] = found
        return found

    def _code(self, raw: str):
        found = self._codes.get(raw)
        if found is None:
            code = codes.normalise(raw)
            problem = codes.check_code(code)
            found = self._codes[raw] = (problem,) if problem else code
        return found

    def on_roll(self, stays: tuple[Stay, ...], current_urn: str, when: date, session: str):
        """(problem or None, covered): the day must be a session at a school the pupil was on roll at that day
        (any of them, under dual registration), by that school's calendar. `covered` is False when the day is
        outside every enrolment (a problem even for a `#`)."""
        covering = enrolments.covering(stays, when)
        schools = [s.school for s in covering] or [current_urn]
        self.urns.update(schools)
        reasons = [self.not_a_session(school, when, session) for school in schools]
        if all(reasons):
            return reasons[0], None
        if not covering:
            if len(stays) == 1:
                spans = stays[0].words()
            else:
                spans = "; ".join(f"{self.schools[s.school][1]} {s.words()}" for s in stays)
            return f"{when} is outside the pupil's time on roll ({spans})", False
        return None, True

    def not_a_session(self, urn: str, when: date, session: str) -> str | None:
        """Why a mark on this day and session is not stored (no session by the school's calendar), or None."""
        sessions = self._school_sessions(urn, when)
        if session in sessions:
            return None
        why = sessions if isinstance(sessions, str) else f"only the {' and '.join(sessions)} session that day"
        return (f"{when} {session} is not a session at {self.schools[urn][1]} ({why}): the mark is not stored; "
                "check the date against the school calendar")

    def _school_sessions(self, urn: str, when: date):
        key = (urn, when)
        found = self._sessions.get(key)
        if found is None:
            calendar = self.schools[urn][0]
            found = self._sessions[key] = calendar.sessions_on(when) or (calendar.why_closed(when) or "closed")
        return found

    def _duplicate(self, pupil_id: int, when: date, session: str) -> bool:
        bit = (when.toordinal() - DAY_ZERO) * 2 + (session == PM)
        seen = self._seen.setdefault(pupil_id, bytearray())
        byte = bit >> 3
        if byte >= len(seen):
            seen.extend(bytes(byte - len(seen) + 64))
        mask = 1 << (bit & 7)
        if seen[byte] & mask:
            return True
        seen[byte] |= mask
        return False



def _value_or_problem(parsed: tuple):
    value, problem = parsed
    return problem or value


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

    def good_rows():
        """Check each row once; the good ones stream on into the staging table, the bad ones are noted."""
        for line, fields in csv_file.rows(progress):
            result.rows += 1
            if len(fields) < width:
                fields = fields + [""] * (width - len(fields))
            row, problems = checker.check(*[fields[i].strip() if i is not None else "" for i in places])
            if problems:
                result.problems += [RowProblem(line, m) for m in problems]
                bad.append((line, fields, "; ".join(problems)))
            elif row is not None:
                yield row

    def stage_and_merge():
        staging, total = _stage(good_rows())
        # A bad row refuses the whole file: the rollback drops the staging table, so nothing is imported.
        finish(result, csv_file, bad, skip_invalid, rejected_path)
        counts = _merge(staging, total, SOURCE_MIS, None)
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
    staging, total = _stage(rows, batch)
    return _merge(staging, total, source, recorded_by)


def _stage(rows: Iterable[tuple], batch: int = 50000) -> tuple[Table, int]:
    """A temporary table holding the incoming marks, filled as they stream in."""
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
    return staging, _fill(connection, staging, rows, batch)


def _merge(staging: Table, total: int, source: str, recorded_by: str | None) -> MarkCounts:
    """Insert what is new, update what an equal or newer record changes, keep what the register holds newer."""
    connection = db.session.connection()
    mark, s = Mark.__table__, staging.c
    same_key = and_(mark.c.pupil_id == s.pupil_id, mark.c.date == s.date, mark.c.session == s.session)
    differs = or_(mark.c.code != s.code, mark.c.minutes_late.is_distinct_from(s.minutes_late),
                  mark.c.comment != s.comment)
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
    updated = connection.execute(
        update(mark).where(same_key, differs, s.recorded_at >= mark.c.recorded_at)
        .values(code=s.code, minutes_late=s.minutes_late, comment=s.comment, recorded_at=s.recorded_at,
                source=source, recorded_by=recorded_by)
    ).rowcount
    kept = connection.execute(
        select(func.count()).select_from(staging.join(mark, same_key)).where(differs, s.recorded_at < mark.c.recorded_at)
    ).scalar_one()
    if added or updated:
        pupil_figures.forget(connection, select(s.pupil_id).distinct())
    staging.drop(connection)
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("PRAGMA cache_size = -2000")  # SQLite's default, for the pooled connection
    return MarkCounts(added=added, updated=updated, unchanged=total - added - updated - kept, kept_newer=kept)


def _fill(connection, staging: Table, rows: Iterable[tuple], batch: int) -> int:
    """Stream rows into the staging table with the driver's fastest path: COPY on PostgreSQL, executemany on SQLite."""
    raw = connection.connection.driver_connection
    names = ", ".join(c.name for c in staging.columns)
    total = 0
    if connection.dialect.name == "postgresql":
        with raw.cursor() as cursor, cursor.copy(f"COPY {staging.name} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                total += 1
        return total
    sql = str(staging.insert().compile(dialect=connection.dialect))  # INSERT INTO mark_staging (...) VALUES (?, ...)
    cursor = raw.cursor()
    chunk = []
    # Stored as SQLAlchemy stores dates and times on SQLite, so the merged rows read back as the same values.
    # A year's register has a few hundred distinct dates and times: format each once.
    days: dict[date, str] = {}
    stamps: dict[datetime, str] = {}
    for pupil_id, day, session, code, late, comment, recorded in rows:
        day_text = days.get(day) or days.setdefault(day, day.isoformat())
        stamp = stamps.get(recorded) or stamps.setdefault(recorded, recorded.strftime("%Y-%m-%d %H:%M:%S.%f"))
        chunk.append((pupil_id, day_text, session, code, late, comment, stamp))
        if len(chunk) >= batch:
            cursor.executemany(sql, chunk)
            total += len(chunk)
            chunk.clear()
    cursor.executemany(sql, chunk)
    return total + len(chunk)
