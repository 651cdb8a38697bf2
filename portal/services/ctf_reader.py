"""Reading the attendance section of a Common Transfer File (CTF): bytes in, marks and problems out, no database.

portal.services.ctf imports what is read; its docstring and docs/ctf.md say which subset is read and how.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET  # nosec B405 # for the types: files are parsed by defusedxml below
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as parse_xml

from portal.domain.calendar import AM, PM
from portal.domain.codes import AUTHORISED, UNAUTHORISED, check_code
from portal.domain.rows import parse_datetime
from portal.services import ctf_checks

MAX_BYTES = 200 * 1024 * 1024  # a whole cohort's CTF is a few MB; refuse anything absurd before parsing it
NOT_IN_SESSION = "#"
NO_MARK = "-"
SESSIONS = (AM, PM)
# One mark: any single character, or a letter followed by one digit (C1, C2, J1, Y1..Y7; X1 etc. are then caught
# as retired Covid sub-codes, I1 as unknown).
_MARK = re.compile(r"[A-Za-z][0-9]|.", re.DOTALL)
_DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_UTF16_32_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")
_OUT_OF_STEP = "out of step"


@dataclass(frozen=True)
class CtfProblem:
    where: str  # "" for the file itself; else the pupil, year, day and session
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


_REFUSED_DECLARATION = CtfProblem("", "the file contains a DOCTYPE or ENTITY declaration, which a CTF never needs; "
                                      "it is refused for safety (entity expansion). Export the CTF again from the MIS")


@dataclass(frozen=True)
class CtfMark:
    upn: str
    date: date
    session: str
    code: str
    comment: str
    place: str = field(default="", compare=False)  # the pupil, year, day, session and characters, for messages


@dataclass
class YearRead:
    """One AttendSessions block of one pupil: what was read from it."""

    upn: str
    year: str
    school: str
    start: date | None
    end: date | None = None
    marks: int = 0
    not_in_session: int = 0
    no_mark: int = 0
    totals_only: bool = False  # a YearData with counts but no mark string: nothing to import


@dataclass
class CtfRead:
    version: str = ""
    encoding: str = ""  # as read, in words ("UTF-8", "UTF-16 with a byte-order mark...")
    source_school: str = ""
    recorded_at: datetime | None = None
    pupils: list[str] = field(default_factory=list)  # UPNs in file order
    years: list[YearRead] = field(default_factory=list)
    marks: list[CtfMark] = field(default_factory=list)
    problems: list[CtfProblem] = field(default_factory=list)
    warnings: list[CtfProblem] = field(default_factory=list)


# ----------------------------------------------------------------------------------------------- reading (pure)

def _local(tag: str) -> str:
    """The element name without a namespace: CTFs are not namespaced, but tolerate one."""
    return tag.rsplit("}", 1)[-1]


def _child(element: ET.Element | None, name: str) -> ET.Element | None:
    if element is None:
        return None
    return next((c for c in element if _local(c.tag) == name), None)


def _children(element: ET.Element | None, name: str) -> list[ET.Element]:
    return [] if element is None else [c for c in element if _local(c.tag) == name]


def _text(element: ET.Element | None, name: str) -> str:
    found = _child(element, name)
    return (found.text or "").strip() if found is not None else ""


def check_safe(data: bytes) -> CtfProblem | None:
    """Refuse what an XML parser should not be given: huge files, other encodings, DTDs and entities."""
    if len(data) > MAX_BYTES:
        return CtfProblem("", f"the file is {len(data) // (1024 * 1024)} MB; a CTF larger than "
                              f"{MAX_BYTES // (1024 * 1024)} MB is not read")
    if data.startswith(_UTF16_32_BOMS) or b"\x00" in data[:4096]:
        return CtfProblem("", "the file is not UTF-8 (it looks like UTF-16 or UTF-32): export the CTF as UTF-8")
    if _DECLARATION.search(data):
        return _REFUSED_DECLARATION
    return None


def split_marks(text: str) -> list[tuple[int, str]]:
    """(0-based character offset, mark) for each mark in an AttendanceMarks string."""
    return [(m.start(), m.group()) for m in _MARK.finditer(text)]


def read_ctf(data: bytes) -> CtfRead:
    """Read a CTF's attendance marks. Never raises for a bad file: problems are listed in the result."""
    read = CtfRead()
    data, message, read.encoding = ctf_checks.prepare(data)
    if message:
        read.problems.append(CtfProblem("", message))
        return read
    problem = check_safe(data)
    if problem:
        read.problems.append(problem)
        return read
    try:
        root = parse_xml(data, forbid_dtd=True)
    except DefusedXmlException:  # check_safe refuses these first; a declaration it missed stops here
        read.problems.append(_REFUSED_DECLARATION)
        return read
    except (LookupError, ValueError) as exc:  # an encoding the XML parser cannot use (a multi-byte one, say)
        read.problems.append(CtfProblem("", f"the file's encoding cannot be read by the XML parser ({exc}): export "
                                            "the CTF again from the MIS, as UTF-8"))
        return read
    except ET.ParseError as exc:
        line, column = exc.position
        read.problems.append(CtfProblem("", f"the file is not well-formed XML (line {line}, column {column + 1}): "
                                            f"{str(exc).split(':')[0]}"))
        return read
    if _local(root.tag) != "CTfile":
        read.problems.append(CtfProblem("", f"the root element is <{_local(root.tag)}>, not <CTfile>: "
                                            "this is not a Common Transfer File"))
        return read
    header = _child(root, "Header")
    read.version = _text(header, "CTFversion")
    source = _child(header, "SourceSchool")
    read.source_school = " ".join(filter(None, (_text(source, "SchoolName"),
                                                 f"({_text(source, 'LEA')}{_text(source, 'Estab')})"
                                                 if _text(source, "Estab") else "")))
    stamp = _text(header, "DateTime")
    if not stamp:
        read.problems.append(CtfProblem("Header", "DateTime is missing: it is needed as the time the marks were "
                                                  "recorded (a mark never overwrites one recorded later)"))
    else:
        read.recorded_at, message = parse_datetime(stamp, "Header DateTime")
        if message:
            read.problems.append(CtfProblem("Header", message))
    pupils = [p for block in _children(root, "CTFpupilData") for p in _children(block, "Pupil")]
    if not pupils:
        read.problems.append(CtfProblem("", "the file holds no pupils (no CTFpupilData/Pupil element)"))
    seen: dict[tuple[str, date, str], CtfMark] = {}
    for number, pupil in enumerate(pupils, 1):
        upn = _text(pupil, "UPN").upper()
        if not upn:
            read.problems.append(CtfProblem(f"pupil {number} in the file", "UPN is missing"))
            continue
        read.pupils.append(upn)
        for year_data in _children(_child(pupil, "Attendance"), "YearData"):
            try:
                _read_year(read, upn, year_data, seen)
            except OverflowError:  # a start date near 9999 and a mark string running past the calendar's end
                read.problems.append(CtfProblem(f"UPN {upn}, year {_text(year_data, 'Year') or '?'}",
                                                "the marks run past the last date a calendar holds: check the "
                                                "AttendanceStartDate"))
    return read


def _read_year(read: CtfRead, upn: str, year_data: ET.Element, seen: dict) -> None:
    year = _text(year_data, "Year")
    school = _text(year_data, "SchoolName") or f"{_text(year_data, 'LEA')}{_text(year_data, 'Estab')}"
    blocks = _children(year_data, "AttendSessions")
    if not blocks:
        read.years.append(YearRead(upn, year, school, None, totals_only=True))
        return
    for block in blocks:
        where = f"UPN {upn}, year {year or '?'}"
        start_text = _text(block, "AttendanceStartDate")
        try:
            start = date.fromisoformat(start_text[:10])
        except ValueError:
            read.problems.append(CtfProblem(where, f"AttendanceStartDate {start_text!r} is not a date (YYYY-MM-DD)"))
            continue
        marks_element = _child(block, "AttendanceMarks")
        text = (marks_element.text or "").strip() if marks_element is not None else ""
        year_read = YearRead(upn, year or str(start.year), school, start)
        read.years.append(year_read)
        where = f"UPN {upn}, year {year_read.year}"
        marks = split_marks(text)
        if len(marks) % 2:
            read.problems.append(CtfProblem(where, f"AttendanceMarks holds {len(marks)} marks, an odd number: it "
                                                   "must hold an AM and a PM mark for every day (is a mark missing, "
                                                   "or a code written in a way this reader does not know?)"))
        year_read.end = start + timedelta(days=max(len(marks) - 1, 0) // 2)
        comment = f"CTF: {school}" if school else "CTF"
        out_of_step = 0
        for index, (offset, mark) in enumerate(marks):
            day = start + timedelta(days=index // 2)
            session = SESSIONS[index % 2]
            place = (f"{where}, {day:%a} {day.isoformat()} {session} (mark {index + 1}, "
                     f"character{'s' if len(mark) > 1 else ''} {offset + 1}"
                     f"{'-' + str(offset + len(mark)) if len(mark) > 1 else ''})")
            message = _check_mark(mark, session)
            if message and message.startswith(_OUT_OF_STEP):
                out_of_step += 1
                if out_of_step > 1:  # the first says where the string goes wrong; the rest are counted below
                    continue
            if message:
                read.problems.append(CtfProblem(place, message))
                continue
            if mark == NOT_IN_SESSION:
                year_read.not_in_session += 1
                continue
            if mark == NO_MARK:
                year_read.no_mark += 1
                continue
            new = CtfMark(upn, day, session, mark, comment, place)
            earlier = seen.get((upn, day, session))
            if earlier is not None:
                if earlier.code != mark:
                    read.problems.append(CtfProblem(place, f"{mark!r} here, but another YearData gives "
                                                           f"{earlier.code!r} for the same session"))
                continue
            seen[(upn, day, session)] = new
            read.marks.append(new)
            year_read.marks += 1
        if out_of_step > 1:
            read.problems.append(CtfProblem(where, f"{out_of_step - 1} more present mark(s) in the wrong half of "
                                                   "the day after the first one above"))
        _check_totals(read, where, year_data, marks)


def _check_mark(mark: str, session: str) -> str | None:
    shown = repr(mark)
    if mark in (NOT_IN_SESSION, NO_MARK):
        return None
    if mark.isspace():
        return f"a space or line break ({mark.encode('unicode_escape').decode()!r}) inside the mark string is not read"
    if mark[0].isdigit():
        return f"{shown} is a digit that does not follow a letter: no attendance code starts with a digit"
    if mark != mark.upper():
        return f"{shown} is lower case: CTF marks are upper-case 2024 codes, and a lower-case letter is not guessed"
    message = check_code(mark)
    if message:
        return f"{shown}: {message}"
    if (mark, session) in (("/", PM), ("\\", AM)):
        meaning = "present in the morning" if mark == "/" else "present in the afternoon"
        return (f"{_OUT_OF_STEP}: {shown} ({meaning}) falls on a {session} session, so the marks from here on "
                "cannot be matched to sessions (is a mark missing, or a code written in a way this reader does "
                "not know?)")
    return None


def _check_totals(read: CtfRead, where: str, year_data: ET.Element, marks) -> None:
    """Warn (never refuse) when the year's stated absence totals disagree with the marks as read.

    Only the absence totals are compared: suppliers count SessionsPossible and SessionsAttended differently (some
    count only `/` and `\\` as attended, some count X or Y1..Y7 sessions as possible), absences they agree on.
    """
    codes = [m for _, m in marks if m not in (NOT_IN_SESSION, NO_MARK)]
    found = {
        "SessionsAuthorised": sum(c in AUTHORISED for c in codes),
        "SessionsUnauthorised": sum(c in UNAUTHORISED for c in codes),
    }
    for name, counted in found.items():
        stated = _text(year_data, name)
        if stated.isdigit() and int(stated) != counted:
            read.warnings.append(CtfProblem(where, f"{name} says {stated}; the marks read give {counted} "
                                                   "(the sending school may have changed marks after counting: "
                                                   "check the year looks right in the portal)"))
