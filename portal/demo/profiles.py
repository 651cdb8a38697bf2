"""How often a pupil is away and late: drawn so that the trust's bands look like a real one's."""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from portal.domain.attendance import band, pct, summarise
from portal.domain.calendar import AM
from portal.domain.marks import Mark
from portal.domain.policy_rules import Bands


def attendance_profile(rng: random.Random) -> tuple[str, float]:
    """A target absence rate: most pupils miss under 5%, about one in six 10% or more, one or two in a hundred
    half or more (England's primary schools, 2023-24: PA about 15%, SA about 1%)."""
    u = rng.random()
    if u < 0.015:
        return "severe", rng.uniform(0.53, 0.85)
    if u < 0.16:
        return "persistent", 0.103 + min(0.3, rng.expovariate(1 / 0.045))
    if u < 0.29:
        return "at_risk", rng.uniform(0.05, 0.095)
    return "on_track", 0.047 * rng.random() ** 1.5


def late_rate(rng: random.Random, category: str) -> float:
    u = rng.random()
    if category in ("persistent", "severe"):
        u = min(u + 0.25, 0.999)
    if u < 0.55:
        return rng.uniform(0, 0.01)
    if u < 0.85:
        return rng.uniform(0.01, 0.04)
    if u < 0.97:
        return rng.uniform(0.04, 0.10)
    return rng.uniform(0.10, 0.30)


def cumulative(pairs: dict[str, float]) -> tuple[tuple[str, ...], list[float]]:
    return tuple(pairs), list(itertools.accumulate(pairs.values()))


EVENT_WEIGHTS = {
    "on_track": cumulative({"I": 80, "M": 16, "O": 4}),
    "at_risk": cumulative({"I": 65, "M": 12, "O": 20, "O_RUN": 3}),
    "persistent": cumulative({"I": 46, "M": 6, "O": 27, "O_RUN": 20, "E": 0.5}),
    "severe": cumulative({"I": 25, "O": 15, "O_RUN": 59, "E": 1}),
}


@dataclass(frozen=True)
class Spread:
    pupils: int  # pupils with at least one possible session
    at_or_above_95: int
    on_target: int  # at or above the policy's target
    persistent: int  # absence 10% or more (severe included)
    severe: int
    marks: int
    unexplained_today: int  # N marks on the latest register day
    latest_day: date | None

    def share(self, count: int) -> str:
        return f"{100 * count / self.pupils:.1f}%" if self.pupils else "-"


def spread(mark_rows: Iterable[Sequence[str]], bands: Bands | None = None,
           latest_day: date | None = None) -> Spread:
    """Attendance over the given mark rows (grouped by pupil, as the generator and its CSV give them), counted
    with the portal's own rules: portal.domain.attendance."""
    bands = bands or Bands()
    parsed: dict[str, date] = {}
    pupils = at_95 = on_target = persistent = severe = total = unexplained = 0
    latest = latest_day.isoformat() if latest_day else None
    for _, rows in itertools.groupby(mark_rows, key=lambda row: row[0]):
        marks = []
        for row in rows:
            day, session, code = row[1], row[2], row[3]
            when = parsed.get(day)
            if when is None:
                when = parsed[day] = date.fromisoformat(day)
            marks.append(Mark(when, session, code))
            if code == "N" and session == AM and day == latest:
                unexplained += 1
        total += len(marks)
        summary = summarise(marks, bands=bands)
        if summary.attendance is None:
            continue
        pupils += 1
        at_95 += summary.attendance >= pct(95)
        on_target += band(summary, bands) == "on_target"
        persistent += summary.persistent_absence
        severe += summary.severe_absence
    return Spread(pupils, at_95, on_target, persistent, severe, total, unexplained, latest_day)
