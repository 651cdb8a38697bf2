"""`backup create DIR`, `backup nightly`, `backup verify DIR` and `backup restore DIR [--force]` (README: Backups)."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from portal.cli import cli_actor
from portal.services import ServiceError
from portal.services import backup, backup_nightly, jobs

backup_cli = AppGroup("backup", help="Back up the database and evidence files, check a backup, restore one.")
FOLDER = click.Path(file_okay=False, path_type=Path)


@backup_cli.command("create")
@click.argument("folder", type=FOLDER)
def backup_create(folder: Path) -> None:
    """Write a consistent copy of the database and the evidence files into FOLDER (new or empty), with a
    manifest of their SHA-256 sums. The portal keeps running meanwhile."""
    try:
        manifest = backup.create(folder, cli_actor())
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Backed up the {manifest['database']['engine']} database (schema {manifest['schema_revision']}) "
               f"and {len(manifest['files']) - 1} evidence file(s) into {folder}.")
    click.echo(f"Check it with `flask --app portal backup verify {folder}`; keep a copy off this server.")


@backup_cli.command("nightly")
@click.option("--into", "root", type=FOLDER, help="Where the dated backups go (default: PORTAL_BACKUP_DIR).")
@click.option("--keep", type=click.IntRange(min=1), help="How many to keep there (default: PORTAL_BACKUPS_KEPT).")
def backup_nightly_command(root: Path | None, keep: int | None) -> None:
    """The scheduled backup (`jobs schedule`): `backup create` into a new folder named for the date and time under
    --into, then delete the oldest folders it made beyond --keep. Copy each one off the server."""
    root = root or current_app.config.get("PORTAL_BACKUP_DIR")
    keep = keep or current_app.config["PORTAL_BACKUPS_KEPT"]
    with jobs.running("backup nightly") as run:
        if not root:
            raise click.ClickException("no folder for backups: set PORTAL_BACKUP_DIR (deploy/portal.env) or give "
                                       "--into")
        try:
            made = backup_nightly.run(root, cli_actor(), keep)
        except ServiceError as exc:
            raise click.ClickException(str(exc)) from None
        except OSError as exc:
            raise click.ClickException(f"{root}: {exc.strerror or exc} (the folder must be writable by the "
                                       "portal's user)") from None
        run.detail = (f"Backed up into {made.folder.name} ({len(made.manifest['files']) - 1} evidence file(s)); "
                      f"{len(made.removed)} older backup(s) removed.")
    click.echo(f"Backed up into {made.folder}; removed {len(made.removed)} older backup(s) there"
               + (f": {', '.join(p.name for p in made.removed)}." if made.removed else "."))


@backup_cli.command("verify")
@click.argument("folder", type=FOLDER)
def backup_verify(folder: Path) -> None:
    """Check every file of the backup in FOLDER against its manifest, and that its database copy reads."""
    manifest, problems = backup.verify(folder)
    if problems:
        for problem in problems:
            click.echo(problem, err=True)
        raise click.ClickException(f"{folder} does not check out: {len(problems)} problem(s) above")
    click.echo(f"{folder}: made {manifest['created_at']}, schema {manifest['schema_revision']}, "
               f"{len(manifest['files'])} file(s), every SHA-256 as in the manifest; the database copy reads.")


@backup_cli.command("restore")
@click.argument("folder", type=FOLDER)
@click.option("--force", is_flag=True, help="Replace the database and evidence files this instance already holds.")
def backup_restore(folder: Path, force: bool) -> None:
    """Restore the backup in FOLDER into this instance (a fresh one, unless --force). Stop the portal first."""
    try:
        restored = backup.restore(folder, cli_actor(), force=force)
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Restored the backup made {restored.manifest['created_at']}: the database and "
               f"{restored.files} evidence file(s).")
    if restored.upgraded_from:
        click.echo(f"Its schema ({restored.upgraded_from}) was upgraded to this portal's.")


def register(app: Flask) -> None:
    app.cli.add_command(backup_cli)
