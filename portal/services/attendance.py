"""Attendance figures and staff alerts, computed by the domain rules over the stored register.

`pupil_summary` is the object `attendance summary --json` prints; `alerts` is the list `attendance alerts --json`
prints (design.md §6). Nothing here decides anything the domain does not: the services fetch marks and the
pupil's policy, and hand them to `portal.domain`.

Alerts for a whole trust read the register in one streamed query of plain columns, ordered by pupil, and group it
in Python: no query per pupil and no ORM object per mark.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from operator import attrgetter

from sqlalchemy import select

from portal.clock import school_today
from portal.domain import codes
from portal.domain.alert_bounds import alert_bounds
from portal.domain.attendance import Summary, format_pct, pct, summarise
from portal.domain.calendar import SchoolCalendar
from portal.domain.follow_up import (
    DELETION_CODES,
    LA_RETURN_CODES,
    deletion_consideration,
    la_absence_return,
    n_overdue,
    sickness_flag,
)
from portal.domain.marks import Mark as DomainMark
from portal.domain.penalties import local_leave_flag, threshold_reached
from portal.domain.policy import Policy
from portal.domain.policy import School as SchoolPolicy
from portal.domain.policy_rules import Bands
from portal.extensions import db
from portal.models import Mark, Pupil, School
from portal.services import NotFound, ServiceError, alert_candidates
from portal.services.policies import trust_policy

ALERT_KINDS = (
    "penalty_threshold", "n_overdue", "continuous_absence_10", "deletion_consideration_20", "sickness_15",
    "persistent_absence", "severe_absence", "local_leave_5_days",
)
SUMMARY_KEYS = (
    "upn", "from", "to", "possible", "attended", "present", "approved_activity", "authorised", "unauthorised",
    "late_before_close", "late_after_close", "attendance_pct", "absence_pct", "days_missed", "band",
    "persistent_absence", "severe_absence",
)
_CODE = attrgetter("code")
# Rows fetched per round trip when streaming the register (a server-side cursor on PostgreSQL).
STREAM_BATCH = 5000


def school_year_of(day: date) -> tuple[date, date]:
    """The English school year holding `day`: 1 September to 31 August."""
    first = day.year if day.month >= 9 else day.year - 1
    return date(first, 9, 1), date(first + 1, 8, 31)


def _mark_columns():
    """Plain table columns: rows come back as tuples, without the ORM's per-row loading."""
    table = Mark.__table__
    return (table.c.date, table.c.session, table.c.code, table.c.minutes_late)


def _domain_mark(row) -> DomainMark:
    return DomainMark(row.date, row.session, row.code, row.minutes_late)


# ---------------------------------------------------------------- one pupil


@dataclass(frozen=True)
class PupilAttendance:
    """A pupil's summary with what a person needs to read it (the CLI's plain-words output)."""

    upn: str
    name: str
    school_name: str
    bands: Bands
    summary: Summary
    json: dict  # the `attendance summary --json` object


def pupil_attendance(upn: str, start: date | None = None, end: date | None = None,
                     as_of: date | None = None) -> PupilAttendance:
    """The pupil's figures from `start` to `end`, both included, clipped to the admission and leaving dates.

    By default the period is the school year holding `as_of` (today if not given), up to `as_of`; with only `end`
    given, `as_of` defaults to `end`. Bands come from the pupil's trust policy."""
    pupil = db.session.scalar(select(Pupil).where(Pupil.upn == upn.strip().upper()))
    if pupil is None:
        raise NotFound(f"no pupil with UPN {upn} is loaded; check the UPN or import the school's pupils: "
                       "flask --app portal import pupils PATH")
    as_of = as_of or end or school_today()
    year_start, _ = school_year_of(as_of)
    start = start or year_start
    end = end or as_of
    if end < start:
        raise ServiceError(f"the period ends ({end}) before it starts ({start})")
    policy = trust_policy(pupil.school.trust)
    rows = db.session.execute(
        select(*_mark_columns())
        .where(Mark.pupil_id == pupil.id, Mark.date >= start, Mark.date <= end)
        .order_by(Mark.date, Mark.session)
    )
    summary = summarise((_domain_mark(r) for r in rows), start=start, end=end,
                        admission=pupil.admission_date, leaving=pupil.leaving_date, bands=policy.bands)
    payload = summary.as_json_dict(pupil.upn, start=summary.period_start or start,
                                   end=summary.period_end or end, bands=policy.bands)
    return PupilAttendance(pupil.upn, pupil.name, pupil.school.name, policy.bands, summary, payload)


def pupil_summary(upn: str, start: date | None = None, end: date | None = None,
                  as_of: date | None = None) -> dict:
    """The `attendance summary --json` object of design.md §6 (keys: SUMMARY_KEYS)."""
    return pupil_attendance(upn, start, end, as_of).json


# ---------------------------------------------------------------- alerts


@dataclass(frozen=True)
class SchoolRules:
    policy: Policy
    school: SchoolPolicy
    lookback: date  # the earliest mark that can matter for an alert as of the given day

    @property
    def calendar(self) -> SchoolCalendar:
        return self.school.calendar


@dataclass(frozen=True)
class AlertPupil:
    id: int
    upn: str
    school_id: int
    admission_date: date
    leaving_date: date | None


def alerts(school_urn: str | None = None, as_of: date | None = None) -> list[dict]:
    """What staff should look at as of `as_of` (today if not given), for one school or every loaded school.

    Each alert is `{upn, kind, since, detail}` (kind in ALERT_KINDS; since an ISO date; detail in plain words),
    sorted by UPN, then kind in ALERT_KINDS order, then date. Pupils on roll on `as_of` only.

    - Figures (persistent/severe absence, sickness) cover the school year holding `as_of`, from admission.
    - The penalty window, N recoding and continuous-absence runs also read back far enough for a window of school
      weeks ending in this school year to reach into the last one (the window crosses terms and years). A
      pupil's marks stay with the pupil when they move school, so the window crosses schools too (domain.md
      scenario 26); the school weeks are those of the pupil's current school's calendar, plus any week holding a
      counted mark.
    - A severely absent pupil gets both `severe_absence` and `persistent_absence`: severe absence is also
      persistent absence (domain.md Part B §2)."""
    as_of = as_of or school_today()
    year_start, _ = school_year_of(as_of)
    schools_query = select(School)
    if school_urn is not None:
        schools_query = schools_query.where(School.urn == school_urn.strip())
    schools = list(db.session.scalars(schools_query))
    if school_urn is not None and not schools:
        raise NotFound(f"no school with URN {school_urn} is loaded; load its trust's policy first: "
                       "flask --app portal policy load PATH")
    rules = school_rules(schools, year_start)
    if not rules:
        return []

    pupils = {
        row.id: AlertPupil(row.id, row.upn, row.school_id, row.admission_date, row.leaving_date)
        for row in db.session.execute(
            select(Pupil.id, Pupil.upn, Pupil.school_id, Pupil.admission_date, Pupil.leaving_date)
            .where(Pupil.school_id.in_(rules), Pupil.admission_date <= as_of)
            .where((Pupil.leaving_date.is_(None)) | (Pupil.leaving_date >= as_of))
        )
    }
    return judge(pupils, rules, as_of)


def judge(pupils: dict[int, AlertPupil], rules: dict[int, SchoolRules], as_of: date,
          candidates_only: bool = True) -> list[dict]:
    """The alerts of these pupils (by id) as of `as_of`, each judged by their school's rules (by school id).

    Only the pupils whose counts of sessions could meet a rule (portal.domain.alert_bounds) have their marks read
    and the rules run; `candidates_only=False` runs the rules on every pupil, which must find the same alerts."""
    if not pupils:
        return []
    year_start, _ = school_year_of(as_of)
    earliest = min(rules[p.school_id].lookback for p in pupils.values())
    if candidates_only:
        bounds = {school_id: alert_bounds(r.policy) for school_id, r in rules.items()}
        chosen = alert_candidates.candidates(
            {p.id: p.admission_date for p in pupils.values()},
            {p.id: bounds[p.school_id] for p in pupils.values()}, earliest, year_start, as_of)
    else:
        chosen = set(pupils)
    found: list[dict] = []
    for pupil_id, marks in alert_candidates.marks_of(chosen, earliest, as_of):
        pupil = pupils[pupil_id]
        rules_of = rules[pupil.school_id]
        if rules_of.lookback > earliest:
            marks = [m for m in marks if m.date >= rules_of.lookback]
        found.extend(pupil_alerts(pupil, marks, rules_of, year_start, as_of))
    order = {kind: i for i, kind in enumerate(ALERT_KINDS)}
    found.sort(key=lambda a: (a["upn"], order[a["kind"]], a["since"]))
    return found


def school_rules(schools: Iterable[School], year_start: date) -> dict[int, SchoolRules]:
    """Each school's policy, calendar and how far back its alerts read, by school id.

    A school dropped from its trust's latest policy has nothing to judge it by and is left out."""
    rules: dict[int, SchoolRules] = {}
    for school in schools:
        policy = trust_policy(school.trust)
        spec = policy.school(school.urn)
        if spec is not None:
            rules[school.id] = SchoolRules(policy, spec, _lookback(spec.calendar, policy, year_start))
    return rules


def _lookback(calendar: SchoolCalendar, policy: Policy, year_start: date) -> date:
    """The Monday of the earliest school week a window ending in this school year can reach.

    Without calendar weeks before the year (a policy holding this year only), the year's start."""
    before = calendar.school_weeks(end=year_start - timedelta(days=1))
    reach = policy.penalties.window_school_weeks - 1
    if not before or reach < 1:
        return year_start
    return before[-reach] if len(before) >= reach else before[0]


def pupil_alerts(pupil: AlertPupil, marks: list[DomainMark], rules: SchoolRules, year_start: date,
                 as_of: date, summary: Summary | None = None) -> Iterator[dict]:
    """One pupil's alerts as of `as_of`, from their marks since `rules.lookback`, in register order. `summary`:
    the pupil's summary from `year_start` to `as_of` (domain summarise, with their admission and leaving dates and
    the policy's bands), when the caller has it already."""
    policy, calendar = rules.policy, rules.calendar

    def alert(kind: str, since: date, detail: str) -> dict:
        return {"upn": pupil.upn, "kind": kind, "since": since.isoformat(), "detail": detail}

    # Which codes the pupil has at all: a rule that needs more sessions of some codes than the pupil has cannot
    # apply, so the domain function is not called (a shortcut only: every alert comes from the domain).
    by_code: dict[str, int] = {}
    for code, count in Counter(map(_CODE, marks)).items():  # normalised once per code, not per mark
        code = codes.normalise(code)
        by_code[code] = by_code.get(code, 0) + count

    def at_least(wanted: Iterable[str], n: int) -> bool:
        return sum(by_code.get(codes.normalise(c), 0) for c in wanted) >= n

    # Penalty-notice threshold: "consider", never "issue".
    penalties = policy.penalties
    if at_least(penalties.counted_codes, penalties.threshold_sessions):
        result = threshold_reached(marks, calendar.school_weeks(rules.lookback, as_of), penalties, as_of)
    else:
        result = None
    if result is not None and result.met:
        pending = f", and {result.pending} pending ({_codes(penalties.pending_codes)})" if result.pending else ""
        yield alert("penalty_threshold", result.first_met_on,
                    f"{result.counted} sessions of unauthorised absence ({_codes(penalties.counted_codes)}) "
                    f"in the {penalties.window_school_weeks} school weeks from {result.window_start} to "
                    f"{result.window_end}{pending}. The threshold is {penalties.threshold_sessions} sessions: "
                    "consider a penalty notice (support first where it is appropriate).")

    follow_up = policy.follow_up
    overdue = n_overdue(marks, calendar, as_of, follow_up) if by_code.get("N") else []
    if overdue:
        listed = ", ".join(f"{o.mark.date} {o.mark.session}" for o in overdue[:5])
        more = f" and {len(overdue) - 5} more" if len(overdue) > 5 else ""
        yield alert("n_overdue", overdue[0].deadline + timedelta(days=1),
                    f"{len(overdue)} session{_s(len(overdue))} still coded N after "
                    f"{follow_up.n_recode_after} school days ({listed}{more}): recode to the real reason, "
                    "or to O if none was given.")

    # A run of n school days holds at least n sessions (a half-day closure leaves one).
    la_runs = (la_absence_return(marks, calendar, follow_up)
               if at_least(LA_RETURN_CODES, follow_up.continuous_unauthorised) else [])
    deletion_runs = (deletion_consideration(marks, calendar, follow_up)
                     if at_least(DELETION_CODES, follow_up.deletion_consideration) else [])
    for run in la_runs:
        if run.end >= year_start:
            yield alert("continuous_absence_10", run.start,
                        f"{run.days} continuous school days of unauthorised absence (G, N, O, U), {run.start} "
                        f"to {run.end}: tell the local authority in the attendance return.")
    for run in deletion_runs:
        if run.end >= year_start:
            yield alert("deletion_consideration_20", run.start,
                        f"{run.days} continuous school days coded G, N or O only, {run.start} to {run.end}: "
                        "consider deletion under ground (i) if the pupil cannot be found after reasonable "
                        "enquiries by the school and the local authority, and there are no grounds to believe "
                        "illness or an unavoidable cause. A person decides; a deletion needs a return to the "
                        "local authority.")

    this_year = [m for m in marks if m.date >= max(year_start, pupil.admission_date)]
    sickness = sickness_flag(this_year, follow_up)
    if sickness.flag:
        yield alert("sickness_15", _nth_illness(this_year, follow_up.sickness_days * 2),
                    f"{_days(sickness.days_so_far)} days of illness (I) this school year, "
                    f"{follow_up.sickness_days} or more: make a sickness return to the local authority.")

    if summary is None:
        summary = summarise(this_year, start=year_start, end=as_of, admission=pupil.admission_date,
                            leaving=pupil.leaving_date, bands=policy.bands)
    bands = policy.bands
    figures = (f"Absence {_pct(summary)}% so far this school year: {_days(summary.days_missed)} of "
               f"{_days(Decimal(summary.possible) / 2)} days missed")
    if summary.severe_absence:
        yield alert("severe_absence", _crossed_on(this_year, bands.severe_absence, year_start),
                    f"{figures}. Severe absence is {bands.severe_absence}% or more.")
    if summary.persistent_absence:
        yield alert("persistent_absence", _crossed_on(this_year, bands.persistent_absence, year_start),
                    f"{figures}. Persistent absence is {bands.persistent_absence}% or more.")

    if penalties.local is not None:
        leave_codes = frozenset({codes.normalise(policy.leave.refused_code)})
        for run in local_leave_flag(marks, calendar, penalties.local, leave_codes):
            if run.end >= year_start:
                yield alert("local_leave_5_days", run.start, run.message)


def _nth_illness(marks: Iterable[DomainMark], n: int) -> date:
    """The date of the n-th session coded I (or of the last one, if fewer): when the sickness line was reached."""
    day = None
    for count, mark in enumerate(sorted((m for m in marks if codes.normalise(m.code) == "I"), key=lambda m: m.key),
                                 1):
        day = mark.date
        if count >= n:
            break
    return day


def _crossed_on(marks: list[DomainMark], line: Decimal, fallback: date) -> date:
    """The last date on which the pupil's absence rate went from under `line` to at or over it.

    The pupil is over the line on the last mark (the caller checked it with the domain's summary), so the date
    the rate last crossed is when the current spell began. Counts by the domain's code sets, exactly."""
    threshold = pct(line)
    # In integers: absent >= (p / q) * possible is absent * q >= p * possible, as q > 0. A Fraction a day was
    # much of the whole-trust alerts' time.
    p, q = threshold.numerator, threshold.denominator
    weights: dict[str, tuple[int, int]] = {}  # code as stored -> (possible, absent) it adds
    by_day: dict[date, list[int]] = {}
    for mark in marks:
        weight = weights.get(mark.code)
        if weight is None:
            code = codes.normalise(mark.code)
            is_possible = code in codes.CODES and codes.CODES[code].counts_as_possible
            weight = weights[mark.code] = (int(is_possible), int(is_possible and code in codes.ABSENCE))
        day = by_day.get(mark.date)
        if day is None:
            day = by_day[mark.date] = [0, 0]
        day[0] += weight[0]
        day[1] += weight[1]
    possible = absent = 0
    over_since = None
    for day in sorted(by_day):
        added_possible, added_absent = by_day[day]
        possible += added_possible
        absent += added_absent
        over = possible > 0 and absent * q >= p * possible
        if over and over_since is None:
            over_since = day
        elif not over:
            over_since = None
    return over_since or fallback


def _codes(values: Iterable[str]) -> str:
    return ", ".join(sorted(values))


def _s(n: int) -> str:
    return "" if n == 1 else "s"


def _days(value: Decimal) -> str:
    return f"{value:.1f}"


def _pct(summary: Summary) -> str:
    return format_pct(summary.absence) or "0.0"
