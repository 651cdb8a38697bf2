"""Follow-up duties: N to recode, continuous absence, deletion and sickness (scenarios 15, 16, 24)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from school_year import day_marks, school_year

from portal.domain.follow_up import (
    DELETION_CONDITIONS, continuous_absence, deletion_consideration, la_absence_return, n_deadline, n_overdue,
    sickness_flag,
)
from portal.domain.marks import Mark
from portal.domain.penalties import threshold_reached
from portal.domain.policy_rules import FollowUpRules, PenaltyRules

CAL = school_year()
RULES = FollowUpRules()
FRIDAY_BEFORE_HALF_TERM = date(2024, 10, 25)
N_MARK = Mark(FRIDAY_BEFORE_HALF_TERM, "AM", "N")


@pytest.mark.parametrize(("as_of", "overdue"), [
    pytest.param(date(2024, 10, 30), False, id="s16-half-term-days-do-not-count"),
    pytest.param(date(2024, 11, 7), False, id="s16-4th-school-day"),
    pytest.param(date(2024, 11, 8), False, id="s16-deadline-day-still-in-time"),
    pytest.param(date(2024, 11, 9), True, id="s16-overdue-the-day-after"),
    pytest.param(date(2024, 11, 11), True, id="s16-overdue-next-week"),
])
def test_scenario_16_n_due_for_recoding_after_5_school_days(as_of, overdue):
    result = n_overdue([N_MARK], CAL, as_of, RULES)
    assert bool(result) is overdue
    if overdue:
        assert result[0].deadline == date(2024, 11, 8) and result[0].mark == N_MARK


def test_scenario_16_n_is_pending_in_the_penalty_count():
    result = threshold_reached([N_MARK, Mark(FRIDAY_BEFORE_HALF_TERM, "PM", "N")], CAL.school_weeks(),
                               PenaltyRules(), date(2024, 11, 11))
    assert (result.met, result.counted, result.pending) == (False, 0, 2)


def test_only_n_marks_are_listed_oldest_first():
    marks = [Mark(date(2024, 9, 20), "PM", "N"), Mark(date(2024, 9, 20), "AM", "O"),
             Mark(date(2024, 9, 10), "AM", "n"), Mark(date(2024, 9, 11), "AM", "I")]
    result = n_overdue(marks, CAL, date(2024, 10, 1), RULES)
    assert [(o.mark.date, o.deadline) for o in result] == [
        (date(2024, 9, 10), date(2024, 9, 17)), (date(2024, 9, 20), date(2024, 9, 27))]


def test_recode_period_is_configurable_and_ends_with_the_calendar():
    assert n_deadline(N_MARK, CAL, FollowUpRules(n_recode_after=1)) == date(2024, 11, 4)
    last = Mark(date(2025, 7, 21), "AM", "N")
    assert n_deadline(last, CAL, RULES) is None
    assert n_overdue([last], CAL, date(2025, 9, 30), RULES) == []


AUTUMN_2_FOUR_WEEKS = (date(2024, 11, 4), date(2024, 11, 29))  # 20 school days


def mixed(start: date, end: date, codes: str) -> list[Mark]:
    """Every session from start to end, cycling through `codes`."""
    return [Mark(m.date, m.session, codes[i % len(codes)]) for i, m in enumerate(day_marks(start, end, "?", CAL))]


def test_scenario_24_twenty_days_of_G_N_O_may_be_considered_for_deletion():
    (run,) = deletion_consideration(mixed(*AUTUMN_2_FOUR_WEEKS, "NOG"), CAL, RULES)
    assert (run.start, run.end, run.days, run.sessions) == (date(2024, 11, 4), date(2024, 11, 29), 20, 40)
    assert len(DELETION_CONDITIONS) == 2  # the other conditions are for people to establish


def test_scenario_24_one_day_of_illness_breaks_it():
    marks = [m if m.date != date(2024, 11, 18) else Mark(m.date, m.session, "I")
             for m in mixed(*AUTUMN_2_FOUR_WEEKS, "NOG")]
    assert deletion_consideration(marks, CAL, RULES) == []
    # 19-29 Nov is only 9 school days: one run is left for the LA return.
    assert [(r.start, r.end) for r in la_absence_return(marks, CAL, RULES)] == [
        (date(2024, 11, 4), date(2024, 11, 15))]


def test_U_counts_for_the_la_return_but_not_for_deletion():
    marks = mixed(*AUTUMN_2_FOUR_WEEKS, "GNOU")
    assert deletion_consideration(marks, CAL, RULES) == []
    assert la_absence_return(marks, CAL, RULES)[0].days == 20


@pytest.mark.parametrize(("start", "end", "runs"), [
    pytest.param(date(2024, 11, 4), date(2024, 11, 15), 1, id="10-days-tell-the-la"),
    pytest.param(date(2024, 11, 4), date(2024, 11, 14), 0, id="9-days-not-yet"),
    pytest.param(date(2024, 10, 21), date(2024, 11, 1), 0, id="half-term-days-do-not-lengthen-a-run"),
    pytest.param(date(2024, 10, 21), date(2024, 11, 8), 1, id="half-term-does-not-break-a-run"),
])
def test_continuous_unauthorised_absence(start, end, runs):
    assert len(la_absence_return(day_marks(start, end, "O", CAL), CAL, RULES)) == runs


def test_an_unrecorded_session_breaks_a_run():
    marks = [m for m in day_marks(date(2024, 11, 4), date(2024, 11, 15), "O", CAL)
             if (m.date, m.session) != (date(2024, 11, 8), "PM")]
    # Friday 8 Nov has no PM mark, so the first week holds only 4 whole days.
    assert [(r.start, r.days) for r in continuous_absence(marks, CAL, {"O"}, 5)] == [(date(2024, 11, 11), 5)]
    assert [(r.start, r.days) for r in continuous_absence(marks, CAL, {"o"}, 4)] == [
        (date(2024, 11, 4), 4), (date(2024, 11, 11), 5)]


def test_no_marks_no_runs():
    assert continuous_absence([], CAL, {"O"}, 1) == []


@pytest.mark.parametrize(("i_sessions", "expected_further", "reached", "expected", "flag"), [
    pytest.param(10, 0, False, False, False, id="s15-5-days-of-illness-no-flag"),
    pytest.param(10, 10, False, True, True, id="s15-expected-to-reach-15-days"),
    pytest.param(10, Decimal("9.5"), False, False, False, id="expected-14.5-days-not-enough"),
    pytest.param(30, 0, True, True, True, id="15-days-reached"),
    pytest.param(29, 0, False, False, False, id="14.5-days-not-reached"),
])
def test_scenario_15_sickness_return(i_sessions, expected_further, reached, expected, flag):
    marks = [Mark(date(2024, 9, 3), "AM", "I")] * i_sessions + [Mark(date(2024, 9, 3), "PM", "O")] * 5
    check = sickness_flag(marks, RULES, expected_further)
    assert (check.reached, check.expected_to_reach, check.flag) == (reached, expected, flag)
    assert check.days_so_far == Decimal(i_sessions) / 2


def test_scenario_15_illness_never_triggers_a_penalty_notice():
    marks = day_marks(date(2024, 9, 9), date(2024, 9, 13), "I", CAL)
    assert not threshold_reached(marks, CAL.school_weeks(), PenaltyRules(), date(2024, 9, 30)).met
