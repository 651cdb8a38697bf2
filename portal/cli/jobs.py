"""`jobs schedule`: the scheduled jobs, when they run next and how their last run went; `jobs run-scheduler`: run
them at their times, as a process of the production recipe (portal/processes.py), until stopped."""

from __future__ import annotations

import signal

import click
from flask import Flask
from flask.cli import AppGroup

from portal.clock import school_time
from portal.services import jobs, schedule
from portal.stop_signal import StopSignal

jobs_cli = AppGroup("jobs", help="The scheduled jobs (portal/services/schedule.py) and their runs.")


def _when(at) -> str:
    return f"{school_time(at):%a %-d %b %H:%M}" if at else "never"


@jobs_cli.command("schedule")
def jobs_schedule() -> None:
    """Each scheduled job: its command, when it runs (the school's time, Europe/London), its next run and its last."""
    last = {status.job: status for status in jobs.statuses()}
    for entry in schedule.SCHEDULE:
        status = last.get(entry.job)
        run = status.last if status else None
        took = jobs.took(run) if run else None
        outcome = (f"{run.result}" + (f" in {took.total_seconds():.1f} s" if took is not None else "")
                   + (f": {run.detail}" if run.detail else "")) if run else "not yet run"
        click.echo(f"{entry.job:<20} {entry.when:<24} next {schedule.next_run(entry):%a %-d %b %H:%M}")
        click.echo(f"{'':<20} flask --app portal {' '.join(entry.args)}: {entry.why}")
        click.echo(f"{'':<20} last ran {_when(run.started_at if run else None)}, {outcome}")
    click.echo("Times are the school's (Europe/London). `flask --app portal jobs run-scheduler` runs them; "
               "admins see each run on System (/staff/system).")


@jobs_cli.command("run-scheduler")
def jobs_run_scheduler() -> None:
    """Run every scheduled job at its time, each as its own command, until stopped (SIGTERM or Ctrl-C): a job
    still running is asked to stop (its run is recorded as interrupted), then the scheduler exits."""
    stop = StopSignal()

    def finish(signum, frame):
        stop.set()

    signal.signal(signal.SIGTERM, finish)
    signal.signal(signal.SIGINT, finish)
    runner = schedule.Runner()
    runner.start()
    click.echo(f"Scheduling {len(schedule.SCHEDULE)} jobs (`flask --app portal jobs schedule` lists them) until "
               "stopped.")
    while not stop.wait(3600):
        pass
    interrupted = runner.running()
    runner.stop()
    click.echo("Stopped" + (f", interrupting {', '.join(interrupted)}." if interrupted else "."))


def register(app: Flask) -> None:
    app.cli.add_command(jobs_cli)
