"""`import ctf`: the attendance section of a Common Transfer File (CTF), read into register marks.

A CTF is the XML file a school sends when a pupil moves (domain.md Part B §8). Per pupil and school year it may
hold `Attendance/YearData/AttendSessions/{AttendanceStartDate, AttendanceMarks}`: a mark string that runs from the
start date, AM then PM for every calendar day, with `#` for sessions not in session. docs/ctf.md says which subset
is read and how two-character 2024 codes (C1, C2, J1, Y1 to Y7) are read; in short:

- a mark is one character, or a letter followed by one digit (no 2024 code starts with a digit, so `C1` can only
  be C1, never C then "1");
- `#` (not in session) and `-` (no mark recorded) store nothing;
- every other mark must be a 2024 code (portal.domain.codes), in upper case, with `/` only in an AM place and `\\`
  only in a PM place (a present mark in the wrong half of the day means the string is out of step);
- a mark string must hold whole days (an even number of marks).

Anything else is a problem naming the pupil's UPN, the year, the day and session and the characters. Like the CSV
imports, it is all or nothing: one problem and nothing is stored; every problem is listed.

The reader (portal.services.ctf_reader) is pure: bytes in, marks and problems out. Only `import_ctf` touches the
database, where the marks are also checked against the school calendar (ctf_checks).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from portal.domain.rows import parse_upn
from portal.extensions import db
from portal.models import Pupil
from portal.models.marks import SOURCE_MIS
from portal.services import ServiceError, ctf_checks, data_arrivals
from portal.services.audit_writer import record
from portal.services.ctf_reader import (  # noqa: F401 - the reader's names, for callers of this module
    MAX_BYTES,
    NO_MARK,
    NOT_IN_SESSION,
    CtfMark,
    CtfProblem,
    CtfRead,
    YearRead,
    check_safe,
    read_ctf,
    split_marks,
)
from portal.services.imports import MarkCounts, store_marks
from portal.services.imports.mark_checks import MarkChecker

@dataclass
class CtfResult:
    read: CtfRead
    counts: MarkCounts | None = None
    path: str = ""
    skipped: int = 0  # marks left out with skip_invalid, written to rejected_path
    rejected_path: Path | None = None
    pupil_ids: set[int] = field(default_factory=set)
    school_ids: set[int] = field(default_factory=set)


class CtfRejected(ServiceError):
    def __init__(self, read: CtfRead):
        super().__init__(f"nothing was imported: {len(read.problems)} problem(s) in the CTF")
        self.read = read


# ----------------------------------------------------------------------------------------------- importing

def match_pupils(read: CtfRead) -> dict[str, int]:
    """UPN -> pupil id for the pupils in the file; an unknown UPN is a problem."""
    upns = sorted(set(read.pupils))
    known: dict[str, int] = {}
    for chunk in range(0, len(upns), 500):
        rows = db.session.execute(select(Pupil.upn, Pupil.id).where(Pupil.upn.in_(upns[chunk:chunk + 500])))
        known.update({upn: pupil_id for upn, pupil_id in rows})
    for upn in upns:
        if upn in known:
            continue
        _, invalid = parse_upn(upn)
        message = "no pupil with this UPN is loaded: import the pupils first (flask --app portal import pupils PATH)"
        if invalid:
            message += f"; also, {invalid}"
        read.problems.append(CtfProblem(f"UPN {upn}", message))
    return known


def import_ctf(path: str | Path, actor: str, skip_invalid: bool = False,
               rejected_path: Path | None = None) -> CtfResult:
    """Read, check and store a CTF's marks: all or nothing (CtfRejected lists every problem), unless skipping, when
    the marks of pupils not loaded and marks on days with no session are left out and written to a marks CSV."""
    data = _read_bytes(Path(path))
    read = read_ctf(data)
    pupil_ids = match_pupils(read)  # even when the marks have problems: every problem is listed at once
    unknown = [p for p in read.problems if p.where.startswith("UPN ") and p.message.startswith("no pupil")]
    off_calendar = _off_calendar(read)
    read.problems += [problem for _, problem in off_calendar]
    result = CtfResult(read, path=str(path))
    if read.problems:
        skippable = set(map(id, unknown)) | {id(problem) for _, problem in off_calendar}
        left_out = [(m.upn, m.date, m.session, m.code, str(problem)) for m, problem in off_calendar]
        left_out += [(m.upn, m.date, m.session, m.code, f"UPN {m.upn}: no pupil with this UPN is loaded")
                     for m in read.marks if m.upn not in pupil_ids]
        if skip_invalid:
            result.rejected_path = Path(rejected_path or Path(path).with_suffix(".rejected.csv"))
            ctf_checks.write_left_out(result.rejected_path, left_out or [
                ("", None, "", "", str(p)) for p in read.problems])
        if not skip_invalid or any(id(p) not in skippable for p in read.problems):
            raise CtfRejected(read)
        result.skipped = len(left_out)
    dropped = {(m.upn, m.date, m.session) for m, _ in off_calendar}
    marks = [m for m in read.marks if m.upn in pupil_ids and (m.upn, m.date, m.session) not in dropped]
    rows = [(pupil_ids[m.upn], m.date, m.session, m.code, None, m.comment, read.recorded_at) for m in marks]
    digest = hashlib.sha256(data).hexdigest()
    try:
        result.counts = store_marks(rows, actor, source=SOURCE_MIS)
        result.pupil_ids = {row[0] for row in rows}
        result.school_ids = set(db.session.scalars(select(Pupil.school_id).where(Pupil.id.in_(result.pupil_ids))
                                                   .distinct()))
        record(actor, "import.ctf", object_type="Import", object_id=digest[:16],
               after={"file": Path(path).name, "pupils": len(set(read.pupils)), "marks": len(rows),
                      "ctf_version": read.version, "source_school": read.source_school,
                      **({"left out": result.skipped} if result.skipped else {})})
        data_arrivals.note("ctf", Path(path).name, result.school_ids, len(rows))
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return result


def _read_bytes(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_BYTES:
            raise CtfRejected(CtfRead(problems=[check_safe(b" " * (MAX_BYTES + 1)) or CtfProblem("", "too large")]))
        return path.read_bytes()
    except FileNotFoundError:
        raise CtfRejected(CtfRead(problems=[CtfProblem("", f"{path}: file not found")])) from None
    except OSError as exc:
        raise CtfRejected(CtfRead(problems=[CtfProblem("", f"{path}: cannot read the file: {exc.strerror}")])) from None


def _off_calendar(read: CtfRead) -> list[tuple[CtfMark, CtfProblem]]:
    """Marks on a day or session with no session: by the calendar of the school the pupil was on roll at that day
    (any of the trust's), and at weekends otherwise (another school's holidays are not known here)."""
    if not read.marks:
        return []
    checker = MarkChecker(read.recorded_at or datetime.min)
    found = []
    for mark in read.marks:
        pupil = checker.pupils.get(mark.upn)
        if pupil is None:
            continue
        _, urn, stays = pupil
        if any(s.covers(mark.date) for s in stays):
            message, _ = checker.on_roll(stays, urn, mark.date, mark.session)
        else:
            message = ctf_checks.weekend(mark.date) and (
                f"{mark.date} is a {mark.date:%A}, when no school has a session: the mark is not stored; check the "
                "AttendanceStartDate and the marks before this one")
        if message:
            found.append((mark, CtfProblem(mark.place, f"{mark.code!r}: {message}")))
    return found
