"""Working out a whole trust's figures on every core: the refresh after the morning import (BENCHMARKS.md).

`pupil_figures.refresh` hands its pupils here when there are enough to be worth a process each and it runs in a
command (an import, `attendance refresh`, the demo), never in a web request. Each process is a fork of the
command's, with database connections of its own: it works out and stores the figures of its share of the pupils,
exactly as one process would (`pupil_figures.refresh` on that share), and says how many pupils that was.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from datetime import date

from flask import Flask, current_app, has_request_context

from portal.extensions import db

FROM_PUPILS = 4000  # fewer take one process a couple of seconds: no faster on several
MOST_PROCESSES = 4  # the import's morning share of a server that also serves the parents' pages

Refresh = Callable[[date, "str | None", list[int]], int]  # pupil_figures.refresh, on one process
_forked_with: tuple[Flask, Refresh] | None = None  # in a worker process: the app and refresh it was forked with


def processes_for(pupils: int) -> int:
    """How many processes to work out this many pupils' figures on: 1 for a few, in a web request, or where a
    fork could not reach the database (an in-memory SQLite database is the process's own)."""
    if pupils < FROM_PUPILS or has_request_context() or _database_is_in_memory():
        return 1
    return max(1, min(MOST_PROCESSES, os.cpu_count() or 1, pupils // (FROM_PUPILS // 2)))


def refresh_in_processes(processes: int, refresh: Refresh, as_of: date, school_urn: str | None,
                         pupil_ids: list[int]) -> int:
    """`refresh(as_of, school_urn, share)` on each of `processes` processes; the pupils refreshed in all."""
    ids = sorted(pupil_ids)
    # Neighbouring ids together: each process reads its own stretch of the register's index.
    shares = [ids[n * len(ids) // processes:(n + 1) * len(ids) // processes] for n in range(processes)]
    forks = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(processes, mp_context=forks, initializer=_forked,
                             initargs=(current_app._get_current_object(), refresh)) as pool:
        return sum(pool.map(_refresh_share, [(as_of, school_urn, share) for share in shares if share]))


def _forked(app: Flask, refresh: Refresh) -> None:
    """In a new worker: connections of its own, never the command's (SQLAlchemy: engine.dispose(close=False))."""
    global _forked_with
    _forked_with = (app, refresh)
    with app.app_context():
        db.engine.dispose(close=False)


def _refresh_share(work: tuple[date, str | None, list[int]]) -> int:
    app, refresh = _forked_with
    with app.app_context():  # a new app context: a database session of its own
        try:
            return refresh(*work)
        finally:
            db.session.remove()


def _database_is_in_memory() -> bool:
    url = db.engine.url
    return url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")
