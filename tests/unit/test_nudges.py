"""The half-termly message's rules (portal/domain/nudges.py): when a round is due, who gets which version, and the
figures in days."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from portal.domain.attendance import band, summarise
from portal.domain.marks import Mark
from portal.domain.nudge_rules import NudgeRules, language_code
from portal.domain.nudges import (
    GENTLE,
    HELD,
    SEND,
    SKIP,
    STANDARD,
    THANKS,
    Facts,
    choose,
    content,
    current_round,
    median_days_missed,
    next_round,
    projected_days,
    target_days_so_far,
    told_recently,
)
from portal.domain.policy_rules import Bands

from school_year import school_year

YEAR_START = date(2024, 9, 1)
BANDS = Bands()


def summary_of(absent: int, possible: int = 100, code: str = "O", **by_code: int):
    """`absent` sessions in `possible`: by_code's codes first, the rest of the absence `code`, then present."""
    codes = [c for c, n in by_code.items() for _ in range(n)]
    codes += [code] * (absent - len(codes)) + ["/"] * (possible - absent)
    first = date(2024, 9, 2).toordinal()
    return summarise([Mark(date.fromordinal(first + i // 2), ("AM", "PM")[i % 2], c) for i, c in enumerate(codes)],
                     bands=BANDS)


def facts(absent: int = 0, possible: int = 100, situations=(), open_decision=False, on_roll=True, **by_code):
    s = summary_of(absent, possible, **by_code)
    return Facts(s, band(s, BANDS), on_roll=on_roll, situations=frozenset(situations), open_decision=open_decision)


# ---------------------------------------------------------------- rounds


@pytest.mark.parametrize("schedule, today, key", [
    ("half_term", date(2024, 9, 16), None),  # no half-term has ended this school year
    ("half_term", date(2024, 10, 28), None),  # half-term holiday: not a school day
    ("half_term", date(2024, 11, 4), "half-term:2024-10-25"),  # first day back
    ("half_term", date(2024, 12, 2), "half-term:2024-10-25"),  # still the same round
    ("half_term", date(2024, 11, 9), None),  # a Saturday
    ("half_term", date(2025, 1, 7), "half-term:2024-12-20"),
    ("half_term", date(2025, 7, 1), "half-term:2025-05-23"),
    ("monthly", date(2024, 9, 16), None),  # the first month of the year: nothing to look back on yet
    ("monthly", date(2024, 10, 1), "month:2024-10"),
    ("monthly", date(2024, 11, 4), "month:2024-11"),
    ("off", date(2024, 11, 4), None),
])
def test_a_round_is_due_on_school_days_after_the_period_it_looks_back_on(schedule, today, key):
    due = current_round(schedule, school_year(), today, YEAR_START)
    assert (due.key if due else None) == key


def test_the_half_term_round_is_named_after_the_half_term_it_follows():
    due = current_round("half_term", school_year(), date(2024, 11, 4), YEAR_START)
    assert (due.label, due.after) == ("Autumn 1", date(2024, 10, 25))


@pytest.mark.parametrize("schedule, today, expected", [
    ("half_term", date(2024, 9, 16), (date(2024, 11, 4), "half-term:2024-10-25")),
    ("half_term", date(2024, 11, 4), (date(2025, 1, 7), "half-term:2024-12-20")),  # 6 Jan is an INSET day
    ("half_term", date(2024, 12, 20), (date(2025, 1, 7), "half-term:2024-12-20")),
    ("monthly", date(2024, 11, 4), (date(2024, 12, 2), "month:2024-12")),
    ("half_term", date(2025, 7, 1), None),  # the summer: no round until a half-term of the next year ends
    ("off", date(2024, 11, 4), None),
])
def test_staff_see_the_next_round_and_the_day_it_goes(schedule, today, expected):
    found = next_round(schedule, school_year(), today)
    assert ((found[0], found[1].key) if found else None) == expected


# ---------------------------------------------------------------- who gets which version

DEFAULT = NudgeRules()
NO_THANKS_NO_HEALTH = NudgeRules(on_target="none",
                                 versions={"health_need": "none", "support_plan": "gentle", "part_time": "standard"})


@pytest.mark.parametrize("case, rules, outcome, version, reason", [
    (facts(absent=2), DEFAULT, SEND, THANKS, None),  # 98%: on target
    (facts(absent=2), NO_THANKS_NO_HEALTH, SKIP, None, "on_target_none"),
    (facts(absent=4), DEFAULT, SEND, STANDARD, None),  # 96%: below target
    (facts(absent=8), DEFAULT, SEND, STANDARD, None),  # at risk
    (facts(absent=12), DEFAULT, SEND, STANDARD, None),  # persistent
    (facts(absent=60), DEFAULT, SEND, STANDARD, None),  # severe
    (facts(absent=12, situations={"support_plan"}), DEFAULT, SEND, GENTLE, None),
    (facts(absent=12, situations={"part_time"}), DEFAULT, SEND, GENTLE, None),
    (facts(absent=12, situations={"part_time"}), NO_THANKS_NO_HEALTH, SEND, STANDARD, None),
    (facts(absent=12, situations={"health_need"}), DEFAULT, SEND, GENTLE, None),
    (facts(absent=12, situations={"health_need"}), NO_THANKS_NO_HEALTH, SKIP, None, "situation_none"),
    # The gentlest wins: nothing for the health need although the plan alone would get the gentle version.
    (facts(absent=12, situations={"health_need", "support_plan"}), NO_THANKS_NO_HEALTH, SKIP, None,
     "situation_none"),
    (facts(absent=12, open_decision=True), DEFAULT, HELD, None, "open_decision"),
    (facts(absent=2, possible=18), DEFAULT, SKIP, None, "too_early"),
    (facts(absent=2, on_roll=False), DEFAULT, SKIP, None, "left"),
])
def test_each_child_gets_the_version_the_policy_chooses_or_none(case, rules, outcome, version, reason):
    choice = choose(case, rules)
    assert (choice.outcome, choice.version, choice.reason) == (outcome, version, reason)


def test_never_two_messages_about_one_child_in_a_week():
    rules = NudgeRules()
    assert told_recently(date(2024, 11, 4), date(2024, 11, 10), rules)  # six days later
    assert not told_recently(date(2024, 11, 4), date(2024, 11, 11), rules)  # a week later
    assert not told_recently(None, date(2024, 11, 11), rules)
    assert told_recently(date(2024, 11, 4), date(2024, 11, 20), NudgeRules(days_between=28))


# ---------------------------------------------------------------- the figures, in days


@pytest.mark.parametrize("absent, expected", [
    ([], None),
    ([0] * 9, None),  # fewer than ten pupils: the median would stand for a few children
    ([0, 0, 0, 2, 3, 4, 5, 6, 8, 40], Decimal("2")),  # (3 + 4) / 2 = 3.5 sessions -> 4 sessions -> 2 days
    ([1] * 5 + [9] * 6, Decimal("4.5")),  # odd count: the middle pupil, 9 sessions
])
def test_the_schools_median_is_in_days_and_never_over_a_handful_of_pupils(absent, expected):
    assert median_days_missed(absent) == expected


@pytest.mark.parametrize("absent, possible, remaining, expected", [
    (10, 100, 280, Decimal(19)),  # 10% of 380 sessions = 38 sessions = 19 days
    (0, 100, 280, Decimal(0)),
    (11, 78, 302, Decimal(27)),  # 11/78 of 380 = 53.6 sessions = 26.8 days -> about 27
    (10, 100, None, None),  # the calendar does not say what is left
    (0, 0, 380, None),  # nothing to measure yet
])
def test_the_trajectory_is_the_year_at_the_rate_so_far(absent, possible, remaining, expected):
    assert projected_days(summary_of(absent, possible) if possible else summary_of(0, 0), remaining) == expected


@pytest.mark.parametrize("possible, target, expected", [
    (100, 97, Decimal("1.5")),  # 3 sessions
    (78, 97, Decimal("1")),  # 2.34 -> 2 whole sessions
    (380, 97, Decimal("5.5")),  # 11.4 -> 11 sessions
    (100, Decimal("96.5"), Decimal("1.5")),  # 3.5 -> 3 sessions
])
def test_what_the_target_allows_by_now_is_whole_sessions_as_days(possible, target, expected):
    assert target_days_so_far(summary_of(0, possible), Bands(target=Decimal(target))) == expected


def test_illness_and_medical_appointments_are_counted_apart_and_a_gentle_message_compares_with_no_one():
    case = facts(absent=14, I=6, M=1, N=2, situations={"support_plan"})
    message = content(choose(case, DEFAULT), case, BANDS, "Maja", Decimal(2), 280, date(2025, 7, 22))
    assert (message.version, message.situation) == (GENTLE, "support_plan")
    assert (message.days_missed, message.illness_days, message.medical_days, message.unexplained_days) == (
        Decimal(7), Decimal(3), Decimal("0.5"), Decimal(1))
    assert message.median_days is None and message.projected_days is None


def test_a_standard_message_compares_with_the_target_the_median_and_the_year():
    case = facts(absent=12)
    message = content(choose(case, DEFAULT), case, BANDS, "Maja", Decimal(2), 280, date(2025, 7, 22))
    assert message.version == STANDARD
    assert (message.days_missed, message.target_days, message.median_days, message.projected_days) == (
        Decimal(6), Decimal("1.5"), Decimal(2), Decimal(23))
    assert message.above_target and message.compared_with_median == "more"
    assert message.next_step == "meet"  # persistent absence: the school asks to meet


@pytest.mark.parametrize("absent, median, compared", [(12, Decimal(6), "same"), (12, Decimal(7), "fewer"),
                                                      (12, None, None)])
def test_the_childs_days_against_the_typical_pupils(absent, median, compared):
    case = facts(absent=absent)
    message = content(choose(case, DEFAULT), case, BANDS, "Maja", median, 280, date(2025, 7, 22))
    assert message.compared_with_median == compared


def test_a_child_held_back_is_explained_in_words():
    choice = choose(facts(absent=12, open_decision=True), DEFAULT)
    assert choice.reason_words == "held: a decision about the child is open in the queue"
    assert choose(facts(absent=12), DEFAULT).reason_words == ""


def test_no_next_round_past_the_end_of_the_calendar():
    assert next_round("half_term", school_year(), date(2025, 7, 22)) is None


def test_a_thank_you_asks_for_nothing():
    case = facts(absent=2)
    message = content(choose(case, DEFAULT), case, BANDS, "Maja", Decimal(2), 280, date(2025, 7, 22))
    assert (message.version, message.next_step, message.median_days) == (THANKS, None, None)


@pytest.mark.parametrize("value, code", [
    ("Polish", "pl"), ("pl-PL", "pl"), ("POL", "pl"), ("polski", "pl"), ("Romanian", "ro"), ("ro_RO", "ro"),
    ("română", "ro"), ("English", "en"), ("", "en"), (None, "en"), ("Urdu", "en"),
])
def test_a_contacts_language_as_the_mis_writes_it(value, code):
    assert language_code(value) == code
