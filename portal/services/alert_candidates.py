"""Whole-trust alerts, read cheaply: which pupils could be flagged at all (one SQL aggregate over the register,
judged by portal.domain.alert_bounds), and the marks of only those, as plain tuples.

The rules in services.attendance.pupil_alerts then run on these candidates only. At 20,000 pupils the register
holds seven million marks by July; about a quarter of the pupils are candidates, and a domain mark built per row
was most of the cost (BENCHMARKS.md).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, timedelta

from sqlalchemy import Date, String, and_, func, select, type_coerce

from portal.domain.alert_bounds import AlertBounds, Tally
from portal.domain.marks import Mark as DomainMark
from portal.extensions import db
from portal.models import Mark

CHUNK = 2000  # pupil ids per statement: well under SQLite's limit on bound parameters
STREAM_BATCH = 5000


def candidates(admissions: Mapping[int, date], bounds: Mapping[int, AlertBounds], since: date, year_start: date,
               as_of: date) -> set[int]:
    """The pupils (ids of `admissions`, each with its admission date) whose marks from `since` to `as_of` could
    meet a rule of their bounds (`bounds` by pupil id). Counting from before a pupil's own lookback only counts
    more, so one `since` (the earliest) serves every school."""
    tallies = sorted(frozenset().union(*(b.tallies for b in set(bounds.values()))),
                     key=lambda t: (sorted(t.codes), t.this_year, t.days_before))
    if not admissions:
        return set()
    mark = Mark.__table__
    this_year = mark.c.date >= year_start

    def counted(tally: Tally):
        conditions = [mark.c.code.in_(sorted(tally.codes))]
        if tally.this_year:
            conditions.append(this_year)
        if tally.days_before:
            conditions.append(mark.c.date <= as_of - timedelta(days=tally.days_before))
        return func.count().filter(and_(*conditions))

    query = (
        select(mark.c.pupil_id, type_coerce(func.min(mark.c.date).filter(this_year), Date),
               *(counted(t) for t in tallies))
        .where(mark.c.date >= since, mark.c.date <= as_of)
        .group_by(mark.c.pupil_id)
    )
    found = set()
    for pupil_id, first_this_year, *counts in db.session.execute(query):
        admitted = admissions.get(pupil_id)
        if admitted is None:  # not on roll, or at a school outside the selection
            continue
        # Marks of this year from before admission are not the pupil's figures: the counts cannot tell, the
        # rules can.
        if first_this_year is not None and first_this_year < admitted:
            found.add(pupil_id)
        elif bounds[pupil_id].could_alert(dict(zip(tallies, counts))):
            found.add(pupil_id)
    return found


def marks_of(pupil_ids: Iterable[int], since: date, as_of: date) -> Iterator[tuple[int, list[DomainMark]]]:
    """(pupil id, their marks from `since` to `as_of` in register order), pupil by pupil, in id order."""
    mark = Mark.__table__
    # The date as the database gives it (text on SQLite), turned into a date once per distinct day.
    days: dict = {}
    ids = sorted(set(pupil_ids))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        rows = db.session.execute(
            select(mark.c.pupil_id, type_coerce(mark.c.date, String), mark.c.session, mark.c.code,
                   mark.c.minutes_late)
            .where(mark.c.pupil_id.in_(chunk), mark.c.date >= since, mark.c.date <= as_of)
            .order_by(mark.c.pupil_id, mark.c.date, mark.c.session),
            execution_options={"yield_per": STREAM_BATCH})
        for pupil_id, group in itertools.groupby(rows, key=_first):
            marks = []
            for _, day, session, code, late in group:
                when = days.get(day)
                if when is None:
                    when = days[day] = day if isinstance(day, date) else date.fromisoformat(day[:10])
                marks.append(DomainMark(when, session, code, late))
            yield pupil_id, marks


def _first(row: tuple) -> int:
    return row[0]
