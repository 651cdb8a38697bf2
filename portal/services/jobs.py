"""The scheduled jobs and a record of each run: `with running("outbox send") as run: ...; run.detail = "..."`.

A run is written (committed) before the job starts, so a job killed half-way still shows as started and never
finished; it is finished as "ok" or "failed" (an exception, or a command exiting with a non-zero status) with the
job's summary or the error. The record is written in a transaction of its own: a job that rolls back its own work
keeps its record. Rows older than KEEP are deleted as each run ends, keeping a month of history.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

import click
from sqlalchemy import delete, select

from portal.clock import utcnow
from portal.extensions import db
from portal.models.job_run import FAILED, OK, RUNNING, JobRun
from portal.services.schedule import SCHEDULE

log = logging.getLogger(__name__)

# Each job, as its command is typed, and how long it may go without a successful run before an admin should look:
# the scheduled ones from their schedule (portal.services.schedule: a day and a bit for the nightly ones, a few hours
# for the hourly sweep). `outbox send` has no limit here: a worker process may deliver the email instead, and the
# outbox's own backlog (portal.services.health) says whether mail is moving.
JOBS: dict[str, timedelta | None] = {entry.job: entry.late_after for entry in SCHEDULE} | {"outbox send": None}
KEEP = timedelta(days=31)


@dataclass
class Run:
    """What the job says about itself while it runs; written to its JobRun when it ends."""

    job: str
    started_at: datetime
    detail: str = ""


@contextmanager
def running(job: str, *, record: bool = True) -> Iterator[Run]:
    """Record a run of `job` around the block (record=False: a dry run, which records nothing)."""
    if job not in JOBS:
        raise ValueError(f"{job!r} is not a scheduled job: add it to portal.services.jobs.JOBS")
    if not record:
        yield Run(job, utcnow())
        return
    row = JobRun(job=job, started_at=utcnow(), result=RUNNING, detail="")
    db.session.add(row)
    db.session.commit()
    run_id, run = row.id, Run(job, row.started_at)
    log.info("job started", extra={"job": job})
    try:
        yield run
    except SystemExit as exc:
        if exc.code in (0, None):
            _finish(run_id, OK, run.detail)
        else:
            _finish(run_id, FAILED, run.detail or f"exit status {exc.code}")
        raise
    except BaseException as exc:
        _finish(run_id, FAILED, _describe(exc))
        raise
    else:
        _finish(run_id, OK, run.detail)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, click.ClickException):
        return exc.format_message()
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted"
    return f"{type(exc).__name__}: {exc}"


def _finish(run_id: int, result: str, detail: str) -> None:
    db.session.rollback()  # whatever the job left unfinished is not ours to commit
    row = db.session.get(JobRun, run_id)
    row.finished_at = utcnow()
    row.result = result
    row.detail = detail[:500]
    db.session.execute(delete(JobRun).where(JobRun.job == row.job, JobRun.started_at < row.started_at - KEEP))
    db.session.commit()
    took = (row.finished_at - row.started_at).total_seconds()
    # The detail stays out of the log: a command's output or an error may name a pupil.
    log.log(logging.INFO if result == OK else logging.ERROR, "job finished",
            extra={"job": row.job, "result": result, "took_seconds": round(took, 3)})


@dataclass(frozen=True)
class JobStatus:
    job: str
    last: JobRun | None  # the latest run, whatever its result
    last_ok: JobRun | None  # the latest run that finished well
    due_every: timedelta | None
    problem: str | None  # what an admin should know, in words; None when all is well


def statuses(now: datetime | None = None) -> list[JobStatus]:
    """Every job's last run and last good run, and its problem if it has one, in JOBS order."""
    now = now or utcnow()
    found = []
    for job, due_every in JOBS.items():
        latest = select(JobRun).where(JobRun.job == job).order_by(JobRun.started_at.desc(), JobRun.id.desc()).limit(1)
        last = db.session.scalar(latest)
        last_ok = last if last and last.result == OK else db.session.scalar(latest.where(JobRun.result == OK))
        found.append(JobStatus(job, last, last_ok, due_every, _problem(job, last, last_ok, due_every, now)))
    return found


def _problem(job: str, last: JobRun | None, last_ok: JobRun | None, due_every: timedelta | None,
             now: datetime) -> str | None:
    if last is not None and last.result == FAILED:
        return f"{job}: the last run failed"
    if due_every is None:
        return None
    if last_ok is None:
        return f"{job}: has never run successfully"
    if now - last_ok.started_at > due_every:
        return f"{job}: has not run successfully for over {due_every.total_seconds() / 3600:g} hours"
    return None


def took(run: JobRun) -> timedelta | None:
    return run.finished_at - run.started_at if run.finished_at else None

