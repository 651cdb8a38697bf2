"""The penalty window and continuous-absence runs are computed in one pass (whole-trust alerts judge hundreds of
candidates); they must give exactly what the plain definitions give. The references below are the rules as first
written: every window counted afresh, every school day walked. Property: equal on any register."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st
from school_year import school_year

from portal.domain import codes
from portal.domain.calendar import Closure, monday_of
from portal.domain.follow_up import DELETION_CODES, LA_RETURN_CODES, AbsenceRun, continuous_absence
from portal.domain.marks import Mark
from portal.domain.penalties import ThresholdResult, threshold_reached
from portal.domain.policy_rules import PenaltyRules

CAL = school_year(closures=(Closure("Polling day", dt.date(2025, 5, 1), dt.date(2025, 5, 1), "PM"),
                            Closure("Snow", dt.date(2025, 1, 9), dt.date(2025, 1, 10))))
SESSIONS = CAL.sessions(dt.date(2024, 9, 1), dt.date(2025, 7, 31))
FIRST = dt.date(2024, 8, 26)
CODES = ["G", "O", "U", "N", "I", "/", "C", "#"]


def reference_threshold(marks, school_weeks, rules, as_of):
    counted_codes = frozenset(codes.normalise(c) for c in rules.counted_codes)
    pending_codes = frozenset(codes.normalise(c) for c in rules.pending_codes) - counted_codes
    relevant = sorted((m for m in marks if m.date <= as_of), key=lambda m: m.key)
    counted = [m for m in relevant if m.code in counted_codes]
    pending = [m for m in relevant if m.code in pending_codes]
    weeks = sorted({w for w in school_weeks if w <= as_of} | {monday_of(m.date) for m in counted + pending})
    if not weeks:
        return ThresholdResult(False, None, None, None, 0, 0)
    index = {week: i for i, week in enumerate(weeks)}
    size = rules.window_school_weeks
    first_met_on = None
    for position, mark in enumerate(counted):
        earliest = index[monday_of(mark.date)] - size + 1
        in_window = sum(1 for m in counted[: position + 1] if index[monday_of(m.date)] >= earliest)
        if in_window >= rules.threshold_sessions:
            first_met_on = mark.date
            break
    best = max(
        (sum(1 for m in counted if start <= index[monday_of(m.date)] < start + size),
         sum(1 for m in pending if start <= index[monday_of(m.date)] < start + size), start)
        for start in range(max(1, len(weeks) - size + 1))
    )
    start = best[2]
    last = weeks[min(start + size, len(weeks)) - 1]
    window = tuple(m for m in counted if start <= index[monday_of(m.date)] < start + size)
    return ThresholdResult(first_met_on is not None, first_met_on, weeks[start], last + dt.timedelta(days=6),
                           best[0], best[1], window)


def reference_runs(marks, calendar, wanted, days):
    by_day = {}
    for m in marks:
        by_day.setdefault(m.date, {})[m.session] = m.code
    if not by_day:
        return []
    runs, current, sessions = [], [], 0
    for day in calendar.school_days(min(by_day), max(by_day)) + [None]:
        expected = calendar.sessions_on(day) if day is not None else ()
        recorded = by_day.get(day, {})
        if day is not None and expected and all(recorded.get(s) in wanted for s in expected):
            current.append(day)
            sessions += len(expected)
            continue
        if len(current) >= days:
            runs.append(AbsenceRun(current[0], current[-1], len(current), sessions))
        current, sessions = [], 0
    return runs


# Runs of one code over consecutive school sessions (so windows and runs fill up), plus stray marks on any day,
# school day or not, some of them a second mark for a session already marked.
runs = st.lists(st.tuples(st.integers(0, len(SESSIONS) - 1), st.integers(1, 40), st.sampled_from(CODES)),
                max_size=8)
strays = st.lists(st.tuples(st.integers(0, 360), st.sampled_from(["AM", "PM"]), st.sampled_from(CODES)),
                  max_size=12)


@st.composite
def registers(draw) -> list[Mark]:
    marks = [Mark(*SESSIONS[i], code) for start, length, code in draw(runs)
             for i in range(start, min(start + length, len(SESSIONS)))]
    marks += [Mark(FIRST + dt.timedelta(days=offset), session, code) for offset, session, code in draw(strays)]
    return draw(st.permutations(marks))


code_sets = st.frozensets(st.sampled_from(CODES), max_size=3)


@given(registers(), st.integers(1, 14), st.integers(1, 25), code_sets, code_sets, st.integers(0, 360),
       st.sampled_from(["all", "none", "some"]), st.data())
def test_the_penalty_window_equals_counting_every_window(marks, size, threshold, counted, pending, as_of_day,
                                                          which_weeks, data):
    rules = PenaltyRules(threshold_sessions=threshold, window_school_weeks=size, counted_codes=counted,
                         pending_codes=pending)
    weeks = {"all": CAL.school_weeks(), "none": []}.get(which_weeks)
    if weeks is None:
        weeks = data.draw(st.lists(st.sampled_from(CAL.school_weeks()), unique=True))
    as_of = FIRST + dt.timedelta(days=as_of_day)
    # Read once, as any iterable may be.
    assert threshold_reached(iter(marks), weeks, rules, as_of) == reference_threshold(marks, weeks, rules, as_of)


@given(registers(), st.sampled_from([LA_RETURN_CODES, DELETION_CODES, frozenset({"I"})]), st.integers(1, 25))
def test_continuous_runs_equal_walking_every_school_day(marks, wanted, days):
    assert continuous_absence(iter(marks), CAL, wanted, days) == reference_runs(marks, CAL, wanted, days)


def test_a_run_crosses_a_holiday_and_a_closed_day_but_not_a_missing_session():
    # Friday 10 January 2025 is closed for snow (so is Thursday): Wednesday 8 and Monday 13 are consecutive.
    marks = [Mark(d, s, "O") for d in (dt.date(2025, 1, 8), dt.date(2025, 1, 13)) for s in ("AM", "PM")]
    assert continuous_absence(marks, CAL, {"O"}, 2) == [AbsenceRun(dt.date(2025, 1, 8), dt.date(2025, 1, 13), 2, 4)]
    assert continuous_absence(marks[:3], CAL, {"O"}, 2) == []
