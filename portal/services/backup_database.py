"""A consistent copy of the portal's database, and putting one back: SQLite's online backup API, or PostgreSQL's
pg_dump (custom format) and pg_restore. Used by portal.services.backup, which checks everything first.

The PostgreSQL tools are found on PATH, else the newest under /usr/lib/postgresql/*/bin (Debian's packages). The
password travels in PGPASSWORD, never on a command line another user could read.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess  # nosec B404 # pg_dump and pg_restore, run with an argument list and no shell
from pathlib import Path

from sqlalchemy import MetaData

from portal.extensions import db
from portal.services import ServiceError

SQLITE, POSTGRESQL = "sqlite", "postgresql"
FILE_NAMES = {SQLITE: "database.sqlite", POSTGRESQL: "database.pgdump"}
ENGINE_WORDS = {SQLITE: "SQLite", POSTGRESQL: "PostgreSQL"}


class DatabaseCopyFailed(ServiceError):
    """The database could not be copied or put back: the message says what the tool said."""


def engine_name() -> str:
    name = db.engine.dialect.name
    if name not in FILE_NAMES:
        raise DatabaseCopyFailed(f"backups support SQLite and PostgreSQL databases, not {name}")
    return name


def dump(path: Path) -> None:
    """Write a consistent copy of the whole database to `path`, while the portal keeps running."""
    if engine_name() == SQLITE:
        raw = db.engine.raw_connection()
        try:
            copy = sqlite3.connect(path)
            try:
                raw.driver_connection.backup(copy)  # pages copied from one snapshot: a consistent copy
                copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
            finally:
                copy.close()
        finally:
            raw.close()
    else:
        _run("pg_dump", "--format=custom", "--file", str(path), "--dbname", _conninfo())


def load(path: Path) -> None:
    """Replace the whole database with the copy at `path` (checked beforehand). Other connections must be closed:
    the portal stopped, as the README's restore steps say."""
    db.session.remove()
    if engine_name() == SQLITE:
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        raw = db.engine.raw_connection()
        try:
            source.backup(raw.driver_connection)  # every page replaced, in the live database file or memory
        finally:
            raw.close()
            source.close()
    else:
        drop_everything()
        db.engine.dispose()
        _run("pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
             "--dbname", _conninfo(), str(path))
    db.engine.dispose()  # pooled connections start afresh with the restored database


def check_copy(path: Path, engine: str) -> str | None:
    """What is wrong with the database file of a backup (None: it reads as a whole database)."""
    if engine == SQLITE:
        try:
            with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as copy:
                verdict = copy.execute("PRAGMA quick_check").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            return f"{path.name} is not an SQLite database: {exc}"
        return None if verdict == "ok" else f"{path.name} is damaged: {verdict}"
    try:
        _run("pg_restore", "--list", str(path))
    except DatabaseCopyFailed as exc:
        return f"{path.name} is not a pg_dump archive pg_restore can read: {exc}"
    return None


def drop_everything() -> None:
    """Every table in the database, the migrations' own included (a restore brings all of them back)."""
    meta = MetaData()
    meta.reflect(bind=db.engine)
    meta.drop_all(bind=db.engine)


def _conninfo() -> str:
    url = db.engine.url.set(drivername="postgresql", password=None)
    return url.render_as_string(hide_password=False)


def tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
                      key=lambda p: [int(n) for n in re.findall(r"\d+", p.parent.parent.name)] or [0])
    if not versions:
        raise DatabaseCopyFailed(f"{name} was not found (on PATH or under /usr/lib/postgresql/*/bin): install "
                                 "PostgreSQL's client programs (Debian: apt-get install postgresql-client)")
    return str(versions[-1])


def _run(name: str, *args: str) -> None:
    env = dict(os.environ)
    if db.engine.url.password:
        env["PGPASSWORD"] = db.engine.url.password
    command = [tool(name), *args]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # nosec B603 # no shell
    if done.returncode != 0:
        said = (done.stderr or done.stdout).strip().splitlines()
        raise DatabaseCopyFailed(f"{name} failed (exit status {done.returncode}): {' '.join(said[-3:])}")
