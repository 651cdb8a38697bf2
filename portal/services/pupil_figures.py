"""Each pupil's figures as of a day (the summary, recent lateness and the alerts), worked out once and kept.

Oversight of a trust of 20,000 pupils would otherwise read two million marks (seven by July) on every request:
30 seconds, past gunicorn's worker timeout (BENCHMARKS.md). The figures are the domain's, computed by the same
functions as `attendance alerts`; this module only decides when a stored result still holds:

- the same day (`as_of`), the same policy (its SHA-256), and the pupil's school, admission and leaving dates as
  when it was worked out: checked when read;
- no change to the pupil's marks since: every change deletes the stored result in the same transaction (the
  import's merge and the register's one writer, `services.register`, call `forget`).

What no longer holds is worked out again when read and stored for the next request. `flask attendance refresh`
(after the MIS import, and each night for the new day) keeps the first request of the day fast.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Protocol

from sqlalchemy import Select, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError

from portal.clock import utcnow
from portal.domain.attendance import Summary, band, summarise, tier
from portal.domain.lateness import recent_lateness
from portal.domain.marks import Mark as DomainMark
from portal.domain.policy import Policy
from portal.domain.policy_rules import Tier
from portal.extensions import db
from portal.models import Pupil, PupilFigures, School
from portal.services import alert_candidates, attendance, child_pages, figure_processes
from portal.services.policies import trust_policy

log = logging.getLogger(__name__)
CHUNK = 2000  # pupil ids per statement: well under SQLite's limit on bound parameters
COLUMNS = (Pupil.id, Pupil.upn, Pupil.school_id, Pupil.admission_date, Pupil.leaving_date)  # a PupilLike row


class PupilLike(Protocol):
    """What is needed of a pupil: a Pupil, or a row of these columns."""

    id: int
    upn: str
    school_id: int
    admission_date: date
    leaving_date: date | None


@dataclass(frozen=True)
class Figures:
    summary: Summary  # the school year holding as_of, from admission, up to as_of (or leaving); no by_code
    band: str  # portal.domain.attendance.band under the policy
    tier: Tier | None  # portal.domain.attendance.tier under the policy
    late: int  # late sessions among the last `late_of` possible sessions (portal.domain.lateness)
    late_of: int
    last_late: date | None
    alerts: tuple[dict, ...]  # attendance.alerts' objects; none for a pupil not on roll on as_of


def current(pupils: Sequence[PupilLike], schools: dict[int, School], as_of: date) -> dict[int, Figures]:
    """The figures of each pupil as of `as_of`, by pupil id: stored ones that still hold, the rest worked out now
    (and stored for next time). `schools` holds each pupil's school by id."""
    if not pupils:
        return {}
    by_id = {p.id: p for p in pupils}
    sha = {school_id: schools[school_id].trust.policy_sha256 for school_id in {p.school_id for p in pupils}}
    policies = {school_id: _Reading(trust_policy(schools[school_id].trust)) for school_id in sha}
    table = PupilFigures.__table__
    # Plain tuples in a fixed order: (pupil_id, the four things a kept row depends on, then _READ's columns).
    columns = [table.c.pupil_id, table.c.policy_sha256, table.c.school_id, table.c.admission_date,
               table.c.leaving_date, *(table.c[name] for name in _READ)]
    found: dict[int, Figures] = {}
    for chunk in _chunks(list(by_id)):
        query = select(*columns).where(table.c.pupil_id.in_(chunk), table.c.as_of == as_of)
        for row in db.session.execute(query):
            pupil = by_id[row[0]]
            if row[1:5] == (sha[pupil.school_id], pupil.school_id, pupil.admission_date, pupil.leaving_date):
                found[row[0]] = _load(row[5:], policies[pupil.school_id])
    missing = [p for p in pupils if p.id not in found]
    if missing:
        worked_out = compute(missing, schools, as_of)
        _store(missing, worked_out, as_of, sha)
        found.update(worked_out)
    return found


def refresh(as_of: date, school_urn: str | None = None, pupil_ids: Iterable[int] | None = None,
            processes: int | None = None) -> int:
    """Make sure every pupil on roll this school year (or at one school, or among `pupil_ids`: those an import
    changed) has stored figures as of `as_of`, working out those that do not; returns how many pupils that is.
    Many pupils are worked out on several processes (`processes`, or as many as figure_processes says)."""
    year_start, _ = attendance.school_year_of(as_of)
    schools_query = select(School)
    if school_urn:
        schools_query = schools_query.where(School.urn == school_urn)
    schools = {s.id: s for s in db.session.scalars(schools_query)}
    on_roll = (Pupil.school_id.in_(schools), Pupil.admission_date <= as_of,
               (Pupil.leaving_date.is_(None)) | (Pupil.leaving_date >= year_start))
    if pupil_ids is None:
        pupils = db.session.execute(select(*COLUMNS).where(*on_roll)).all()
    else:
        pupils = [row for chunk in _chunks(sorted(set(pupil_ids)))
                  for row in db.session.execute(select(*COLUMNS).where(Pupil.id.in_(chunk), *on_roll))]
    processes = processes or figure_processes.processes_for(len(pupils))
    if processes > 1:
        return figure_processes.refresh_in_processes(processes, _refresh_one_process, as_of, school_urn,
                                                     [p.id for p in pupils])
    return len(current(pupils, schools, as_of))


def _refresh_one_process(as_of: date, school_urn: str | None, pupil_ids: list[int]) -> int:
    return refresh(as_of, school_urn, pupil_ids, processes=1)


def compute(pupils: Sequence[PupilLike], schools: dict[int, School], as_of: date) -> dict[int, Figures]:
    """Work out the figures, reading each pupil's marks once, far enough back for the alerts' windows."""
    year_start, _ = attendance.school_year_of(as_of)
    rules = attendance.school_rules([schools[i] for i in {p.school_id for p in pupils}], year_start)
    pupils = [p for p in pupils if p.school_id in rules]  # a school its policy no longer holds: nothing to judge
    if not pupils:
        return {}
    earliest = min(rules[p.school_id].lookback for p in pupils)
    by_id = {p.id: p for p in pupils}
    result: dict[int, Figures] = {}
    # Plain domain marks, each distinct day parsed once: a row object and then a mark per row was most of the
    # cost of refreshing a trust in July (seven million marks).
    for pupil_id, marks in alert_candidates.marks_of(by_id, earliest, as_of):
        pupil = by_id[pupil_id]
        result[pupil_id] = _work_out(pupil, marks, rules[pupil.school_id], year_start, as_of)
    for pupil in pupils:
        if pupil.id not in result:  # no mark yet
            result[pupil.id] = _work_out(pupil, [], rules[pupil.school_id], year_start, as_of)
    return result


def _work_out(pupil: PupilLike, marks: list[DomainMark], rules: attendance.SchoolRules, year_start: date,
              as_of: date) -> Figures:
    """`marks`: the pupil's from the earliest lookback of the schools worked out, in register order."""
    this_year = [m for m in marks if m.date >= year_start]
    policy = rules.policy
    summary = summarise(this_year, start=year_start, end=as_of, admission=pupil.admission_date,
                        leaving=pupil.leaving_date, bands=policy.bands)
    late, late_of, last_late = recent_lateness(this_year)
    alerts: tuple[dict, ...] = ()
    if pupil.leaving_date is None or pupil.leaving_date >= as_of:
        row = attendance.AlertPupil(pupil.id, pupil.upn, pupil.school_id, pupil.admission_date, pupil.leaving_date)
        since_lookback = marks if not marks or marks[0].date >= rules.lookback else [
            m for m in marks if m.date >= rules.lookback]
        alerts = tuple(attendance.pupil_alerts(row, since_lookback, rules, year_start, as_of, summary))
    return Figures(replace(summary, by_code={}), band(summary, policy.bands), tier(summary, policy.tiers), late,
                   late_of, last_late, alerts)


# ---------------------------------------------------------------- storing and forgetting

_SUMMARY_COUNTS = ("possible", "attended", "present", "approved_activity", "authorised", "unauthorised",
                   "late_before_close", "late_after_close", "not_counted", "persistent_absence", "severe_absence",
                   "period_start", "period_end")


def _columns(figures: Figures) -> dict:
    s = figures.summary
    return {**{k: getattr(s, k) for k in _SUMMARY_COUNTS}, "band": figures.band,
            "tier": figures.tier.number if figures.tier else None, "late": figures.late, "late_of": figures.late_of,
            "last_late": figures.last_late,
            "alerts": json.dumps(list(figures.alerts), separators=(",", ":")) if figures.alerts else None}


class _Reading:
    """What reading stored figures needs of a policy, looked up once per request rather than once per pupil."""

    def __init__(self, policy: Policy):
        self.bands = policy.bands
        self.tiers = {t.number: t for t in policy.tiers}


_READ = (*_SUMMARY_COUNTS, "band", "tier", "late", "late_of", "last_late", "alerts")
_COUNTS = len(_SUMMARY_COUNTS)


def _load(values: tuple, policy: _Reading) -> Figures:
    """Figures from _READ's columns, in order. The kept summary has no breakdown by code (by_code): nothing that
    reads kept figures uses it."""
    summary = Summary(*values[:_COUNTS], bands=policy.bands)  # _SUMMARY_COUNTS are Summary's first fields, in order
    band_of, tier_of, late, late_of, last_late, alerts = values[_COUNTS:]
    return Figures(summary, band_of, policy.tiers.get(tier_of), late, late_of, last_late,
                   tuple(json.loads(alerts)) if alerts else ())


def _store(pupils: Sequence[PupilLike], worked_out: dict[int, Figures], as_of: date, sha: dict[int, str]) -> None:
    """Keep what was worked out, in its own transaction, so a read-only request stores without committing the
    request's session. Another worker storing the same pupil at once is fine (last one wins, same figures); a
    database too busy to take the write just means working them out again next time."""
    now = utcnow()
    rows = [dict(pupil_id=p.id, as_of=as_of, policy_sha256=sha[p.school_id], school_id=p.school_id,
                 admission_date=p.admission_date, leaving_date=p.leaving_date, computed_at=now,
                 **_columns(worked_out[p.id])) for p in pupils if p.id in worked_out]
    if not rows:
        return
    table = PupilFigures.__table__
    try:
        with db.engine.begin() as connection:
            insert = (postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert)(table)
            upsert = insert.on_conflict_do_update(
                index_elements=[table.c.pupil_id],
                set_={c.name: insert.excluded[c.name] for c in table.columns if c.name != "pupil_id"})
            for chunk in _chunks(rows):
                connection.execute(upsert, chunk)
    except OperationalError as error:
        log.warning("attendance figures of %d pupils not stored (%s): worked out again next time", len(rows),
                    error.orig)


def forget(connection, pupil_ids: Iterable[int] | Select) -> None:
    """Delete the stored figures of these pupils (ids, or a SELECT of ids), and their kept attendance pages
    (portal.services.child_pages), in the caller's transaction: the one path a change to marks takes."""
    table = PupilFigures.__table__
    if isinstance(pupil_ids, Select):
        connection.execute(delete(table).where(table.c.pupil_id.in_(pupil_ids)))
        child_pages.forget(connection, pupil_ids)
        return
    ids = sorted(set(pupil_ids))
    for chunk in _chunks(ids):
        connection.execute(delete(table).where(table.c.pupil_id.in_(chunk)))
    child_pages.forget(connection, ids)


def _chunks(items: list) -> Iterable[list]:
    for start in range(0, len(items), CHUNK):
        yield items[start:start + CHUNK]
