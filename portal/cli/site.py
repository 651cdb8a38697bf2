"""`site build OUTDIR [--policy PATH]...`: the static parent website of every school (docs/static-site.md)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy.exc import SQLAlchemyError

from portal.cli.policy import echo_problems
from portal.clock import school_today
from portal.domain.policy_file import ERROR
from portal.services import ServiceError, policies
from portal.services import site as site_service

site_cli = AppGroup("site", help="The static parent website.")

UNSPECIFIED = "0.0.0.0"  # nosec B104 # compared with a URL's host: nothing binds to it
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", UNSPECIFIED}


@site_cli.command("build")
@click.argument("outdir", type=click.Path(file_okay=False))
@click.option("--policy", "paths", multiple=True, type=click.Path(dir_okay=False),
              help="Build from this policy file instead of the trusts loaded in the database (no database "
                   "needed). Give it more than once for several trusts.")
@click.option("--portal-url", help="The live portal's address, for the links into it "
                                   "(default: the PORTAL_BASE_URL setting).")
@click.option("--allow-examples", is_flag=True, envvar="PORTAL_SITE_ALLOW_EXAMPLES",
              help="Build even though the policy marks values as examples (its example_values, or term dates not "
                   "yet published); every page then says which values are examples.")
def site_build(outdir: str, paths: tuple[str, ...], portal_url: str | None, allow_examples: bool) -> None:
    """Write the static parent website of every school to OUTDIR.

    OUTDIR/index.html lists the schools; OUTDIR/<school>/ holds each school's pages and term-dates.ics. Publish the
    folder on any static host, or open index.html from disk."""
    found = _policies_from_files(paths) if paths else _policies_from_database()
    portal_url = (portal_url or current_app.config["PORTAL_BASE_URL"]).rstrip("/")
    if (urlsplit(portal_url).hostname or "") in LOCAL_HOSTS:
        click.echo(f"Note: links into the portal go to {portal_url}, which only works on this computer. "
                   "Set PORTAL_BASE_URL or pass --portal-url with the portal's public address before "
                   "publishing.", err=True)
    site_app = _site_app(current_app)
    try:
        result = site_service.build_site(site_app, found, outdir, portal_url=portal_url, today=school_today(),
                                         allow_examples=allow_examples)
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from None
    examples = [f"{school.name}: {', '.join(values)}" for policy in found for school in policy.schools
                if (values := site_service.example_values(policy, school))]
    if examples:
        click.echo("Note: built with example values, which every page of their school names: "
                   + "; ".join(examples), err=True)
    click.echo(f"Built {len(result.pages)} pages for {', '.join(result.schools)} in {result.outdir} "
               f"({len(result.files)} files). Open {Path(result.outdir) / 'index.html'} to check them.")


def _policies_from_files(paths: tuple[str, ...]):
    found = []
    for path in paths:
        policy, problems = policies.read_policy_file(path)
        if policy is None:
            echo_problems(path, [p for p in problems if p.level == ERROR])
            raise click.ClickException(f"{path} has errors: fix them (flask --app portal policy check {path})")
        found.append(policy)
    return found


def _policies_from_database():
    try:
        trusts = policies.trusts()
    except SQLAlchemyError as exc:  # no database, or not upgraded: say what to do rather than a traceback
        raise click.ClickException(f"cannot read the loaded policies ({exc.__class__.__name__}); build from a "
                                   "file with --policy PATH, or run `flask --app portal db upgrade` and "
                                   "`flask --app portal policy load PATH` first") from None
    if not trusts:
        raise click.ClickException("no policy is loaded: run `flask --app portal policy load PATH`, "
                                   "or build straight from a file with --policy PATH")
    try:
        return [policies.trust_policy(trust) for trust in trusts]
    except policies.PolicyInvalid as exc:
        raise click.ClickException(f"a loaded policy no longer reads cleanly: {exc}") from None


def _site_app(app: Flask) -> Flask:
    """A second app, with the same settings, that has the site pages (the live portal never does)."""
    from portal import create_app

    return create_app({**app.config, "SITE_BUILD": True})


def register(app: Flask) -> None:
    app.cli.add_command(site_cli)
