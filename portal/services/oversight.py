"""Oversight: the pupils staff must look at, and the whole-school figures, for the schools a member of staff has.

Every list is built from the same rules as `attendance alerts --json`: the follow-up lists (penalty threshold, N
overdue, 10 and 20 continuous school days, sickness, the local leave rule) *are* `attendance.alerts` for the
staff member's schools, filtered, and persistent and severe absence are its `persistent_absence` and
`severe_absence` alerts, so the pages, the CSV files and the command line cannot disagree. What alerts do not
give, this module adds per pupil with the domain's own functions: the figures, the band (at risk of persistent
absence is a band, not an alert), the policy's tier (ALP Tier 2: missing more than 10%) and lateness.

Definitions chosen here:
- **Period.** The school year holding `as_of`, from each pupil's admission, up to `as_of` (as the alerts).
- **Lists** hold pupils on roll on `as_of` (as the alerts). The filters (school, site, year group, class) narrow
  both the lists and the figures.
- **Persistent lateness**: late (L or U) at 4 or more of the pupil's last 20 possible sessions this school year
  (portal.domain.lateness.recent_lateness, where the numbers are).
- **Speed.** Each pupil's figures and alerts are worked out once per day and kept until their marks, policy or
  dates change (portal.services.pupil_figures): the page reads them instead of the year's register. The
  whole-school figures are sums the database makes over the kept figures (portal.services.oversight_figures), and
  row objects are built only for the pupils a list holds: a 20,000-pupil trust lists a few thousand.
- **Whole-school figures** (domain.md Part B §2) add up every enrolment of the school year up to `as_of`,
  leavers included up to their leaving date, with at least one possible session (zero-possible enrolments are
  excluded, as in [METH] §4.4): attendance % = attended / possible, the overall, authorised and unauthorised
  absence rates over the same possible sessions, and the school PA rate = PA enrolments / enrolments. Counts are
  integers and rates exact fractions; only the display rounds (one decimal, half up). They cover every pupil on
  roll, nursery and reception included, so they are *not* on the basis of the official statistics (ages 5 to
  15): the page says so.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import partial

from sqlalchemy import select

from portal.domain.attendance import BAND_WORDS, Summary, format_pct
from portal.domain.lateness import PERSISTENT_LATENESS_LATE, PERSISTENT_LATENESS_SESSIONS, recent_lateness
from portal.domain.policy_rules import Tier
from portal.extensions import db
from portal.models import Pupil, School, Site, StaffUser
from portal.services import NotFound
from portal.services import attendance, csv_files, oversight_figures, pupil_figures
from portal.services.oversight_figures import Figures, figures, from_sums  # noqa: F401 (where callers find them)
from portal.services.policies import trust_policy
from portal.services.permissions import schools_of

lateness = recent_lateness  # the rule lives in the domain; kept under its old name for callers


@dataclass(frozen=True)
class ListKind:
    key: str
    title: str
    description: str


LISTS = (
    ListKind("at_risk", "At risk of persistent absence",
             "Absence above the policy's at-risk line but under persistent absence."),
    ListKind("persistent_absence", "Persistent absence",
             "Absence of 10% or more this school year (severe absence included)."),
    ListKind("severe_absence", "Severe absence", "Absence of 50% or more this school year."),
    ListKind("penalty_threshold", "Penalty-notice threshold reached",
             "10 sessions of unauthorised absence within 10 school weeks: consider a penalty notice. "
             "A person decides."),
    ListKind("n_overdue", "N overdue for recoding",
             "Sessions still coded N after 5 school days: recode to the real reason, or to O."),
    ListKind("continuous_absence_10", "10 continuous school days of unauthorised absence",
             "Tell the local authority in the attendance return."),
    ListKind("deletion_consideration_20", "20 continuous school days (G, N or O only)",
             "Consider deletion from the register under ground (i), with the local authority."),
    ListKind("sickness_15", "Sickness: 15 days of illness",
             "Make a sickness return to the local authority."),
    ListKind("persistent_lateness", "Persistent lateness",
             f"Late (L or U) at {PERSISTENT_LATENESS_LATE} or more of the last {PERSISTENT_LATENESS_SESSIONS} "
             "sessions."),
    ListKind("local_leave_5_days", "Local penalty rule for term-time leave",
             "The local authority's own leave trigger (for example Nottingham's 5 consecutive days)."),
)
ALERT_LISTS = tuple(k.key for k in LISTS if k.key in attendance.ALERT_KINDS)

# Hook for the lists that come with later features: support plans will add "support plans due for review"
# (SUPPORT_PLANS_DUE_FOR_REVIEW) and term-time leave "leave decisions overdue" (LEAVE_DECISIONS_OVERDUE). The
# feature's service calls `register_list(ListKind(key, title, description), build)` when it is imported, where
# `build(overview) -> list[Entry]` picks its pupils from `overview.row_for(pupil_id)` (the selection's filters
# and the staff member's schools are already applied); the overview page, the list page and the CSV export then
# show it like the lists above. Nothing is registered until those features exist: no empty pages.
SUPPORT_PLANS_DUE_FOR_REVIEW = "support_plans_due_for_review"
LEAVE_DECISIONS_OVERDUE = "leave_decisions_overdue"
_EXTRA_LISTS: dict[str, tuple[ListKind, Callable[[Overview], list[Entry]]]] = {}


def register_list(kind: ListKind, build: Callable[[Overview], list[Entry]]) -> None:
    """Add a list (e.g. SUPPORT_PLANS_DUE_FOR_REVIEW) to the oversight pages and exports."""
    if kind.key in {k.key for k in LISTS}:
        raise ValueError(f"{kind.key} is already an oversight list")
    _EXTRA_LISTS[kind.key] = (kind, build)


def list_kinds() -> tuple[ListKind, ...]:
    return LISTS + tuple(kind for kind, _ in _EXTRA_LISTS.values())


def list_kind(key: str) -> ListKind:
    kind = next((k for k in list_kinds() if k.key == key), None)
    if kind is None:
        raise NotFound(f"no list called {key!r}")
    return kind


@dataclass(frozen=True)
class PupilRow:
    """One pupil with the figures the lists show."""

    pupil_id: int
    upn: str
    forename: str
    surname: str
    school_urn: str
    school_name: str
    site_name: str
    year_group: str
    registration_group: str
    vulnerable: bool
    on_roll: bool  # on roll on as_of (the lists); leavers count in the figures only
    summary: Summary
    band: str
    tier: Tier | None
    late: int  # late sessions among the last `late_of`
    late_of: int
    last_late: date | None
    alerts: tuple[dict, ...] = ()  # attendance.alerts' objects for this pupil (none if not on roll)

    @property
    def name(self) -> str:
        return f"{self.forename} {self.surname}"

    @property
    def attendance_pct(self) -> str:
        return format_pct(self.summary.attendance) or ""

    @property
    def absence_pct(self) -> str:
        return format_pct(self.summary.absence) or ""

    @property
    def days_missed(self) -> str:
        return f"{self.summary.days_missed:.1f}"

    @property
    def band_words(self) -> str:
        return BAND_WORDS[self.band]

    @property
    def tier_words(self) -> str:
        return f"Tier {self.tier.number}: {self.tier.name}" if self.tier else ""


@dataclass(frozen=True)
class Entry:
    row: PupilRow
    since: date | None
    detail: str


@dataclass
class Overview:
    as_of: date
    year_start: date
    schools: list[School]
    filters: dict[str, str]  # the filters in words, for headings and file names
    listed: list[PupilRow]  # the pupils on any built-in list (row objects only for them: a trust is 20,000 pupils)
    load_rows: Callable[[Iterable[int] | None], list[PupilRow]]  # rows of the selection: these ids, or all
    lists: dict[str, list[Entry]] = field(default_factory=dict)
    figures: list[Figures] = field(default_factory=list)
    alerts: list[dict] = field(default_factory=list)  # attendance.alerts for the selection, as the CLI prints them
    every_row: list[PupilRow] | None = None

    @property
    def kinds(self) -> tuple[ListKind, ...]:
        return tuple(k for k in list_kinds() if k.key in self.lists)

    @property
    def rows(self) -> list[PupilRow]:
        """Every enrolment of the year in the selection, loaded when first asked for (the pages show only the
        lists and the figures, so they never build 20,000 of these)."""
        if self.every_row is None:
            self.every_row = self.load_rows(None)
        return self.every_row

    def rows_for(self, pupil_ids: Iterable[int]) -> dict[int, PupilRow]:
        """The rows of these pupils that are in the selection (leavers of the year included), by pupil id."""
        wanted = set(pupil_ids)
        found = {r.pupil_id: r for r in (self.every_row or self.listed) if r.pupil_id in wanted}
        if wanted - found.keys() and self.every_row is None:
            found.update((r.pupil_id, r) for r in self.load_rows(wanted - found.keys()))
        return found

    def row_for(self, pupil_id: int) -> PupilRow | None:
        """A pupil's row, on roll on as_of and in the selection (for lists added with `register_list`)."""
        row = self.rows_for([pupil_id]).get(pupil_id)
        return row if row is not None and row.on_roll else None

    def pupils_on(self, key: str) -> int:
        """How many pupils a list holds (a pupil with two runs of 10 days has two entries, but is one pupil)."""
        return len({entry.row.upn for entry in self.lists.get(key, [])})


def overview(staff: StaffUser, as_of: date, school_urn: str | None = None, site_id: int | None = None,
             year_group: str | None = None, registration_group: str | None = None) -> Overview:
    """Every list and the figures for the staff member's schools (or one), narrowed by site, year and class."""
    schools = schools_of(staff)
    if school_urn:
        schools = [s for s in schools if s.urn == school_urn]
        if not schools:
            raise NotFound("no such school")  # another school looks like one that does not exist
    policies = {s.id: trust_policy(s.trust) for s in schools}
    schools = [s for s in schools if policies[s.id].school(s.urn) is not None]
    year_start, _ = attendance.school_year_of(as_of)
    filters = {}
    where = [Pupil.school_id.in_([s.id for s in schools]), Pupil.admission_date <= as_of,
             (Pupil.leaving_date.is_(None)) | (Pupil.leaving_date >= year_start)]
    if site_id:
        site = db.session.get(Site, site_id)
        if site is None or site.school_id not in {s.id for s in schools}:
            raise NotFound("no such site")
        where.append(Pupil.site_id == site_id)
        filters["site"] = site.name
    if year_group:
        where.append(Pupil.year_group == year_group)
        filters["year"] = f"Year group {year_group}"
    if registration_group:
        where.append(Pupil.registration_group == registration_group)
        filters["class"] = f"Class {registration_group}"
    school_of = {s.id: s for s in schools}
    kept, holds = oversight_figures.KEPT, oversight_figures.kept_figures_hold(as_of, schools)
    # Pupils without kept figures that hold (marks changed, a new day) are worked out and kept first, so that the
    # lists and the sums below can be read from kept figures alone.
    missing = db.session.execute(select(*PUPIL_COLUMNS).outerjoin(kept, holds)
                                 .where(*where, kept.c.pupil_id.is_(None))).all()
    pupil_figures.current(missing, school_of, as_of)
    # Row objects only for the pupils a built-in list can hold (the test `_flagged` makes on a row).
    flagged = (kept.c.alerts.is_not(None)) | (kept.c.band == "at_risk") | (kept.c.late >= PERSISTENT_LATENESS_LATE)
    on_roll = (Pupil.leaving_date.is_(None)) | (Pupil.leaving_date >= as_of)
    candidates = db.session.execute(select(*PUPIL_COLUMNS).join(kept, holds).where(*where, on_roll, flagged)).all()
    listed = _rows(candidates, pupil_figures.current(candidates, school_of, as_of), school_of, as_of)
    result = Overview(as_of, year_start, schools, filters, listed, partial(_load_rows, where, school_of, as_of))
    sums = oversight_figures.school_sums(where, holds)
    if sums is None:
        # Figures changed since, or could not be kept (another request, a busy database): the lists and the sums
        # from every row instead, as exact and slower.
        result.listed = [r for r in result.rows if _flagged(r)]
    on_roll_rows = {r.upn: r for r in result.listed if r.on_roll}
    # attendance.alerts' order: by UPN, then kind, then date.
    order = {kind: i for i, kind in enumerate(attendance.ALERT_KINDS)}
    result.alerts = sorted((alert for row in on_roll_rows.values() for alert in row.alerts),
                           key=lambda a: (a["upn"], order[a["kind"]], a["since"]))
    _fill_lists(result, on_roll_rows)
    _fill_figures(result, sums)
    return result


PUPIL_COLUMNS = (Pupil.id, Pupil.upn, Pupil.preferred_forename, Pupil.legal_forename, Pupil.legal_surname,
                 Pupil.school_id, Pupil.site_id, Pupil.year_group, Pupil.registration_group, Pupil.vulnerable,
                 Pupil.admission_date, Pupil.leaving_date)


def _flagged(row: PupilRow) -> bool:
    return row.on_roll and bool(row.alerts or row.band == "at_risk" or row.late >= PERSISTENT_LATENESS_LATE)


def _load_rows(where: list, school_of: dict[int, School], as_of: date,
               pupil_ids: Iterable[int] | None) -> list[PupilRow]:
    """Rows of the selection (`where`): of these pupils, or of every pupil."""
    if pupil_ids is None:
        pupils = db.session.execute(select(*PUPIL_COLUMNS).where(*where)).all()
    else:
        ids, step = sorted(set(pupil_ids)), pupil_figures.CHUNK
        pupils = [row for start in range(0, len(ids), step)
                  for row in db.session.execute(select(*PUPIL_COLUMNS).where(*where,
                                                                            Pupil.id.in_(ids[start:start + step])))]
    return _rows(pupils, pupil_figures.current(pupils, school_of, as_of), school_of, as_of)


def _rows(pupils: list, worked_out: dict[int, pupil_figures.Figures], school_of: dict[int, School],
          as_of: date) -> list[PupilRow]:
    """Each pupil with their figures, band and tier (kept by portal.services.pupil_figures)."""
    site_name = {site.id: site.name for s in school_of.values() for site in s.sites}
    rows = []
    for pupil in pupils:
        school, figures_of = school_of[pupil.school_id], worked_out[pupil.id]
        rows.append(PupilRow(
            pupil_id=pupil.id, upn=pupil.upn, forename=pupil.preferred_forename or pupil.legal_forename,
            surname=pupil.legal_surname, school_urn=school.urn, school_name=school.name,
            site_name=site_name.get(pupil.site_id, ""), year_group=pupil.year_group,
            registration_group=pupil.registration_group, vulnerable=bool(pupil.vulnerable),
            on_roll=pupil.leaving_date is None or pupil.leaving_date >= as_of,
            summary=figures_of.summary, band=figures_of.band, tier=figures_of.tier,
            late=figures_of.late, late_of=figures_of.late_of, last_late=figures_of.last_late,
            alerts=figures_of.alerts,
        ))
    rows.sort(key=lambda r: (r.school_name, r.surname, r.forename, r.upn))
    return rows


def _fill_lists(result: Overview, on_roll: dict[str, PupilRow]) -> None:
    # Worst first. Sorted on absent / possible as a float: exact fractions order the same (the denominators are a
    # year's sessions, far too small for two different fractions to meet as floats) at a fraction of the cost.
    by_absence = lambda e: (-(e.row.summary.absent / e.row.summary.possible if e.row.summary.possible else 0),  # noqa: E731
                            e.row.surname, e.row.forename, e.row.upn)
    by_since = lambda e: (e.since or date.min, e.row.surname, e.row.forename, e.row.upn)  # noqa: E731
    lists: dict[str, list[Entry]] = {kind.key: [] for kind in LISTS}
    for alert in result.alerts:
        lists[alert["kind"]].append(Entry(on_roll[alert["upn"]], date.fromisoformat(alert["since"]),
                                          alert["detail"]))
    for row in on_roll.values():
        if row.band == "at_risk":
            lists["at_risk"].append(Entry(row, None, f"Absence {row.absence_pct}% so far this school year: "
                                                     f"{row.days_missed} of {Decimal(row.summary.possible) / 2:.1f} "
                                                     "days missed."))
        if row.late >= PERSISTENT_LATENESS_LATE:
            lists["persistent_lateness"].append(Entry(
                row, row.last_late, f"Late at {row.late} of the last {row.late_of} sessions, most recently on "
                                    f"{row.last_late:%-d %B %Y}."))
    for key, entries in lists.items():
        if key in ("at_risk", "persistent_absence", "severe_absence"):
            entries.sort(key=by_absence)
        elif key == "persistent_lateness":
            entries.sort(key=lambda e: (-e.row.late, e.row.surname, e.row.forename, e.row.upn))
        else:
            entries.sort(key=by_since)
    if not any(p.penalties.local for p in (trust_policy(s.trust) for s in result.schools)):
        del lists["local_leave_5_days"]  # no local rule in these policies: the list could never fill
    result.lists = lists
    for key, (_, build) in _EXTRA_LISTS.items():
        result.lists[key] = build(result)


def _fill_figures(result: Overview, sums: dict[int, dict] | None) -> None:
    suffix = ", ".join(result.filters.values())
    labels = [f"{school.name}{': ' + suffix if suffix else ''}" for school in result.schools]
    whole = f"All your schools{': ' + suffix if suffix else ''}"
    if sums is None:
        for school, label in zip(result.schools, labels):
            result.figures.append(figures(label, [r.summary for r in result.rows if r.school_urn == school.urn]))
        if len(result.schools) > 1:
            result.figures.append(figures(whole, [r.summary for r in result.rows]))
        return
    for school, label in zip(result.schools, labels):
        result.figures.append(from_sums(label, [sums[school.id]] if school.id in sums else []))
    if len(result.schools) > 1:
        result.figures.append(from_sums(whole, sums.values()))


CSV_COLUMNS = ("upn", "surname", "forename", "school_urn", "school", "site", "year_group", "registration_group",
               "vulnerable", "attendance_pct", "absence_pct", "days_missed", "band", "tier", "since", "detail")


def list_csv(result: Overview, key: str) -> str:
    """One list as CSV (UTF-8, header row, ISO dates), in the order the page shows it."""
    list_kind(key)
    out = io.StringIO()
    writer = csv_files.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for entry in result.lists.get(key, []):
        row = entry.row
        writer.writerow((
            row.upn, row.surname, row.forename, row.school_urn, row.school_name, row.site_name, row.year_group,
            row.registration_group, "Y" if row.vulnerable else "N", row.attendance_pct, row.absence_pct,
            row.days_missed, row.band, row.tier.number if row.tier else "",
            entry.since.isoformat() if entry.since else "", entry.detail))
    return out.getvalue()

