"""When each school's data last arrived from its MIS, for the staff pages and the parent's page.

Every import (the commands, `import folder`, `import watch`) notes an arrival for each school whose data the file
held, in the import's own transaction: a refused file is no arrival.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time

from sqlalchemy import func, select

from portal.clock import school_time, utcnow
from portal.domain.calendar import AM
from portal.domain.mis_feed import marks_late, when_words
from portal.extensions import db
from portal.models import DataArrival, School, StaffUser
from portal.services.policies import trust_policy
from portal.services.permissions import schools_of

MARKS_KINDS = ("marks", "ctf")


def note(kind: str, file_name: str, school_ids: Iterable[int], rows: int) -> None:
    """Add the arrival to the session: the import's commit writes it with the data, or neither."""
    at = utcnow()
    for school_id in sorted(set(school_ids)):
        db.session.add(DataArrival(school_id=school_id, kind=kind, at=at, file_name=file_name[:255], rows=rows))


@dataclass(frozen=True)
class SchoolFeed:
    school: School
    last: datetime | None  # UK time: the latest arrival of any kind
    last_marks: datetime | None  # UK time: the latest marks (CSV or CTF)
    register_closes: time | None  # today's morning register close (the last site's), None on a day without one
    late: bool  # this morning's marks should have arrived and have not

    def words(self, now: datetime) -> str:
        if self.last_marks is None:
            return "No register data has arrived from the MIS yet."
        return f"Register data from the MIS last arrived {when_words(self.last_marks, now.date())}."

    def late_words(self) -> str:
        return (f"This morning's marks have not arrived: the register closed at {self.register_closes:%H:%M}. "
                "Check the MIS's scheduled export (README: \"A daily feed from the MIS\").")


def latest(school_ids: Iterable[int], kinds: tuple[str, ...] | None = None) -> dict[int, datetime]:
    """The latest arrival (UK time) of each school, of the given kinds or any."""
    ids = list(set(school_ids))
    if not ids:
        return {}
    query = select(DataArrival.school_id, func.max(DataArrival.at)).where(DataArrival.school_id.in_(ids))
    if kinds:
        query = query.where(DataArrival.kind.in_(kinds))
    return {school_id: school_time(at) for school_id, at in db.session.execute(query.group_by(DataArrival.school_id))}


def register_as_of(school_id: int) -> datetime | None:
    """When the school's register data last came from the MIS (UK time), for the parent's page."""
    return latest([school_id], MARKS_KINDS).get(school_id)


def feed_status(staff: StaffUser, now: datetime) -> list[SchoolFeed]:
    """For each school of the member of staff: when its data last arrived, and whether this morning's is late.
    `now` is UK wall-clock time (clock.school_now())."""
    return schools_feed(schools_of(staff), now)


def schools_feed(schools: list[School], now: datetime) -> list[SchoolFeed]:
    """feed_status() for the schools given (/health: every school)."""
    ids = [s.id for s in schools]
    last, last_marks = latest(ids), latest(ids, MARKS_KINDS)
    found = []
    for school in schools:
        closes = _register_closes(school, now)
        found.append(SchoolFeed(school, last.get(school.id), last_marks.get(school.id), closes,
                                marks_late(now, closes, last_marks.get(school.id))))
    return found


def _register_closes(school: School, now: datetime) -> time | None:
    policy = trust_policy(school.trust).school(school.urn)
    if policy is None or AM not in policy.calendar.sessions_on(now.date()) or not policy.sites:
        return None
    return max(site.am.register_closes for site in policy.sites)
