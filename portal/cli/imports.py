"""`import pupils|contacts|marks PATH`: the MIS's exports, all-or-nothing unless told to skip bad rows."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from portal.cli import cli_actor
from portal.services import imports
from portal.services.imports.columns import ColumnsFileError
from portal.services.imports.columns import load_columns as load_columns_file

import_cli = AppGroup("import", help="Import pupils, contacts and marks exported from the school's MIS.")


def run_import(function, path: str, skip_invalid: bool, rejected: str | None, **options) -> None:
    size = Path(path).stat().st_size if Path(path).is_file() else 0
    with click.progressbar(length=size, label=f"Checking {Path(path).name}", file=sys.stderr,
                           show_percent=True, show_eta=True) as bar:
        def progress(done: int, total: int) -> None:
            bar.update(done - bar.pos)

        try:
            result = function(path, actor=cli_actor(), skip_invalid=skip_invalid,
                              rejected_path=Path(rejected) if rejected else None, progress=progress, **options)
        except imports.ImportRejected as exc:
            bar.render_finish()
            for problem in exc.result.problems:
                click.echo(f"{Path(path).name}: {problem}", err=True)
            for note in exc.result.notes:
                click.echo(f"{Path(path).name}: {note}", err=True)
            click.echo(f"{exc}. Fix the rows above and import again, or use --skip-invalid to import the "
                       "good rows.", err=True)
            if exc.result.rejected_path:
                click.echo(f"Rejected rows, with their line and problem: {exc.result.rejected_path}", err=True)
            raise SystemExit(1) from None
    for note in result.notes:
        click.echo(f"{Path(path).name}: {note}")
    counts = ", ".join(f"{n} {label}" for label, n in result.counts().items())
    click.echo(f"{result.kind.capitalize()}: {counts} ({result.rows} rows read).")
    if result.rejected_path:
        click.echo(f"Rejected rows, with their line and problem: {result.rejected_path}")


def load_columns(path: str | None):
    """The school's own headings (--columns FILE), or exit 1 saying what is wrong with the file."""
    try:
        return load_columns_file(path)
    except ColumnsFileError as exc:
        click.echo(str(exc), err=True)
        raise SystemExit(1) from None


COLUMNS_HELP = "A TOML file naming your MIS's column headings, e.g. [pupils] \"Pupil Surname\" = \"legal_surname\"."


def _command(name: str, function, what: str):
    @import_cli.command(name, help=f"Import {what} from PATH (CSV with a header row; see the README).")
    @click.argument("path", type=click.Path(dir_okay=False))
    @click.option("--skip-invalid", is_flag=True, help="Import the good rows and write the bad ones to a file.")
    @click.option("--rejected", type=click.Path(dir_okay=False),
                  help="Where to write the bad rows (default: PATH with .rejected.csv).")
    @click.option("--columns", "columns_path", type=click.Path(dir_okay=False), help=COLUMNS_HELP)
    def command(path: str, skip_invalid: bool, rejected: str | None, columns_path: str | None, **extra) -> None:
        run_import(function, path, skip_invalid, rejected, columns=load_columns(columns_path), **extra)

    return command


_command("pupils", imports.import_pupils, "pupils")
_command("contacts", imports.import_contacts, "contacts (parents and carers)")
_command("marks", imports.import_marks, "attendance marks")
click.option("--school", "school_urn", help="The school's URN, for a pupils file without a school_urn column "
                                            "(an export from one school's MIS).")(import_cli.commands["pupils"])


def register(app: Flask) -> None:
    app.cli.add_command(import_cli)
