"""`nudges preview` and `nudges send`: the half-termly message to parents (run `send` daily from cron, then
`outbox send`; it queues only when a school's round is due, and never the same message twice)."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from portal.cli import cli_actor
from portal.clock import school_today
from portal.domain.nudges import REASONS, SEND, days
from portal.services import jobs, nudges
from portal.services.nudges import preview_text

ISO_DATE = click.DateTime(formats=["%Y-%m-%d"])
LANGUAGE_NAMES = {"en": "English", "pl": "Polish", "ro": "Romanian"}

nudges_cli = AppGroup("nudges", help="Messages to parents about their child's days missed (policy [nudges]).")


@nudges_cli.command("preview")
@click.option("--as-of", type=ISO_DATE, help="The day to run as of (default today), YYYY-MM-DD.")
@click.option("--school", "school_urn", help="One school, by URN.")
@click.option("--all", "show_all", is_flag=True, help="List every child, not only those who would be emailed.")
def nudges_preview(as_of, school_urn: str | None, show_all: bool) -> None:
    """A dry run: what `nudges send` would queue today, and who gets nothing and why. Nothing is sent."""
    batch = nudges.plan(as_of.date() if as_of else school_today(), school_urn)
    _print(batch, show_all)
    click.echo(f"Dry run: nothing queued. {len(batch.messages)} email{'s' * (len(batch.messages) != 1)} "
               "would be queued by `flask --app portal nudges send`.")


@nudges_cli.command("send")
@click.option("--as-of", type=ISO_DATE, help="The day to run as of (default today), YYYY-MM-DD.")
@click.option("--school", "school_urn", help="One school, by URN.")
def nudges_send(as_of, school_urn: str | None) -> None:
    """Queue the messages due today, each once; `flask --app portal outbox send` delivers them."""
    with jobs.running("nudges send") as run:
        batch = nudges.send(as_of.date() if as_of else school_today(), cli_actor(), school_urn)
        run.detail = f"{len(batch.messages)} email{'s' * (len(batch.messages) != 1)} queued"
    _print(batch, show_all=False)
    click.echo(f"{len(batch.messages)} email{'s' * (len(batch.messages) != 1)} queued; "
               "`flask --app portal outbox send` delivers them.")


def _print(batch: nudges.Batch, show_all: bool) -> None:
    for school, due in batch.rounds.items():
        click.echo(f"{school}: " + (f"due, after {due.label} ({due.key})" if due else "no round due today"))
    for item in batch.items:
        if item.choice.outcome == SEND:
            for recipient in item.due:
                summary = item.facts.summary
                click.echo(f"  {item.pupil.name} ({item.pupil.upn})  {item.choice.version}"
                           f"{' (' + item.choice.situation + ')' if item.choice.situation else ''}  to "
                           f"{recipient.email} [{recipient.language}]  missed {preview_text(days(summary.absent))} "
                           f"of {preview_text(days(summary.possible))} days (school median "
                           f"{preview_text(item.median)})")
            if show_all and not item.due:
                statuses = sorted({r.status for r in item.recipients}) or ["no_email"]
                click.echo(f"  {item.pupil.name}: nothing ({'; '.join(REASONS.get(s, s) for s in statuses)})")
        elif show_all:
            click.echo(f"  {item.pupil.name}: nothing ({item.choice.reason_words})")
    counts = batch.counts()
    emails = {k.split(":", 1)[1]: v for k, v in counts.items() if k.startswith("email:")}
    languages = {k.split(":", 1)[1]: v for k, v in counts.items() if k.startswith("language:")}
    if emails:
        click.echo(f"Emails: {sum(emails.values())} ("
                   + ", ".join(f"{version} {n}" for version, n in sorted(emails.items())) + "; "
                   + ", ".join(f"{LANGUAGE_NAMES.get(code, code)} {n}" for code, n in sorted(languages.items()))
                   + ")")
    for key, n in sorted(counts.items()):
        if key.startswith("child:"):
            click.echo(f"Children not emailed, {REASONS.get(key[6:], key[6:])}: {n}")


def register(app: Flask) -> None:
    app.cli.add_command(nudges_cli)
