"""`demo`: load a trust's policy and fill it with realistic pupils, contacts and a school year of marks."""

from __future__ import annotations

import contextlib
import sys
import tempfile
from collections import Counter
from datetime import date
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from portal.cli import cli_actor
from portal.cli.policy import echo_problems, summary_line
from portal.clock import school_today
from portal.extensions import db
from portal.models import ParentAccount
from portal import demo
from portal.services import ServiceError, imports, policies, pupil_figures
from portal.services import permissions

ISO_DATE = click.DateTime(formats=["%Y-%m-%d"])
DEFAULT_POLICY = Path("examples") / "alp.toml"


@click.command("demo")
@click.option("--policy", "policy_path", type=click.Path(dir_okay=False),
              help=f"The trust's policy file (default: {DEFAULT_POLICY}).")
@click.option("--pupils", type=click.IntRange(1, 200_000), default=600, show_default=True,
              help="How many pupils, spread over the policy's schools.")
@click.option("--seed", type=int, default=2026, show_default=True,
              help="Random seed: the same seed and --today give the same data.")
@click.option("--today", type=ISO_DATE,
              help="The day the demo is made on: marks run from the start of its school year to its morning "
                   "register (default: today, or the calendar's last school day if today is past it).")
@click.option("--out", type=click.Path(file_okay=False),
              help="Keep the generated pupils.csv, contacts.csv and marks.csv in this folder.")
@with_appcontext
def demo_command(policy_path: str | None, pupils: int, seed: int, today, out: str | None) -> None:
    """Load a policy and import realistic demo pupils, contacts and marks for its schools.

    Names, emails (@example.com) and phone numbers (07700 900xxx) are made up. Running it again with the
    same options changes nothing."""
    path = Path(policy_path) if policy_path else _default_policy()
    actor = cli_actor()
    try:
        loaded = policies.load_policy_file(path, actor=actor)
        policy = policies.trust_policy(loaded.trust)
    except policies.PolicyInvalid as exc:
        echo_problems(str(path), exc.problems)
        click.echo(summary_line(str(path), exc.problems), err=True)
        raise SystemExit(1) from None
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from None

    day = _demo_day(policy, today.date() if today else None, path)
    trust = demo.generate(policy, pupils, seed, day)
    click.echo(f"{policy.trust.name}: {pupils} demo pupils, seed {seed}, as of {day:%a %d %b %Y}.")
    keep = contextlib.nullcontext(out) if out else tempfile.TemporaryDirectory(prefix="portal-demo-")
    with keep as folder:
        files = demo.write_trust_csvs(folder, trust)
        _import(files, actor, day)
        _summary(policy, trust, files, day)
    if out:
        click.echo(f"CSV files kept in {Path(out)}.")
    _demo_people(policy, loaded.trust, actor)
    # As a school would after its MIS import, so the oversight pages open fast from the first visit.
    kept = pupil_figures.refresh(school_today())
    click.echo(f"  Figures and alerts worked out for the oversight pages: {kept:,} pupils.")


DEMO_STAFF_PASSWORD = "demo-password"  # nosec B105 # the made-up demo trust's staff, printed for anyone to use


def _demo_people(policy, trust, actor: str) -> None:
    """A headteacher across the trust and an office user per school, and a parent to sign in as, so a newcomer can
    try both sides at once."""
    head = f"head@{trust.slug}.example.com"
    # The made-up trust's password is printed for anyone: the password rule is for real accounts.
    permissions.add_staff(head, "Demo Headteacher", "headteacher", actor, trust_slug=trust.slug,
                            password=DEMO_STAFF_PASSWORD, check_password=False)
    for school in policy.schools:
        permissions.add_staff(f"office@{school.slug}.example.com", f"{school.name} office", "office", actor,
                                school_urn=school.urn, password=DEMO_STAFF_PASSWORD, check_password=False)
    parent = db.session.scalar(select(ParentAccount).order_by(ParentAccount.id))
    click.echo(f"  Staff sign in at /staff/sign-in as {head} (headteacher, every school) or "
               f"office@<school>.example.com, password {DEMO_STAFF_PASSWORD}.")
    if parent is not None:
        click.echo(f"  Parents sign in at /sign-in, e.g. as {parent.email}: with `make run` the email with the "
                   "sign-in link is printed in this terminal.")


def _default_policy() -> Path:
    """examples/alp.toml from the current folder, else from the portal's checkout."""
    if DEFAULT_POLICY.is_file():
        return DEFAULT_POLICY
    return Path(current_app.root_path).parent / DEFAULT_POLICY


def _demo_day(policy, given: date | None, path: Path) -> date:
    """The demo's "today": the given date, which must fall in the policy's school years; by default today, or
    the last school day before it when this school year has none yet (early September, or past the calendar)."""
    first = min((s.calendar.first_day for s in policy.schools if s.calendar.first_day), default=None)
    last = max((s.calendar.last_day for s in policy.schools if s.calendar.last_day), default=None)
    if first is None or last is None:
        raise click.ClickException(f"{path} has no school days: add its terms first")
    if given is not None:
        if demo.latest_register_day(policy, given) is None:
            raise click.ClickException(
                f"--today {given}: no school days from the start of that school year to that day; the calendar in "
                f"{path} runs from {first} to {last}")
        return given
    today = school_today()
    if demo.latest_register_day(policy, today) is not None:
        return today
    fallback = demo.last_school_day_by(policy, today) or first
    click.echo(f"Today ({today}) has no school days before it in this school year of {path}'s calendar "
               f"({first} to {last}): making the demo as of {fallback}. Use --today to choose.", err=True)
    return fallback


def _import(files: demo.DemoFiles, actor: str, day: date) -> None:
    steps = (("pupils", files.pupils, lambda p, **kw: imports.import_pupils(p, today=day, **kw)),
             ("contacts", files.contacts, imports.import_contacts),
             ("marks", files.marks, imports.import_marks))
    for label, path, function in steps:
        with click.progressbar(length=path.stat().st_size, label=f"Importing {label}", file=sys.stderr) as bar:
            try:
                result = function(path, actor=actor, progress=lambda done, total: bar.update(done - bar.pos))
            except imports.ImportRejected as exc:  # the generator made a row the import refuses: a bug
                bar.render_finish()
                for problem in exc.result.problems[:20]:
                    click.echo(f"{path.name}: {problem}", err=True)
                raise click.ClickException(f"the demo {label} were refused ({exc}): please report this") from None
        counts = ", ".join(f"{n:,} {what}" for what, n in result.counts().items())
        click.echo(f"  Imported {label}: {counts}.")


def _summary(policy, trust: demo.DemoTrust, files: demo.DemoFiles, day: date) -> None:
    per_school = Counter(p.plan.school.urn for p in trust.pupils)
    for school in policy.schools:
        click.echo(f"  {school.name} ({school.urn}): {per_school[school.urn]:,} pupils")
    children = Counter(p.family.number for p in trust.pupils)
    siblings = sum(1 for n in children.values() if n > 1)
    click.echo(f"  Families: {len(children):,}, of which {siblings:,} with two or three children in the trust.")
    latest = demo.latest_register_day(policy, day)
    spread = demo.spread(demo.read_mark_rows(files.marks), policy.bands, latest)
    if not spread.marks:
        click.echo("  Marks: none (no school days yet this school year).")
        return
    first = trust.plans and min(p.days[0] for p in trust.plans if p.days)
    click.echo(f"  Marks: {spread.marks:,} from {first} to {latest}"
               f"{' (morning register)' if latest == day else ''}.")
    click.echo(f"  Attendance of {spread.pupils:,} pupils: {spread.at_or_above_95:,} "
               f"({spread.share(spread.at_or_above_95)}) at or above 95%, {spread.on_target:,} "
               f"({spread.share(spread.on_target)}) at or above the {policy.bands.target}% target; "
               f"{spread.persistent:,} ({spread.share(spread.persistent)}) persistently absent, "
               f"{spread.severe:,} ({spread.share(spread.severe)}) severely.")
    click.echo(f"  Unexplained absences (N) on {latest:%a %d %b}: {spread.unexplained_today:,} pupils "
               "for the first-day contact list.")


def register(app: Flask) -> None:
    app.cli.add_command(demo_command)
