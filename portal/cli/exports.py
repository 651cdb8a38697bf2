"""`export marks`: the portal's decisions, as a CSV the school's MIS imports (format: portal/services/exports.py)."""

from __future__ import annotations

from datetime import datetime

import click
from flask import Flask
from flask.cli import AppGroup

from portal.services import ServiceError
from portal.services import exports

export_cli = AppGroup("export", help="Files for the school's MIS.")


def parse_since(ctx, param, value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return exports.as_utc_naive(datetime.fromisoformat(value))
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date or time like 2026-03-02 or 2026-03-02T16:30:00") from None


@export_cli.command("marks")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
@click.option("--since", callback=parse_since, metavar="DATETIME",
              help="Only marks recorded at or after this moment (ISO date or date-time; UTC unless an offset "
                   "is given).")
def export_marks(path: str, since: datetime | None) -> None:
    """Write the marks decided in the portal to PATH (CSV: upn,date,session,code,minutes_late,comment,
    recorded_at,recorded_by), oldest decision first."""
    try:
        count = exports.export_marks(path, since=since)
    except (ServiceError, OSError) as exc:
        raise click.ClickException(str(exc)) from None
    since_words = f" recorded since {since.isoformat(timespec='seconds')} UTC" if since else ""
    click.echo(f"Wrote {count} mark{'' if count == 1 else 's'}{since_words} to {path}.")


def register(app: Flask) -> None:
    app.cli.add_command(export_cli)
