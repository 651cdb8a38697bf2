"""A child's attendance page kept ready, so a parent at 8.15 on a phone gets it at once (BENCHMARKS.md, issue 20).

Working the page out reads the year's marks and renders about 20 kB of HTML: some 8 ms of CPU. Kept, it is one
indexed query. A kept page is keyed by the child, the language it is shown in and the school day it runs to, and
holds only while everything it was made from is unchanged:

- the child's marks: every change deletes the kept pages in the writer's transaction (`forget`, called by
  portal.services.pupil_figures.forget, the one path the register writer calls);
- the day: part of the key, so the page of a new day is made anew (and yesterday's dropped when it is);
- the trust's policy (its calendar, bands, support stages and wording): its SHA-256, checked when read;
- the pupil's names, school, site, admission and leaving dates, and the school's latest register arrival (the
  page says "Register as of 09:42 today"): checked when read;
- and only a parent with parental responsibility for the child is ever given it: checked in the same query.

The HTML holds nothing of the parent who viewed it: the caller swaps their CSRF token and email for placeholders
before keeping it and back when serving it (portal/web/parent/attendance.py).

A page rendered while an import commits cannot be kept as current: the import notes a register arrival, which
the stamp read before rendering does not hold. (A single mark recoded by staff in the milliseconds between a
render and its keep can be, until the next change or the next day: the same window as kept figures have.)
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, bindparam, delete, exists, func, literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError

from portal.clock import utcnow
from portal.extensions import db
from portal.models import ChildPage, Contact, DataArrival, Pupil, School, Trust
from portal.read_connections import read_first

log = logging.getLogger(__name__)
CHUNK = 2000  # pupil ids per statement: well under SQLite's limit on bound parameters
MARKS_KINDS = ("marks", "ctf")  # the arrivals the page's "Register as of" reads (portal.services.data_arrivals)

_page, _pupil, _school, _trust = ChildPage.__table__, Pupil.__table__, School.__table__, Trust.__table__
_contact, _arrival = Contact.__table__, DataArrival.__table__
_PUPIL_COLUMNS = ("school_id", "site_id", "admission_date", "leaving_date", "legal_forename", "preferred_forename",
                  "legal_surname")


def _latest_arrival(school_id):
    return (select(func.max(_arrival.c.at))
            # A fixed IN list, not an expanding one worked out again on every execution.
            .where(_arrival.c.school_id == school_id, _arrival.c.kind.in_([literal(k) for k in MARKS_KINDS]))
            .scalar_subquery())


def _kept_query() -> Select:
    holds = [_page.c[name].is_not_distinct_from(_pupil.c[name]) for name in _PUPIL_COLUMNS]
    return (
        select(_page.c.html)
        .select_from(_page.join(_pupil, _pupil.c.id == _page.c.pupil_id)
                     .join(_school, _school.c.id == _pupil.c.school_id)
                     .join(_trust, _trust.c.id == _school.c.trust_id))
        .where(_page.c.pupil_id == bindparam("pupil_id"), _page.c.language == bindparam("language"),
               _page.c.as_of == bindparam("as_of"),
               _page.c.policy_sha256 == _trust.c.policy_sha256, *holds,
               _page.c.register_as_of.is_not_distinct_from(_latest_arrival(_pupil.c.school_id)),
               exists().where(_contact.c.pupil_id == _page.c.pupil_id,
                              _contact.c.parent_account_id == bindparam("parent_id"),
                              _contact.c.parental_responsibility.is_(True)))
    )


_KEPT = _kept_query()


def kept(parent_account_id: int, pupil_id: int, language: str, as_of: date) -> str | None:
    """The kept page of this child in this language for this day, if it still holds and the parent may see the
    child; None otherwise (the caller works the page out, and answers 404 for someone else's child)."""
    # Not the ORM session: a page served from here never starts one.
    row = read_first(_KEPT, {"pupil_id": pupil_id, "language": language, "as_of": as_of,
                             "parent_id": parent_account_id})
    return row[0] if row else None


@dataclass(frozen=True)
class Stamp:
    """What a page is made from besides the marks, read before it is rendered: a change after the read leaves the
    kept page out of date (worked out again), never a stale page that looks current."""

    pupil_id: int
    policy_sha256: str
    pupil: dict
    register_as_of: datetime | None


def stamp(pupil: Pupil) -> Stamp:
    return Stamp(pupil.id, pupil.school.trust.policy_sha256, {name: getattr(pupil, name) for name in _PUPIL_COLUMNS},
                 db.session.execute(select(_latest_arrival(pupil.school_id))).scalar())


def keep(made_from: Stamp, language: str, as_of: date, html: str) -> None:
    """Keep a rendered page, in its own transaction (a read-only request commits nothing of its own), dropping
    the child's pages of other days. A database too busy to take the write just means rendering again."""
    row = dict(pupil_id=made_from.pupil_id, language=language, as_of=as_of, policy_sha256=made_from.policy_sha256,
               register_as_of=made_from.register_as_of, computed_at=utcnow(), html=html, **made_from.pupil)
    try:
        with db.engine.begin() as connection:
            connection.execute(delete(_page).where(_page.c.pupil_id == made_from.pupil_id, _page.c.as_of != as_of))
            insert = (postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert)(_page)
            connection.execute(insert.on_conflict_do_update(
                index_elements=[_page.c.pupil_id, _page.c.language, _page.c.as_of],
                set_={name: insert.excluded[name] for name in row if name not in ("pupil_id", "language", "as_of")}),
                row)
    except OperationalError as error:
        log.warning("attendance page of pupil %d not kept (%s): rendered again next time", made_from.pupil_id,
                    error.orig)


def forget(connection, pupil_ids: Iterable[int] | Select) -> None:
    """Delete the kept pages of these pupils (ids, or a SELECT of ids), in the caller's transaction."""
    if isinstance(pupil_ids, Select):
        connection.execute(delete(_page).where(_page.c.pupil_id.in_(pupil_ids)))
        return
    ids = sorted(set(pupil_ids))
    for start in range(0, len(ids), CHUNK):
        connection.execute(delete(_page).where(_page.c.pupil_id.in_(ids[start:start + CHUNK])))
