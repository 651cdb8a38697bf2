"""Leave requests and late returns: flags for the decider, never a refusal (scenarios 19, 20, 21)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from school_year import day_marks, school_year

from portal.domain.calendar import SchoolCalendar, Term
from portal.domain.leave import NoticeRule, assess_leave_request, late_return_effect
from portal.domain.leave_dates import closures_around, decision_due, notice_given
from portal.domain.policy_rules import LeaveRules, LocalPenaltyRule, PenaltyRules

CAL = school_year()
ALP = LeaveRules(notice=14, notice_unit="calendar_days", decision_within=7, decision_unit="calendar_days",
                 attendance_bar=Decimal(96), attendance_bar_effect="refuse", evidence="with_request")
RP = LeaveRules(notice=20, notice_unit="school_days", decision_within=30, decision_unit="working_days",
                attendance_bar=Decimal(95), attendance_bar_effect="flag", past_attendance_considered=False,
                evidence="required", late_return="may_unauthorise_whole_period")
SIX_WEEKS = NoticeRule(6, "weeks", "Appendix 5 and the request form")
NOTTINGHAM = LocalPenaltyRule("Nottingham City Council code of conduct", 5, 4, True)


def message(assessment, key: str) -> str:
    return next(f.message for f in assessment.flags if f.key == key)


def test_scenario_19_alp_short_notice_and_under_96pc():
    a = assess_leave_request(date(2025, 3, 10), date(2025, 3, 17), date(2025, 2, 28), CAL, ALP,
                             attendance=Fraction(955, 1000), has_evidence=True)
    assert set(a.flag_keys) == {"short_notice", "below_attendance_bar"}
    assert "Under 14 days' notice" in message(a, "short_notice")
    assert "95.5% is below 96%: not authorisable under the policy" in message(a, "below_attendance_bar")
    assert (a.notice_given, a.notice_met, a.below_bar) == (10, False, True)
    assert a.decision_due == date(2025, 3, 7)  # "normally within 7 days"
    assert (len(a.school_days), a.sessions, a.days) == (5, 10, Decimal(5))


@pytest.mark.parametrize(("rules", "requested_on"), [
    pytest.param(RP, date(2024, 11, 4), id="s20-25-school-days-meets-20-school-days"),
    pytest.param(LeaveRules(notice=20, notice_unit="calendar_days"), date(2024, 11, 14),
                 id="s20-25-days-meets-20-days"),
])
def test_scenario_20_meets_20_days_fails_6_weeks_shown_not_refused(rules, requested_on):
    a = assess_leave_request(date(2024, 12, 9), date(2024, 12, 11), requested_on, CAL, rules,
                             attendance=Fraction(98, 100), has_evidence=True, also_stated=(SIX_WEEKS,))
    assert a.notice_met and a.notice_given == 25
    assert "short_notice" not in a.flag_keys
    conflict = message(a, "notice_conflict")
    assert "meets 20" in conflict and "not 6 weeks" in conflict and "Appendix 5" in conflict


def test_scenario_20_conflict_shown_the_other_way_round():
    a = assess_leave_request(date(2025, 3, 17), date(2025, 3, 18), date(2025, 1, 20), CAL,
                             LeaveRules(notice=60, notice_unit="school_days"), None, True, also_stated=(SIX_WEEKS,))
    assert not a.notice_met
    assert "meets 6 weeks but not 60 school days" in message(a, "notice_conflict")


def test_rp_attendance_bar_contradiction_and_flag_effect():
    a = assess_leave_request(date(2024, 12, 9), date(2024, 12, 11), date(2024, 10, 1), CAL, RP,
                             attendance=Fraction(94, 100), has_evidence=False)
    assert "past attendance is not considered" in message(a, "attendance_bar_contradiction")
    assert "94.0% is below 95%: for the decider to weigh" in message(a, "below_attendance_bar")
    assert "will not chase" in message(a, "evidence_missing")


def test_no_flag_key_ever_rejects():
    a = assess_leave_request(date(2025, 3, 10), date(2025, 3, 17), date(2025, 3, 10), CAL, ALP,
                             attendance=Fraction(1, 2), has_evidence=False, penalty_local=NOTTINGHAM)
    assert {"not_in_advance", "below_attendance_bar", "evidence_missing", "local_penalty_if_refused",
            "decision_after_start"} <= set(a.flag_keys)
    assert not any("reject" in f.key or "reject" in f.message.lower() for f in a.flags)


@pytest.mark.parametrize(("attendance", "below", "keys"), [
    pytest.param(Fraction(96, 100), False, set(), id="exactly-at-the-bar-is-not-below"),
    pytest.param(Fraction(9599, 10000), True, {"below_attendance_bar"}, id="95.99-is-below-though-it-shows-96.0"),
    pytest.param(None, None, {"no_attendance_yet"}, id="no-figure-yet"),
])
def test_attendance_bar_compares_exactly(attendance, below, keys):
    a = assess_leave_request(date(2025, 3, 10), date(2025, 3, 17), date(2025, 2, 1), CAL, ALP, attendance, True)
    assert (a.below_bar, set(a.flag_keys)) == (below, keys)


def test_no_bar_no_attendance_flags_and_optional_evidence():
    a = assess_leave_request(date(2025, 3, 10), date(2025, 3, 17), date(2025, 2, 1), CAL, LeaveRules(),
                             None, has_evidence=False)
    assert (a.below_bar, a.flags) == (None, ())


def test_alp_evidence_must_come_with_the_request():
    a = assess_leave_request(date(2025, 3, 10), date(2025, 3, 17), date(2025, 2, 1), CAL, ALP, Fraction(1), False)
    assert "evidence sent later is not accepted" in message(a, "evidence_missing")


@pytest.mark.parametrize(("first", "ret", "keys"), [
    pytest.param(date(2025, 3, 10), date(2025, 3, 10), {"invalid_dates"}, id="return-on-first-day"),
    pytest.param(date(2025, 2, 17), date(2025, 2, 24), {"no_school_days"}, id="half-term-needs-no-leave"),
    pytest.param(date(2025, 5, 19), date(2025, 5, 23), {"return_not_school_day"}, id="return-on-an-inset-day"),
])
def test_date_problems_are_flags(first, ret, keys):
    a = assess_leave_request(first, ret, date(2025, 1, 1), CAL, LeaveRules(), None, True)
    assert set(a.flag_keys) == keys


def test_holidays_and_inset_are_shown_never_counted():
    # Thu 22 May to the return on Mon 2 Jun: INSET Fri 23 May, then half term with a bank holiday.
    a = assess_leave_request(date(2025, 5, 21), date(2025, 6, 2), date(2025, 4, 1), CAL, LeaveRules(), None, True)
    assert (a.sessions, a.school_days) == (4, (date(2025, 5, 21), date(2025, 5, 22)))
    (inside,) = a.closures
    assert (inside.where, inside.start, inside.end) == ("inside", date(2025, 5, 23), date(2025, 5, 30))
    assert [r.split(" (")[0] for r in inside.reasons] == ["INSET day", "Spring bank holiday", "May half term"]


def test_closures_joined_before_and_after():
    spans = closures_around(CAL, date(2025, 5, 6), date(2025, 5, 22))  # after May Day, up to the INSET day
    assert [(s.where, s.start, s.end) for s in spans] == [
        ("before", date(2025, 5, 5), date(2025, 5, 5)), ("after", date(2025, 5, 23), date(2025, 5, 30))]
    assert closures_around(CAL, date(2025, 3, 11), date(2025, 3, 12)) == []


def test_local_flag_if_refused_and_taken():
    five = assess_leave_request(date(2025, 3, 10), date(2025, 3, 17), date(2025, 1, 6), CAL, RP, None, True,
                                penalty_local=NOTTINGHAM)
    assert len(five.local_runs_if_refused) == 1
    assert message(five, "local_penalty_if_refused").startswith("If refused and taken: 5 consecutive school days")
    three = assess_leave_request(date(2025, 3, 10), date(2025, 3, 13), date(2025, 1, 6), CAL, RP, None, True,
                                 penalty_local=NOTTINGHAM)
    assert three.local_runs_if_refused == ()


@pytest.mark.parametrize(("requested", "first", "unit", "given"), [
    pytest.param(date(2024, 9, 9), date(2024, 9, 13), "calendar_days", 4, id="calendar-days"),
    pytest.param(date(2024, 9, 9), date(2024, 9, 13), "school_days", 4, id="monday-for-friday-4-school-days"),
    pytest.param(date(2024, 10, 21), date(2024, 11, 4), "school_days", 5, id="half-term-not-counted"),
    pytest.param(date(2024, 9, 1), date(2024, 10, 12), "weeks", 5, id="41-days-is-5-whole-weeks"),
    pytest.param(date(2024, 9, 1), date(2024, 10, 13), "weeks", 6, id="42-days-is-6-weeks"),
])
def test_notice_units(requested, first, unit, given):
    assert notice_given(requested, first, unit, CAL) == given


@pytest.mark.parametrize(("requested", "met"), [
    pytest.param(date(2024, 9, 3), False, id="41-days-is-short-of-6-weeks"),
    pytest.param(date(2024, 9, 2), True, id="42-days-is-6-weeks"),
])
def test_notice_in_weeks_counts_part_weeks_by_days(requested, met):
    a = assess_leave_request(date(2024, 10, 14), date(2024, 10, 21), requested, CAL,
                             LeaveRules(notice=6, notice_unit="weeks"), None, True)
    assert a.notice_met is met
    assert ("short_notice" in a.flag_keys) is not met


def test_unknown_units_are_programming_errors():
    with pytest.raises(ValueError):
        notice_given(date(2024, 9, 1), date(2024, 9, 2), "fortnights", CAL)
    with pytest.raises(ValueError):
        decision_due(date(2024, 9, 1), 1, "fortnights", CAL)


@pytest.mark.parametrize(("received", "amount", "unit", "due"), [
    pytest.param(date(2025, 2, 28), 7, "calendar_days", date(2025, 3, 7), id="alp-7-days"),
    pytest.param(date(2024, 10, 25), 5, "school_days", date(2024, 11, 8), id="school-days-skip-half-term"),
    pytest.param(date(2024, 12, 2), 30, "working_days", date(2025, 1, 16), id="rp-30-working-days-over-christmas"),
    pytest.param(date(2025, 5, 2), 1, "working_days", date(2025, 5, 6), id="working-days-skip-may-day"),
    pytest.param(date(2025, 7, 21), 5, "school_days", None, id="beyond-the-calendar"),
])
def test_decision_due(received, amount, unit, due):
    assert decision_due(received, amount, unit, CAL) == due


def test_working_days_use_englands_bank_holidays_when_the_calendar_has_none_pinned():
    calendar = SchoolCalendar(terms=(Term("Summer 1", date(2025, 4, 22), date(2025, 5, 23)),))
    assert decision_due(date(2025, 5, 2), 1, "working_days", calendar) == date(2025, 5, 6)


APPROVED = day_marks(date(2025, 3, 3), date(2025, 3, 7), "C", CAL)


def test_scenario_21_late_return_shows_both_choices():
    options = late_return_effect(date(2025, 3, 3), date(2025, 3, 10), date(2025, 3, 12), CAL, RP,
                                 PenaltyRules(), other_marks=APPROVED)
    default, whole = options
    assert (default.key, default.default, default.unauthorised_sessions) == ("unauthorise_missed", True, 4)
    assert {m.date for m in default.marks} == {date(2025, 3, 10), date(2025, 3, 11)}
    assert all(m.code == "G" for m in default.marks + whole.marks)
    assert not default.threshold.met
    assert (whole.key, whole.default, whole.unauthorised_sessions) == ("unauthorise_whole_period", False, 14)
    assert whole.threshold.met and whole.threshold.counted == 14


def test_scenario_21_local_rule_applies_to_the_whole_period_only():
    rules = PenaltyRules(local=NOTTINGHAM)
    default, whole = late_return_effect(date(2025, 3, 3), date(2025, 3, 10), date(2025, 3, 12), CAL, RP, rules,
                                        other_marks=APPROVED)
    assert default.local_runs == ()
    assert whole.local_runs[0].days == 7


def test_without_the_rp_rule_only_the_missed_days_are_offered():
    (only,) = late_return_effect(date(2025, 3, 3), date(2025, 3, 10), date(2025, 3, 12), CAL, ALP, PenaltyRules())
    assert only.key == "unauthorise_missed"


def test_leaving_early_counts_as_outside_the_agreed_dates():
    (missed, whole) = late_return_effect(date(2025, 3, 5), date(2025, 3, 10), date(2025, 3, 10), CAL, RP,
                                         PenaltyRules(), actual_first=date(2025, 3, 3))
    assert {m.date for m in missed.marks} == {date(2025, 3, 3), date(2025, 3, 4)}
    assert whole.unauthorised_sessions == 10


def test_returning_on_time_or_early_needs_no_choice():
    assert late_return_effect(date(2025, 3, 3), date(2025, 3, 10), date(2025, 3, 10), CAL, RP, PenaltyRules()) == []
    assert late_return_effect(date(2025, 3, 3), date(2025, 3, 10), date(2025, 3, 6), CAL, RP, PenaltyRules()) == []
