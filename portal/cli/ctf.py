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
@click.option("--skip-invalid", is_flag=True,
              help="Import the rest when the only problems are marks on days with no session or pupils not "
                   "loaded; those marks are written to a marks CSV to fix and import.")
@click.option("--rejected", type=click.Path(dir_okay=False),
              help="Where to write the marks left out (default: PATH with .rejected.csv).")
def import_ctf(path: str, skip_invalid: bool, rejected: str | None) -> None:
    """Import the attendance marks (AttendSessions) of the Common Transfer File PATH; all or nothing.

    Marks are read AM then PM for every calendar day from each year's start date; `#` (not in session) and `-`
    (no mark) store nothing. See docs/ctf.md for the subset read and how two-character codes are read.
    """
    name = Path(path).name
    try:
        result = ctf.import_ctf(path, actor=cli_actor(), skip_invalid=skip_invalid,
                                rejected_path=Path(rejected) if rejected else None)
    except ctf.CtfRejected as exc:
        for problem in exc.read.problems:
            click.echo(f"{name}: {problem}", err=True)
        click.echo(f"{name}: {exc}. Fix the file (or load the missing pupils) and import again.", err=True)
        raise SystemExit(1) from None
    read = result.read
    source = f" from {read.source_school}" if read.source_school else ""
    click.echo(f"{name}: CTF {read.version or '(version not given)'}{source}, "
               f"marks recorded {read.recorded_at:%Y-%m-%d %H:%M}, read as {read.encoding or 'UTF-8'}.")
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
    if result.skipped:
        for problem in read.problems:
            click.echo(f"{name}: left out: {problem}", err=True)
        click.echo(f"{name}: {result.skipped} mark(s) left out, written to {result.rejected_path}", err=True)
    counts = result.counts
    click.echo(f"Marks: {counts.added} added, {counts.updated} updated, {counts.unchanged} unchanged, "
               f"{counts.kept_newer} kept newer ({len(read.marks)} marks read for {len(set(read.pupils))} "
               f"pupil(s)).")


def register(app: Flask) -> None:
    # The command is on import_cli from the moment this module is imported; portal.cli.imports adds the group.
    if "import" not in app.cli.commands:
        app.cli.add_command(import_cli)
