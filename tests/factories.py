"""Test data straight into the models: trusts from the example policies, pupils with valid UPNs, register marks.

Use inside an app context. Each helper commits, as the services it feeds expect committed data.
"""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from stdnum.gb import upn as upn_check

from portal.clock import SCHOOL_ZONE
from portal.domain.calendar import SchoolCalendar
from portal.extensions import db
from portal.models import Mark, Pupil, School
from portal.services import pupil_figures
from portal.services.policies import load_policy_file, school_policy

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
ALP = EXAMPLES / "alp.toml"
RISE_PARK = EXAMPLES / "rise-park.toml"
BOTHAL, CENTRAL, RISE_PARK_URN = "122239", "131021", "122580"
# Local authority numbers for the UPNs (the first three digits after the check letter).
LA_NUMBERS = {BOTHAL: 929, CENTRAL: 929, RISE_PARK_URN: 892}  # Northumberland, Nottingham

_serials = itertools.count(1)


def in_england(moment: datetime) -> datetime:
    """A school wall-clock time (naive, UK time) as the aware moment time-machine travels to."""
    return moment.replace(tzinfo=SCHOOL_ZONE)


def make_upn(serial: int, la: int = 929, establishment: int = 2001, year: int = 25) -> str:
    """A valid permanent UPN: check letter, LA number, establishment number, year of issue, 3-digit serial."""
    body = f"{la:03d}{establishment:04d}{year:02d}{serial:03d}"
    upn = upn_check.calc_check_digit(body) + body
    return upn_check.validate(upn)


def load_trust(path: Path = ALP) -> None:
    load_policy_file(path, actor="test")


def get_school(urn: str = BOTHAL) -> School:
    return db.session.scalar(select(School).where(School.urn == urn))


def calendar(urn: str = BOTHAL) -> SchoolCalendar:
    return school_policy(urn)[1].calendar


def make_pupil(school: School | str, upn: str | None = None, *, forename: str = "Sam", surname: str = "Taylor",
               date_of_birth: date = date(2018, 5, 1), year_group: str = "2", registration_group: str = "2T",
               admission_date: date = date(2025, 9, 1), leaving_date: date | None = None,
               site: str | None = None) -> Pupil:
    if isinstance(school, str):
        school = get_school(school)
    if upn is None:
        upn = make_upn(next(_serials) % 1000, la=LA_NUMBERS.get(school.urn, 929))
    pupil = Pupil(
        upn=upn, school=school, legal_forename=forename, legal_surname=surname, date_of_birth=date_of_birth,
        year_group=year_group, registration_group=registration_group, admission_date=admission_date,
        leaving_date=leaving_date,
        site=next((s for s in school.sites if s.slug == site), None) if site else None,
    )
    db.session.add(pupil)
    db.session.commit()
    return pupil


def add_marks(pupil: Pupil, marks, source: str = "mis", recorded_at: datetime | None = None,
              recorded_by: str | None = None) -> list[Mark]:
    """Marks from (date, session, code) or (date, session, code, minutes_late) tuples."""
    recorded_at = recorded_at or datetime(2025, 9, 1, 8, 0)
    rows = []
    for entry in marks:
        day, session, code = entry[:3]
        minutes_late = entry[3] if len(entry) > 3 else None
        rows.append(Mark(pupil_id=pupil.id, date=day, session=session, code=code, minutes_late=minutes_late,
                         comment="", source=source, recorded_at=recorded_at, recorded_by=recorded_by))
    db.session.add_all(rows)
    db.session.flush()
    pupil_figures.forget(db.session.connection(), [pupil.id])  # as the MIS import does for the pupils it touched
    db.session.commit()
    return rows


def sessions(cal: SchoolCalendar, first: date, codes) -> list[tuple[date, str, str]]:
    """`codes` (a string of one-character codes, or a list) on consecutive school sessions from `first`."""
    codes = list(codes)
    out = []
    day = cal.next_school_day(first)
    while len(out) < len(codes):
        for session in cal.sessions_on(day):
            if len(out) < len(codes):
                out.append((day, session, codes[len(out)]))
        day = cal.nth_school_day_after(day, 1)
    return out


def days(cal: SchoolCalendar, start: date, end: date, code: str) -> list[tuple[date, str, str]]:
    """`code` for every session of every school day from `start` to `end`."""
    return [(d, s, code) for d, s in cal.sessions(start, end)]


def week_of(cal: SchoolCalendar, n: int, start: date = date(2025, 9, 1)) -> list[date]:
    """The school days of the n-th school week (1-based) from `start`."""
    monday = cal.school_weeks(start)[n - 1]
    return cal.school_days(monday, monday + timedelta(days=6))
