"""`staff`: add staff and roles, list them, switch off a leaver, take a role away, send a password reset, sign out
everywhere. The same services as the admin's pages (/staff/accounts), acting as whoever runs the command."""

import json
import sys

import click
from flask import Flask
from flask.cli import AppGroup

from portal.cli import cli_actor
from portal.domain.policy_rules import ROLES
from portal.extensions import db
from portal.models import School, Trust
from portal.services import ServiceError, sessions
from portal.services import permissions
from portal.services import staff_accounts as accounts

staff_cli = AppGroup("staff", help="Staff accounts and roles.")


def _fail(exc: ServiceError):
    raise click.ClickException(str(exc)) from None


@staff_cli.command("add")
@click.argument("email")
@click.option("--name", required=True, help="Their name, as colleagues and parents see it.")
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--school", "urn", help="The URN of the school where they hold the role.")
@click.option("--trust", "trust_slug", help="Or: the trust across which they hold it (trust-wide staff).")
@click.option("--password-stdin", is_flag=True,
              help="Read their first password from standard input (at least 12 characters, not a common one).")
def staff_add(email, name, role, urn, trust_slug, password_stdin):
    """Add a member of staff, or another role to one."""
    password = sys.stdin.readline().rstrip("\n") if password_stdin else None
    try:
        staff, new_password = permissions.add_staff(email, name, role, actor=cli_actor(), school_urn=urn,
                                                      trust_slug=trust_slug, password=password)
    except ServiceError as exc:
        _fail(exc)
    where = f"school {urn}" if urn else f"trust {trust_slug}"
    click.echo(f"{staff.name} <{staff.email}> is now {role.replace('_', ' ')} at {where}.")
    if new_password:
        click.echo(f"Their first password (shown once; hand it over privately): {new_password}")


def _role_words(role) -> str:
    """office@122239 (at a school, by URN) or senior_leader@trust:alp (across a trust)."""
    return f"{role.role}@{role.school.urn}" if role.school_id else f"{role.role}@trust:{role.trust.slug}"


@staff_cli.command("list")
@click.option("--json", "as_json", is_flag=True, help='[{"email", "name", "active", "roles": ["role@URN", ...]}]')
def staff_list(as_json):
    """Every member of staff, their roles and whether their account is on."""
    rows = [{"email": s.email, "name": s.name, "active": s.active, "roles": [_role_words(r) for r in s.roles]}
            for s in accounts.staff_list(cli_actor())]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        state = "" if row["active"] else "  [switched off]"
        click.echo(f"{row['email']}  {row['name']}  {', '.join(row['roles']) or '(no roles)'}{state}")


@staff_cli.command("switch-off")
@click.argument("email")
def staff_switch_off(email):
    """A leaver: they can no longer sign in, and every session they have ends now."""
    try:
        staff = accounts.by_email(email)
        accounts.switch_off(cli_actor(), staff)
    except ServiceError as exc:
        _fail(exc)
    click.echo(f"{staff.name} <{staff.email}> is switched off and signed out everywhere.")


@staff_cli.command("switch-on")
@click.argument("email")
def staff_switch_on(email):
    """Let a switched-off member of staff sign in again."""
    try:
        staff = accounts.by_email(email)
        accounts.switch_on(cli_actor(), staff)
    except ServiceError as exc:
        _fail(exc)
    click.echo(f"{staff.name} <{staff.email}> can sign in again.")


@staff_cli.command("remove-role")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--school", "urn", help="The URN of the school where they hold the role.")
@click.option("--trust", "trust_slug", help="Or: the trust across which they hold it.")
def staff_remove_role(email, role, urn, trust_slug):
    """Take a role away from a member of staff."""
    try:
        staff = accounts.by_email(email)
        school = db.session.scalar(db.select(School).where(School.urn == urn)) if urn else None
        trust = db.session.scalar(db.select(Trust).where(Trust.slug == trust_slug)) if trust_slug else None
        match = [r for r in staff.roles if r.role == role and (
            (school is not None and r.school_id == school.id)
            or (trust is not None and r.school_id is None and r.trust_id == trust.id))]
        if not match:
            raise ServiceError(f"{staff.email} is not {role.replace('_', ' ')} at "
                               f"{'school ' + urn if urn else 'trust ' + str(trust_slug)}: `staff list` shows their roles")
        accounts.remove_role(cli_actor(), staff, match[0].id)
    except ServiceError as exc:
        _fail(exc)
    click.echo(f"{staff.name} <{staff.email}> is no longer {role.replace('_', ' ')} there.")


@staff_cli.command("reset-password")
@click.argument("email")
def staff_reset_password(email):
    """Email a member of staff a single-use link to choose a new password (sent by `outbox send`)."""
    try:
        staff = accounts.by_email(email)
        accounts.send_password_reset(cli_actor(), staff)
    except ServiceError as exc:
        _fail(exc)
    click.echo(f"A link to choose a new password is queued for {staff.email}; `outbox send` delivers it.")


@staff_cli.command("sign-out")
@click.argument("email")
def staff_sign_out(email):
    """End every session of a member of staff now (a lost phone, a shared computer left signed in)."""
    try:
        staff = accounts.by_email(email)
    except ServiceError as exc:
        _fail(exc)
    ended = sessions.end_all(staff, cli_actor(), sessions.EVERYWHERE)
    db.session.commit()
    click.echo(f"{staff.name} <{staff.email}>: {ended} session{'s' if ended != 1 else ''} ended.")


def register(app: Flask) -> None:
    app.cli.add_command(staff_cli)
