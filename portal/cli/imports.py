"""`import pupils|contacts|marks PATH`: the MIS's exports, all-or-nothing unless told to skip bad rows."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from portal.cli import cli_actor
from portal.services import imports

import_cli = AppGroup("import", help="Import pupils, contacts and marks exported from the school's MIS.")


def run_import(function, path: str, skip_invalid: bool, rejected: str | None) -> None:
    size = Path(path).stat().st_size if Path(path).is_file() else 0
    with click.progressbar(length=size, label=f"Checking {Path(path).name}", file=sys.stderr,
                           show_percent=True, show_eta=True) as bar:
        def progress(done: int, total: int) -> None:
            bar.update(done - bar.pos)

        try:
            result = function(path, actor=cli_actor(), skip_invalid=skip_invalid,
                              rejected_path=Path(rejected) if rejected else None, progress=progress)
        except imports.ImportRejected as exc:
            bar.render_finish()
            for problem in exc.result.problems:
                click.echo(f"{Path(path).name}: {problem}", err=True)
            click.echo(f"{exc}. Fix the rows above and import again, or use --skip-invalid to import the "
                       "good rows.", err=True)
            raise SystemExit(1) from None
    counts = ", ".join(f"{n} {label}" for label, n in result.counts().items())
    click.echo(f"{result.kind.capitalize()}: {counts} ({result.rows} rows read).")
    if result.rejected_path:
        click.echo(f"Rejected rows, with their line and problem: {result.rejected_path}")


def _command(name: str, function, what: str):
    @import_cli.command(name, help=f"Import {what} from PATH (CSV with a header row; see the README).")
    @click.argument("path", type=click.Path(dir_okay=False))
    @click.option("--skip-invalid", is_flag=True, help="Import the good rows and write the bad ones to a file.")
    @click.option("--rejected", type=click.Path(dir_okay=False),
                  help="Where to write the bad rows (default: PATH with .rejected.csv).")
    def command(path: str, skip_invalid: bool, rejected: str | None) -> None:
        run_import(function, path, skip_invalid, rejected)

    return command


_command("pupils", imports.import_pupils, "pupils")
_command("contacts", imports.import_contacts, "contacts (parents and carers)")
_command("marks", imports.import_marks, "attendance marks")


def register(app: Flask) -> None:
    app.cli.add_command(import_cli)
