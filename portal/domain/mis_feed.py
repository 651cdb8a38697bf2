"""The MIS feed's rules: which import comes first, when a morning's marks are late, and how an arrival is said.

A school's MIS sends its exports on a schedule (README "A daily feed from the MIS"). A morning's marks are late
when, on a day the school has a morning session, the register closed more than LATE_MARGIN ago (at the last site
to close) and no marks have arrived since it closed: staff may be looking at yesterday's register.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

# Pupils first: contacts and marks name pupils, and a new pupil's first marks come in the same drop.
KIND_ORDER = ("pupils", "contacts", "marks", "ctf")
LATE_MARGIN = timedelta(minutes=30)  # an MIS export scheduled every 15 or 30 minutes has had time to run


def marks_late(now: datetime, register_closes: time | None, last_marks: datetime | None,
               margin: timedelta = LATE_MARGIN) -> bool:
    """True when this morning's marks should have arrived and have not. Times are UK wall-clock times;
    `register_closes` is None on a day without a morning session."""
    if register_closes is None:
        return False
    closed = datetime.combine(now.date(), register_closes)
    return now >= closed + margin and (last_marks is None or last_marks < closed)


def when_words(at: datetime, today: date) -> str:
    """"09:42 today", "16:05 yesterday", "09:42 on Monday 1 December" (UK wall-clock times)."""
    clock = at.strftime("%H:%M")
    if at.date() == today:
        return f"{clock} today"
    if at.date() == today - timedelta(days=1):
        return f"{clock} yesterday"
    year = f" {at.year}" if at.year != today.year else ""
    return f"{clock} on {at:%A} {at.day} {at:%B}{year}"
