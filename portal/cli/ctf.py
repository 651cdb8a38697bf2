"""`import ctf PATH`: the attendance marks of a Common Transfer File (docs/ctf.md).

The command joins the `import` group of portal.cli.imports, whose register(app) adds the group to the app.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask

from portal.cli import cli_actor
from portal.cli.imports import import_cli
from portal.services import ctf


@import_cli.command("ctf")
@click.argument("path", type=click.Path(dir_okay=False))
def import_ctf(path: str) -> None:
    """Import the attendance marks (AttendSessions) of the Common Transfer File PATH; all or nothing.

    Marks are read AM then PM for every calendar day from each year's start date; `#` (not in session) and `-`
    (no mark) store nothing. See docs/ctf.md for the subset read and how two-character codes are read.
    """
    name = Path(path).name
    try:
        result = ctf.import_ctf(path, actor=cli_actor())
    except ctf.CtfRejected as exc:
        for problem in exc.read.problems:
            click.echo(f"{name}: {problem}", err=True)
        click.echo(f"{name}: {exc}. Fix the file (or load the missing pupils) and import again.", err=True)
        raise SystemExit(1) from None
    read = result.read
    source = f" from {read.source_school}" if read.source_school else ""
    click.echo(f"{name}: CTF {read.version or '(version not given)'}{source}, "
               f"marks recorded {read.recorded_at:%Y-%m-%d %H:%M}.")
    for year in read.years:
        school = f", {year.school}" if year.school else ""
        if year.totals_only:
            click.echo(f"  UPN {year.upn}  year {year.year}{school}: totals only, no session marks to import")
            continue
        extra = f", {year.no_mark} with no mark" if year.no_mark else ""
        click.echo(f"  UPN {year.upn}  year {year.year}{school}: {year.start} to {year.end}, {year.marks} marks "
                   f"({year.not_in_session} sessions not in session{extra})")
    for warning in read.warnings:
        click.echo(f"{name}: warning: {warning}", err=True)
    counts = result.counts
    click.echo(f"Marks: {counts.added} added, {counts.updated} updated, {counts.unchanged} unchanged, "
               f"{counts.kept_newer} kept newer ({len(read.marks)} marks read for {len(set(read.pupils))} "
               f"pupil(s)).")


def register(app: Flask) -> None:
    # The command is on import_cli from the moment this module is imported; portal.cli.imports adds the group.
    if "import" not in app.cli.commands:
        app.cli.add_command(import_cli)
