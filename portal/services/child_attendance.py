"""One child's attendance page, for a parent: the figures, what they mean in days, and the register itself.

`child_attendance(pupil, as_of)` assembles everything the page shows, so the template words figures it is given
and never computes one. Every figure comes from `portal.domain`: the summary and band from `summarise` and
`band`, percentages from `format_pct`, "what happens next" from `days_until_below` over the sessions left in
the school year by the school's calendar, the support stage from `tier`. Days are sessions / 2 (domain.md
Part A point 2); a child with no possible sessions has no percentage ("not yet"). The register as a parent reads
it (a week to a row, and its key) is portal.services.child_register's.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction

from sqlalchemy import func, select

from portal.domain.attendance import (BAND_WORDS, Summary, attendance_at, band, days_until_below, format_pct,
                                      sessions_as_days, summarise, tier)
from portal.domain.calendar import AM, PM, SchoolCalendar, monday_of
from portal.domain.marks import SESSION_ORDER
from portal.domain.mis_feed import when_words
from portal.domain.nudges import projected_days
from portal.domain.marks import Mark as DomainMark
from portal.domain.policy import School as SchoolPolicy
from portal.domain.policy import Site as SitePolicy
from portal.domain.policy_rules import Bands, Tier
from portal.extensions import db
from portal.models import Mark, Pupil
from portal.services import data_arrivals, pupil_figures
from portal.services.attendance import pupil_attendance, school_year_of
from portal.services.child_register import Key, RegisterWeek, register
from portal.services.child_register import key as register_key
from portal.services.policies import trust_policy

# The GOV.UK tag colour of each band (its words are portal.domain.attendance.BAND_WORDS).
BAND_TAGS = {
    "on_target": "govuk-tag--green",
    "below_target": "govuk-tag--yellow",
    "at_risk": "govuk-tag--orange",
    "persistent": "govuk-tag--red",
    "severe": "govuk-tag--red",
    "none": "govuk-tag--grey",
}
# Bands in which the page says what support the school offers.
SUPPORT_BANDS = frozenset({"at_risk", "persistent", "severe"})


# ---------------------------------------------------------------- what the page holds


@dataclass(frozen=True)
class Days:
    """A number of sessions, with its meaning in days (sessions / 2) in words: "1 day", "half a day", "2.5 days"."""

    sessions: int

    @property
    def days(self) -> Decimal:
        return sessions_as_days(self.sessions)

    @property
    def words(self) -> str:
        if self.sessions == 1:
            return "half a day"
        if self.sessions == 2:
            return "1 day"
        return f"{plain(self.days)} days"

    def __str__(self) -> str:
        return self.words


@dataclass(frozen=True)
class Outlook:
    """What happens next against one attendance line (the target, or where persistent absence begins).

    `days` is `days_until_below`: how many more whole days off this school year would leave attendance below
    `line` at the end of it (0: below it however well the rest of the year goes; None: not reachable)."""

    kind: str  # "target" or "persistent"
    line: str  # the attendance percentage, as the policy writes it: "97", "90"
    below_now: bool
    days: int | None

    @property
    def days_words(self) -> str | None:
        return None if self.days is None else f"{self.days} more day{'' if self.days == 1 else 's'}"


@dataclass(frozen=True)
class TrendPoint:
    """Attendance so far this school year at the end of one school week (cumulative, from the first session)."""

    week_beginning: date
    attendance: Fraction  # the domain's exact figure: attended / possible
    text: str  # format_pct: "95.0%"
    possible: int

    @property
    def label(self) -> str:
        return short_date(self.week_beginning)

    @property
    def percent(self) -> str:
        """The figure as a number, "95.0": a page puts it in words in its language."""
        return self.text.removesuffix("%")

    @property
    def value(self) -> Fraction:  # what portal.web.charts plots
        return self.attendance


@dataclass(frozen=True)
class Support:
    """The school's support stages (policy tiers), shown when the band is at risk or worse."""

    tiers: tuple[Tier, ...]  # in order, lowest first
    matching: Tier | None  # the stage the figures match (domain `tier`), if the policy makes it computable

    @property
    def shown(self) -> tuple[Tier, ...]:
        """The stages up to the one the figures match (all of them if none is computable)."""
        if self.matching is None:
            return self.tiers
        return tuple(t for t in self.tiers if t.number <= self.matching.number)

    @property
    def later(self) -> tuple[Tier, ...]:
        """Stages beyond the matching one: a person decides on those, so the page keeps them folded away."""
        return self.tiers[len(self.shown):]


@dataclass(frozen=True)
class ChildAttendance:
    pupil_id: int
    name: str
    forename: str
    school_name: str
    school_phone: str
    school_email: str
    period_start: date
    period_end: date  # as_of, or the leaving date
    year_end: date  # the last day of this school year, or the leaving date
    summary: Summary
    bands: Bands
    band: str  # one of portal.domain.attendance.BANDS
    # Display strings from format_pct; None when there is nothing to measure yet ("not yet").
    attendance_pct: str | None
    absence_pct: str | None
    authorised_pct: str | None
    unauthorised_pct: str | None
    possible: Days
    attended: Days
    missed: Days
    authorised: Days
    unauthorised: Days
    illness: Days
    reason_pending: int  # sessions coded N: the school does not know the reason yet
    late_before_close: int  # L: counted as present
    late_after_close: int  # U: counted as unauthorised absence
    registers_close: dict[str, time]  # session -> when its register closes at the child's site, if known
    remaining: Days | None  # sessions still to come this school year; None if the calendar does not say
    full_attendance_pct: str | None  # attendance at the end of the year if the child misses no more sessions
    outlook: tuple[Outlook, ...]
    support: Support | None
    register: tuple[RegisterWeek, ...]  # newest week first: every week, or the latest `register_weeks` asked for
    key: Key  # the codes in `register`, each explained once, and its days without school
    earlier_weeks: bool  # the register holds weeks before those in `register`
    trend: tuple[TrendPoint, ...]  # oldest week first
    last_updated: datetime | None  # the newest Mark.recorded_at for this child
    last_marked: date | None  # the date of the latest mark this school year
    lateness_wording: str | None  # the school's own words about lateness, from the policy
    left_on: date | None = None  # the leaving date, once it has passed: the figures are final
    register_as_of: str | None = None  # "09:42 today": when the school's register data last came from its MIS

    @property
    def measured(self) -> bool:
        return self.attendance_pct is not None

    @property
    def band_words(self) -> str:
        return BAND_WORDS[self.band]

    @property
    def band_tag(self) -> str:
        return BAND_TAGS[self.band]

    @property
    def target(self) -> str:
        return plain(self.bands.target)

    @property
    def persistent_line(self) -> str:
        """The absence % at which persistent absence begins: "10"."""
        return plain(self.bands.persistent_absence)

    @property
    def persistent_attendance(self) -> Decimal:
        """The attendance % at or below which absence is persistent: 100 - 10 = 90."""
        return attendance_at(self.bands.persistent_absence)

    @property
    def persistent_attendance_line(self) -> str:
        return plain(self.persistent_attendance)

    @property
    def severe_line(self) -> str:
        return plain(self.bands.severe_absence)

    @property
    def at_risk_absence_over(self) -> str | None:
        return plain(self.bands.at_risk_absence_over) if self.bands.at_risk_absence_over is not None else None

    @property
    def at_risk_days_from(self) -> str | None:
        value = self.bands.at_risk_days_missed_from
        return plain(value) if value is not None else None

    @property
    def projected(self) -> Days | None:
        """Days missed by the end of the school year if the rest of it goes as it has so far: the trajectory the
        half-termly message states (portal.domain.nudges.projected_days), whole days."""
        if self.remaining is None or not self.remaining.sessions:
            return None
        found = projected_days(self.summary, self.remaining.sessions)
        return None if found is None else Days(int(found) * 2)

    @property
    def year_finished(self) -> bool:
        return self.remaining is not None and self.remaining.sessions == 0


# ---------------------------------------------------------------- at a glance


@dataclass(frozen=True)
class Glance:
    """A child's year so far in a sentence, for the parent's home page."""

    school_name: str
    summary: Summary
    json: dict  # the `attendance summary --json` object

    @property
    def missed(self) -> Days:
        """Time missed in the child page's words ("1 day", "half a day"), not the JSON's "1.0"."""
        return Days(self.summary.absent)


def at_a_glance(pupils: list[Pupil], as_of: date) -> list[Glance]:
    """Each child's figures for the school year up to `as_of`, from the figures kept for oversight
    (portal.services.pupil_figures): the home page reads one row a child, not the year's register."""
    kept = pupil_figures.current(pupils, {p.school_id: p.school for p in pupils}, as_of)
    glances = []
    for pupil in pupils:
        if pupil.id in kept:
            summary = kept[pupil.id].summary
            glances.append(Glance(pupil.school.name, summary, summary.as_json_dict(pupil.upn, bands=summary.bands)))
        else:  # a school its trust's policy no longer holds: worked out as the command line does
            found = pupil_attendance(pupil.upn, as_of=as_of)
            glances.append(Glance(found.school_name, found.summary, found.json))
    return glances


# ---------------------------------------------------------------- assembly


def child_attendance(pupil: Pupil, as_of: date, register_weeks: int | None = None) -> ChildAttendance:
    """The page's figures for `pupil` over the school year holding `as_of`, up to `as_of`.

    The period runs from the later of 1 September and the admission date to the earlier of `as_of` and the
    leaving date. The register holds every week of it, or only the latest `register_weeks` (the attendance page
    shows a month; the register page the year). The caller has checked that the signed-in parent may see this
    child."""
    year_start, year_last = school_year_of(as_of)
    policy = trust_policy(pupil.school.trust)
    school = policy.school(pupil.school.urn)
    calendar = school.calendar if school is not None else None
    start = max(year_start, pupil.admission_date)
    end = min(as_of, pupil.leaving_date) if pupil.leaving_date else as_of
    year_end = min(year_last, pupil.leaving_date) if pupil.leaving_date else year_last

    rows = list(db.session.execute(
        select(Mark.date, Mark.session, Mark.code, Mark.minutes_late)
        .where(Mark.pupil_id == pupil.id, Mark.date >= start, Mark.date <= end)
        .order_by(Mark.date, Mark.session)
    ))
    marks = [DomainMark(r.date, r.session, r.code, r.minutes_late) for r in rows]
    marks.sort(key=lambda m: m.key)
    last_updated = db.session.scalar(select(func.max(Mark.recorded_at)).where(Mark.pupil_id == pupil.id))

    bands = policy.bands
    summary = summarise(marks, start=year_start, end=as_of, admission=pupil.admission_date,
                        leaving=pupil.leaving_date, bands=bands)
    current_band = band(summary, bands)
    remaining = _remaining_sessions(calendar, marks, start, year_end)
    measured = summary.possible > 0

    outlook: tuple[Outlook, ...] = ()
    full_pct = None
    if measured and remaining is not None and remaining > 0:
        outlook = _outlook(summary, bands, current_band, remaining)
        # No more sessions missed: every remaining session attended (the domain's own arithmetic on a Summary).
        full_pct = format_pct(replace(summary, possible=summary.possible + remaining,
                                      attended=summary.attended + remaining).attendance)

    register_from = start
    if register_weeks is not None:
        register_from = monday_of(max(end, start)) - timedelta(weeks=register_weeks - 1)

    support = None
    if current_band in SUPPORT_BANDS and policy.tiers:
        ordered = tuple(sorted(policy.tiers, key=lambda t: t.number))
        matching = tier(summary, ordered)
        # Only a stage the policy makes computable is named as matching; the universal one applies to everyone.
        support = Support(ordered, matching if matching is not None and matching.absence_over is not None
                          else None)

    weeks = register(marks, calendar, policy, max(start, register_from), end)
    return ChildAttendance(
        pupil_id=pupil.id,
        name=pupil.name,
        forename=pupil.forename,
        school_name=school.name if school is not None else pupil.school.name,
        school_phone=school.phone if school is not None else pupil.school.phone,
        school_email=school.email if school is not None else pupil.school.email,
        period_start=start,
        period_end=end,
        year_end=year_end,
        summary=summary,
        bands=bands,
        band=current_band,
        attendance_pct=format_pct(summary.attendance),
        absence_pct=format_pct(summary.absence),
        authorised_pct=format_pct(summary.authorised_rate),
        unauthorised_pct=format_pct(summary.unauthorised_rate),
        possible=Days(summary.possible),
        attended=Days(summary.attended),
        missed=Days(summary.absent),
        authorised=Days(summary.authorised),
        unauthorised=Days(summary.unauthorised),
        illness=Days(summary.by_code.get("I", 0)),
        reason_pending=summary.by_code.get("N", 0),
        late_before_close=summary.late_before_close,
        late_after_close=summary.late_after_close,
        registers_close=_registers_close(pupil, school),
        remaining=Days(remaining) if remaining is not None else None,
        full_attendance_pct=full_pct,
        outlook=outlook,
        support=support,
        register=weeks,
        key=register_key(weeks),
        earlier_weeks=register_from > start,
        trend=_trend(marks, bands, year_start, as_of, pupil),
        last_updated=last_updated,
        last_marked=marks[-1].date if marks else None,
        lateness_wording=policy.wording.get("lateness"),
        left_on=pupil.leaving_date if pupil.leaving_date and pupil.leaving_date <= as_of else None,
        register_as_of=_register_as_of(pupil, as_of),
    )


def _register_as_of(pupil: Pupil, as_of: date) -> str | None:
    arrived = data_arrivals.register_as_of(pupil.school_id)
    return when_words(arrived, as_of) if arrived else None


def _remaining_sessions(calendar: SchoolCalendar | None, marks: list[DomainMark], start: date,
                        year_end: date) -> int | None:
    """Sessions of the school calendar still to come this school year: those after the latest mark.

    Sessions up to today that the register does not hold yet count as still to come, so a register that lags a
    day behind does not lose them. None when the calendar holds no school day this year (nothing to go on)."""
    if calendar is None or not calendar.school_days(start, year_end):
        return None
    last = (marks[-1].date, SESSION_ORDER[marks[-1].session]) if marks else None
    return sum(1 for day, session in calendar.sessions(start, year_end)
               if last is None or (day, SESSION_ORDER[session]) > last)


def _outlook(summary: Summary, bands: Bands, current_band: str, remaining: int) -> tuple[Outlook, ...]:
    """Against the target while the child is on it; always against the line where persistent absence begins."""
    found = []
    if current_band == "on_target":
        found.append(Outlook("target", plain(bands.target), False,
                             days_until_below(summary, bands.target, remaining)))
    persistent_line = Decimal(100) - bands.persistent_absence  # persistent absence: attendance at or below this
    found.append(Outlook("persistent", plain(persistent_line), summary.persistent_absence,
                         days_until_below(summary, persistent_line, remaining)))
    return tuple(found)


def _registers_close(pupil: Pupil, school: SchoolPolicy | None) -> dict[str, time]:
    site: SitePolicy | None = None
    if school is not None:
        if pupil.site is not None:
            site = school.site(pupil.site.slug)
        elif len(school.sites) == 1:
            site = school.sites[0]
    if site is None or site.am is None or site.pm is None:
        return {}
    return {AM: site.am.register_closes, PM: site.pm.register_closes}


def _trend(marks: list[DomainMark], bands: Bands, year_start: date, as_of: date,
           pupil: Pupil) -> tuple[TrendPoint, ...]:
    """Cumulative attendance at the end of each school week that holds a mark, from the domain's summary.

    The domain's counts add up over separate periods, so each week is summarised once and the weeks are added
    (summarising the whole year to date at every week made a July page 39 passes over the year's marks)."""
    by_week: dict[date, list[DomainMark]] = {}
    for mark in marks:
        by_week.setdefault(monday_of(mark.date), []).append(mark)
    points = []
    attended = possible = 0
    for monday in sorted(by_week):
        week = summarise(by_week[monday], start=max(year_start, monday), end=min(monday + timedelta(days=6), as_of),
                         admission=pupil.admission_date, leaving=pupil.leaving_date, bands=bands)
        attended, possible = attended + week.attended, possible + week.possible
        if possible == 0:
            continue
        so_far = Fraction(attended, possible)
        points.append(TrendPoint(monday, so_far, f"{format_pct(so_far)}%", possible))
    return tuple(points)


# ---------------------------------------------------------------- words


def plain(value: Decimal | int) -> str:
    """A policy number as people write it: 97 -> "97", 96.50 -> "96.5", 10 -> "10" (never "1E+1")."""
    return f"{Decimal(value).normalize():f}"


def short_date(day: date) -> str:
    """ "1 Sep" """
    return f"{day.day} {day:%b}"
