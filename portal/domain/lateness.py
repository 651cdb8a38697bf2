"""Which code an arrival time earns (domain.md Part A point 5, Part B §4).

Times are compared to the minute: an arrival at 9:30:45 is 9:30. At a site whose register closes at 9:30,
arriving at 9:30 is L and 9:31 is U ("after 9.30" is U). Arriving at `late_from` itself is L: the register
has begun.
"""

from __future__ import annotations

import datetime as dt

from .calendar import AM, PM
from .settings import SessionTimes

PRESENT_CODES = {AM: "/", PM: "\\"}


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
