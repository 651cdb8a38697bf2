"""`legal remind`: part-time timetable reviews due (run daily from cron, then `outbox send`); `legal return`: a
return to the local authority as CSV, for a school and period."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from portal.cli import cli_actor
from portal.clock import school_today
from portal.extensions import db
from portal.models import StaffUser
from portal.services import ServiceError, jobs, la_returns, part_time_timetables

ISO_DATE = click.DateTime(formats=["%Y-%m-%d"])

legal_cli = AppGroup("legal", help="The legal pathway: part-time timetable reviews and returns to the local authority.")


@legal_cli.command("remind")
@click.option("--as-of", type=ISO_DATE, help="The day to remind as of (default today), YYYY-MM-DD.")
def legal_remind(as_of) -> None:
    """Queue one email per part-time timetable review due, to the school's legal-action staff. Safe to run again."""
    day = as_of.date() if as_of else school_today()
    with jobs.running("legal remind") as run:
        reminded = part_time_timetables.send_review_reminders(day, cli_actor())
        run.detail = f"{len(reminded)} reminder{'s' * (len(reminded) != 1)} queued"
    for timetable in reminded:
        click.echo(f"{timetable.pupil.name} ({timetable.pupil.upn})  review {timetable.next_review_on.isoformat()}")
    click.echo(f"{len(reminded)} reminder{'s' * (len(reminded) != 1)} queued; `flask --app portal outbox send` "
               "delivers them.")


@legal_cli.command("return")
@click.option("--school", "urn", required=True, help="The school's URN.")
@click.option("--kind", type=click.Choice(list(la_returns.KINDS)), required=True)
@click.option("--from", "start", type=ISO_DATE, required=True, help="First day, YYYY-MM-DD.")
@click.option("--to", "end", type=ISO_DATE, required=True, help="Last day, YYYY-MM-DD.")
@click.option("--as", "email", required=True, help="The email of the member of staff exporting it (audited).")
def legal_return(urn: str, kind: str, start, end, email: str) -> None:
    """Print a return as CSV, as the member of staff named (their role must allow it); audited like a download."""
    staff = db.session.scalar(select(StaffUser).where(StaffUser.email == email.strip().lower()))
    if staff is None or not staff.active:
        raise click.ClickException(f"no active member of staff with the email {email}")
    try:
        found = la_returns.build(staff, urn, kind, start.date(), end.date())
        _, content, _ = la_returns.export(staff, found, "csv")
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from None
    sys.stdout.write(content.decode())


def register(app: Flask) -> None:
    app.cli.add_command(legal_cli)
