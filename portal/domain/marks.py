"""One register mark: what a pupil's register says for one session."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from .calendar import AM, PM
from .codes import CODES, normalise

SESSION_ORDER = {AM: 0, PM: 1}


class _Fields(NamedTuple):
    date: dt.date
    session: str  # "AM" or "PM"
    code: str  # a 2024 code; may be two characters (C1, J1, Y7)
    minutes_late: int | None = None


class Mark(_Fields):
    """A tuple, not a dataclass: whole-trust alerts build millions of them. The code is normalised here, once,
    so the rules compare codes directly."""

    __slots__ = ()

    def __new__(cls, date: dt.date, session: str, code: str, minutes_late: int | None = None):
        return super().__new__(cls, date, session, code if code in CODES else normalise(code), minutes_late)

    @property
    def key(self) -> tuple[dt.date, int]:
        """Chronological order: AM before PM on the same day."""
        return (self.date, SESSION_ORDER[self.session])
