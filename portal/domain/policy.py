"""A trust's policy, as loaded from its TOML file (format: docs/policy-format.md).

`load_policy(source)` returns the policy and every problem found (errors, warnings about the national 2024 rules,
and the seed conflicts the file records). A policy with errors is None: nothing half-read is ever used.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from portal.domain import codes
from portal.domain.calendar import Closure, SchoolCalendar, Term
from portal.domain.nudge_rules import NudgeRules, read_nudges
from portal.domain.legal_notices import WORDING_KEYS, NoticeWording, improvement_weeks_problem, wording_problem
from portal.domain.policy_file import ERROR, Problem, Reader, key_lines, parse_toml
from portal.domain.policy_examples import ExampleValue, read_example_values
from portal.domain.policy_links import ParentLinks, read_links
from portal.domain.policy_rules import (
    CONTACT_ACTIONS,
    DECISION_UNITS,
    NOTICE_UNITS,
    ROLES,
    AbsenceReporting,
    Bands,
    ContactStep,
    Fines,
    FollowUpRules,
    LeaveRules,
    LocalPenaltyRule,
    PenaltyRules,
    Retention,
    SessionTimes,
    Tier,
)
from portal.domain.support_plan import ALP_APPENDIX_1, PlanTemplate, parse_template
from portal.domain.wording import with_wording_filled

SCHEMA = 1


@dataclass(frozen=True)
class TrustInfo:
    name: str
    short_name: str
    slug: str
    website: str | None = None
    mis: str | None = None


@dataclass(frozen=True)
class Site:
    name: str
    slug: str
    am: SessionTimes
    pm: SessionTimes
    year_groups: tuple[str, ...] = ()

    def times(self, session: str) -> SessionTimes:
        return self.am if session == "AM" else self.pm


@dataclass(frozen=True)
class CalendarInfo:
    key: str
    authority: str
    source: str
    status: str  # "published" or "realistic"
    terms: tuple[tuple[str, Term], ...]  # (school year, term)


@dataclass(frozen=True)
class School:
    urn: str
    name: str
    slug: str
    local_authority: str
    calendar_info: CalendarInfo
    calendar: SchoolCalendar
    sites: tuple[Site, ...]
    phone: str
    email: str
    address: str
    website: str | None = None
    headteacher: str | None = None

    def site(self, slug: str) -> Site | None:
        return next((s for s in self.sites if s.slug == slug), None)


@dataclass(frozen=True)
class Conflict:
    key: str
    chosen: str
    also_stated: str
    source: str
    reason: str


@dataclass(frozen=True)
class Roles:
    authorise_absence: frozenset[str]
    decide_leave: frozenset[str]
    draft_support_plans: frozenset[str] = frozenset({"attendance_officer", "senior_leader", "headteacher"})
    # Notices to improve, penalty-notice decisions, case files: issue 18 names senior leaders and heads.
    legal_action: frozenset[str] = frozenset({"senior_leader", "headteacher"})


@dataclass(frozen=True)
class Policy:
    trust: TrustInfo
    schools: tuple[School, ...]
    bands: Bands
    tiers: tuple[Tier, ...]
    absence_reporting: AbsenceReporting
    medical_appointment_code: str
    leave: LeaveRules
    penalties: PenaltyRules
    follow_up: FollowUpRules
    first_day_contact: tuple[ContactStep, ...]
    roles: Roles
    retention: Retention
    wording: dict[str, str] = field(default_factory=dict)
    code_wording: dict[str, str] = field(default_factory=dict)
    conflicts: tuple[Conflict, ...] = ()
    support_plan: PlanTemplate = ALP_APPENDIX_1  # [support_plan]: the attendance support plan's template
    example_values: tuple[ExampleValue, ...] = ()
    links: ParentLinks = ParentLinks()  # where parents are pointed: full policy, attendance lead, LA, DPO
    nudges: NudgeRules = field(default_factory=NudgeRules)  # [nudges]: messages to parents (nudge_rules.py)
    notice_wording: NoticeWording = NoticeWording()  # [notice_to_improve]: the letter's own paragraphs

    def school(self, urn: str) -> School | None:
        return next((s for s in self.schools if s.urn == urn), None)


def load_policy(source: str, today: date | None = None) -> tuple[Policy | None, list[Problem]]:
    """`today`, when given, adds the warnings that depend on the date (`policy check`: term dates running out)."""
    data, problems = parse_toml(source)
    if data is None:
        return None, problems
    reader = Reader(data, (), problems, key_lines(source))
    policy = _policy(reader)
    from portal.domain.policy_checks import dated_warnings, national_warnings

    problems.extend(national_warnings(policy, reader))
    if today is not None:
        problems.extend(dated_warnings(policy, reader, today))
    if any(p.level == ERROR for p in problems):
        return None, problems
    return policy, problems


def _policy(r: Reader) -> Policy:
    schema = r.int("schema")
    if schema is not None and schema != SCHEMA:
        r.error("schema", f"this portal reads schema {SCHEMA}, not {schema}")
    trust = _trust(r.table("trust", required=True))
    calendars = _calendars(r.table("calendars", required=True))
    schools = _schools(r, calendars)
    reporting = r.table("absence_reporting")
    register = r.table("register")
    leave = _leave(r.table("leave", required=True))
    roles_table = r.table("roles", required=True)
    wording = r.table("wording")
    attendance = r.table("attendance", required=True)
    policy = Policy(
        trust=trust,
        schools=schools,
        bands=_bands(attendance),
        tiers=tuple(_tier(t) for t in attendance.tables("tiers")),
        absence_reporting=AbsenceReporting(
            report_by=reporting.time("report_by", AbsenceReporting.report_by),
            every_day=reporting.bool("every_day", True),
            max_days_past=reporting.int("max_days_past", 5),
            max_days_ahead=reporting.int("max_days_ahead", 60),
            evidence_accepted=tuple(_strings(reporting, "evidence_accepted")),
        ),
        medical_appointment_code=_code(register, "medical_appointment_with_evidence", "M"),
        leave=leave,
        penalties=_penalties(r.table("penalties")),
        follow_up=_follow_up(r.table("follow_up")),
        first_day_contact=tuple(_contact_step(t) for t in r.tables("first_day_contact")),
        roles=Roles(
            authorise_absence=_roles(roles_table, "authorise_absence", required=True),
            decide_leave=_roles(roles_table, "decide_leave", required=True),
            draft_support_plans=_roles(roles_table, "draft_support_plans") or Roles.draft_support_plans,
            legal_action=_roles(roles_table, "legal_action") or Roles.legal_action,
        ),
        retention=_retention(r.table("retention")),
        wording={k: wording.str(k) for k in wording.data if k != "codes" and isinstance(wording.data[k], str)},
        code_wording=_code_wording(wording),
        conflicts=tuple(_conflict(t) for t in r.tables("conflicts")),
        support_plan=_support_plan(r.table("support_plan")),
        example_values=read_example_values(r),
        links=read_links(r),
        nudges=read_nudges(r.table("nudges")),
        notice_wording=_notice_wording(r.table("notice_to_improve")),
    )
    for table in (reporting, register, roles_table, attendance, wording):
        table.done()
    r.done()
    return with_wording_filled(policy, r)


def _trust(t: Reader) -> TrustInfo:
    info = TrustInfo(
        name=t.str("name"),
        short_name=t.str("short_name"),
        slug=t.slug("slug"),
        website=t.str("website", required=False),
        mis=t.str("mis", required=False),
    )
    t.done()
    return info


def _calendars(t: Reader) -> dict[str, CalendarInfo]:
    calendars = {}
    for key in list(t.data):
        c = t.table(key)
        entries = []  # (year, term, reader)
        for entry in c.tables("terms", required=True):
            year, name = entry.str("year"), entry.str("name")
            starts, ends = entry.date("starts"), entry.date("ends")
            entry.done()
            if starts and ends and ends < starts:
                entry.error("ends", f"{ends} is before the term starts ({starts})")
            elif starts and ends and year and name:
                entries.append((year, Term(name, starts, ends), entry))
        entries.sort(key=lambda e: e[1].starts)
        for (_, a, _), (_, b, entry) in zip(entries, entries[1:]):
            if b.starts <= a.ends:
                entry.error("starts", f"{b.name} starts {b.starts}, before {a.name} ends ({a.ends})")
        calendars[key] = CalendarInfo(
            key=key,
            authority=c.str("authority"),
            source=c.str("source"),
            status=c.choice("status", ("published", "realistic")),
            terms=tuple((year, term) for year, term, _ in entries),
        )
        c.done()
    return calendars


def _schools(r: Reader, calendars: dict[str, CalendarInfo]) -> tuple[School, ...]:
    schools = []
    seen_urns: set[str] = set()
    for s in r.tables("schools", required=True):
        urn = s.str("urn")
        if urn is not None and not (len(urn) == 6 and urn.isdigit()):
            s.error("urn", f"{urn!r} is not a URN: six digits, as on Get Information About Schools")
        elif urn in seen_urns:
            s.error("urn", f"URN {urn} is listed twice")
        seen_urns.add(urn)
        key = s.str("calendar")
        info = calendars.get(key)
        if key is not None and info is None:
            s.error("calendar", f"no calendar called {key!r}; add [calendars.{key}] or use one of: "
                    f"{', '.join(calendars) or 'none defined'}")
        inset = []
        for index, value in enumerate(s.list("inset_days")):
            if not isinstance(value, date):
                s.error("inset_days", f"entry {index + 1} ({value!r}) should be a date like 2026-09-01")
            else:
                inset.append(value)
        closures = tuple(_closure(c) for c in s.tables("closures"))
        sites = tuple(_site(site) for site in s.tables("sites", required=True))
        if len({site.slug for site in sites}) != len(sites):
            s.error("sites", "two sites share a slug")
        terms = tuple(term for _, term in info.terms) if info else ()
        schools.append(
            School(
                urn=urn,
                name=s.str("name"),
                slug=s.slug("slug"),
                local_authority=s.str("local_authority"),
                calendar_info=info,
                calendar=SchoolCalendar(terms=terms, inset_days=frozenset(inset),
                                        closures=tuple(c for c in closures if c)),
                sites=sites,
                phone=s.str("phone"),
                email=s.str("email"),
                address=s.str("address"),
                website=s.str("website", required=False),
                headteacher=s.str("headteacher", required=False),
            )
        )
        s.done()
    return tuple(schools)


def _closure(c: Reader) -> Closure | None:
    name, starts = c.str("name"), c.date("starts")
    ends = c.date("ends", required=False) or starts
    session = c.choice("session", ("AM", "PM"), default="") or None
    c.done()
    if starts and ends and ends < starts:
        c.error("ends", f"{ends} is before the closure starts ({starts})")
        return None
    return Closure(name, starts, ends, session) if name and starts else None


def _site(s: Reader) -> Site:
    site = Site(
        name=s.str("name"),
        slug=s.slug("slug"),
        am=_session(s.table("am", required=True)),
        pm=_session(s.table("pm", required=True)),
        year_groups=tuple(_strings(s, "year_groups")),
    )
    s.done()
    return site


def _session(t: Reader) -> SessionTimes | None:
    times = [t.time(k) for k in ("doors_open", "late_from", "register_closes", "ends")]
    t.done()
    if None in times:
        return None
    keys = ("doors_open", "late_from", "register_closes", "ends")
    for (k1, a), (k2, b) in zip(zip(keys, times), list(zip(keys, times))[1:]):
        if b < a:
            t.error(k2, f"{b:%H:%M} is earlier than {k1} ({a:%H:%M}); the order is "
                    "doors_open, late_from, register_closes, ends")
            return None
    return SessionTimes(*times)


def _bands(t: Reader) -> Bands:
    at_risk = t.table("at_risk")
    bands = Bands(
        target=t.pct("target"),
        persistent_absence=t.pct("persistent_absence", Decimal(10)),
        severe_absence=t.pct("severe_absence", Decimal(50)),
        at_risk_absence_over=at_risk.pct("absence_over", required=False),
        at_risk_days_missed_from=Decimal(v) if (v := at_risk.int("days_missed_from", 0)) else None,
    )
    if bands.at_risk_absence_over and bands.at_risk_days_missed_from:
        t.error("at_risk", "give either absence_over or days_missed_from, not both")
    if not at_risk.data:
        bands = Bands(bands.target, bands.persistent_absence, bands.severe_absence)
    at_risk.done()
    return bands


def _tier(t: Reader) -> Tier:
    tier = Tier(
        number=t.int("number", minimum=1),
        name=t.str("name"),
        applies_to=t.str("for"),
        description=t.str("description", ""),
        absence_over=t.pct("absence_over", required=False),
    )
    t.done()
    return tier


def _leave(t: Reader) -> LeaveRules:
    rules = LeaveRules(
        notice=t.int("notice"),
        notice_unit=t.choice("notice_unit", NOTICE_UNITS),
        decision_within=t.int("decision_within"),
        decision_unit=t.choice("decision_unit", DECISION_UNITS),
        attendance_bar=t.pct("attendance_bar", required=False),
        attendance_bar_effect=t.choice("attendance_bar_effect", ("refuse", "flag"), "flag"),
        past_attendance_considered=t.bool("past_attendance_considered", True),
        evidence=t.choice("evidence", ("with_request", "required", "optional")),
        deciders=_roles(t, "deciders", required=True),
        previous_leave_months=t.int("previous_leave_months", 12),
        late_return=t.choice("late_return", ("unauthorise_missed", "may_unauthorise_whole_period"),
                             "unauthorise_missed"),
        approved_code=_code(t, "approved_code", "C"),
        refused_code=_code(t, "refused_code", "G"),
    )
    t.done()
    return rules


def _penalties(t: Reader) -> PenaltyRules:
    fines = Fines(
        first_early=t.int("first_notice_early", 80),
        first_early_days=t.int("first_notice_early_days", 21),
        first_full=t.int("first_notice_full", 160),
        first_full_days=t.int("first_notice_full_days", 28),
        second=t.int("second_notice", 160),
        repeat_window_years=t.int("repeat_window_years", 3),
    )
    local = None
    if t.has("local"):
        lt = t.table("local")
        local = LocalPenaltyRule(
            name=lt.str("name"),
            consecutive_leave_days=lt.int("consecutive_leave_days", 5, minimum=1),
            adjacent_to_holiday_days=lt.int("adjacent_to_holiday_days", 0) or None,
            inset_counts=lt.bool("inset_counts", True),
        )
        lt.done()
    rules = PenaltyRules(
        threshold_sessions=t.int("threshold_sessions", 10, minimum=1),
        window_school_weeks=t.int("window_school_weeks", 10, minimum=1),
        counted_codes=frozenset(_unauthorised_codes(t, "counted_codes")) or PenaltyRules.counted_codes,
        pending_codes=frozenset(_codes(t, "pending_codes")) if t.has("pending_codes")
        else PenaltyRules.pending_codes,
        fines=fines,
        local=local,
        notice_to_improve_weeks=_improvement_weeks(t),
    )
    t.done()
    return rules


def _improvement_weeks(t: Reader) -> int:
    weeks = t.int("notice_to_improve_weeks", PenaltyRules.notice_to_improve_weeks)
    problem = improvement_weeks_problem(weeks)
    if problem:
        t.error("notice_to_improve_weeks", problem)
        return PenaltyRules.notice_to_improve_weeks
    return weeks


def _follow_up(t: Reader) -> FollowUpRules:
    rules = FollowUpRules(
        n_recode_after=t.int("n_recode_after", 5, minimum=1),
        continuous_unauthorised=t.int("continuous_unauthorised", 10, minimum=1),
        deletion_consideration=t.int("deletion_consideration", 20, minimum=1),
        sickness_days=t.int("sickness_days", 15, minimum=1),
        cme_referral_days=t.int("cme_referral_days", 0) or None,
    )
    t.done()
    return rules


def _contact_step(t: Reader) -> ContactStep:
    step = ContactStep(
        action=t.choice("action", CONTACT_ACTIONS),
        who=t.choice("who", ROLES),
        description=t.str("description"),
        at=t.time("at", default=None) if t.has("at") else None,
        condition=t.str("condition", required=False),
    )
    if step.condition is not None and not step.condition.startswith(("if ", "when ", "unless ")):
        t.error("condition", f"{step.condition!r} should start with \"if\", \"when\" or \"unless\", as parents "
                "read it before the step: \"if there are welfare concerns\"")
    t.done()
    return step


def _retention(t: Reader) -> Retention:
    retention = Retention(
        register_years=t.int("register_years", 6),
        absence_reports_years=t.int("absence_reports_years", 6),
        leave_requests_years=t.int("leave_requests_years", 6),
        evidence_years=t.int("evidence_years", 1),
    )
    t.done()
    return retention


def _support_plan(t: Reader) -> PlanTemplate:
    """[support_plan]: the plan template (portal/domain/support_plan.py); keys left out are ALP Appendix 1's."""
    template, problems = parse_template(t.data)
    for key, message in problems:
        t.error(key or None, message)
    t.seen.update(t.data)  # parse_template reports unknown keys itself
    return template


def _notice_wording(t: Reader) -> NoticeWording:
    """[notice_to_improve]: the letter's paragraphs in the school's words; left out, the portal's own."""
    values = {}
    for key in WORDING_KEYS:
        text = t.str(key, required=False)
        if text is None or not text.strip():  # (the reader reports an empty one)
            continue
        problem = wording_problem(text)
        if problem:
            t.error(key, problem)
        else:
            values[key] = " ".join(text.split())
    t.done()
    return NoticeWording(**values)


def _conflict(t: Reader) -> Conflict:
    conflict = Conflict(
        key=t.str("key"),
        chosen=t.str("chosen"),
        also_stated=t.str("also_stated"),
        source=t.str("source"),
        reason=t.str("reason"),
    )
    t.done()
    return conflict


def _strings(t: Reader, key: str) -> list[str]:
    values = t.list(key)
    for index, value in enumerate(values):
        if not isinstance(value, str):
            t.error(key, f"entry {index + 1} ({value!r}) should be text in quotes")
    return [v for v in values if isinstance(v, str)]


def _roles(t: Reader, key: str, required: bool = False) -> frozenset[str]:
    roles = _strings(t, key) if t.has(key) or not required else t.list(key, required=True)
    for role in roles:
        if role not in ROLES:
            t.error(key, f"{role!r} is not a role; roles are: {', '.join(ROLES)}")
    return frozenset(r for r in roles if r in ROLES)


def _check_code(t: Reader, key: str, value: str) -> bool:
    """Retired codes warn (the 2024 replacement is named); unknown codes are errors."""
    value = codes.normalise(value)
    if value in codes.RETIRED:
        t.warn(key, f"{value!r} was retired in August 2024: {codes.RETIRED[value]}")
        return False
    problem = codes.check_code(value)
    if problem:
        t.error(key, problem)
        return False
    return True


def _code(t: Reader, key: str, default: str) -> str:
    value = t.str(key, default)
    return value if value is not None and _check_code(t, key, value) else default


def _unauthorised_codes(t: Reader, key: str) -> list[str]:
    """Only unauthorised absence may count towards a penalty notice: illness, medical appointments and other
    authorised absence never do (issue 18, "compassion built in")."""
    found = _codes(t, key)
    for code in found:
        if codes.normalise(code) not in codes.UNAUTHORISED:
            t.error(key, f"{code} is not unauthorised absence, so it can never count towards a penalty notice: "
                         f"use only {', '.join(sorted(codes.UNAUTHORISED))}")
    return [c for c in found if codes.normalise(c) in codes.UNAUTHORISED]


def _codes(t: Reader, key: str) -> list[str]:
    return [c for c in _strings(t, key) if _check_code(t, key, c)]


def _code_wording(wording: Reader) -> dict[str, str]:
    table = wording.table("codes")
    out = {}
    for code in table.data:
        text = table.str(code)
        if _check_code(table, code, code) and text:
            out[code] = text
    return out
