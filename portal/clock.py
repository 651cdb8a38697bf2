"""The one clock: the only module that reads the time.

Register times, deadlines and "today" are the school's, in England (Europe/London, so British Summer Time from
the last Sunday of March to the last Sunday of October). Stored timestamps are naive UTC, so that a row written
in summer and one written in winter compare correctly. Everything a person reads is shown in school time.

Domain code never calls this module: it receives "today" or "now" as arguments. Tests move this clock with
time-machine, never by reading the real date (tests/test_clock.py holds the convention test).
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

SCHOOL_ZONE = ZoneInfo("Europe/London")


def utcnow() -> datetime:
    """Now, as stored: naive UTC."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def school_now() -> datetime:
    """Now on the school's wall clock: naive UK time, to compare with register and session times."""
    return datetime.now(SCHOOL_ZONE).replace(tzinfo=None)


def school_today() -> date:
    """The school's date: in England, whatever the server's time zone."""
    return school_now().date()


def school_time(stored: datetime) -> datetime:
    """A stored (naive UTC) timestamp on the school's wall clock (naive UK time), to show or compare."""
    return stored.replace(tzinfo=timezone.utc).astimezone(SCHOOL_ZONE).replace(tzinfo=None)


def stored_time(local: datetime) -> datetime:
    """A school wall-clock time (naive UK time) as stored (naive UTC). In the hour the clocks go back, the first
    of the two readings is taken; in the hour skipped in spring, the reading is taken as if the clocks had not
    yet changed."""
    return local.replace(tzinfo=SCHOOL_ZONE).astimezone(timezone.utc).replace(tzinfo=None)
