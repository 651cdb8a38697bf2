"""Penalty notices: the national threshold and the local leave flag (scenarios 10-14, 26)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from school_year import day_marks, school_year

from portal.domain.calendar import Closure, SchoolCalendar, Term
from portal.domain.marks import Mark
from portal.domain.penalties import family_total, local_leave_flag, next_notice, threshold_reached
from portal.domain.policy_rules import Fines, LocalPenaltyRule, PenaltyRules

CAL = school_year()
WEEKS = CAL.school_weeks()  # school week 1 is the week of 2 Sep 2024; half term (28 Oct) is skipped
RULES = PenaltyRules()
END_OF_YEAR = date(2025, 8, 31)
NOTTINGHAM = LocalPenaltyRule("Nottingham City Council code of conduct", consecutive_leave_days=5,
                              adjacent_to_holiday_days=4, inset_counts=True)


def in_week(monday: date, count: int, code: str) -> list[Mark]:
    """`count` sessions from Tuesday AM of the week of `monday` (Tuesday: 2 Sep 2024 is an INSET day)."""
    marks, day = [], monday + timedelta(days=1)
    while len(marks) < count:
        marks += [Mark(day, s, code) for s in ("AM", "PM")][: count - len(marks)]
        day += timedelta(days=1)
    return marks


def school_week(n: int, count: int, code: str = "O") -> list[Mark]:
    return in_week(WEEKS[n - 1], count, code)


@pytest.mark.parametrize(("marks", "met", "counted"), [
    pytest.param(school_week(1, 2, "G") + school_week(6, 4, "U") + school_week(10, 4, "O"), True, 10,
                 id="s10-2-in-wk1-4-in-wk6-4-in-wk10-met"),
    pytest.param(school_week(1, 2, "G") + school_week(6, 4, "U") + school_week(11, 4, "O"), False, 8,
                 id="s11-last-4-in-wk11-not-met-max-8"),
    pytest.param(school_week(3, 10, "G"), True, 10, id="s13-term-time-holiday-mon-fri"),
    pytest.param(school_week(3, 9, "G"), False, 9, id="nine-sessions-not-met"),
    pytest.param(school_week(1, 8, "G") + school_week(2, 2, "N"), False, 8, id="N-is-pending-not-counted"),
    pytest.param(school_week(1, 10, "I") + school_week(2, 10, "M"), False, 0, id="authorised-never-counts"),
])
def test_national_threshold(marks, met, counted):
    result = threshold_reached(marks, WEEKS, RULES, END_OF_YEAR)
    assert (result.met, result.counted) == (met, counted)
    assert len(result.sessions) == counted


def test_scenario_13_first_notice_goes_to_each_parent_for_the_child():
    assert threshold_reached(school_week(3, 10, "G"), WEEKS, RULES, END_OF_YEAR).met
    notice = next_notice([], date(2024, 9, 30), Fines())
    assert notice.kind == "first"
    assert family_total(2, 1, 21, notice) == (2, 160)


def test_scenario_10_reports_when_and_which_window():
    marks = school_week(1, 2, "G") + school_week(6, 4, "U") + school_week(10, 4, "O")
    result = threshold_reached(marks, WEEKS, RULES, END_OF_YEAR)
    assert result.first_met_on == max(m.date for m in marks)
    assert (result.window_start, result.window_end) == (WEEKS[0], WEEKS[9] + timedelta(days=6))


def test_scenario_11_window_is_the_worst_one():
    marks = school_week(1, 2, "G") + school_week(6, 4, "U") + school_week(11, 4, "O")
    result = threshold_reached(marks, WEEKS, RULES, END_OF_YEAR)
    assert result.first_met_on is None
    # Weeks 1-10 hold 6 sessions; every window from weeks 2-11 to weeks 6-15 holds 8. The latest is shown:
    # two more counted sessions by week 15 would meet the threshold.
    assert (result.window_start, result.counted) == (WEEKS[5], 8)


def test_on_a_tie_the_most_recent_window_is_shown():
    marks = school_week(1, 4, "G") + school_week(25, 4, "O")
    result = threshold_reached(marks, WEEKS, RULES, END_OF_YEAR)
    assert (result.window_start, result.counted) == (WEEKS[24], 4)
    assert [m.code for m in result.sessions] == ["O"] * 4


def test_pending_breaks_a_tie_between_windows():
    marks = school_week(1, 4, "G") + school_week(2, 1, "N") + school_week(25, 4, "O")
    result = threshold_reached(marks, WEEKS, RULES, END_OF_YEAR)
    assert (result.window_start, result.counted, result.pending) == (WEEKS[0], 4, 1)


def test_pending_N_is_shown_in_the_window():
    result = threshold_reached(school_week(1, 8, "G") + school_week(2, 2, "N"), WEEKS, RULES, END_OF_YEAR)
    assert (result.counted, result.pending) == (8, 2)


def test_a_policy_may_count_N():
    manchester = PenaltyRules(counted_codes=frozenset({"G", "N", "O", "U"}), pending_codes=frozenset())
    result = threshold_reached(school_week(1, 8, "G") + school_week(2, 2, "N"), WEEKS, manchester, END_OF_YEAR)
    assert result.met and result.pending == 0


SEVEN_WEEK_AUTUMN = SchoolCalendar(terms=(
    Term("Autumn 1", date(2024, 9, 2), date(2024, 10, 11)),
    Term("Autumn 2", date(2024, 10, 21), date(2024, 12, 20)),
), bank_holidays={})


def test_scenario_12_half_term_week_is_skipped():
    # Calendar weeks 1-11 start 2 Sep; week 7 (14 Oct) is half term, all '#'.
    marks = in_week(date(2024, 9, 2), 2, "U") + day_marks(date(2024, 10, 14), date(2024, 10, 18), "#") \
        + in_week(date(2024, 11, 11), 8, "O")
    school_weeks = SEVEN_WEEK_AUTUMN.school_weeks()
    assert date(2024, 10, 14) not in school_weeks
    result = threshold_reached(marks, school_weeks, RULES, END_OF_YEAR)
    assert result.met and result.counted == 10
    assert (result.window_start, result.window_end) == (date(2024, 9, 2), date(2024, 11, 17))


def test_scenario_12_counting_calendar_weeks_would_wrongly_say_no():
    marks = in_week(date(2024, 9, 2), 2, "U") + in_week(date(2024, 11, 11), 8, "O")
    calendar_weeks = [date(2024, 9, 2) + timedelta(weeks=i) for i in range(16)]
    assert not threshold_reached(marks, calendar_weeks, RULES, END_OF_YEAR).met


def test_scenario_26_window_crosses_schools():
    # School A (half term 21 Oct) until 4 Oct; school B (half term 28 Oct) from 7 Oct.
    school_a = SchoolCalendar(terms=(Term("A1", date(2024, 9, 2), date(2024, 10, 18)),), bank_holidays={})
    school_b = SchoolCalendar(terms=(Term("B1", date(2024, 9, 2), date(2024, 10, 25)),
                                     Term("B2", date(2024, 11, 4), date(2024, 12, 20))), bank_holidays={})
    at_a = in_week(date(2024, 9, 9), 4, "O")
    at_b = in_week(date(2024, 11, 11), 6, "G")
    weeks = school_a.school_weeks(end=date(2024, 10, 4)) + school_b.school_weeks(start=date(2024, 10, 7))
    assert len([w for w in weeks if w <= date(2024, 11, 11)]) == 10
    assert threshold_reached(at_a + at_b, weeks, RULES, END_OF_YEAR).met
    assert not threshold_reached(at_b, school_b.school_weeks(), RULES, END_OF_YEAR).met


def test_as_of_ignores_later_marks():
    marks = school_week(3, 10, "G")
    assert not threshold_reached(marks, WEEKS, RULES, marks[5].date).met
    result = threshold_reached(marks, WEEKS, RULES, marks[-1].date)
    assert result.met and result.first_met_on == marks[-1].date


def test_first_met_on_is_the_session_that_completed_the_count():
    marks = school_week(2, 10, "G") + school_week(4, 6, "O")
    assert threshold_reached(marks, WEEKS, RULES, END_OF_YEAR).first_met_on == marks[9].date


def test_week_missing_from_the_callers_list_still_counts_as_a_school_week():
    marks = school_week(1, 4, "G") + school_week(10, 6, "G")
    without_week_1 = [w for w in WEEKS if w != WEEKS[0]]
    assert threshold_reached(marks, without_week_1, RULES, END_OF_YEAR).met


def test_no_marks_and_no_weeks():
    result = threshold_reached([], [], RULES, END_OF_YEAR)
    assert (result.met, result.counted, result.window_start) == (False, 0, None)
    early = threshold_reached([], WEEKS[:3], RULES, END_OF_YEAR)
    assert (early.window_start, early.window_end) == (WEEKS[0], WEEKS[2] + timedelta(days=6))


def test_scenario_14_four_days_and_an_inset_day():
    marks = day_marks(date(2025, 5, 19), date(2025, 5, 22), "G", CAL)  # INSET Fri 23 May, then half term
    assert not threshold_reached(marks, WEEKS, RULES, END_OF_YEAR).met
    (run,) = local_leave_flag(marks, CAL, NOTTINGHAM)
    assert (run.start, run.end, run.days) == (date(2025, 5, 19), date(2025, 5, 23), 5)
    assert run.inset_days == (date(2025, 5, 23),) and run.joined_to_holiday
    assert run.reasons == ("consecutive_days", "joined_to_holiday")
    assert "INSET" in run.message and "consider a penalty notice" in run.message


def test_scenario_14_when_inset_days_do_not_count():
    marks = day_marks(date(2025, 5, 19), date(2025, 5, 22), "G", CAL)
    rule = LocalPenaltyRule("No INSET", consecutive_leave_days=5, adjacent_to_holiday_days=4, inset_counts=False)
    (run,) = local_leave_flag(marks, CAL, rule)
    assert (run.days, run.inset_days, run.reasons) == (4, (), ("joined_to_holiday",))
    no_adjacent = LocalPenaltyRule("Five only", consecutive_leave_days=5, inset_counts=False)
    assert local_leave_flag(marks, CAL, no_adjacent) == []


@pytest.mark.parametrize(("first", "last", "reasons"), [
    pytest.param(date(2024, 9, 16), date(2024, 9, 20), ("consecutive_days",), id="5-days-mid-term"),
    pytest.param(date(2024, 9, 16), date(2024, 9, 19), None, id="4-days-mid-term-not-joined"),
    pytest.param(date(2024, 9, 18), date(2024, 9, 24), ("consecutive_days",), id="5-school-days-over-a-weekend"),
    pytest.param(date(2024, 10, 22), date(2024, 10, 25), ("joined_to_holiday",), id="4-days-before-half-term"),
    pytest.param(date(2025, 5, 6), date(2025, 5, 9), ("joined_to_holiday",), id="4-days-after-may-day"),
    pytest.param(date(2024, 9, 3), date(2024, 9, 5), ("joined_to_holiday",), id="3-days-plus-first-day-inset-is-4"),
    pytest.param(date(2024, 9, 3), date(2024, 9, 4), None, id="2-days-plus-inset-not-enough"),
])
def test_local_leave_runs(first, last, reasons):
    runs = local_leave_flag(day_marks(first, last, "G", CAL), CAL, NOTTINGHAM)
    assert (runs[0].reasons if runs else None) == reasons


def test_a_run_across_half_term_is_consecutive_and_joined():
    marks = day_marks(date(2024, 10, 24), date(2024, 11, 5), "G", CAL)  # Thu, Fri, half term, Mon, Tue
    (run,) = local_leave_flag(marks, CAL, NOTTINGHAM)
    assert (run.days, run.joined_to_holiday) == (4, True)


def test_a_mid_term_inset_day_inside_the_leave_joins_and_counts():
    calendar = school_year(inset=frozenset({date(2024, 9, 18)}))
    marks = day_marks(date(2024, 9, 16), date(2024, 9, 19), "G", calendar)  # Mon, Tue, INSET Wed, Thu
    (run,) = local_leave_flag(marks, calendar, NOTTINGHAM)
    assert (run.days, run.inset_days, run.reasons) == (4, (date(2024, 9, 18),), ("joined_to_holiday",))


def test_an_inset_day_after_christmas_joins_leave_either_side():
    marks = day_marks(date(2024, 12, 20), date(2024, 12, 20), "G", CAL) + day_marks(
        date(2025, 1, 7), date(2025, 1, 9), "G", CAL)  # Fri 20 Dec; INSET Mon 6 Jan; Tue-Thu
    (run,) = local_leave_flag(marks, CAL, NOTTINGHAM)
    assert (run.start, run.end, run.days, run.inset_days) == (
        date(2024, 12, 20), date(2025, 1, 9), 5, (date(2025, 1, 6),))
    assert run.reasons == ("consecutive_days", "joined_to_holiday")


def test_half_days_of_leave_do_not_make_a_run():
    marks = day_marks(date(2024, 9, 16), date(2024, 9, 20), "G", CAL)
    marks = [m for m in marks if not (m.date == date(2024, 9, 18) and m.session == "PM")]
    assert local_leave_flag(marks, CAL, NOTTINGHAM) == []


def test_a_half_day_closure_day_needs_only_its_open_session():
    calendar = school_year(closures=(Closure("Polling", date(2024, 9, 18), date(2024, 9, 18), "AM"),))
    marks = [m for m in day_marks(date(2024, 9, 16), date(2024, 9, 20), "G", calendar)]
    assert [m.session for m in marks if m.date == date(2024, 9, 18)] == ["PM"]
    (run,) = local_leave_flag(marks, calendar, NOTTINGHAM)
    assert run.days == 5


def test_other_codes_are_not_leave():
    assert local_leave_flag(day_marks(date(2024, 9, 16), date(2024, 9, 20), "I", CAL), CAL, NOTTINGHAM) == []
