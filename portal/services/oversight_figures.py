"""Whole-school figures for oversight (domain.md Part B §2), added up by the database from each pupil's kept
figures (portal.services.pupil_figures), so a trust of 20,000 pupils costs one GROUP BY, not 20,000 row objects.

The sums are of the same counts the domain worked out per enrolment (`summarise`, stored as columns), so they are
the domain's figures exactly: `figures()` adds them up in Python from summaries, and a test checks both agree. The
sums only stand when every pupil of the selection has kept figures that still hold (same day, policy, school,
admission and leaving date): `school_sums` says None otherwise, and the caller works out what is missing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from sqlalchemy import and_, case, func, select
from sqlalchemy.sql.elements import ColumnElement

from portal.domain.attendance import Summary, format_pct
from portal.extensions import db
from portal.models import Pupil, PupilFigures, School

KEPT = PupilFigures.__table__


def kept_figures_hold(as_of: date, schools: Iterable[School]) -> ColumnElement[bool]:
    """The join condition of a pupil and kept figures that still hold as of `as_of` (pupil_figures.current's
    test, in SQL): the same day, the school's policy as now, the pupil's school, admission and leaving date."""
    sha = {school.id: school.trust.policy_sha256 for school in schools}
    return and_(KEPT.c.pupil_id == Pupil.id, KEPT.c.as_of == as_of,
                KEPT.c.policy_sha256 == case(sha, value=Pupil.school_id, else_=None),
                KEPT.c.school_id == Pupil.school_id, KEPT.c.admission_date == Pupil.admission_date,
                KEPT.c.leaving_date.is_not_distinct_from(Pupil.leaving_date))


@dataclass(frozen=True)
class Figures:
    """Whole-school (or whole-selection) figures over enrolments with at least one possible session."""

    label: str
    enrolments: int
    possible: int
    attended: int
    authorised: int
    unauthorised: int
    persistent: int  # PA enrolments (severe included)
    severe: int
    without_sessions: int  # enrolments with no possible session yet: not counted

    def _rate(self, count: int, whole: int) -> Fraction | None:
        return Fraction(count, whole) if whole else None

    @property
    def attendance(self) -> Fraction | None:
        return self._rate(self.attended, self.possible)

    @property
    def absence(self) -> Fraction | None:
        return self._rate(self.authorised + self.unauthorised, self.possible)

    @property
    def authorised_rate(self) -> Fraction | None:
        return self._rate(self.authorised, self.possible)

    @property
    def unauthorised_rate(self) -> Fraction | None:
        return self._rate(self.unauthorised, self.possible)

    @property
    def pa_rate(self) -> Fraction | None:
        return self._rate(self.persistent, self.enrolments)

    @property
    def sa_rate(self) -> Fraction | None:
        return self._rate(self.severe, self.enrolments)

    def pct(self, name: str) -> str:
        """A rate for display: "95.3", or "–" when there is nothing to measure."""
        return format_pct(getattr(self, name)) or "–"


def figures(label: str, summaries: Iterable[Summary]) -> Figures:
    """domain.md Part B §2, exactly: sums of the enrolments' own counts; PA and SA per enrolment."""
    counted = [s for s in summaries]
    measured = [s for s in counted if s.possible > 0]
    return Figures(
        label=label,
        enrolments=len(measured),
        possible=sum(s.possible for s in measured),
        attended=sum(s.attended for s in measured),
        authorised=sum(s.authorised for s in measured),
        unauthorised=sum(s.unauthorised for s in measured),
        persistent=sum(1 for s in measured if s.persistent_absence),
        severe=sum(1 for s in measured if s.severe_absence),
        without_sessions=len(counted) - len(measured),
    )



def _count_if(condition) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def school_sums(where: list, holds: ColumnElement[bool]) -> dict[int, dict] | None:
    """Figures' counts per school id over the pupils `where` selects (each school with any), or None when some of
    them have no kept figures that hold: then these sums would leave them out."""
    measured = KEPT.c.possible > 0
    counts = {
        "enrolments": _count_if(measured),
        "possible": func.coalesce(func.sum(KEPT.c.possible), 0),  # 0 where not measured: adds nothing
        "attended": func.coalesce(func.sum(KEPT.c.attended), 0),
        "authorised": func.coalesce(func.sum(KEPT.c.authorised), 0),
        "unauthorised": func.coalesce(func.sum(KEPT.c.unauthorised), 0),
        "persistent": _count_if(and_(measured, KEPT.c.persistent_absence)),
        "severe": _count_if(and_(measured, KEPT.c.severe_absence)),
        "without_sessions": _count_if(KEPT.c.possible == 0),
    }
    query = (select(Pupil.school_id, func.count(Pupil.id), func.count(KEPT.c.pupil_id), *counts.values())
             .select_from(Pupil).outerjoin(KEPT, holds).where(*where).group_by(Pupil.school_id))
    result = {}
    for school_id, pupils, kept, *values in db.session.execute(query):
        if kept != pupils:
            return None
        result[school_id] = {name: int(value) for name, value in zip(counts, values)}
    return result


def from_sums(label: str, sums: Iterable[dict]) -> Figures:
    """Figures labelled `label` adding up school_sums' counts (no school: all zero)."""
    names = ("enrolments", "possible", "attended", "authorised", "unauthorised", "persistent", "severe",
             "without_sessions")
    sums = list(sums)
    return Figures(label, *(sum(s[name] for s in sums) for name in names))
