"""The attendance bands as ranges a parent can read: attendance from and to, and days missed over a school year.

Both come from `attendance.band`, the one rule that places a pupil in a band, so a table built from them cannot
disagree with it at an edge: the days are found by asking `band` about every whole number of sessions missed in the
year (days are counted in half days, so a 95% target over 189 days, 9.45 days, means "9 days or fewer"), and the
percentages follow the order in which `band` tries its lines (the worst band that applies wins, so a band another
one hides, such as "below target" under a 95% target with an at-risk line at 95%, has no range at all).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from .attendance import BANDS, Summary, band, pct
from .policy_rules import Bands


@dataclass(frozen=True)
class Edge:
    """One end of a range of attendance (a fraction of one): `included` when the value itself is in the range."""

    value: Fraction
    included: bool


@dataclass(frozen=True)
class BandRange:
    band: str  # one of attendance.BANDS
    lowest: Edge | None  # None: down to 0%
    highest: Edge | None  # None: up to 100%
    fewest_days: Fraction  # days missed over the year, in halves
    most_days: Fraction


def band_ranges(bands: Bands, school_days: int) -> list[BandRange]:
    """Every band a pupil can be in over a year of `school_days`, best first, with its attendance and days."""
    sessions = 2 * school_days
    days: dict[str, list[int]] = {}
    order: list[str] = []
    for missed in range(sessions + 1):
        found = band(_year(sessions, missed), bands)
        if found not in days:
            order.append(found)
        elif order[-1] != found:  # `band` is monotonic in the time missed; anything else is a bug to see
            raise ValueError(f"the band {found} comes back after {order[-1]} at {missed} sessions missed")
        days.setdefault(found, []).append(missed)
    edges = attendance_edges(bands, school_days)
    return [BandRange(name, *edges[name], Fraction(min(days[name]), 2), Fraction(max(days[name]), 2))
            for name in order]


def attendance_edges(bands: Bands, school_days: int) -> dict[str, tuple[Edge | None, Edge | None]]:
    """Each band's attendance from and to, as `band` decides it (days-based lines over a year of `school_days`)."""
    worse = [("severe", Edge(1 - pct(bands.severe_absence), True)),
             ("persistent", Edge(1 - pct(bands.persistent_absence), True))]
    if bands.at_risk_absence_over is not None:
        worse.append(("at_risk", Edge(1 - pct(bands.at_risk_absence_over), False)))
    elif bands.at_risk_days_missed_from is not None and school_days:
        worse.append(("at_risk", Edge(1 - Fraction(bands.at_risk_days_missed_from) / school_days, True)))
    edges: dict[str, tuple[Edge | None, Edge | None]] = {}
    covered: Edge | None = None  # attendance at or below this is already in a worse band
    for name, top in worse:
        if covered is None or _above(top, covered):
            edges[name] = (_complement(covered), top)
            covered = top
    target = Edge(pct(bands.target), True)
    floor = _complement(covered)
    edges["on_target"] = (target if floor is None or _higher_floor(target, floor) else floor, None)
    if floor is None or _higher_floor(target, floor):
        edges["below_target"] = (floor, Edge(target.value, False))
    return {name: edges[name] for name in BANDS if name in edges}


def _year(sessions: int, missed: int) -> Summary:
    return Summary(possible=sessions, attended=sessions - missed, present=sessions - missed, approved_activity=0,
                   authorised=missed, unauthorised=0, late_before_close=0, late_after_close=0, not_counted=0,
                   persistent_absence=False, severe_absence=False)


def _above(top: Edge, covered: Edge) -> bool:
    """Does "attendance up to `top`" reach past "attendance up to `covered`"?"""
    return top.value > covered.value or (top.value == covered.value and top.included and not covered.included)


def _complement(top: Edge | None) -> Edge | None:
    """The lowest attendance above "up to `top`"."""
    return None if top is None else Edge(top.value, not top.included)


def _higher_floor(a: Edge, b: Edge) -> bool:
    """Is "from `a`" a stricter lower end than "from `b`"?"""
    return a.value > b.value or (a.value == b.value and not a.included and b.included)
