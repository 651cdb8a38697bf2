"""A big file read and checked in a forked process while this one stores what it has already checked.

`import marks` on SQLite spends about as long reading and checking a year's register (Python's CSV reader, then
the checks) as storing it (SQLite's inserts): on two cores the two can run side by side (BENCHMARKS.md). The fork
reads nothing from the database (the checks hold all they need before it starts), writes nothing, and sends what it
made through a queue; the import's transaction, its write lock and its connection stay with this process alone.
"""

from __future__ import annotations

import gc
import multiprocessing
import queue
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.reduction import ForkingPickler
from typing import Any

_ITEM, _DONE, _FAILED = "item", "done", "failed"
AHEAD = 64  # items the fork may make before this process takes them: about 30 MB of marks


def in_a_fork(make: Callable[[], Iterable[Any]], afterwards: Callable[[], Any]) -> tuple[Iterator[Any], list]:
    """The items `make()` yields, made in a forked process, and a list that holds `afterwards()` (called in the
    fork once the items are made) when they have all been taken. An error in the fork is raised here."""
    forks = multiprocessing.get_context("fork")
    # A queue, not a bare pipe: the fork goes on reading while this process stores (its queue's thread does the
    # sending), up to AHEAD items ahead.
    sent = forks.Queue(AHEAD)
    fork = forks.Process(target=_make, args=(sent, make, afterwards), daemon=True)
    fork.start()
    outcome: list = []

    def items() -> Iterator[Any]:
        try:
            while True:
                try:
                    kind, value = sent.get(timeout=1)
                except queue.Empty:
                    if fork.is_alive():
                        continue
                    raise RuntimeError(f"the process reading the file stopped (exit code {fork.exitcode}) "
                                       "before it finished: nothing was imported") from None
                if kind == _ITEM:
                    yield value
                elif kind == _DONE:
                    outcome.append(value)
                    return
                else:
                    raise value
        finally:
            if fork.is_alive():
                fork.terminate()
            fork.join()
            sent.close()

    return items(), outcome


def _make(sent, make: Callable[[], Iterable[Any]], afterwards: Callable[[], Any]) -> None:
    # No garbage collection here: an object left over from the parent (a finished database cursor) is never
    # finalised in the fork, where its connection is not the fork's to touch.
    gc.disable()
    try:
        for item in make():
            sent.put((_ITEM, item))
        sent.put((_DONE, afterwards()))
    except BaseException as error:  # noqa: BLE001 - every failure is the importing process's to report
        try:
            ForkingPickler.dumps(error)  # as the queue will send it
        except Exception:  # an error that cannot be pickled: its words, then
            error = RuntimeError(f"{type(error).__name__}: {error}")
        sent.put((_FAILED, error))
    finally:
        sent.close()
        sent.join_thread()  # everything put is sent before the fork ends
