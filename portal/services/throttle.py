"""Rate limits that hold across every worker: fixed-window counters in the portal's database.

    hit(key, limit, window)   counts one attempt and says whether it is within `limit` per `window`
    purge_expired()           deletes ended windows (`retention purge` runs it)
    DatabaseStorage           the same counters as a Flask-Limiter storage (`RATELIMIT_STORAGE_URI = "portal-db://"`),
                              so the sign-in views keep their `@limiter.limit(...)` decorators, their 429 page
                              and their headers, while the counts are shared by every gunicorn worker

A window starts at the first hit for a key and lasts `window` seconds; a hit after it ends starts the next one
(Flask-Limiter's "fixed-window" strategy, as its memory and Redis storages count). Each hit is one statement,

    INSERT ... ON CONFLICT (key) DO UPDATE SET hits = CASE WHEN <window ended> THEN 1 ELSE hits + 1 END, ...
    RETURNING hits

which SQLite (3.35 and later) and PostgreSQL both run atomically: two workers counting the same key at the same
moment get two different counts, never the same one twice. It runs on a connection of its own and commits at
once, so an attempt counts even when the request that made it fails and rolls back, and the counter never waits
for (or commits) the request's own transaction.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone

from limits.storage import Storage
from sqlalchemy import case, delete, func, select, text
from sqlalchemy.exc import SQLAlchemyError

from portal.clock import utcnow
from portal.extensions import db
from portal.models.throttle import ThrottleCounter

TABLE = ThrottleCounter.__table__


def digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _seconds(window: int | float | timedelta) -> float:
    seconds = window.total_seconds() if isinstance(window, timedelta) else float(window)
    if seconds <= 0:
        raise ValueError("a rate-limit window must be longer than 0 seconds")
    return seconds


def _insert(dialect: str):
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # the portal runs on these two (design.md section 7)
        raise NotImplementedError(f"rate-limit counters need SQLite or PostgreSQL, not {dialect}")
    return insert


def incr(key: str, window: int | float | timedelta, amount: int = 1, *, now: datetime | None = None) -> int:
    """Add `amount` hits to `key`'s current window (starting a new window if there is none) and return the
    window's count, in one atomic statement committed at once."""
    now = now or utcnow()
    ends = now + timedelta(seconds=_seconds(window))
    hashed = digest(key)
    with db.engine.begin() as connection:
        insert = _insert(connection.dialect.name)
        ended = TABLE.c.expires_at <= now
        statement = (
            insert(TABLE).values(key=hashed, hits=amount, expires_at=ends)
            .on_conflict_do_update(index_elements=[TABLE.c.key], set_={
                "hits": case((ended, amount), else_=TABLE.c.hits + amount),
                "expires_at": case((ended, ends), else_=TABLE.c.expires_at),
            })
            .returning(TABLE.c.hits)
        )
        return connection.execute(statement).scalar_one()


def hit(key: str, limit: int, window: int | float | timedelta, *, now: datetime | None = None) -> bool:
    """Count one attempt for `key`; True while the window holds at most `limit` attempts, this one included."""
    return incr(key, window, now=now) <= limit


def _current(key: str, now: datetime) -> tuple[int, datetime] | None:
    with db.engine.connect() as connection:
        row = connection.execute(
            select(TABLE.c.hits, TABLE.c.expires_at).where(TABLE.c.key == digest(key), TABLE.c.expires_at > now)
        ).first()
    return (row.hits, row.expires_at) if row else None


def count(key: str, *, now: datetime | None = None) -> int:
    """Hits in `key`'s current window (0 when it has none)."""
    current = _current(key, now or utcnow())
    return current[0] if current else 0


def window_end(key: str, *, now: datetime | None = None) -> datetime | None:
    """When `key`'s current window ends (UTC), or None when it has none."""
    current = _current(key, now or utcnow())
    return current[1] if current else None


def clear(key: str) -> None:
    with db.engine.begin() as connection:
        connection.execute(delete(TABLE).where(TABLE.c.key == digest(key)))


def purge_expired(*, now: datetime | None = None, dry_run: bool = False) -> int:
    """Delete windows that ended before `now` (they count as absent already); returns how many."""
    ended = TABLE.c.expires_at <= (now or utcnow())
    with db.engine.begin() as connection:
        if dry_run:
            return connection.execute(select(func.count()).select_from(TABLE).where(ended)).scalar_one()
        return connection.execute(delete(TABLE).where(ended)).rowcount


# ------------------------------------------------------------------------------------- Flask-Limiter's storage
def _epoch(moment: datetime) -> float:
    return moment.replace(tzinfo=timezone.utc).timestamp()


class DatabaseStorage(Storage):
    """`RATELIMIT_STORAGE_URI = "portal-db://"`: Flask-Limiter's counters in the portal's database.

    Defining the class registers the scheme with the `limits` library, so this module must be imported before
    `limiter.init_app(app)`. Calls come from inside a request, so the app's database is `db.engine` of the
    current app. Only the fixed-window strategy (Flask-Limiter's default) is supported."""

    STORAGE_SCHEME = ["portal-db"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        return incr(key, expiry, amount, now=utcnow())

    def get(self, key: str) -> int:
        return count(key, now=utcnow())

    def get_expiry(self, key: str) -> float:
        now = utcnow()
        ends = window_end(key, now=now)
        return _epoch(ends or now)

    def check(self) -> bool:
        try:
            with db.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        with db.engine.begin() as connection:
            return connection.execute(delete(TABLE)).rowcount

    def clear(self, key: str) -> None:
        clear(key)
