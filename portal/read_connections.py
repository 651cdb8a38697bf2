"""The one-statement reads a signed-in request makes before anything else: resuming the session
(portal.services.sessions) and a kept child page (portal.services.child_pages).

On PostgreSQL they run on an engine of their own, in autocommit. Each read is then one round trip, where it was four
(a ping, BEGIN, the read, ROLLBACK), and psycopg prepares it after its fifth run on a connection, so the server plans
it once per connection rather than on every request. On the app's engine that never happened: psycopg forgets its
prepared statements at every ROLLBACK, and the pool sends one each time it takes back a connection that began a
transaction. The kept page went from 535 to 1,017 pages a second on PostgreSQL (BENCHMARKS.md, 5 December, evening).

No ping before each read (the app's engine pings: `pool_pre_ping`): a read on a connection the server dropped (a
restart, a failover) is tried once more on a new one instead, which is safe for a read in autocommit.

On SQLite a read costs no round trip, and the tests' in-memory database is one connection that another engine would
see as a different, empty database: the app's own engine.
"""

from __future__ import annotations

import os

from flask import current_app
from sqlalchemy import Engine, Executable, Row, create_engine
from sqlalchemy.exc import DBAPIError

from portal.extensions import db

# One engine per process and database: an app is made for every test, and each engine keeps its connections open.
# The process id is in the key so that a forked process never uses its parent's connections.
_engines: dict[tuple[int, str], Engine] = {}


def read_first(statement: Executable, parameters: dict) -> Row | None:
    """The first row the statement reads, or None."""
    engine = read_engine()
    for attempt in (1, 2):
        try:
            with engine.connect() as connection:
                return connection.execute(statement, parameters).first()
        except DBAPIError as error:
            if attempt == 2 or not error.connection_invalidated:
                raise
    return None  # pragma: no cover - the loop returns or raises


def read_engine() -> Engine:
    engine = db.engine
    if engine.dialect.name != "postgresql":
        return engine
    key = (os.getpid(), engine.url.render_as_string(hide_password=False))
    reads = _engines.get(key)
    if reads is None:
        options = {name: value for name, value in (current_app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {}).items()
                   if name != "pool_pre_ping"}
        reads = _engines[key] = create_engine(engine.url, isolation_level="AUTOCOMMIT", **options)
    return reads
