"""Whole-trust alerts read only the pupils whose counts could meet a rule (portal.domain.alert_bounds): the
pre-filter must never drop a pupil the rules would flag. Property: for generated registers and policies (both
example trusts' policies, and their thresholds changed), the alerts found with the pre-filter are exactly those
the rules find over every pupil."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from factories import ALP, BOTHAL, RISE_PARK, RISE_PARK_URN, calendar, load_trust, make_pupil
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert, select

from portal.domain.alert_bounds import alert_bounds
from portal.domain.policy_rules import LocalPenaltyRule
from portal.extensions import db
from portal.models import Mark, Pupil, School
from portal.services import attendance
from portal.services.policies import school_policy

# Codes that trip the rules, the everyday ones that dilute them, and ones that are not possible sessions.
CODES = ["G", "N", "O", "U", "I", "C", "M", "/", "\\", "L", "X", "Y4", "#", "B"]
PUPILS = 4  # per school
FIRST_DAY, LAST_DAY = date(2025, 9, 1), date(2026, 12, 18)  # both example calendars hold this span


@pytest.fixture
def trusts(app_ctx):
    load_trust(ALP)
    load_trust(RISE_PARK)
    ids = {urn: [make_pupil(urn).id for _ in range(PUPILS)] for urn in (BOTHAL, RISE_PARK_URN)}
    return ids, Sessions({urn: calendar(urn).sessions(FIRST_DAY, LAST_DAY) for urn in ids})


class Sessions(dict):
    """Each school's sessions from FIRST_DAY to LAST_DAY, by URN; shown short when Hypothesis reports a failure."""

    def __repr__(self) -> str:
        return f"<the sessions of {', '.join(self)}>"


# Short registers, so that a pupil's count of sessions often sits right at a threshold.
runs = st.lists(st.tuples(st.sampled_from(CODES), st.integers(1, 12)), max_size=5)
# Per pupil: how many sessions before as_of the register starts, its runs of codes, and days from the start of
# the school year to admission (marks from before admission are not this year's figures).
registers = st.lists(st.tuples(st.integers(0, 600), runs, st.just(0) | st.integers(0, 200)), min_size=2 * PUPILS,
                     max_size=2 * PUPILS)
# Every threshold an alert depends on, drawn afresh (None: the policy as the trust wrote it).
OFF = 999  # a threshold no register here reaches


@st.composite
def one_rule_on(draw):
    """Every threshold out of reach but one, drawn near its smallest: the rules' bounds overlap (G is counted by
    four of them), so only with the others off does each bound alone decide, and a bound one session too strict
    shows."""
    on = draw(st.sampled_from(["threshold_sessions", "n_recode_after", "continuous_unauthorised",
                               "deletion_consideration", "sickness_days", "persistent_absence", "local"]))
    changes = {"threshold_sessions": OFF, "window_school_weeks": draw(st.integers(1, 12)),
               "counted_codes": draw(st.frozensets(st.sampled_from("GOUN"), min_size=1)), "local": None,
               "n_recode_after": OFF, "continuous_unauthorised": OFF, "deletion_consideration": OFF,
               "sickness_days": OFF, "persistent_absence": Decimal(OFF), "severe_over_persistent": Decimal(0)}
    if on == "persistent_absence":
        changes[on] = Decimal(draw(st.integers(1, 200))) / 2
        changes["severe_over_persistent"] = Decimal(draw(st.integers(0, 80)))
    elif on == "local":
        changes[on] = draw(st.builds(LocalPenaltyRule, name=st.just("Local rule"),
                                     consecutive_leave_days=st.integers(1, 6),
                                     adjacent_to_holiday_days=st.none() | st.integers(1, 5),
                                     inset_counts=st.booleans()))
    else:
        changes[on] = draw(st.integers(1, 12))
    return changes


thresholds = st.none() | one_rule_on()


def with_thresholds(policy, changes: dict | None):
    if changes is None:
        return policy
    penalty_keys = ("threshold_sessions", "window_school_weeks", "counted_codes", "local")
    follow_up_keys = ("n_recode_after", "continuous_unauthorised", "deletion_consideration", "sickness_days")
    persistent = changes["persistent_absence"]
    return replace(
        policy,
        penalties=replace(policy.penalties, **{k: changes[k] for k in penalty_keys}),
        follow_up=replace(policy.follow_up, **{k: changes[k] for k in follow_up_keys}),
        bands=replace(policy.bands, persistent_absence=persistent,
                      severe_absence=persistent + changes["severe_over_persistent"]),
    )


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(as_of=st.dates(date(2025, 9, 15), LAST_DAY), changes=st.tuples(thresholds, thresholds), drawn=registers)
def test_the_prefilter_never_drops_a_pupil_the_rules_flag(trusts, as_of, changes, drawn):
    ids, sessions = trusts
    year_start, _ = attendance.school_year_of(as_of)
    db.session.execute(delete(Mark))
    pupils, rules, rows = {}, {}, []
    drawn = iter(drawn)
    for (urn, pupil_ids), change in zip(ids.items(), changes):
        school = db.session.scalar(select(School).where(School.urn == urn))
        policy, spec = school_policy(urn)
        policy = with_thresholds(policy, change)
        rules[school.id] = attendance.SchoolRules(policy, spec, attendance._lookback(spec.calendar, policy, year_start))
        on_roll = [s for s in sessions[urn] if s[0] <= as_of]
        for pupil_id, (start, codes, admitted_after) in zip(pupil_ids, drawn):
            admitted = min(year_start + timedelta(days=admitted_after), as_of)
            pupils[pupil_id] = attendance.AlertPupil(pupil_id, f"P{pupil_id}", school.id, admitted, None)
            position = max(0, len(on_roll) - start - 1)
            for code, length in codes:
                for day, session in on_roll[position:position + length]:
                    rows.append(dict(pupil_id=pupil_id, date=day, session=session, code=code, comment="",
                                     source="mis", recorded_at=datetime(2025, 9, 1)))
                position += length
    if rows:
        db.session.execute(insert(Mark), rows)
    db.session.flush()

    everyone = attendance.judge(pupils, rules, as_of, candidates_only=False)
    assert attendance.judge(pupils, rules, as_of) == everyone


def test_the_bounds_come_from_the_policy(trusts):
    """Rise Park's local leave rule counts INSET days, so one day of leave can start a flagged run."""
    alp, rise_park = (alert_bounds(school_policy(urn)[0]) for urn in (BOTHAL, RISE_PARK_URN))
    assert {n for _, n in alp.at_least} == {10, 1, 20, 30}
    assert [n for t, n in rise_park.at_least if t.codes == {"G"}] == [1]
    assert alp.absence_line == Fraction(1, 10)


def test_only_candidates_have_their_marks_read(trusts):
    ids, _ = trusts
    cal = calendar(BOTHAL)
    unauthorised, present = ids[BOTHAL][:2]
    days = cal.sessions(date(2025, 9, 1), date(2025, 9, 30))
    db.session.execute(insert(Mark), [
        dict(pupil_id=pupil_id, date=day, session=session, code=code, comment="", source="mis",
             recorded_at=datetime(2025, 9, 1))
        for pupil_id, code in ((unauthorised, "O"), (present, "/")) for day, session in days])
    db.session.flush()
    as_of = date(2025, 9, 30)
    rows = db.session.execute(select(Pupil.id, Pupil.upn, Pupil.school_id, Pupil.admission_date,
                                     Pupil.leaving_date).where(Pupil.id.in_((unauthorised, present))))
    pupils = {r.id: attendance.AlertPupil(*r) for r in rows}
    year_start, _ = attendance.school_year_of(as_of)
    rules = attendance.school_rules([db.session.get(School, pupils[unauthorised].school_id)], year_start)
    bounds = {p: alert_bounds(rules[pupils[p].school_id].policy) for p in pupils}
    from portal.services.alert_candidates import candidates
    chosen = candidates({p.id: p.admission_date for p in pupils.values()}, bounds, year_start, year_start, as_of)
    assert chosen == {unauthorised}
    assert {a["upn"] for a in attendance.judge(pupils, rules, as_of)} == {pupils[unauthorised].upn}


@pytest.mark.parametrize(("rule", "value", "codes", "first", "as_of", "kind"), [
    pytest.param("threshold_sessions", 3, "GGG", date(2025, 9, 8), date(2025, 10, 10), "penalty_threshold",
                 id="penalty-threshold-reached-by-its-last-session"),
    # Due on Tuesday (one school day after), overdue on Wednesday: two calendar days after the mark.
    pytest.param("n_recode_after", 1, "N", date(2025, 10, 6), date(2025, 10, 8), "n_overdue",
                 id="N-overdue-on-the-first-day-it-can-be"),
    pytest.param("sickness_days", 1, "II", date(2025, 9, 8), date(2025, 10, 10), "sickness_15",
                 id="sickness-return-at-its-last-session"),
    pytest.param("persistent_absence", Decimal(50), "O/", date(2025, 9, 8), date(2025, 9, 8), "persistent_absence",
                 id="absence-exactly-on-the-line"),
])
def test_a_pupil_exactly_at_a_rules_bound_is_still_judged(trusts, rule, value, codes, first, as_of, kind):
    """Hypothesis seldom lands a register exactly on a threshold; these do, so a bound one session too strict
    fails here."""
    ids, sessions = trusts
    year_start, _ = attendance.school_year_of(as_of)
    school = db.session.scalar(select(School).where(School.urn == BOTHAL))
    policy, spec = school_policy(BOTHAL)
    changes = {"threshold_sessions": OFF, "window_school_weeks": 10, "counted_codes": frozenset("GOU"),
               "local": None, "n_recode_after": OFF, "continuous_unauthorised": OFF, "deletion_consideration": OFF,
               "sickness_days": OFF, "persistent_absence": Decimal(OFF), "severe_over_persistent": Decimal(0),
               rule: value}
    policy = with_thresholds(policy, changes)
    rules = {school.id: attendance.SchoolRules(policy, spec, attendance._lookback(spec.calendar, policy, year_start))}
    pupil_id = ids[BOTHAL][0]
    pupils = {pupil_id: attendance.AlertPupil(pupil_id, "P1", school.id, year_start, None)}
    marked = [s for s in sessions[BOTHAL] if s[0] >= first][:len(codes)]
    db.session.execute(insert(Mark), [
        dict(pupil_id=pupil_id, date=day, session=session, code=code, comment="", source="mis",
             recorded_at=datetime(2025, 9, 1)) for (day, session), code in zip(marked, codes)])
    db.session.flush()
    everyone = attendance.judge(pupils, rules, as_of, candidates_only=False)
    assert kind in [a["kind"] for a in everyone]
    assert attendance.judge(pupils, rules, as_of) == everyone
