"""What the benchmark programs share: running a command in the app's environment, and timing a step."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def call(command: list[str], env: dict) -> str:
    """Run `command` from the repository with `env`; its output, or exit with its last output on failure."""
    result = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-4000:] + result.stderr[-4000:])
        raise SystemExit(f"benchmark: {' '.join(command[:6])} ... failed (exit {result.returncode})")
    return result.stdout


def as_deployed(env: dict) -> dict:
    """`env` as a deployed portal runs: its Python bytecode compiled once, not compiled again by every command.

    pip compiles the packages it installs, and Python keeps the project's bytecode after its first import, unless
    PYTHONDONTWRITEBYTECODE is set (as it is on some development and CI machines): then every `flask` command
    compiles the portal's few hundred modules again, half a second of each command's start on a 2-core machine,
    which no deployed portal pays. Compiles them here, and leaves the setting out of the commands' environment."""
    deployed = {name: value for name, value in env.items() if name != "PYTHONDONTWRITEBYTECODE"}
    call([sys.executable, "-m", "compileall", "-q", "portal", "forms"], deployed)
    return deployed


def timed(action) -> float:
    """Seconds `action()` took, on the wall clock."""
    start = time.perf_counter()
    action()
    return time.perf_counter() - start
