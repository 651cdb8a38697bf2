"""`evidence sweep`: remove what a worker killed mid-upload left behind, and drafts of forms never sent (run it
from cron, hourly)."""

from datetime import timedelta

import click
from flask import Flask
from flask.cli import AppGroup

from portal.services import drafts, jobs, uploads

evidence_cli = AppGroup("evidence", help="Evidence files sent with requests.")


@evidence_cli.command("sweep")
@click.option("--older-than-hours", default=24, show_default=True, type=click.IntRange(min=1),
              help="Only files and unsaved uploads older than this: longer than any request can take.")
def evidence_sweep(older_than_hours: int) -> None:
    """Delete uploads whose request never committed, stored files with no record, and expired drafts."""
    with jobs.running("evidence sweep") as run:
        result = uploads.sweep_orphans(timedelta(hours=older_than_hours))
        drafts_removed = drafts.sweep()
        run.detail = (f"Removed {result.rows} unsaved upload(s) and {result.files} file(s) with no record; "
                      f"{result.missing} record(s) whose file was already gone.")
    click.echo(run.detail)
    click.echo(f"Removed {drafts_removed} expired draft(s) of forms never sent.")


def register(app: Flask) -> None:
    app.cli.add_command(evidence_cli)
