"""One pupil's codes for a run of sessions, event by event (the generator's marks)."""

from __future__ import annotations

import math
import random

from portal.demo.names import APPOINTMENTS, ILLNESS, LONG_ILLNESS, UNAUTHORISED
from portal.demo.people import DemoPupil
from portal.demo.profiles import EVENT_WEIGHTS
from portal.demo.school_plan import NOT_EXPECTED, PRESENT_LIKE, SchoolPlan
from portal.domain.calendar import AM, PM


def codes_for(pupil: DemoPupil, lo: int, hi: int) -> tuple[list[str], dict[int, str], dict[int, str]]:
    """The pupil's codes for sessions lo..hi-1 of their school (index 0 is session lo), with the minutes late
    and comments of the few sessions that have them. The steps draw from one generator in this order: changing
    the order changes every mark after it."""
    year = PupilYear(pupil, lo, hi)
    year.school_and_class_days()
    year.family_days()
    year.other_absence()
    year.lateness()
    year.latest_register()
    return year.marks, year.minutes, year.comments


class PupilYear:
    """The codes of one pupil's sessions lo..hi-1 as they are drawn (index 0 is session lo)."""

    def __init__(self, pupil: DemoPupil, lo: int, hi: int):
        self.rng = random.Random(pupil.mark_seed)  # nosec B311 # reproducible made-up demo marks, no secret
        self.pupil, self.plan, self.lo, self.hi = pupil, pupil.plan, lo, hi
        plan = self.plan
        self.marks = (plan.mornings_only if pupil.part_time else plan.full_day)[lo:hi]
        self.minutes: dict[int, str] = {}
        self.comments: dict[int, str] = {}
        self.day_lo, self.day_hi = plan.day_of[lo], plan.day_of[hi - 1] + 1
        self.used = 0  # absence sessions drawn so far, against `budget`
        self.budget = 0

    def day_sessions(self, d_index: int) -> list[int]:
        return [i - self.lo for i in self.plan.slots[d_index] if self.lo <= i < self.hi]

    def put(self, d_index: int, code: str, comment: str = "", from_pm: bool = False) -> int:
        """Mark the day's sessions with `code` (not X ones); returns how many present sessions it replaced."""
        changed = 0
        for k in self.day_sessions(d_index):
            if from_pm and self.plan.sessions[k + self.lo] == AM:
                continue
            if self.marks[k] in NOT_EXPECTED:
                continue
            if self.marks[k] in PRESENT_LIKE:
                changed += 1
            self.marks[k] = code
            self.comments.pop(k, None)
            if comment:
                self.comments[k] = comment
                comment = ""  # on the first session only
        return changed

    def _mark_present_days(self, d_indexes, code: str) -> None:
        for d_index in d_indexes:
            for k in self.day_sessions(d_index):
                if self.marks[k] in ("/", "\\"):
                    self.marks[k] = code

    def school_and_class_days(self) -> None:
        """School-wide and class-wide days first: a snow day (Y4), trips (V), sports fixtures (P)."""
        plan, rng, pupil, marks = self.plan, self.rng, self.pupil, self.marks
        day_lo, day_hi = self.day_lo, self.day_hi
        if plan.snow_day is not None and day_lo <= plan.snow_day < day_hi:
            for k in self.day_sessions(plan.snow_day):
                marks[k] = "Y4"
        for d_index in plan.trips.get(pupil.registration_group, ()):
            if day_lo <= d_index < day_hi and rng.random() < 0.97:
                self._mark_present_days([d_index], "V")
        if pupil.year_group == "Y6" and rng.random() < 0.9:
            residential = plan.trips.get(pupil.registration_group, [])
            if residential:
                first = residential[0]
                self._mark_present_days([d for d in range(first, min(first + 3, day_hi)) if d >= day_lo], "V")
        if pupil.year_group in ("Y3", "Y4", "Y5", "Y6") and rng.random() < 0.08:
            for _ in range(rng.randint(1, 3)):
                d_index = rng.randrange(day_lo, day_hi)
                for k in self.day_sessions(d_index):
                    if plan.sessions[k + self.lo] == PM and marks[k] == "\\":
                        marks[k] = "P"

    def family_days(self) -> None:
        """The absence budget, then the family's days: a holiday (G, or C if granted) and a festival (R)."""
        possible = (self.hi - self.lo) - sum(self.marks.count(code) for code in NOT_EXPECTED)
        self.budget = round(self.pupil.absence_rate * possible)
        family = self.pupil.family
        days = [(day, family.holiday_code, family.holiday_comment) for day in family.holiday or ()]
        if family.festival:
            name, dates = family.festival
            days += [(day, "R", name) for day in dates]
        for day, code, comment in days:
            d_index = self.plan.day_index(day)
            if d_index is not None and self.day_lo <= d_index < self.day_hi:
                self.used += self.put(d_index, code, comment)

    def other_absence(self) -> None:
        """The rest of the pupil's absence, event by event, until the budget is spent."""
        rng = self.rng
        kinds, weights = EVENT_WEIGHTS[self.pupil.category]
        tries = 0
        if rng.random() < 0.004:  # a long illness or a hospital stay: a sickness return is due
            self.used += run_of_days(self.put, rng.randrange(self.day_lo, self.day_hi), rng.randint(12, 20),
                                     self.day_hi, "I", rng.choice(LONG_ILLNESS))
        while self.used < self.budget and tries < 400:
            tries += 1
            left_days = max(1, math.ceil((self.budget - self.used) / 2))
            kind = rng.choices(kinds, cum_weights=weights)[0]
            if kind == "I":
                self._illness(left_days)
            elif kind == "M":
                self._appointment()
            elif kind in ("O", "O_RUN"):
                self._unauthorised(kind, left_days)
            elif kind == "E":
                self.used += run_of_days(self.put, rng.randrange(self.day_lo, self.day_hi), rng.randint(1, 3),
                                         self.day_hi, "E", "Suspension")

    def _illness(self, left_days: int) -> None:
        rng = self.rng
        start = winter_day(rng, self.plan, self.day_lo, self.day_hi)
        length = min(rng.choices((1, 2, 3, 4, 5), weights=(35, 25, 18, 12, 10))[0], left_days)
        from_pm = rng.random() < 0.15  # sent home ill at lunchtime
        self.used += self.put(start, "I", rng.choice(ILLNESS), from_pm=from_pm)
        self.used += run_of_days(self.put, start + 1, length - 1, self.day_hi, "I")

    def _appointment(self) -> None:
        rng = self.rng
        sessions = self.day_sessions(rng.randrange(self.day_lo, self.day_hi))
        if sessions:
            k = sessions[0] if rng.random() < 0.6 else sessions[-1]
            if self.marks[k] in PRESENT_LIKE:
                self.marks[k] = "M"
                self.comments[k] = rng.choice(APPOINTMENTS)
                self.used += 1

    def _unauthorised(self, kind: str, left_days: int) -> None:
        rng, plan = self.rng, self.plan
        most = 10 if self.pupil.category == "severe" else 4
        length = 1 if kind == "O" else min(rng.randint(2, most), left_days)
        start = rng.randrange(self.day_lo, self.day_hi)
        if start == plan.n_day:
            return  # the latest register's unexplained absences are drawn below
        last_recent = plan.n_day - 5 if plan.n_day is not None else None  # N younger than this is still pending
        code = "O"
        if last_recent is not None and start > last_recent:
            code = "N"  # not yet recoded: the reason is still being chased
        elif rng.random() < 0.04:
            code = "N"  # an N nobody recoded: overdue
        self.used += run_of_days(self.put, start, length, self.day_hi, code,
                                 rng.choice(UNAUTHORISED) if code == "O" else "")

    def lateness(self) -> None:
        """Lateness on the days the pupil came in: L inside the register window, some U after it closed."""
        rng, pupil, marks = self.rng, self.pupil, self.marks
        present = [k for k in range(self.hi - self.lo) if marks[k] in ("/", "\\")]
        late_count = min(len(present), round(pupil.late_rate * len(present) * rng.uniform(0.7, 1.3)))
        if not late_count:
            return
        u_share = 0.25 if pupil.late_rate > 0.08 else 0.06
        for k in sorted(rng.sample(present, late_count)):
            session = self.plan.sessions[k + self.lo]
            if session == PM and rng.random() < 0.85:
                continue  # afternoons are rarely late: most picks of a PM session are dropped
            times = pupil.site.times(session)
            window = times.register_open_minutes
            longest = minutes_between(times.late_from, times.ends) - 1
            if rng.random() < u_share:
                marks[k] = "U"
                self.minutes[k] = str(min(longest, window + 1 + int(rng.expovariate(1 / 15))))
            else:
                marks[k] = "L"
                self.minutes[k] = str(min(window, 1 + int(rng.expovariate(1 / 7))))

    def latest_register(self) -> None:
        """The latest register: an unexplained N for about 3% of pupils, the first-day contact list."""
        plan = self.plan
        if plan.n_day is None or not self.day_lo <= plan.n_day < self.day_hi:
            return
        if self.rng.random() < 0.01 + 0.1 * self.pupil.absence_rate:
            sessions = self.day_sessions(plan.n_day)
            if sessions and self.marks[sessions[0]] in ("/", "\\", "L", "U", "V", "P"):
                for k in sessions:
                    if self.marks[k] != "X":
                        self.marks[k] = "N"
                        self.minutes.pop(k, None)
                        self.comments.pop(k, None)


def run_of_days(put, start: int, length: int, day_hi: int, code: str, comment: str = "") -> int:
    changed = 0
    for d_index in range(start, min(start + length, day_hi)):
        changed += put(d_index, code, comment)
        comment = ""
    return changed


def winter_day(rng: random.Random, plan: SchoolPlan, day_lo: int, day_hi: int) -> int:
    """A day in lo..hi-1, three times as likely in winter: drawn from the cumulative weights of those days."""
    cum = plan.illness_cum
    base = cum[day_lo - 1] if day_lo else 0.0
    point = base + rng.random() * (cum[day_hi - 1] - base)
    lo, hi = day_lo, day_hi - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if cum[mid] < point:
            lo = mid + 1
        else:
            hi = mid
    return lo


def minutes_between(a, b) -> int:
    return (b.hour * 60 + b.minute) - (a.hour * 60 + a.minute)
