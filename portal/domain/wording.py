"""The policy's own words ([wording]) with the numbers the portal enforces put in by reference.

A school's paragraph that types "at least 14 days" beside a `[leave] notice = 14` goes stale the day the notice
changes. So the words name the value instead: "at least {leave_notice} before", filled from the policy when it
loads (`fill`). Each placeholder must mean one thing for the whole trust, since the trust's words are shown at
each of its schools: a time that differs between sites is named with the site, `{upper.late_from}`.

`disagreements` is the safety net for numbers still typed by hand: a time, a day or week count or a percentage in
free text that is none of the policy's own values of that kind is reported (a warning in `policy check`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from datetime import time
from decimal import Decimal

from .leave import UNIT_WORDS
from .policy_file import ERROR, WARNING, Problem, Reader, key_name

PLACEHOLDER = re.compile(r"\{(?:([a-z0-9]+(?:-[a-z0-9]+)*)\.)?([a-z_]+)\}")
SESSION_KEYS = {  # placeholder -> (session, SessionTimes field)
    "doors_open": ("am", "doors_open"), "late_from": ("am", "late_from"),
    "register_closes": ("am", "register_closes"), "morning_ends": ("am", "ends"),
    "pm_doors_open": ("pm", "doors_open"), "pm_late_from": ("pm", "late_from"),
    "pm_register_closes": ("pm", "register_closes"), "day_ends": ("pm", "ends"),
}


def clock_words(moment: time) -> str:
    """"8.30am", "1.10pm", "midday": times as the schools write them."""
    if moment == time(12, 0):
        return "midday"
    hour = moment.hour % 12 or 12
    return f"{hour}.{moment.minute:02d}{'am' if moment.hour < 12 else 'pm'}"


def _pct(value: Decimal) -> str:
    return f"{value.normalize():f}%"


def policy_values(policy) -> dict[str, str]:
    """Every placeholder that is not a session time, with its words."""
    leave, penalties, fines = policy.leave, policy.penalties, policy.penalties.fines
    values = {
        "report_by": clock_words(policy.absence_reporting.report_by),
        "leave_notice": f"{leave.notice} {UNIT_WORDS[leave.notice_unit]}",
        "leave_decision": f"{leave.decision_within} {UNIT_WORDS[leave.decision_unit]}",
        "attendance_target": _pct(policy.bands.target),
        "persistent_absence": _pct(policy.bands.persistent_absence),
        "severe_absence": _pct(policy.bands.severe_absence),
        "penalty_threshold_sessions": str(penalties.threshold_sessions),
        "penalty_window_weeks": str(penalties.window_school_weeks),
        "fine_early": f"£{fines.first_early}", "fine_early_days": str(fines.first_early_days),
        "fine_full": f"£{fines.first_full}", "fine_full_days": str(fines.first_full_days),
        "fine_second": f"£{fines.second}",
    }
    if leave.attendance_bar is not None:
        values["leave_attendance_bar"] = _pct(leave.attendance_bar)
    if penalties.local is not None:
        values["local_leave_days"] = str(penalties.local.consecutive_leave_days)
        if penalties.local.adjacent_to_holiday_days:
            values["local_holiday_days"] = str(penalties.local.adjacent_to_holiday_days)
    if policy.follow_up.cme_referral_days:
        values["cme_referral_days"] = str(policy.follow_up.cme_referral_days)
    return values


def _session_value(policy, site_slug: str | None, name: str) -> tuple[str | None, str | None]:
    """A session time's words for the whole trust, or (None, why not)."""
    session, field = SESSION_KEYS[name]
    found: dict[str, list[str]] = {}
    for school in policy.schools:
        for site in school.sites:
            times = getattr(site, session)
            if (site_slug is None or site.slug == site_slug) and times is not None:
                found.setdefault(clock_words(getattr(times, field)), []).append(f"{school.name}, {site.name}")
    if not found:
        return None, f"no school has a site called {site_slug!r}"
    if len(found) > 1:
        shown = "; ".join(f"{words} at {', '.join(where)}" for words, where in found.items())
        hint = "" if site_slug else ": name the site, as in {" + policy.schools[0].sites[0].slug + "." + name + "}"
        return None, f"{{{(site_slug + '.') if site_slug else ''}{name}}} differs ({shown}){hint}"
    return next(iter(found)), None


def fill(text: str, policy) -> tuple[str, list[str]]:
    """`text` with each placeholder replaced, and a message for each one that cannot be."""
    values = policy_values(policy)
    problems: list[str] = []

    def replace(match: re.Match) -> str:
        site, name = match.group(1), match.group(2)
        if name in SESSION_KEYS:
            words, why = _session_value(policy, site, name)
            if words is None:
                problems.append(why)
                return match.group(0)
            return words
        if site is None and name in values:
            return values[name]
        known = ", ".join("{" + n + "}" for n in [*SESSION_KEYS, *values])
        problems.append(f"{match.group(0)} is not a placeholder this policy has; it has: {known}")
        return match.group(0)

    return PLACEHOLDER.sub(replace, text), problems


# ---------------------------------------------------------------- numbers typed by hand

_TIME = re.compile(r"\b(\d{1,2})(?:[.:](\d{2}))?\s?(am|pm)\b|\b(midday|noon)\b", re.I)
_DAYS = re.compile(r"\b(\d+)\s+(?:consecutive\s+|continuous\s+)?(?:school\s+|working\s+|calendar\s+)?days?\b", re.I)
_WEEKS = re.compile(r"\b(\d+)\s+(?:school\s+)?weeks?\b", re.I)
_PERCENT = re.compile(r"\b(\d+(?:\.\d+)?)\s?%")


def _times(policy) -> set[time]:
    found = {policy.absence_reporting.report_by}
    found.update(step.at for step in policy.first_day_contact if step.at)
    for school in policy.schools:
        for site in school.sites:
            for times in (site.am, site.pm):
                if times is not None:
                    found.update((times.doors_open, times.late_from, times.register_closes, times.ends))
    return found


def _day_counts(policy) -> set[int]:
    leave, penalties, follow = policy.leave, policy.penalties, policy.follow_up
    found = {policy.absence_reporting.max_days_past, policy.absence_reporting.max_days_ahead,
             penalties.fines.first_early_days, penalties.fines.first_full_days,
             follow.n_recode_after, follow.continuous_unauthorised, follow.deletion_consideration,
             follow.sickness_days, follow.cme_referral_days}
    if penalties.threshold_sessions % 2 == 0:
        found.add(penalties.threshold_sessions // 2)
    if leave.notice_unit != "weeks":
        found.add(leave.notice)
    found.add(leave.decision_within)
    if penalties.local is not None:
        found.update((penalties.local.consecutive_leave_days, penalties.local.adjacent_to_holiday_days))
    if policy.bands.at_risk_days_missed_from is not None:
        found.add(int(policy.bands.at_risk_days_missed_from))
    return {n for n in found if n}


def _week_counts(policy) -> set[int]:
    found = {policy.penalties.window_school_weeks}
    if policy.leave.notice_unit == "weeks":
        found.add(policy.leave.notice)
    return found


def _percentages(policy) -> set[Decimal]:
    bands = policy.bands
    lines = [bands.persistent_absence, bands.severe_absence, bands.at_risk_absence_over,
             *(t.absence_over for t in policy.tiers)]
    found = {Decimal(0), Decimal(100), bands.target, policy.leave.attendance_bar}
    found.update(line for line in lines if line is not None)
    found.update(100 - line for line in lines if line is not None)
    return {p for p in found if p is not None}


def disagreements(text: str, policy) -> list[str]:
    """A message for each time, day or week count or percentage in `text` that is none of the policy's values."""
    text = PLACEHOLDER.sub(" ", text)
    found = []
    times = _times(policy)
    for match in _TIME.finditer(text):
        if match.group(4):
            moment = time(12, 0)
        else:
            hour = int(match.group(1)) % 12 + (12 if match.group(3).lower() == "pm" else 0)
            minute = int(match.group(2) or 0)
            if hour > 23 or minute > 59:
                continue
            moment = time(hour, minute)
        if moment not in times:
            found.append(_message(match.group(0), "time", [*SESSION_KEYS, "report_by"]))
    checks: Iterable = (
        (_DAYS, _day_counts(policy), "day count", ["leave_notice", "leave_decision", "fine_early_days",
                                                    "local_leave_days"]),
        (_WEEKS, _week_counts(policy), "week count", ["penalty_window_weeks", "leave_notice"]),
    )
    for pattern, allowed, kind, names in checks:
        for match in pattern.finditer(text):
            if int(match.group(1)) not in allowed:
                found.append(_message(match.group(0), kind, names))
    percentages = _percentages(policy)
    for match in _PERCENT.finditer(text):
        if Decimal(match.group(1)) not in percentages:
            found.append(_message(match.group(0), "percentage", ["attendance_target", "leave_attendance_bar",
                                                                 "persistent_absence"]))
    return found


def _message(said: str, kind: str, names: list[str]) -> str:
    examples = ", ".join("{" + n + "}" for n in names[:4])
    return (f"says {said!r}, which is no {kind} this policy sets: if it means one of the policy's values, write "
            f"it as a placeholder (such as {examples}) so the words follow the policy")


# ---------------------------------------------------------------- at load (portal.domain.policy)

def with_wording_filled(policy, r: Reader):
    """[wording] with its placeholders filled from the values (portal.domain.wording): an unknown placeholder is an
    error; a time, day count or percentage typed by hand that no value has is a warning, here and in the other
    free text parents or staff read. Skipped while the policy has errors: its values cannot all be trusted yet."""
    if any(p.level == ERROR for p in r.problems):
        return policy
    texts = {("wording", key): text for key, text in policy.wording.items()}
    texts.update({("wording", "codes", code): text for code, text in policy.code_wording.items()})
    filled = {}
    for path, text in texts.items():
        words, problems = fill(text, policy)
        for message in problems:
            r.problems.append(Problem(ERROR, key_name(path), message, r.line(path)))
        filled[path] = words
    checked = dict(texts)
    for index, tier in enumerate(policy.tiers):
        checked[("attendance", "tiers", index, "description")] = f"{tier.applies_to}. {tier.description}"
    for index, step in enumerate(policy.first_day_contact):
        checked[("first_day_contact", index, "description")] = f"{step.description} {step.condition or ''}"
    for path, text in checked.items():
        for message in disagreements(text, policy):
            r.problems.append(Problem(WARNING, key_name(path), message, r.line(path)))
    return replace(
        policy,
        wording={key: filled[("wording", key)] for key in policy.wording},
        code_wording={code: filled[("wording", "codes", code)] for code in policy.code_wording},
    )
