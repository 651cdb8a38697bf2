"""`retention purge [--dry-run] [--as-of DATE]`: delete what each trust's retention periods allow (run it from cron,
daily or on 1 September: periods end with the school year, so nothing new goes on the other days).

Prints each trust's cutoffs and the count per kind. A real run records one audit event (`retention.purge`) with
the counts; a dry run deletes nothing, records nothing, and says so.
"""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from portal.cli import cli_actor
from portal.services import ServiceError
from portal.services import jobs, retention

retention_cli = AppGroup("retention", help="How long the portal keeps records (the policy's [retention]).")


@retention_cli.command("purge")
@click.option("--dry-run", is_flag=True, help="Count what would be deleted; delete nothing.")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Judge as of this day (YYYY-MM-DD) instead of today; a later day only with --dry-run.")
def retention_purge(dry_run: bool, as_of) -> None:
    """Delete register marks, absence reports, leave requests, evidence and old housekeeping rows once their
    retention period has passed. Registers are always kept at least 6 years."""
    with jobs.running("retention purge", record=not dry_run) as run:
        try:
            result = retention.purge(cli_actor(), as_of=as_of.date() if as_of else None, dry_run=dry_run)
        except ServiceError as exc:
            raise click.ClickException(str(exc)) from None
        run.detail = f"{result.total} record(s) deleted as of {result.as_of:%-d %B %Y}"
    click.echo(f"Retention as of {result.as_of:%-d %B %Y} (whole school years, counted from each record's "
               "school year end):")
    for trust in result.trusts:
        p = trust.periods
        raised = (f"; the policy says {p.register_raised_from}, the law requires at least {p.register}"
                  if p.register_raised_from is not None else "")
        click.echo(f"  {trust.name}:")
        click.echo(f"    register marks dated before {_day(trust.marks_before)} ({_years(p.register)}{raised})")
        click.echo(f"    absence reports and first-day contact before {_day(trust.absence_reports_before)} "
                   f"({_years(p.absence_reports)})")
        click.echo(f"    leave requests before {_day(trust.leave_requests_before)} ({_years(p.leave_requests)})")
        click.echo(f"    evidence files before {_day(trust.evidence_before)} ({_years(p.evidence)})")
    if not result.trusts:
        click.echo("  no trust is loaded: only housekeeping applies")
    click.echo("Would delete:" if dry_run else "Deleted:")
    width = max(len(words) for words in retention.KINDS.values())
    for kind, words in retention.KINDS.items():
        click.echo(f"  {words:<{width}}  {result.counts[kind]:>8}")
    if dry_run:
        click.echo("Dry run: nothing was deleted and no audit event was recorded.")
    else:
        if result.files_missing:
            click.echo(f"{result.files_missing} evidence file(s) were already missing from disk.")
        click.echo(f"{result.total} record(s) deleted; audit event retention.purge recorded.")


def _day(day) -> str:
    return f"{day:%-d %B %Y}"


def _years(n: int) -> str:
    return f"{n} year{'' if n == 1 else 's'}"


def register(app: Flask) -> None:
    app.cli.add_command(retention_cli)
