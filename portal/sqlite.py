"""How the portal uses an SQLite database file: write-ahead logging, each commit still synced to disk.

With the default rollback journal a writer locks out every reader and each commit waits for several syncs; with
several gunicorn workers, a parent's page waited for another parent's report. In WAL mode readers and the one
writer go on together and a commit syncs the log once (BENCHMARKS.md). `synchronous=FULL` keeps a committed
report through a power cut, not only a crash of the portal; `busy_timeout` lets a writer wait its turn rather than
fail at once."""

from __future__ import annotations

import sqlite3

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

BUSY_TIMEOUT_MS = 10_000


def init_app(_app: Flask) -> None:
    """Set the pragmas on every new SQLite connection (create_app calls this; once per process is enough)."""
    if not event.contains(Engine, "connect", _settings):
        event.listen(Engine, "connect", _settings)


def _settings(dbapi_connection, _record) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    # An in-memory database (the tests) answers "memory" and stays as it is.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()
