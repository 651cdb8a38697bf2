"""`import folder DIR` (one pass, for cron) and `import watch DIR` (a loop): the MIS's scheduled exports.

The commands join the `import` group of portal.cli.imports. See portal/services/imports/feed.py for what is
imported when, and the README ("A daily feed from the MIS") for setting a school's MIS up to drop its files.
"""

from __future__ import annotations

import signal
from pathlib import Path

import click
from flask import Flask

from portal.cli import cli_actor
from portal.cli.imports import COLUMNS_HELP, import_cli
from portal.extensions import db
from portal.services.imports import feed
from portal.stop_signal import StopSignal


def _options(function):
    function = click.option("--skip-invalid", is_flag=True,
                            help="Import each file's good rows; its bad rows go to done/ beside it.")(function)
    function = click.option("--school", "school_urn",
                            help="The school's URN, for pupils files without a school_urn column.")(function)
    function = click.option("--columns", "columns_path", type=click.Path(dir_okay=False),
                            help=COLUMNS_HELP + " Default: columns.toml in DIR, if there is one.")(function)
    return click.argument("folder", type=click.Path(file_okay=False, exists=True))(function)


def _echo(outcomes: list[feed.Outcome]) -> None:
    for outcome in outcomes:
        where = f"{outcome.moved_to.parent.name}/" if outcome.moved_to else "(not moved)"
        click.echo(f"{outcome.name}: {'imported' if outcome.imported else 'FAILED'} "
                   f"({outcome.kind or 'not recognised'}), moved to {where}",
                   err=not outcome.imported)
        for line in outcome.lines:
            click.echo(f"  {line}", err=not outcome.imported)


@import_cli.command("folder")
@_options
@click.option("--settle", default=60.0, show_default=True,
              help="Only take files unchanged for this many seconds (a file still being written is left).")
def import_folder(folder: str, columns_path: str | None, school_urn: str | None, skip_invalid: bool,
                  settle: float) -> None:
    """Import every finished file in FOLDER once, then stop (run it from cron); exit 1 if any file failed."""
    options = feed.Options(cli_actor(), Path(columns_path) if columns_path else None, school_urn, skip_invalid,
                           settle)
    try:
        outcomes, _ = feed.process(Path(folder), options)
    except OSError as exc:
        click.echo(f"{folder}: {exc.strerror or exc} (the folder, and its done/ and failed/, must be writable)",
                   err=True)
        raise SystemExit(1) from None
    _echo(outcomes)
    if not outcomes:
        click.echo(f"Nothing to import in {folder}.")
    if any(not o.imported for o in outcomes):
        raise SystemExit(1)


@import_cli.command("watch")
@_options
@click.option("--every", default=10.0, show_default=True, help="Seconds between looks at the folder.")
@click.option("--settle", default=120.0, show_default=True,
              help="A file already there when first seen is taken if unchanged for this many seconds; any other "
                   "once it is the same at two looks.")
@click.option("--max-polls", type=int, default=None, help="Stop after this many looks (default: until stopped).")
def import_watch(folder: str, columns_path: str | None, school_urn: str | None, skip_invalid: bool, every: float,
                 settle: float, max_polls: int | None) -> None:
    """Watch FOLDER and import each file the MIS drops there; stops cleanly on Ctrl-C or SIGTERM."""
    stop = StopSignal()
    previous = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
    for signum in previous:
        signal.signal(signum, lambda *_: stop.set())
    options = feed.Options(cli_actor(), Path(columns_path) if columns_path else None, school_urn, skip_invalid,
                           settle)
    click.echo(f"Watching {folder} every {every:g} s (Ctrl-C to stop).")
    looks: dict = {}
    polls = 0
    try:
        while not stop.is_set() and (max_polls is None or polls < max_polls):
            try:
                outcomes, looks = feed.process(Path(folder), options, looks)
            except OSError as exc:  # a share gone for a moment: say so and look again
                outcomes = []
                click.echo(f"{folder}: {exc.strerror or exc}; looking again in {every:g} s", err=True)
            db.session.remove()  # a fresh session each look: nothing cached from a file imported earlier
            _echo(outcomes)
            polls += 1
            if max_polls is None or polls < max_polls:
                stop.wait(every)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    click.echo("Stopped watching." if stop.is_set() else f"Stopped after {polls} look(s).")


def register(app: Flask) -> None:
    if "import" not in app.cli.commands:
        app.cli.add_command(import_cli)
