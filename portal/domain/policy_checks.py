"""Where a policy departs from the national rules in force from 19 August 2024, and the seed conflicts it records.

These are warnings, not errors: a school may have reasons, and the portal still loads the policy. `policy check`
shows them so the people who sign the policy off see each one.
"""

from __future__ import annotations

from datetime import date

from portal.domain.calendar import calendar_runs_out, school_year_label
from portal.domain.policy_examples import parse_key
from portal.domain.policy_file import ERROR, NOTE, WARNING, Problem, Reader, key_name
from portal.domain.policy_rules import Fines, PenaltyRules

MAX_REGISTER_MINUTES = 30  # WTTISA via Nottinghamshire: the register stays open at most 30 minutes
MIN_REGISTER_YEARS = 6  # [REGS] reg 7: each entry kept at least 6 years (was 3)
NATIONAL_FINES = Fines()


def national_warnings(policy, reader: Reader) -> list[Problem]:
    found: list[Problem] = []

    def add(level: str, path: tuple, message: str) -> None:
        found.append(Problem(level, key_name(path), message, reader.line(path)))

    _register_windows(policy, add)
    _calendars(policy, add)
    if policy.retention.register_years < MIN_REGISTER_YEARS:
        add(WARNING, ("retention", "register_years"),
            f"registers must be kept at least {MIN_REGISTER_YEARS} years since August 2024, "
            f"not {policy.retention.register_years}")
    if policy.penalties.fines != NATIONAL_FINES:
        f = policy.penalties.fines
        add(WARNING, ("penalties",),
            f"fines of £{f.first_early}/£{f.first_full} (second £{f.second}) differ from the 2024 amounts: "
            "£80 within 21 days or £160 within 28; a second notice within 3 years £160; no third")
    defaults = PenaltyRules()
    if (policy.penalties.threshold_sessions, policy.penalties.window_school_weeks) != (
        defaults.threshold_sessions, defaults.window_school_weeks,
    ):
        add(WARNING, ("penalties", "threshold_sessions"),
            f"the national threshold is {defaults.threshold_sessions} sessions of unauthorised absence "
            f"in {defaults.window_school_weeks} school weeks")
    if policy.penalties.counted_codes & policy.penalties.pending_codes:
        add(WARNING, ("penalties", "pending_codes"), "a code cannot be both counted and pending")
    leave = policy.leave
    if leave.attendance_bar is not None and not leave.past_attendance_considered:
        add(WARNING, ("leave", "attendance_bar"),
            f"the policy sets an attendance bar of {leave.attendance_bar}% but also says past attendance is "
            "not considered; the bar is shown to the decider, who decides")
    if policy.roles.decide_leave and leave.deciders and policy.roles.decide_leave != leave.deciders:
        add(WARNING, ("roles", "decide_leave"),
            f"differs from leave.deciders ({', '.join(sorted(leave.deciders))}); leave.deciders is used")
    bands = policy.bands
    if bands.at_risk_absence_over is not None and bands.at_risk_absence_over >= bands.persistent_absence:
        add(WARNING, ("attendance", "at_risk"), "the at-risk band starts at or above persistent absence")
    for example in policy.example_values:
        add(NOTE, example.path, f"{example.value!r} is marked as an example (example_values): `site build` will not "
                                "publish it without --allow-examples")
    for index, conflict in enumerate(policy.conflicts):
        path = parse_key(conflict.key)
        if path not in reader.lines:
            add(ERROR, ("conflicts", index, "key"), f"{conflict.key!r} is not a key of this policy")
            continue
        add(WARNING, path, f"seed conflict: chose {conflict.chosen}; the seed also says {conflict.also_stated} "
                           f"({conflict.source}). {conflict.reason}")
    return found


def dated_warnings(policy, reader: Reader, today: date) -> list[Problem]:
    """What depends on the date: each calendar whose term dates run out (domain.calendar.calendar_runs_out)."""
    found = []
    seen = set()
    for school in policy.schools:
        info = school.calendar_info
        if info is None or info.key in seen:
            continue
        seen.add(info.key)
        last = calendar_runs_out(school.calendar, today)
        if last is None:
            continue
        following = school_year_label(date(int(school_year_label(last)[:4]) + 1, 9, 1))
        path = ("calendars", info.key, "terms")
        found.append(Problem(
            WARNING, key_name(path),
            f"{info.authority}: the term dates end on {last:%A} {last.day} {last:%B %Y} and those for {following} "
            "are missing: add them, as parents report absences and ask for leave ahead, and the portal has no "
            "school days to check a date past the calendar against", reader.line(path)))
    return found


def _register_windows(policy, add) -> None:
    for i, school in enumerate(policy.schools):
        for j, site in enumerate(school.sites):
            for session in ("am", "pm"):
                times = getattr(site, session)
                if times and times.register_open_minutes > MAX_REGISTER_MINUTES:
                    add(WARNING, ("schools", i, "sites", j, session, "register_closes"),
                        f"{school.name}, {site.name}: the register is open {times.register_open_minutes} minutes "
                        f"({times.late_from:%H:%M} to {times.register_closes:%H:%M}); the 2024 rules allow at most "
                        f"{MAX_REGISTER_MINUTES}")


def _calendars(policy, add) -> None:
    noted = set()
    for i, school in enumerate(policy.schools):
        info = school.calendar_info
        if info is None:
            continue
        if info.status == "realistic" and info.key not in noted:
            noted.add(info.key)
            add(NOTE, ("calendars", info.key, "status"),
                f"{info.authority}: term dates are realistic examples, not the authority's published dates")
        for day in sorted(school.calendar.inset_days):
            if day.weekday() >= 5 or school.calendar.term_of(day) is None:
                add(WARNING, ("schools", i, "inset_days"),
                    f"{school.name}: INSET day {day} is not a weekday in term, so it changes nothing")
