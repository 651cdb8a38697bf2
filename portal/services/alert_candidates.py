"""Whole-trust alerts, read cheaply: which pupils could be flagged at all (one SQL aggregate over the register,
judged by portal.domain.alert_bounds), and the marks of only those, as plain tuples.

The rules in services.attendance.pupil_alerts then run on these candidates only. At 20,000 pupils the register
holds seven million marks by July; about a quarter of the pupils are candidates, and a domain mark built per row
was most of the cost (BENCHMARKS.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import date, timedelta

from sqlalchemy import Date, String, and_, cast, func, select, type_coerce

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
    """(pupil id, their marks from `since` to `as_of` in register order), pupil by pupil, in id order, for the
    pupils who have any."""
    connection = db.session.connection()  # the caller's transaction: an import's refresh sees its own marks
    # Each pupil's marks come as one string the database joins ("2025-09-02AM/|,2025-09-02PML|12,..."), and each
    # distinct mark in it becomes one domain mark, shared by every pupil who has it: a year's register holds a few
    # thousand. Reading a row per mark was most of the cost of reading millions (BENCHMARKS.md).
    made = _Marks()
    ids = sorted(set(pupil_ids))
    for start in range(0, len(ids), READ_CHUNK):
        query = _joined_marks(connection.dialect.name, ids[start:start + READ_CHUNK], since, as_of)
        for pupil_id, joined in connection.execute(query):
            tokens = joined.split(",")
            tokens.sort()  # the date, then AM before PM: register order, whatever order the database joined them in
            yield pupil_id, list(map(made.__getitem__, tokens))


class _Marks(dict):
    """Domain marks by their text in the joined string: each distinct one parsed once."""

    def __missing__(self, token: str) -> DomainMark:
        # date (10 characters), session (2), code (1 or 2), "|", minutes late (none unless late)
        code, _, late = token[12:].partition("|")
        mark = self[token] = DomainMark(date.fromisoformat(token[:10]), token[10:12], code, int(late) if late else None)
        return mark


def _joined_marks(dialect: str, ids: list[int], since: date, as_of: date):
    mark = Mark.__table__
    # The date as ISO text on both databases (SQLite stores it as text already).
    token = (func.substr(cast(mark.c.date, String), 1, 10) + mark.c.session + mark.c.code + "|"
             + func.coalesce(cast(mark.c.minutes_late, String), ""))
    joined = func.string_agg(token, ",") if dialect == "postgresql" else func.group_concat(token, ",")
    return (select(mark.c.pupil_id, joined)
            .where(mark.c.pupil_id.in_(ids), mark.c.date >= since, mark.c.date <= as_of)
            .group_by(mark.c.pupil_id)
            .order_by(mark.c.pupil_id))
