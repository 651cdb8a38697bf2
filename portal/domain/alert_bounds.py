"""The least a pupil's register must hold before any staff alert could be raised (domain.md Part A points 3-4,
Part B §2-§6): what the database is asked first, so the rules run only on pupils who could meet one.

Every alert rule needs some number of sessions of some codes: ten counted sessions for the penalty threshold, a
run of ten school days of G/N/O/U (a school day holds at least one session), fifteen days of illness, an N old
enough to be overdue, an absence rate at the persistent-absence line. Counting sessions is one cheap pass over
the register; the rules themselves (windows of school weeks, continuous runs, calendars) are not. Each bound
here is a necessary condition of its rule, never a sufficient one: a pupil who passes is judged by the rules, and
one who passes none of them cannot be flagged by the rules (tests/services/test_alert_prefilter.py checks it
against the rules themselves).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

from . import codes
from .attendance import pct
from .follow_up import DELETION_CODES, LA_RETURN_CODES
from .policy import Policy

POSSIBLE_CODES = frozenset(c for c, code in codes.CODES.items() if code.counts_as_possible)


@dataclass(frozen=True)
class Tally:
    """The sessions a pupil has coded with one of `codes`, up to the day the alerts are worked out for.

    `this_year`: only those in the school year holding that day, from the pupil's admission (the period the
    figures cover); otherwise every one since the earliest mark the alerts read back to. `days_before`: only
    those at least that many calendar days before the day."""

    codes: frozenset[str]
    this_year: bool = False
    days_before: int = 0


ABSENT = Tally(codes.ABSENCE, this_year=True)
POSSIBLE = Tally(POSSIBLE_CODES, this_year=True)


@dataclass(frozen=True)
class AlertBounds:
    """A policy's bounds: some rule could apply once any tally reaches its count, or the absence rate this
    school year reaches `absence_line`."""

    at_least: tuple[tuple[Tally, int], ...]
    absence_line: Fraction

    @property
    def tallies(self) -> frozenset[Tally]:
        return frozenset(t for t, _ in self.at_least) | {ABSENT, POSSIBLE}

    def could_alert(self, counts: Mapping[Tally, int]) -> bool:
        """Could the rules flag a pupil with these counts? False only when no rule can apply."""
        if any(counts.get(tally, 0) >= n for tally, n in self.at_least):
            return True
        possible = counts.get(POSSIBLE, 0)
        return possible > 0 and counts.get(ABSENT, 0) >= self.absence_line * possible


def alert_bounds(policy: Policy) -> AlertBounds:
    """The bounds of every alert `attendance alerts` raises under this policy (services.attendance.pupil_alerts)."""
    penalties, follow_up, bands = policy.penalties, policy.follow_up, policy.bands
    at_least = [
        # The penalty threshold: that many counted sessions in some window, so at least that many in all.
        (Tally(_normalised(penalties.counted_codes)), penalties.threshold_sessions),
        # An N is overdue the day after the n-th school day after it: n school days are at least n calendar days.
        (Tally(frozenset({"N"}), days_before=follow_up.n_recode_after + 1), 1),
        # A run of n school days, each with every session in the codes, holds at least n sessions.
        (Tally(LA_RETURN_CODES), follow_up.continuous_unauthorised),
        (Tally(DELETION_CODES), follow_up.deletion_consideration),
        # Days of illness are sessions coded I, halved.
        (Tally(frozenset({"I"}), this_year=True), math.ceil(follow_up.sickness_days * 2)),
    ]
    local = penalties.local
    if local is not None:
        days = min(d for d in (local.consecutive_leave_days, local.adjacent_to_holiday_days) if d is not None)
        # INSET days may count as days of a run without being sessions: then one day of leave may be enough.
        at_least.append((Tally(frozenset({codes.normalise(policy.leave.refused_code)})),
                         1 if local.inset_counts else days))
    # Severe absence is also persistent absence; whichever line is lower is the one that matters.
    line = min(pct(bands.persistent_absence), pct(bands.severe_absence))
    return AlertBounds(tuple(at_least), line)


def _normalised(values: Iterable[str]) -> frozenset[str]:
    return frozenset(codes.normalise(c) for c in values)
