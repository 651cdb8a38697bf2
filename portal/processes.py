"""The processes a running portal is, declared once: the Procfile (honcho, `make serve`) and the systemd units
(`flask ops systemd DIR`) are both written from this list, and a test checks the committed Procfile against it.

Each command's program is found on PATH (the portal's virtualenv: `make serve` puts .venv/bin first; the systemd
units name it by its full path) and runs in the checkout, with the deployment's environment file
(deploy/portal.env.example). `${NAME}` in a command is that variable from the environment file.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

ENV_REFERENCE = re.compile(r"^\$\{[A-Z][A-Z0-9_]*\}$")


@dataclass(frozen=True)
class Process:
    name: str
    argv: tuple[str, ...]
    about: str


PROCESSES: tuple[Process, ...] = (
    Process("web", ("gunicorn", "--config", "deploy/gunicorn.conf.py", "portal:create_app()"),
            "the portal's pages under gunicorn (deploy/gunicorn.conf.py: address, workers, logs)"),
    Process("outbox", ("flask", "--app", "portal", "outbox", "work"),
            "delivers the email pages queue (outbox work)"),
    Process("imports", ("flask", "--app", "portal", "import", "watch", "${PORTAL_IMPORT_DIR}"),
            "imports each file the MIS drops in PORTAL_IMPORT_DIR (import watch)"),
    Process("scheduler", ("flask", "--app", "portal", "jobs", "run-scheduler"),
            "runs the scheduled jobs at their times (jobs schedule lists them)"),
)

HEADER = "# Generated from portal/processes.py by `flask --app portal ops procfile`: change that list, not this file.\n"


def procfile(processes: tuple[Process, ...] = PROCESSES) -> str:
    """The Procfile: one line per process, its command as a POSIX shell reads it. `exec`: honcho starts each line in
    a shell; the shell becomes the process, so SIGTERM reaches it and honcho reports its own exit status."""
    return HEADER + "".join(f"{p.name}: exec {_shell(p.argv)}\n" for p in processes)


def _shell(argv: tuple[str, ...]) -> str:
    # "${NAME}" expands in the shell honcho starts, and stays one word whatever it holds.
    return " ".join(f'"{a}"' if ENV_REFERENCE.match(a) else shlex.quote(a) for a in argv)


@dataclass(frozen=True)
class Install:
    """Where the portal is on the server, for the systemd units."""

    checkout: Path  # the working directory: the clone, with deploy/ and the instance folder
    venv_bin: Path  # the virtualenv's bin/ (gunicorn, flask)
    env_file: Path  # the deployment's settings (from deploy/portal.env.example)
    user: str  # the portal's own system user
    prefix: str = "portal"  # unit names: portal-web.service, ...; portal.target holds them all


def systemd_units(install: Install, processes: tuple[Process, ...] = PROCESSES) -> dict[str, str]:
    """File name to text: one service per process, and a target that starts and stops them together."""
    units = {f"{install.prefix}-{p.name}.service": _service(p, install) for p in processes}
    wants = " ".join(units)
    units[f"{install.prefix}.target"] = (
        f"{HEADER.replace('procfile', 'systemd DIR')}"
        "[Unit]\n"
        "Description=Attendance portal: every process\n"
        f"Wants={wants}\n"
        "After=network-online.target postgresql.service\n\n"
        "[Install]\n"
        "WantedBy=multi-user.target\n")
    return units


def _service(process: Process, install: Install) -> str:
    program, *args = process.argv
    command = " ".join([_systemd_word(str(install.venv_bin / program))] + [_systemd_word(a) for a in args])
    return (
        f"{HEADER.replace('procfile', 'systemd DIR')}"
        "[Unit]\n"
        f"Description=Attendance portal {process.name}: {_escape(process.about)}\n"
        f"PartOf={install.prefix}.target\n"
        "After=network-online.target postgresql.service\n"
        "Wants=network-online.target\n\n"
        "[Service]\n"
        "Type=exec\n"
        f"User={install.user}\n"
        f"WorkingDirectory={_escape(str(install.checkout))}\n"
        f"EnvironmentFile={_escape(str(install.env_file))}\n"
        f"Environment=PATH={_escape(str(install.venv_bin))}:/usr/local/bin:/usr/bin:/bin\n"
        f"ExecStart={command}\n"
        # Every process stops cleanly on SIGTERM, finishing what it is doing (a message, an import, a request).
        "KillSignal=SIGTERM\n"
        "TimeoutStopSec=60\n"
        "Restart=on-failure\n"
        "RestartSec=5\n"
        "NoNewPrivileges=true\n"
        "PrivateTmp=true\n"
        "ProtectSystem=full\n\n"
        "[Install]\n"
        f"WantedBy={install.prefix}.target\n")


def _escape(text: str) -> str:
    return text.replace("%", "%%")


def _systemd_word(word: str) -> str:
    if ENV_REFERENCE.match(word):
        return word  # systemd puts the variable in as one word
    word = _escape(word).replace("$", "$$")
    if re.search(r"[\s\"'\\;]", word):
        return '"' + word.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return word
