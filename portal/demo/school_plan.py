"""A school's year as the generator walks it: the sessions, the days, trips, the snow day and the latest register."""

from __future__ import annotations

import bisect
import itertools
import zlib
from datetime import date

from portal.demo.identifiers import la_number, uk_offset
from portal.domain.calendar import AM
from portal.domain.policy import School


PRESENT_LIKE = frozenset({"/", "\\", "V", "P"})  # may be replaced by an absence or a late mark


NOT_EXPECTED = ("X", "Y4")  # part-time nursery afternoons, the snow day: never an absence


class SchoolPlan:
    """One school's sessions from the start of the school year to the last day of marks, with the strings every
    mark row shares precomputed, and its classes' trip days."""

    def __init__(self, school: School, year_start: date, through: date, today: date):
        self.school = school
        self.la = la_number(school.local_authority)
        self.establishment = 2000 + zlib.crc32(school.urn.encode()) % 1000
        calendar = school.calendar
        year_end = date(year_start.year + 1, 8, 31)
        self.year_days = calendar.school_days(year_start, year_end)  # the whole year: trips, holidays
        days = [d for d in self.year_days if d <= through]
        self.days: list[date] = days
        self.dates: list[str] = []
        self.sessions: list[str] = []
        self.recorded: list[str] = []
        self.heads: list[str] = []  # "date,session," of each session's CSV line
        self.tails: list[str] = []  # ",recorded_at\n"
        self.slots: list[tuple[int, ...]] = []  # per day, the indexes of its sessions
        self.day_of: list[int] = []  # per session, the index of its day
        for d_index, day in enumerate(days):
            sessions = calendar.sessions_on(day)
            if day == today == through:
                sessions = tuple(s for s in sessions if s == AM)  # the afternoon register is not taken yet
            iso, offset = day.isoformat(), uk_offset(day)
            start = len(self.dates)
            for session in sessions:
                self.dates.append(iso)
                self.sessions.append(session)
                self.recorded.append(f"{iso}T{'09:35' if session == AM else '13:45'}:00{offset}")
                self.heads.append(f"{iso},{session},")
                self.tails.append(f",{self.recorded[-1]}\n")
                self.day_of.append(d_index)
            self.slots.append(tuple(range(start, len(self.dates))))
        self.full_day = ["/" if s == AM else "\\" for s in self.sessions]
        self.mornings_only = ["/" if s == AM else "X" for s in self.sessions]
        # Illness starts: three times as likely on a winter day (November to February).
        weights = [3.0 if d.month in (11, 12, 1, 2) else 1.5 if d.month in (10, 3) else 1.0 for d in days]
        self.illness_cum = list(itertools.accumulate(weights))
        # Family holidays start just after a school holiday or end just before one (a gap of 5 days or more).
        self.holiday_starts: list[int] = []  # day indexes (in year_days) right after a break
        self.holiday_ends: list[int] = []  # day indexes right before a break
        for i in range(1, len(self.year_days)):
            if (self.year_days[i] - self.year_days[i - 1]).days >= 5:
                self.holiday_starts.append(i)
                self.holiday_ends.append(i - 1)
        # The latest school day up to today holds the unexplained N marks (the first-day contact list).
        latest = bisect.bisect_right(days, today) - 1
        self.n_day: int | None = latest if latest >= 0 else None
        self.trips: dict[str, list[int]] = {}  # registration group -> trip day indexes
        self.snow_day: int | None = None

    def day_index(self, day: date) -> int | None:
        i = bisect.bisect_left(self.days, day)
        return i if i < len(self.days) and self.days[i] == day else None

    def first_session_on_or_after(self, day: date) -> int:
        for d_index in range(bisect.bisect_left(self.days, day), len(self.days)):
            if self.slots[d_index]:
                return self.slots[d_index][0]
        return len(self.dates)

    def end_session_through(self, day: date | None) -> int:
        """One past the index of the last session on or before `day` (None: every session)."""
        if day is None:
            return len(self.dates)
        for d_index in range(bisect.bisect_right(self.days, day) - 1, -1, -1):
            if self.slots[d_index]:
                return self.slots[d_index][-1] + 1
        return 0
