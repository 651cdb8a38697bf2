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

from sqlalchemy import Date, and_, func, select, type_coerce

from portal.domain.alert_bounds import AlertBounds, Tally
from portal.domain.marks import Mark as DomainMark
from portal.extensions import db
from portal.models import Mark

CHUNK = 2000  # pupil ids per statement: well under SQLite's limit on bound parameters
READ_CHUNK = 500  # pupils a statement: about 200,000 marks by July, held at once by PostgreSQL's driver


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
    connection = db.session.connection()  # the caller's transaction: an import's refresh sees its own marks
    on_sqlite = connection.dialect.name == "sqlite"
    # A year's register holds a few thousand distinct (day, session, code, minutes late): each becomes one domain
    # mark, shared by every pupil with that mark, rather than one a row (most of the cost of reading millions).
    made: dict[tuple, DomainMark] = {}
    ids = sorted(set(pupil_ids))
    for start in range(0, len(ids), READ_CHUNK):
        statement, parameters = _driver_query(connection, ids[start:start + READ_CHUNK], since, as_of, on_sqlite)
        result = connection.exec_driver_sql(statement, parameters)
        try:
            # The driver's cursor read directly: plain tuples, without a row object each.
            for pupil_id, group in itertools.groupby(result.cursor, key=_first):
                marks = []
                for row in group:
                    found = made.get(row[1:])
                    if found is None:
                        _, day, session, code, late = row
                        # The date as the database gives it: text on SQLite.
                        when = day if isinstance(day, date) else date.fromisoformat(day[:10])
                        found = made[row[1:]] = DomainMark(when, session, code, late)
                    marks.append(found)
                yield pupil_id, marks
        finally:
            result.close()


def _driver_query(connection, ids: list[int], since: date, as_of: date, on_sqlite: bool) -> tuple[str, object]:
    """The SQL text and parameters of one chunk's marks, for the driver's cursor (SQLite compares dates as the
    ISO text SQLAlchemy stores them as)."""
    mark = Mark.__table__
    query = (select(mark.c.pupil_id, mark.c.date, mark.c.session, mark.c.code, mark.c.minutes_late)
             .where(mark.c.pupil_id.in_(ids), mark.c.date >= since, mark.c.date <= as_of)
             .order_by(mark.c.pupil_id, mark.c.date, mark.c.session))
    compiled = query.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
    values = {name: (value.isoformat() if on_sqlite and isinstance(value, date) else value)
              for name, value in compiled.params.items()}
    if compiled.positiontup is not None:
        return str(compiled), tuple(values[name] for name in compiled.positiontup)
    return str(compiled), values


def _first(row: tuple) -> int:
    return row[0]
