"""`ops procfile [--check]` and `ops systemd DIR`: the production recipe's processes (portal/processes.py) as a
Procfile for honcho (`make serve`) and as systemd units, from the same list."""

from __future__ import annotations

import getpass
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from portal import processes

ops_cli = AppGroup("ops", help="Running the portal: its processes as a Procfile or systemd units.")
ROOT = Path(__file__).resolve().parents[2]


@ops_cli.command("procfile")
@click.option("--check", is_flag=True, help="Exit 1 if the committed Procfile differs from the process list.")
def ops_procfile(check: bool) -> None:
    """Print the Procfile the process list makes (`> Procfile` to update the committed one)."""
    text = processes.procfile()
    if not check:
        click.echo(text, nl=False)
        return
    committed = ROOT / "Procfile"
    if not committed.is_file() or committed.read_text() != text:
        raise click.ClickException(f"{committed} differs from portal/processes.py: run "
                                   "`flask --app portal ops procfile > Procfile`")
    click.echo(f"{committed} matches portal/processes.py.")


@ops_cli.command("systemd")
@click.argument("output_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--checkout", type=click.Path(file_okay=False, path_type=Path), default=ROOT, show_default=True,
              help="Where the portal is installed (its clone).")
@click.option("--venv", type=click.Path(file_okay=False, path_type=Path),
              help="Its virtualenv (default: CHECKOUT/.venv).")
@click.option("--env-file", type=click.Path(dir_okay=False, path_type=Path),
              help="The deployment's settings (default: /etc/attendance-portal/portal.env).")
@click.option("--user", default=None, help="The system user the processes run as (default: you).")
@click.option("--prefix", default="portal", show_default=True, help="Unit names: PREFIX-web.service, PREFIX.target.")
def ops_systemd(output_dir: Path, checkout: Path, venv: Path | None, env_file: Path | None, user: str | None,
                prefix: str) -> None:
    """Write a systemd service per process of the Procfile, and PREFIX.target to start and stop them together,
    into OUTPUT_DIR (then copy them to /etc/systemd/system: README, Running it for a school)."""
    checkout = checkout.resolve()
    install = processes.Install(checkout=checkout, venv_bin=(venv.resolve() if venv else checkout / ".venv") / "bin",
                                env_file=(env_file or Path("/etc/attendance-portal/portal.env")).resolve(),
                                user=user or getpass.getuser(), prefix=prefix)
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
        for name, text in processes.systemd_units(install).items():
            (output_dir / name).write_text(text)
            click.echo(f"wrote {output_dir / name}")
    except OSError as exc:
        raise click.ClickException(f"{output_dir}: {exc.strerror or exc}") from None
    click.echo(f"Then: sudo cp {output_dir}/{prefix}* /etc/systemd/system/ && sudo systemctl daemon-reload && "
               f"sudo systemctl enable --now {prefix}.target")


def register(app: Flask) -> None:
    app.cli.add_command(ops_cli)
