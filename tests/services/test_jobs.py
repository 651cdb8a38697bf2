"""Each run of a scheduled command is recorded (started, finished, result, detail), and its status judged from it."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEvent, JobRun
from portal.services import jobs, notify, schedule

MONDAY = datetime(2026, 11, 23, 0, 30)


def runs(job: str | None = None) -> list[JobRun]:
    query = select(JobRun).order_by(JobRun.id)
    return db.session.scalars(query.where(JobRun.job == job) if job else query).all()


def test_a_command_that_works_records_when_it_ran_and_what_it_did(app, runner):
    with time_machine.travel(MONDAY, tick=False):
        result = runner.invoke(args=["evidence", "sweep"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        [run] = runs()
    assert (run.job, run.result, run.started_at, run.finished_at) == ("evidence sweep", "ok", MONDAY, MONDAY)
    assert run.detail == ("Removed 0 unsaved upload(s) and 0 file(s) with no record; "
                          "0 record(s) whose file was already gone.")


def test_every_scheduled_command_records_its_run(app, runner, tmp_path):
    app.config["PORTAL_BACKUP_DIR"] = str(tmp_path / "backups")
    assert runner.invoke(args=["db", "stamp", "head"]).exit_code == 0  # a backup names the schema revision
    for command in [list(entry.args) for entry in schedule.SCHEDULE] + [["outbox", "send"]]:
        result = runner.invoke(args=command)
        assert result.exit_code == 0, result.output
    with app.app_context():
        assert [(r.job, r.result) for r in runs()] == [(job, "ok") for job in jobs.JOBS]
    assert list(jobs.JOBS) == [entry.job for entry in schedule.SCHEDULE] + ["outbox send"]
    assert all(jobs.JOBS[entry.job] == entry.late_after for entry in schedule.SCHEDULE)


def test_outbox_send_with_failures_is_a_failed_run(app, runner, monkeypatch):
    monkeypatch.setattr(notify, "deliver_due", lambda **kwargs: (2, 1))
    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 1
    with app.app_context():
        [run] = runs()
    assert (run.result, run.detail) == ("failed", "2 sent, 1 failed")


def test_a_job_that_raises_is_recorded_as_failed_and_its_own_work_is_not_kept(app_ctx):
    with pytest.raises(RuntimeError):
        with jobs.running("attendance refresh") as run:
            run.detail = "half way"
            db.session.add(AuditEvent(at=MONDAY, actor="cli:x", action="half.done", object_type="X", object_id="1"))
            raise RuntimeError("the disk is full")
    [record] = runs()
    assert (record.result, record.detail) == ("failed", "RuntimeError: the disk is full")
    assert record.finished_at is not None
    assert db.session.scalars(select(AuditEvent)).all() == []


def test_a_dry_run_of_retention_records_nothing(app, runner):
    assert runner.invoke(args=["retention", "purge", "--dry-run"]).exit_code == 0
    with app.app_context():
        assert runs() == []


def test_a_refused_command_is_a_failed_run_with_its_message(app, runner):
    with time_machine.travel(MONDAY, tick=False):
        result = runner.invoke(args=["retention", "purge", "--as-of", "2030-01-01"])
    assert result.exit_code == 1
    with app.app_context():
        [run] = runs()
    assert run.result == "failed"
    assert run.detail == "1 January 2030 has not come yet: a purge as of a later day can only be a dry run"


def test_only_known_jobs_are_recorded(app_ctx):
    with pytest.raises(ValueError, match="not a scheduled job"):
        with jobs.running("make tea"):
            pass


def test_a_month_of_runs_is_kept(app_ctx):
    for days_ago in (40, 20):
        with time_machine.travel(MONDAY - timedelta(days=days_ago), tick=False), jobs.running("evidence sweep"):
            pass
    with time_machine.travel(MONDAY, tick=False), jobs.running("evidence sweep"):
        pass
    assert [r.started_at for r in runs()] == [MONDAY - timedelta(days=20), MONDAY]


def _status(job: str, now: datetime = MONDAY) -> jobs.JobStatus:
    return next(s for s in jobs.statuses(now) if s.job == job)


def test_status_says_what_needs_an_admin(app_ctx):
    assert _status("attendance refresh").problem == "attendance refresh: has never run successfully"
    assert _status("outbox send").problem is None  # a worker may deliver instead: the backlog tells
    with time_machine.travel(MONDAY - timedelta(hours=2), tick=False), jobs.running("attendance refresh") as run:
        run.detail = "Figures kept"
    assert _status("attendance refresh").problem is None
    assert _status("attendance refresh", MONDAY + timedelta(hours=25)).problem == (
        "attendance refresh: has not run successfully for over 26 hours")
    with pytest.raises(RuntimeError), time_machine.travel(MONDAY, tick=False):
        with jobs.running("attendance refresh"):
            raise RuntimeError("boom")
    status = _status("attendance refresh")
    assert status.problem == "attendance refresh: the last run failed"
    assert status.last.result == "failed" and status.last_ok.detail == "Figures kept"
