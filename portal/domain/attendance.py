"""Attendance figures for one pupil over a period (domain.md Part A points 2-3, Part B §2).

Every classification compares exact values (integers and Fractions); only display strings are rounded, half up,
to one decimal place, so 25 absences in 251 sessions (9.96%) is not persistent absence although it shows "10.0".
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from . import codes
from .marks import Mark
from .policy_rules import Bands, Tier

BANDS = ("on_target", "below_target", "at_risk", "persistent", "severe", "none")
# The bands as a parent reads them: plain, and never alarming beyond what the figure means.
BAND_WORDS = {
    "on_target": "On target",
    "below_target": "Below target",
    "at_risk": "At risk of persistent absence",
    "persistent": "Persistent absence",
    "severe": "Severe absence",
    "none": "Not yet",
}


def pct(value: Decimal | int) -> Fraction:
    """A policy percentage (Decimal, read exactly) as a fraction of one: 96.5 -> 193/200."""
    return Fraction(value) / 100


def sessions_as_days(sessions: int) -> Decimal:
    """Sessions as days: a school day is two sessions (domain.md), so 5 sessions are 2.5 days."""
    return Decimal(sessions) / 2


def attendance_at(absence_pct: Decimal | int) -> Decimal:
    """The attendance % that an absence % leaves: persistent absence from 10% absence is 90% attendance or less."""
    return Decimal(100) - absence_pct


def days_missed(attendance_pct: Decimal | int, school_days: int) -> Fraction:
    """Days missed in a year of `school_days` at this attendance: 90% of 190 days is 19 days, 95% is 9.5."""
    return (1 - pct(attendance_pct)) * school_days


@dataclass(frozen=True)
class Summary:
    possible: int
    attended: int
    present: int
    approved_activity: int
    authorised: int
    unauthorised: int
    late_before_close: int  # L: counted as present
    late_after_close: int  # U: counted as unauthorised absence
    not_counted: int
    persistent_absence: bool
    severe_absence: bool
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    by_code: dict[str, int] = field(default_factory=dict, hash=False)  # a dict must not make Summary unhashable
    bands: Bands = field(default_factory=Bands)

    @property
    def absent(self) -> int:
        return self.authorised + self.unauthorised

    @property
    def attendance(self) -> Fraction | None:
        """Attended / possible; None when there is nothing to measure yet (not 0%, not 100%)."""
        return Fraction(self.attended, self.possible) if self.possible else None

    @property
    def absence(self) -> Fraction | None:
        return Fraction(self.absent, self.possible) if self.possible else None

    @property
    def authorised_rate(self) -> Fraction | None:
        return Fraction(self.authorised, self.possible) if self.possible else None

    @property
    def unauthorised_rate(self) -> Fraction | None:
        return Fraction(self.unauthorised, self.possible) if self.possible else None

    @property
    def days_missed(self) -> Decimal:
        return sessions_as_days(self.absent)

    def as_json_dict(self, upn: str, start: dt.date | None = None, end: dt.date | None = None,
                     bands: Bands | None = None) -> dict:
        """The `attendance summary --json` object of design.md §6."""
        start = start or self.period_start
        end = end or self.period_end
        return {
            "upn": upn,
            "from": start.isoformat() if start else None,
            "to": end.isoformat() if end else None,
            "possible": self.possible,
            "attended": self.attended,
            "present": self.present,
            "approved_activity": self.approved_activity,
            "authorised": self.authorised,
            "unauthorised": self.unauthorised,
            "late_before_close": self.late_before_close,
            "late_after_close": self.late_after_close,
            "attendance_pct": format_pct(self.attendance),
            "absence_pct": format_pct(self.absence),
            # A string like the percentages: halves are exact, and "18.5" reads the same in every client.
            "days_missed": f"{self.days_missed:.1f}",
            "band": band(self, bands or self.bands),
            "persistent_absence": self.persistent_absence,
            "severe_absence": self.severe_absence,
        }


def _period(start, end, admission, leaving) -> tuple[dt.date | None, dt.date | None]:
    starts = [d for d in (start, admission) if d is not None]
    ends = [d for d in (end, leaving) if d is not None]
    return (max(starts) if starts else None, min(ends) if ends else None)


def summarise(marks: Iterable[Mark], start: dt.date | None = None, end: dt.date | None = None,
              admission: dt.date | None = None, leaving: dt.date | None = None,
              bands: Bands | None = None) -> Summary:
    """Count one pupil's marks from the later of start/admission to the earlier of end/leaving, all inclusive.

    The caller passes one mark per session. A code that is not a 2024 code raises ValueError naming every bad
    code: imports reject them, so one here is a bug that must not be counted silently."""
    bands = bands or Bands()
    lo, hi = _period(start, end, admission, leaving)
    first, last = lo or dt.date.min, hi or dt.date.max
    counts: Counter[str] = Counter(m.code for m in marks if first <= m.date <= last)
    unknown = sorted(c for c in counts if c not in codes.CODES)
    if unknown:
        raise ValueError(f"not 2024 attendance codes: {', '.join(unknown)}")

    def total(group: frozenset[str]) -> int:
        return sum(n for c, n in counts.items() if c in group)

    possible = sum(n for c, n in counts.items() if codes.CODES[c].counts_as_possible)
    absent = total(codes.ABSENCE)
    return Summary(
        possible=possible,
        attended=total(codes.ATTENDED),
        present=total(codes.PRESENT),
        approved_activity=total(codes.APPROVED_ACTIVITY),
        authorised=total(codes.AUTHORISED),
        unauthorised=total(codes.UNAUTHORISED),
        late_before_close=counts["L"],
        late_after_close=counts["U"],
        not_counted=total(codes.NOT_COUNTED),
        persistent_absence=possible > 0 and absent >= pct(bands.persistent_absence) * possible,
        severe_absence=possible > 0 and absent >= pct(bands.severe_absence) * possible,
        period_start=lo,
        period_end=hi,
        by_code=dict(sorted(counts.items())),
        bands=bands,
    )


def band(summary: Summary, bands: Bands) -> str:
    """One of BANDS. The worst band that applies wins: severe, persistent, at risk, then the target."""
    absence, attendance = summary.absence, summary.attendance
    if absence is None or attendance is None:
        return "none"
    if absence >= pct(bands.severe_absence):
        return "severe"
    if absence >= pct(bands.persistent_absence):
        return "persistent"
    if bands.at_risk_absence_over is not None and absence > pct(bands.at_risk_absence_over):
        return "at_risk"
    if bands.at_risk_days_missed_from is not None and summary.days_missed >= bands.at_risk_days_missed_from:
        return "at_risk"
    return "on_target" if attendance >= pct(bands.target) else "below_target"


def format_pct(value: Fraction | None) -> str | None:
    """A fraction of one (never negative) as a percentage with one decimal, rounded half up: 0.97449 -> "97.4"."""
    if value is None:
        return None
    tenths = math.floor(value * 1000 + Fraction(1, 2))
    return f"{tenths // 10}.{tenths % 10}"


def days_until_below(summary: Summary, threshold_pct: Decimal | int, remaining_sessions: int) -> int | None:
    """How many more whole days off would take attendance below `threshold_pct` by the end of the period.

    Assumes the pupil attends every one of the `remaining_sessions` still to come except the days missed, so a
    parent can read "if Sam misses 3 more days this year, attendance falls below 95%".
    Returns 0 if attendance will end below the threshold even with no more days off, and None if missing
    every remaining whole day would still leave it at or above the threshold (or nothing can be measured)."""
    total = summary.possible + remaining_sessions
    if total == 0:
        return None
    # Attendance with k days off: (attended + remaining - 2k) / total < threshold <=> 2k > spare.
    spare = summary.attended + remaining_sessions - pct(threshold_pct) * total
    if spare < 0:
        return 0
    days = int(spare / 2) + 1
    return days if 2 * days <= remaining_sessions else None


def tier(summary: Summary, tiers: Sequence[Tier]) -> Tier | None:
    """The highest computable tier whose absence line the pupil is over, else the universal (lowest) tier.

    A tier without `absence_over` above the lowest one (ALP Tier 3, "when Tier 2 fails") is a person's
    decision and is never assigned here."""
    if not tiers:
        return None
    ordered = sorted(tiers, key=lambda t: t.number)
    absence = summary.absence
    if absence is not None:
        for candidate in reversed(ordered):
            if candidate.absence_over is not None and absence > pct(candidate.absence_over):
                return candidate
    universal = ordered[0]
    return universal if universal.absence_over is None else None
