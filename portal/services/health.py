"""How the running portal is: the database, the outbox's backlog, the last imports and the last run of each job.

Read by /health (a plain "ok" or "degraded" for load balancers, the detail for an admin or a monitoring token) and
by the admins' system page. Problems are said in words; none of them names a person.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError

from portal.clock import school_time, stored_time, utcnow
from portal.extensions import db
from portal.models import OutboxMessage, School, StaffUser
from portal.services import data_arrivals, jobs

# Email still unsent this long after it was queued means delivery is stuck (a worker down, the mail server
# refusing): the outbox retries after 1, 5 and 15 minutes, so a passing fault clears well within it.
OUTBOX_LATE = timedelta(minutes=30)


@dataclass(frozen=True)
class SchoolImports:
    urn: str
    name: str
    last: datetime | None  # UTC: the latest import of any kind holding the school's data
    last_marks: datetime | None  # UTC: the latest marks (CSV or CTF)
    marks_late: bool  # this morning's marks should have arrived from the MIS and have not


@dataclass
class Health:
    now: datetime
    database: bool
    unsent: int = 0
    oldest_unsent: datetime | None = None  # when the oldest unsent message was queued (UTC)
    imports: list[SchoolImports] = field(default_factory=list)
    jobs: list[jobs.JobStatus] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_json(self) -> dict:
        """The detail, for an admin or monitoring: times in UTC (ISO 8601, "Z"), durations in seconds."""
        return {
            "status": "ok" if self.ok else "degraded",
            "database": "ok" if self.database else "unreachable",
            "outbox": {"unsent": self.unsent, "oldest_unsent_at": _iso(self.oldest_unsent),
                       "oldest_unsent_seconds": _seconds(self.now - self.oldest_unsent) if self.oldest_unsent
                       else None},
            "imports": [{"school": i.urn, "last_at": _iso(i.last), "last_marks_at": _iso(i.last_marks),
                         "marks_late": i.marks_late} for i in self.imports],
            "jobs": [_job_json(status) for status in self.jobs],
            "problems": self.problems,
        }


def check(now: datetime | None = None) -> Health:
    now = now or utcnow()
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return Health(now, database=False, problems=["database: unreachable"])
    health = Health(now, database=True)
    try:
        health.unsent, health.oldest_unsent = db.session.execute(
            select(func.count(), func.min(OutboxMessage.created_at)).where(OutboxMessage.sent_at.is_(None))).one()
        health.imports = last_imports(now)
        health.jobs = jobs.statuses(now)
    except SQLAlchemyError:  # the server answers, but not with the portal's tables: it cannot serve either
        db.session.rollback()
        return Health(now, database=False,
                      problems=["database: the portal's tables cannot be read (has `flask db upgrade` run?)"])
    if health.oldest_unsent is not None and now - health.oldest_unsent > OUTBOX_LATE:
        minutes = int((now - health.oldest_unsent).total_seconds() // 60)
        health.problems.append(f"outbox: {health.unsent} email(s) unsent, the oldest queued {minutes} minutes ago")
    health.problems += [f"{i.name}: this morning's marks have not arrived from the MIS"
                        for i in health.imports if i.marks_late]
    health.problems += [status.problem for status in health.jobs if status.problem]
    db.session.rollback()  # end the read: nothing here changes anything
    return health


def last_imports(now: datetime) -> list[SchoolImports]:
    """Each school's last data from its MIS (portal.services.data_arrivals), and whether this morning's is late."""
    schools = db.session.scalars(select(School).order_by(School.name)).all()
    return [SchoolImports(feed.school.urn, feed.school.name, _utc(feed.last), _utc(feed.last_marks), feed.late)
            for feed in data_arrivals.schools_feed(schools, school_time(now))]


def may_see_detail(user) -> bool:
    """Admins (the role, at any school or across a trust) see the detail when signed in."""
    return isinstance(user, StaffUser) and user.is_active and any(r.role == "admin" for r in user.roles)


def _job_json(status: jobs.JobStatus) -> dict:
    last = status.last
    took = jobs.took(last) if last else None
    return {
        "job": status.job,
        "last_started_at": _iso(last.started_at) if last else None,
        "last_finished_at": _iso(last.finished_at) if last else None,
        "result": last.result if last else None,
        "took_seconds": _seconds(took) if took is not None else None,
        "last_ok_at": _iso(status.last_ok.started_at) if status.last_ok else None,
        "expected_every_seconds": _seconds(status.due_every) if status.due_every else None,
    }


def _utc(uk_time: datetime | None) -> datetime | None:
    return stored_time(uk_time) if uk_time else None


def _iso(at: datetime | None) -> str | None:
    return at.isoformat(timespec="seconds") + "Z" if at else None


def _seconds(period: timedelta) -> float:
    return round(period.total_seconds(), 3)
