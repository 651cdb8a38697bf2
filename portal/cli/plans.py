"""`plans remind` and `plans due`: support-plan reviews (run `plans remind` daily from cron, then `outbox send`)."""

from __future__ import annotations

import json

import click
from flask import Flask
from flask.cli import AppGroup

from portal.cli import cli_actor
from portal.clock import school_today
from portal.services import jobs, support_plans

ISO_DATE = click.DateTime(formats=["%Y-%m-%d"])

plans_cli = AppGroup("plans", help="Attendance support plans: reviews due and their reminders.")


@plans_cli.command("remind")
@click.option("--as-of", type=ISO_DATE, help="The day to remind as of (default today), YYYY-MM-DD.")
@click.option("--days-ahead", type=click.IntRange(0, 60), default=support_plans.REMIND_DAYS_AHEAD, show_default=True,
              help="Remind this many days before a review is due.")
def plans_remind(as_of, days_ahead: int) -> None:
    """Queue one reminder email per plan and review date to the plan's owner. Safe to run again."""
    day = as_of.date() if as_of else school_today()
    with jobs.running("plans remind") as run:
        reminded = support_plans.send_review_reminders(day, cli_actor(), days_ahead=days_ahead)
        run.detail = f"{len(reminded)} reminder{'s' * (len(reminded) != 1)} queued"
    for plan in reminded:
        click.echo(f"{plan.reference}  {plan.pupil.name}  review {plan.review_date.isoformat()}")
    click.echo(f"{len(reminded)} reminder{'s' * (len(reminded) != 1)} queued; `flask --app portal outbox send` "
               "delivers them.")


@plans_cli.command("due")
@click.option("--as-of", type=ISO_DATE, help="The day (default today), YYYY-MM-DD.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON: a list of {plan, upn, school, review_date}.")
def plans_due(as_of, as_json: bool) -> None:
    """Running plans whose review is due on or before the day, the most overdue first."""
    day = as_of.date() if as_of else school_today()
    due = support_plans.due_reviews(day)
    if as_json:
        click.echo(json.dumps([{"plan": d.plan.reference, "upn": d.pupil.upn, "school": d.plan.school.urn,
                                "review_date": d.review_date.isoformat()} for d in due], indent=2))
        return
    for item in due:
        late = f", {item.days_overdue} days overdue" if item.days_overdue else ""
        click.echo(f"{item.plan.reference}  {item.pupil.name} ({item.pupil.upn})  review "
                   f"{item.review_date.isoformat()}{late}")
    click.echo(f"{len(due)} review{'s' * (len(due) != 1)} due by {day.isoformat()}.")


def register(app: Flask) -> None:
    app.cli.add_command(plans_cli)
