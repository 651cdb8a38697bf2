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


def timed(action) -> float:
    """Seconds `action()` took, on the wall clock."""
    start = time.perf_counter()
    action()
    return time.perf_counter() - start
