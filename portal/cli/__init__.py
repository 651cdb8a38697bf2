"""Command-line interface (`flask --app portal ...`): thin commands over the same services as the web.

Each module here holds one group of commands and a `register(app)`; every module is registered, so adding a
command never means editing a shared file. The commands and their output are an interface others rely on
(design.md section 6, README).
"""

from __future__ import annotations

import getpass
import pkgutil
from importlib import import_module

from flask import Flask


def cli_actor() -> str:
    """Who ran the command, for the audit log."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli:unknown"


def register(app: Flask) -> None:
    for module in pkgutil.iter_modules(__path__):
        import_module(f"{__name__}.{module.name}").register(app)
