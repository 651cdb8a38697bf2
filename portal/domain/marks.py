"""One register mark: what a pupil's register says for one session."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .calendar import AM, PM

SESSION_ORDER = {AM: 0, PM: 1}


@dataclass(frozen=True)
class Mark:
    date: dt.date
    session: str  # "AM" or "PM"
    code: str  # a 2024 code; may be two characters (C1, J1, Y7)
    minutes_late: int | None = None

    @property
    def key(self) -> tuple[dt.date, int]:
        """Chronological order: AM before PM on the same day."""
        return (self.date, SESSION_ORDER[self.session])
