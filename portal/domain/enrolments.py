"""A pupil's enrolments (school, admission, leaving): which one is current, which cover a day, which a row means.

Pure, so that importing the schools' pupils files in any order gives the same enrolments and the same current
school: the current enrolment is the open one admitted last; with none open, the one that ended last.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Stay:
    school: str  # the school's URN (or id): whatever the caller keys schools by
    admission: date
    leaving: date | None

    def covers(self, day: date) -> bool:
        return self.admission <= day and (self.leaving is None or day <= self.leaving)

    def words(self) -> str:
        return f"{self.admission} to {self.leaving or 'now'}"


def current(stays: Iterable[Stay]) -> Stay | None:
    """The open enrolment admitted last; with none open, the one that ended last (then admitted last)."""
    stays = list(stays)
    if not stays:
        return None
    open_ = [s for s in stays if s.leaving is None]
    if open_:
        return max(open_, key=lambda s: (s.admission, str(s.school)))
    return max(stays, key=lambda s: (s.leaving, s.admission, str(s.school)))


def covering(stays: Iterable[Stay], day: date) -> list[Stay]:
    return [s for s in stays if s.covers(day)]


def matching(stays: Sequence[Stay], school, admission: date) -> Stay | None:
    """The enrolment a pupils-file row (school, admission) updates, or None for a new one: the one at the school
    with that admission date; else one there still open or ending on or after it (the MIS corrected the dates);
    a row admitted after every enrolment there ended is a new enrolment (the pupil came back)."""
    here = [s for s in stays if s.school == school]
    same = [s for s in here if s.admission == admission]
    if same:
        return same[0]
    overlapping = [s for s in here if s.leaving is None or s.leaving >= admission]
    return max(overlapping, key=lambda s: s.admission) if overlapping else None
