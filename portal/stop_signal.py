"""The stop signal of the long-running commands (outbox worker, import watcher, scheduler) and of the tests'
workers: set by SIGTERM or Ctrl-C, waited on between passes.

Its timed wait sleeps in short steps instead of waiting on a condition with a timeout. Under libfaketime (the suite
with the clock moved, scripts/moved-date.sh) a timed condition wait never returns, because the moved monotonic clock
is compared with the real one, and a worker would never take its next pass; sleeps follow the moved clock.
"""

from __future__ import annotations

import threading
import time

STEP_SECONDS = 0.05  # how soon a set signal is noticed by a waiter: far below any pass interval


class StopSignal(threading.Event):
    def wait(self, timeout: float | None = None) -> bool:
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self.is_set():
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                break
            time.sleep(STEP_SECONDS if left is None else min(STEP_SECONDS, left))
        return self.is_set()
