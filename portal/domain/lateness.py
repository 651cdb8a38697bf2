"""Which code an arrival time earns (domain.md Part A point 5, Part B §4), and persistent lateness.

Times are compared to the minute: an arrival at 9:30:45 is 9:30. At a site whose register closes at 9:30,
arriving at 9:30 is L and 9:31 is U ("after 9.30" is U). Arriving at `late_from` itself is L: the register
has begun.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from . import codes
from .calendar import AM, PM
from .marks import Mark
from .policy_rules import SessionTimes

PRESENT_CODES = {AM: "/", PM: "\\"}
# Persistent lateness: late (L, before the register closed, or U, after it) at PERSISTENT_LATENESS_LATE or more of
# the pupil's last PERSISTENT_LATENESS_SESSIONS possible sessions: 4 of the last 20 is late about twice a week over
# two school weeks. ALP §16 and RP speak of "persistent" lateness without a number; change these, not the rule.
PERSISTENT_LATENESS_SESSIONS = 20
PERSISTENT_LATENESS_LATE = 4
LATE_CODES = frozenset({"L", "U"})


def _minutes(moment: dt.time) -> int:
    return moment.hour * 60 + moment.minute


def code_for_arrival(arrival: dt.time, times: SessionTimes, session: str,
                     appointment_with_evidence: bool = False, medical_code: str = "M") -> str | None:
    """The code for a pupil arriving at `arrival` for `session` ("AM" or "PM").

    Before late_from: present (`/` or `\\`). From late_from until register_closes, inclusive: L. After the
    register closes and before the session ends: U, or `medical_code` when the pupil comes from a medical or
    dental appointment with evidence (ALP §16). From the end of the session: None, the pupil missed the whole
    session and the caller chooses the absence code."""
    if session not in PRESENT_CODES:
        raise ValueError(f"session must be AM or PM, not {session!r}")
    at = _minutes(arrival)
    if at >= _minutes(times.ends):
        return None
    if at < _minutes(times.late_from):
        return PRESENT_CODES[session]
    if at <= _minutes(times.register_closes):
        return "L"
    return medical_code if appointment_with_evidence else "U"


def minutes_late(arrival: dt.time, times: SessionTimes) -> int | None:
    """Minutes after the register began (late_from), for L and U marks; None when on time."""
    late = _minutes(arrival) - _minutes(times.late_from)
    return late if late >= 0 else None


def recent_lateness(marks: Sequence[Mark],
                    sessions: int = PERSISTENT_LATENESS_SESSIONS) -> tuple[int, int, dt.date | None]:
    """(late sessions, sessions looked at, the latest late date) over the last `sessions` possible sessions.

    `marks` in register order (date, then AM before PM); sessions that do not count as possible (holidays, X,
    not-counted codes) are skipped."""
    late, looked_at, last_late = 0, 0, None
    for mark in reversed(marks):
        if looked_at == sessions:
            break
        code = codes.CODES.get(codes.normalise(mark.code))
        if code is None or not code.counts_as_possible:
            continue
        looked_at += 1
        if code.code in LATE_CODES:
            late += 1
            last_late = last_late or mark.date
    return late, looked_at, last_late
