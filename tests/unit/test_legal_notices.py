"""The legal pathway's rules: the notice to improve's period and outcome, and penalty-notice decisions."""

from __future__ import annotations

from datetime import date

import pytest

from portal.domain import legal_notices as legal
from portal.domain.marks import Mark
from portal.domain.policy import load_policy
from portal.domain.policy_rules import Fines, PenaltyRules

from school_year import school_year

CAL = school_year()  # 2024-25: half-term 28 Oct to 1 Nov; INSET Mon 6 Jan


@pytest.mark.parametrize(("weeks", "problem"), [(2, True), (3, False), (4, False), (6, False), (7, True), (0, True)])
def test_the_improvement_period_is_3_to_6_school_weeks(weeks, problem):
    assert (legal.improvement_weeks_problem(weeks) is not None) == problem


@pytest.mark.parametrize(("dated", "weeks", "start", "end", "days"), [
    pytest.param(date(2024, 10, 11), 6, date(2024, 10, 14), date(2024, 11, 29), 30,
                 id="6-weeks-from-a-monday-across-half-term-is-30-school-days"),
    pytest.param(date(2024, 10, 15), 3, date(2024, 10, 16), date(2024, 11, 12), 15,
                 id="3-weeks-from-a-wednesday-skips-half-term-ends-a-tuesday"),
    pytest.param(date(2024, 9, 13), 3, date(2024, 9, 16), date(2024, 10, 4), 15, id="3-weeks-in-term"),
    pytest.param(date(2024, 12, 20), 3, date(2025, 1, 7), date(2025, 1, 27), 15,
                 id="dated-on-the-last-day-of-term-starts-after-the-inset-day"),
    pytest.param(date(2024, 10, 26), 3, date(2024, 11, 4), date(2024, 11, 22), 15,
                 id="dated-in-half-term-starts-on-the-first-day-back"),
])
def test_the_improvement_period(dated, weeks, start, end, days):
    period = legal.improvement_period(CAL, dated, weeks)
    assert (period.start, period.end, period.school_days) == (start, end, days)


def test_a_period_beyond_the_calendar_is_unknown_and_a_period_outside_the_bounds_refused():
    assert legal.improvement_period(CAL, date(2025, 7, 10), 3) is None
    with pytest.raises(ValueError, match="3 to 6 school weeks"):
        legal.improvement_period(CAL, date(2024, 10, 15), 8)


PERIOD = legal.improvement_period(CAL, date(2024, 10, 15), 3)  # 16 Oct to 12 Nov 2024
RULES = PenaltyRules()


@pytest.mark.parametrize(("marks", "as_of", "state", "counted", "pending"), [
    pytest.param([], date(2024, 11, 13), legal.IMPROVED, 0, 0, id="nothing-in-the-period-improved"),
    pytest.param([Mark(date(2024, 10, 15), "AM", "O")], date(2024, 11, 13), legal.IMPROVED, 0, 0,
                 id="absence-on-the-notice-day-is-before-the-period"),
    pytest.param([Mark(date(2024, 10, 16), "AM", "O")], date(2024, 11, 13), legal.NOT_IMPROVED, 1, 0,
                 id="first-day-of-the-period-counts"),
    pytest.param([Mark(date(2024, 11, 12), "PM", "U")], date(2024, 11, 13), legal.NOT_IMPROVED, 1, 0,
                 id="last-day-of-the-period-counts"),
    pytest.param([Mark(date(2024, 11, 13), "AM", "G")], date(2024, 11, 14), legal.IMPROVED, 0, 0,
                 id="the-day-after-the-period-does-not"),
    pytest.param([Mark(date(2024, 10, 17), "AM", "I"), Mark(date(2024, 10, 18), "AM", "M")],
                 date(2024, 11, 13), legal.IMPROVED, 0, 0, id="illness-and-appointments-never-count"),
    pytest.param([Mark(date(2024, 10, 17), "AM", "N")], date(2024, 11, 13), legal.IMPROVED, 0, 1,
                 id="n-is-pending-not-counted"),
    pytest.param([Mark(date(2024, 10, 17), "AM", "O")], date(2024, 11, 12), legal.RUNNING, 1, 0,
                 id="on-the-last-day-it-is-still-running"),
])
def test_the_improvement_outcome(marks, as_of, state, counted, pending):
    outcome = legal.improvement_outcome(marks, PERIOD, RULES, as_of)
    assert (outcome.state, len(outcome.counted), len(outcome.pending)) == (state, counted, pending)
    if pending:
        assert "still coded N" in outcome.message


@pytest.mark.parametrize(("current", "step", "allowed"), [
    (legal.CONSIDERED, legal.REQUESTED, True),
    (legal.CONSIDERED, legal.NOT_ISSUED, True),
    (legal.CONSIDERED, legal.ISSUED, False),  # the local authority issues, after the school's request
    (legal.CONSIDERED, legal.PAID, False),
    (legal.REQUESTED, legal.ISSUED, True),
    (legal.REQUESTED, legal.WITHDRAWN, True),
    (legal.ISSUED, legal.PAID, True),
    (legal.ISSUED, legal.UNPAID, True),
    (legal.ISSUED, legal.WITHDRAWN, True),
    (legal.ISSUED, legal.NOT_ISSUED, False),
    (legal.UNPAID, legal.WITHDRAWN, True),
    (legal.PAID, legal.WITHDRAWN, False),
    (legal.NOT_ISSUED, legal.REQUESTED, False),
    (legal.CONSIDERED, "fined", False),
])
def test_decision_steps_move_forward_only(current, step, allowed):
    assert (legal.step_problem(current, step) is None) == allowed


def test_an_ended_decision_says_so():
    assert "has ended" in legal.step_problem(legal.PAID, legal.WITHDRAWN)


PN1 = date(2024, 10, 1)


@pytest.mark.parametrize(("history", "on", "kind"), [
    pytest.param([], PN1, "first", id="first-notice"),
    pytest.param([(None, legal.NOT_ISSUED), (None, legal.CONSIDERED)], PN1, "first",
                 id="decisions-never-issued-do-not-count"),
    pytest.param([(PN1, legal.PAID)], date(2027, 9, 30), "second", id="second-on-the-last-day-of-the-3-years"),
    pytest.param([(PN1, legal.PAID)], date(2027, 10, 1), "first", id="the-day-after-the-3-years-a-first-again"),
    pytest.param([(PN1, legal.UNPAID), (date(2025, 3, 1), legal.PAID)], date(2027, 9, 30), "none",
                 id="no-third-on-the-last-day"),
    pytest.param([(PN1, legal.UNPAID), (date(2025, 3, 1), legal.PAID)], date(2027, 10, 1), "first",
                 id="third-the-day-after-is-a-first"),
    pytest.param([(PN1, legal.PAID), (date(2025, 3, 1), legal.WITHDRAWN)], date(2025, 6, 1), "second",
                 id="a-withdrawn-notice-does-not-count"),
])
def test_what_is_possible_per_parent_per_child(history, on, kind):
    assert legal.what_is_possible(history, on, Fines()).kind == kind


def test_amounts_come_from_the_policy():
    first = legal.what_is_possible([], PN1, Fines())
    assert (legal.payment_due(first, PN1, date(2024, 10, 22)), legal.payment_due(first, PN1, date(2024, 10, 23)),
            legal.payment_due(first, PN1, date(2024, 10, 29)), legal.payment_due(first, PN1, date(2024, 10, 30))) \
        == (80, 160, 160, None)
    second = legal.what_is_possible([(PN1, legal.PAID)], date(2025, 1, 6), Fines())
    assert legal.payment_due(second, date(2025, 1, 6), date(2025, 1, 7)) == 160  # no reduced amount


@pytest.mark.parametrize(("reason", "improvement", "end", "warned"), [
    (legal.TERM_TIME_LEAVE, None, None, None),  # the framework allows going straight to a notice
    (legal.IRREGULAR, None, None, "No notice to improve"),
    (legal.IRREGULAR, legal.RUNNING, date(2024, 11, 12), "runs to Tuesday 12 November 2024"),
    (legal.IRREGULAR, legal.IMPROVED, date(2024, 11, 1), "continue with support"),
    (legal.IRREGULAR, legal.NOT_IMPROVED, date(2024, 11, 1), None),
])
def test_support_first(reason, improvement, end, warned):
    problem = legal.support_first_problem(reason, improvement, end, date(2024, 11, 5))
    assert (problem is None) if warned is None else (warned in problem)


def test_the_policy_sets_the_period_within_the_bounds():
    from pathlib import Path
    source = (Path(__file__).resolve().parents[2] / "examples" / "alp.toml").read_text()
    policy, _ = load_policy(source)
    assert policy.penalties.notice_to_improve_weeks == 6
    assert policy.roles.legal_action == {"senior_leader", "headteacher"}
    changed = source.replace("repeat_window_years = 3", "repeat_window_years = 3\nnotice_to_improve_weeks = 4")
    assert load_policy(changed)[0].penalties.notice_to_improve_weeks == 4
    policy, problems = load_policy(source.replace("repeat_window_years = 3",
                                                  "repeat_window_years = 3\nnotice_to_improve_weeks = 10"))
    assert policy is None
    assert any(p.key == "penalties.notice_to_improve_weeks" and "3 to 6" in p.message for p in problems)


def test_illness_can_never_count_towards_a_penalty_notice():
    from pathlib import Path
    source = (Path(__file__).resolve().parents[2] / "examples" / "alp.toml").read_text()
    policy, problems = load_policy(source.replace('counted_codes = ["G", "O", "U"]', 'counted_codes = ["G", "O", "U", "I"]'))
    assert policy is None
    assert any(p.key == "penalties.counted_codes" and "I is not unauthorised absence" in p.message for p in problems)


@pytest.mark.parametrize(("text", "problem"), [
    ("We are worried about {forename}.", None),
    ("No placeholder at all.", None),
    ("Literal {{braces}} are fine.", None),
    ("Dear {parent}", "{parent} is not something the letter can fill in"),
    ("A stray { brace", "stray brace"),
])
def test_the_schools_own_wording_may_fill_in_the_forename_only(text, problem):
    found = legal.wording_problem(text)
    assert (found is None) if problem is None else (problem in found)


def test_the_policy_words_the_letter_and_the_portal_keeps_the_rest():
    from pathlib import Path
    source = (Path(__file__).resolve().parents[2] / "examples" / "alp.toml").read_text()
    assert load_policy(source)[0].notice_wording == legal.NoticeWording()
    policy, _ = load_policy(source + '\n[notice_to_improve]\nopening = "We miss {forename} when {forename} is away."\n')
    assert legal.fill(policy.notice_wording.opening, "Sam") == "We miss Sam when Sam is away."
    assert policy.notice_wording.duty == legal.NoticeWording.duty
    policy, problems = load_policy(source + '\n[notice_to_improve]\nhelp = "Ask {teacher}"\nclosing = "x"\n')
    assert policy is None
    assert {p.key for p in problems if p.level == "error"} >= {"notice_to_improve.help", "notice_to_improve.closing"}
