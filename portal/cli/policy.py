"""`policy check|load|show` and `calendar show`."""

from __future__ import annotations

import json
from datetime import date

import click
from flask import Flask
from flask.cli import AppGroup

from portal.cli import cli_actor
from portal.clock import school_today
from portal.domain.policy_file import ERROR, NOTE, WARNING, Problem
from portal.domain.policy_json import policy_as_dict
from portal.services import ServiceError, policies

ISO_DATE = click.DateTime(formats=["%Y-%m-%d"])

policy_cli = AppGroup("policy", help="Check, load and show a trust's policy file.")
calendar_cli = AppGroup("calendar", help="School days and sessions from a loaded policy.")


def echo_problems(path: str, problems: list[Problem]) -> None:
    order = {ERROR: 0, WARNING: 1, NOTE: 2}
    for problem in sorted(problems, key=lambda p: (order[p.level], p.line or 0)):
        click.echo(problem.format(path), err=problem.level == ERROR)


def summary_line(path: str, problems: list[Problem]) -> str:
    errors = sum(p.level == ERROR for p in problems)
    warnings = sum(p.level == WARNING for p in problems)
    return f"{path}: {errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"


@policy_cli.command("check")
@click.argument("path", type=click.Path(dir_okay=False))
def policy_check(path: str) -> None:
    """Validate PATH; list conflicts with the national 2024 rules. Exit 1 on errors."""
    policy, problems = policies.read_policy_file(path, today=school_today())
    echo_problems(path, problems)
    click.echo(summary_line(path, problems))
    if policy is None:
        raise SystemExit(1)


@policy_cli.command("load")
@click.argument("path", type=click.Path(dir_okay=False))
def policy_load(path: str) -> None:
    """Load or refresh a trust's policy from PATH."""
    try:
        result = policies.load_policy_file(path, actor=cli_actor())
    except policies.PolicyInvalid as exc:
        echo_problems(path, exc.problems)
        click.echo(summary_line(path, exc.problems), err=True)
        raise SystemExit(1) from None
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from None
    trust = result.trust
    schools = ", ".join(f"{s.name} ({s.urn})" for s in trust.schools)
    if not result.changed:
        click.echo(f"{trust.name}: unchanged (this version is already loaded).")
    else:
        verb = "Loaded" if result.created else "Updated"
        click.echo(f"{verb} {trust.name}: {schools}.")
    warnings = sum(p.level == WARNING for p in result.problems)
    if warnings:
        click.echo(f"{warnings} warning(s): run `flask --app portal policy check {path}` to read them.")


@policy_cli.command("show")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the policy as loaded, as JSON.")
def policy_show(path: str, as_json: bool) -> None:
    """Show the policy in PATH as the portal reads it."""
    policy, problems = policies.read_policy_file(path)
    if policy is None:
        echo_problems(path, problems)
        raise SystemExit(1)
    if as_json:
        click.echo(json.dumps(policy_as_dict(policy), indent=2, ensure_ascii=False))
        return
    click.echo(f"{policy.trust.name} ({policy.trust.short_name})")
    for school in policy.schools:
        click.echo(f"  {school.name}, URN {school.urn}, {school.local_authority}")
        for site in school.sites:
            for label, t in (("AM", site.am), ("PM", site.pm)):
                click.echo(f"    {site.name} {label}: doors {t.doors_open:%H:%M}, late from {t.late_from:%H:%M}, "
                           f"register closes {t.register_closes:%H:%M}, ends {t.ends:%H:%M}")
    click.echo(f"  Target {policy.bands.target}%; leave notice {policy.leave.notice} "
               f"{policy.leave.notice_unit.replace('_', ' ')}")


def school_year_of(day: date) -> tuple[date, date]:
    start_year = day.year if day.month >= 9 else day.year - 1
    return date(start_year, 9, 1), date(start_year + 1, 8, 31)


@calendar_cli.command("show")
@click.option("--school", "urn", required=True, help="The school's URN.")
@click.option("--from", "start", type=ISO_DATE, help="First date (default: 1 September of this school year).")
@click.option("--to", "end", type=ISO_DATE, help="Last date (default: 31 August of this school year).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON: {school, days: [{date, sessions}]}.")
def calendar_show(urn: str, start, end, as_json: bool) -> None:
    """The school days and sessions of a school, from its loaded policy."""
    default_start, default_end = school_year_of(school_today())
    start = start.date() if start else default_start
    end = end.date() if end else default_end
    if end < start:
        raise click.BadParameter(f"--to {end} is before --from {start}")
    try:
        days = policies.school_days(urn, start, end)
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        payload = {"school": urn, "days": [{"date": d.isoformat(), "sessions": list(s)} for d, s in days]}
        click.echo(json.dumps(payload, indent=2))
        return
    for day, sessions in days:
        click.echo(f"{day:%a %d %b %Y}  {' '.join(sessions)}")
    click.echo(f"{len(days)} school days, {sum(len(s) for _, s in days)} sessions "
               f"from {start} to {end}.")


def register(app: Flask) -> None:
    app.cli.add_command(policy_cli)
    app.cli.add_command(calendar_cli)
