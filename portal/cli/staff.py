"""`staff add`: give a member of staff a role at a school, or across a trust."""

import sys

import click
from flask import Flask
from flask.cli import AppGroup

from portal.cli import cli_actor
from portal.domain.settings import ROLES
from portal.services import ServiceError
from portal.services import staff as staff_service

staff_cli = AppGroup("staff", help="Staff accounts and roles.")


@staff_cli.command("add")
@click.argument("email")
@click.option("--name", required=True, help="Their name, as colleagues and parents see it.")
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--school", "urn", help="The URN of the school where they hold the role.")
@click.option("--trust", "trust_slug", help="Or: the trust across which they hold it (trust-wide staff).")
@click.option("--password-stdin", is_flag=True, help="Read their first password from standard input.")
def staff_add(email, name, role, urn, trust_slug, password_stdin):
    """Add a member of staff, or another role to one."""
    password = sys.stdin.readline().rstrip("\n") if password_stdin else None
    try:
        staff, new_password = staff_service.add_staff(email, name, role, actor=cli_actor(), school_urn=urn,
                                                      trust_slug=trust_slug, password=password)
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from None
    where = f"school {urn}" if urn else f"trust {trust_slug}"
    click.echo(f"{staff.name} <{staff.email}> is now {role.replace('_', ' ')} at {where}.")
    if new_password:
        click.echo(f"Their first password (shown once; hand it over privately): {new_password}")


def register(app: Flask) -> None:
    app.cli.add_command(staff_cli)
