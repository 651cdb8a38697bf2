"""`outbox send`: deliver queued email, retrying what failed before (run it from cron every few minutes)."""

import click
from flask import Flask
from flask.cli import AppGroup

from portal.services import jobs, notify

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


def register(app: Flask) -> None:
    app.cli.add_command(outbox_cli)
