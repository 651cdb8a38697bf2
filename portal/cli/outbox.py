"""`outbox send`: deliver queued email once (from cron); `outbox work`: keep delivering, as a process of its own.

Web requests only queue email (services/notify.py): production runs `outbox work` beside gunicorn (a systemd
service, or a container of its own), or `outbox send` from cron every minute or two.
"""

import signal

import click
from flask import Flask
from flask.cli import AppGroup

from portal.services import jobs, notify
from portal.stop_signal import StopSignal

outbox_cli = AppGroup("outbox", help="Email waiting to be sent.")


@outbox_cli.command("send")
@click.option("--all", "everything", is_flag=True, help="Also retry messages whose next attempt is not due yet.")
def outbox_send(everything: bool) -> None:
    """Deliver queued email that is due, retrying failures with backoff."""
    with jobs.running("outbox send") as run:
        sent, failed = notify.deliver_due(even_if_not_due=everything)
        run.detail = f"{sent} sent, {failed} failed"
        click.echo(f"{sent} sent, {failed} failed (they stay queued and are retried later).")
        if failed:
            raise SystemExit(1)


@outbox_cli.command("work")
@click.option("--interval", default=notify.WORK_INTERVAL_SECONDS, show_default=True,
              type=click.FloatRange(min=0.1), help="Seconds to wait between passes.")
def outbox_work(interval: float) -> None:
    """Deliver queued email as it becomes due, until stopped (SIGTERM or Ctrl+C): a message being sent is
    finished first, so none is lost or sent twice by stopping."""
    stop = StopSignal()

    def finish(signum, frame):
        click.echo(f"Stopping ({signal.Signals(signum).name}): finishing the current pass.")
        stop.set()

    signal.signal(signal.SIGTERM, finish)
    signal.signal(signal.SIGINT, finish)
    click.echo(f"Delivering queued email every {interval:g} s until stopped.")
    sent = notify.work(stop, interval)
    click.echo(f"Stopped: {sent} sent while running.")


def register(app: Flask) -> None:
    app.cli.add_command(outbox_cli)
