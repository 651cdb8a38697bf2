"""The scheduled jobs (portal/services/schedule.py): each runs once a day on the nights the clocks change, the scheduler
fires them at their times and stops cleanly, and its runs show on /health and `jobs schedule`. (That each is a command
recording its run under its name: tests/services/test_jobs.py.)"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from datetime import date, datetime, timedelta, timezone

import pytest
import time_machine
from apscheduler.triggers.interval import IntervalTrigger

from portal import create_app
from portal.clock import SCHOOL_ZONE
from portal.extensions import db
from portal.services import health, jobs, schedule

import conftest


def runs_between(entry: schedule.Scheduled, start: datetime, end: datetime) -> list[datetime]:
    """Each time the job runs from `start` to `end` (stored UTC), on the school's clock."""
    found, moment = [], start
    while (at := schedule.next_run(entry, moment)) is not None:
        utc = at.replace(tzinfo=SCHOOL_ZONE).astimezone(timezone.utc).replace(tzinfo=None)
        if found and at == found[-1]:  # the hour that happens twice: the second 01:xx
            utc = at.replace(tzinfo=SCHOOL_ZONE, fold=1).astimezone(timezone.utc).replace(tzinfo=None)
        if utc > end:
            return found
        found.append(at)
        moment = utc + timedelta(seconds=1)
    return found


@pytest.mark.parametrize("clocks_change", [date(2027, 3, 28), date(2026, 10, 25)], ids=["spring", "autumn"])
def test_each_daily_job_runs_once_on_the_nights_the_clocks_change_at_its_school_time(clocks_change):
    start = datetime.combine(clocks_change, datetime.min.time()) - timedelta(hours=2)  # UTC: 22:00 or 23:00 before
    for entry in schedule.SCHEDULE:
        if entry.job == "evidence sweep":
            continue
        runs = runs_between(entry, start, start + timedelta(hours=24))
        hour, minute = int(entry.cron.split()[1]), int(entry.cron.split()[0])
        assert [(r.date(), r.hour, r.minute) for r in runs] == [(clocks_change, hour, minute)], entry.job


def test_the_sweep_runs_every_hour_in_summer_and_winter():
    sweep = schedule.by_job("evidence sweep")
    for day in (datetime(2027, 6, 1), datetime(2026, 12, 1)):
        runs = runs_between(sweep, day, day + timedelta(hours=24) - timedelta(seconds=1))
        assert len(runs) == 24 and {r.minute for r in runs} == {20}


def test_jobs_schedule_prints_each_job_its_next_run_and_its_last(app, runner):
    with time_machine.travel(datetime(2027, 6, 1, 22, 30, tzinfo=timezone.utc), tick=False):  # 23:30 in England
        with app.app_context():
            with jobs.running("evidence sweep") as run:
                run.detail = "Removed 0 unsaved upload(s)"
        output = runner.invoke(args=["jobs", "schedule"]).output
    lines = output.splitlines()
    refresh = lines.index(next(line for line in lines if line.startswith("attendance refresh")))
    assert "every day at 00:15" in lines[refresh] and "next Wed 2 Jun 00:15" in lines[refresh]
    assert "flask --app portal attendance refresh" in lines[refresh + 1]
    assert "last ran never, not yet run" in lines[refresh + 2]
    sweep = lines.index(next(line for line in lines if line.startswith("evidence sweep")))
    assert "next Wed 2 Jun 00:20" in lines[sweep]
    assert "last ran Tue 1 Jun 23:30, ok in 0.0 s: Removed 0 unsaved upload(s)" in lines[sweep + 2]


@pytest.fixture
def served(tmp_path):
    """The environment of a deployment with an SQLite database made by `flask db upgrade`, for child processes."""
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp_path / 'portal.sqlite'}",
               PORTAL_INSTANCE_PATH=str(tmp_path / "instance"))
    for name in ("TEST_DATABASE_URL", "PORTAL_BACKUP_DIR"):
        env.pop(name, None)
    subprocess.run([sys.executable, "-m", "flask", "--app", "portal", "db", "upgrade"], env=env, check=True,
                   capture_output=True)
    return env


def test_a_run_the_scheduler_starts_is_recorded_and_shows_on_health(served, monkeypatch):
    runner = schedule.Runner(env=served)
    assert runner.run(schedule.by_job("evidence sweep")) == 0
    assert runner.run(schedule.by_job("backup nightly")) == 1  # no PORTAL_BACKUP_DIR: it says so, and fails
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", served["PORTAL_INSTANCE_PATH"])
    app = create_app(conftest.test_config(SQLALCHEMY_DATABASE_URI=served["DATABASE_URL"]))
    with app.app_context():
        detail = {job["job"]: job for job in health.check().as_json()["jobs"]}
        problems = health.check().problems
        db.engine.dispose()
    assert detail["evidence sweep"]["result"] == "ok" and detail["evidence sweep"]["took_seconds"] > 0
    assert detail["backup nightly"]["result"] == "failed"
    assert "backup nightly: the last run failed" in problems and "evidence sweep" not in " ".join(problems)


def test_the_scheduler_holds_every_job_at_its_time_and_stopping_interrupts_a_running_one(served, tmp_path):
    runner = schedule.Runner(env=served)
    runner.start()
    try:
        held = {job.id: job.next_run_time for job in runner.scheduler.get_jobs()}
        assert set(held) == {e.job for e in schedule.SCHEDULE}
        assert all(held[e.job].astimezone(SCHOOL_ZONE).replace(tzinfo=None) == schedule.next_run(e)
                   for e in schedule.SCHEDULE)
    finally:
        runner.stop()
    # A long job (a watcher standing in for a slow backup) is asked to stop as Ctrl-C would, and does.
    said = tmp_path / "output.txt"
    drop = tmp_path / "drop"
    drop.mkdir()
    output = said.open("w")
    runner = schedule.Runner(env=served, output=output)
    slow = schedule.Scheduled("slow", ("import", "watch", str(drop)), "* * * * *", "", timedelta(hours=1), "")
    status: list[int | None] = []
    thread = threading.Thread(target=lambda: status.append(runner.run(slow)))
    thread.start()
    deadline = time.monotonic() + 60
    while "Watching" not in said.read_text() and time.monotonic() < deadline:  # the command is up and watching
        time.sleep(0.05)
    assert runner.running() == ["slow"]
    started = time.monotonic()
    runner.stop()
    thread.join(10)
    output.close()
    assert status == [0] and time.monotonic() - started < 10
    assert said.read_text().rstrip().endswith("Stopped watching.")
    assert runner.run(slow) is None  # stopped: nothing new starts


class EverySecond(schedule.Scheduled):
    def trigger(self):
        return IntervalTrigger(seconds=1, timezone=SCHOOL_ZONE)


def test_the_scheduler_fires_a_job_at_its_time_and_the_run_is_recorded(served, monkeypatch):
    sweep = schedule.by_job("evidence sweep")
    soon = EverySecond(sweep.job, sweep.args, sweep.cron, sweep.when, sweep.late_after, sweep.why)
    runner = schedule.Runner((soon,), env=served)
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", served["PORTAL_INSTANCE_PATH"])
    app = create_app(conftest.test_config(SQLALCHEMY_DATABASE_URI=served["DATABASE_URL"]))
    runner.start()
    detail = None
    try:
        deadline = time.monotonic() + 60
        with app.app_context():
            while detail is None and time.monotonic() < deadline:
                status = next(s for s in jobs.statuses() if s.job == "evidence sweep")
                detail = status.last_ok.detail if status.last_ok else None
                db.session.rollback()
                time.sleep(0.5)
            db.engine.dispose()
    finally:
        runner.stop()
    assert detail is not None and detail.startswith("Removed 0 unsaved upload(s)")
