"""[wording] names the values it speaks of (placeholders, filled when the policy loads), and `policy check` warns
about a time, day count or percentage typed by hand that is none of the policy's values (domain.wording)."""

from __future__ import annotations

from pathlib import Path

import pytest

from portal.domain.policy import load_policy
from portal.domain.policy_file import ERROR, WARNING

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ALP = (EXAMPLES / "alp.toml").read_text(encoding="utf-8")
RP = (EXAMPLES / "rise-park.toml").read_text(encoding="utf-8")


def loaded(source):
    policy, problems = load_policy(source)
    assert policy is not None, [p for p in problems if p.level == ERROR]
    return policy, problems


def changed(source, old, new):
    assert old in source
    return source.replace(old, new, 1)


def test_changing_the_leave_notice_changes_the_schools_own_words():
    policy, _ = loaded(changed(ALP, "notice = 14 ", "notice = 21 "))
    assert "at least 21 days before the first day of absence" in policy.wording["leave"]
    assert "14 days" not in policy.wording["leave"]


def test_changing_a_register_close_time_changes_the_words_and_the_code_wording():
    source = changed(RP, 'register_closes = "09:30"', 'register_closes = "09:15"')
    policy, _ = loaded(source)
    assert "The register closes at 9.15am" in policy.wording["lateness"]
    assert "9.30am" not in policy.wording["lateness"]
    assert policy.code_wording["U"].startswith("Arrived after the register closed (after 9.15am, or after 1.10pm")


def test_the_examples_have_no_number_typed_by_hand_that_the_policy_does_not_set():
    for source in (ALP, RP):
        _, problems = loaded(source)
        assert not [p for p in problems if "placeholder" in p.message], problems


def test_a_day_count_typed_by_hand_that_disagrees_is_a_warning():
    source = changed(ALP, "at least {leave_notice} before", "at least 14 days before")
    source = changed(source, "notice = 14 ", "notice = 21 ")
    policy, problems = loaded(source)
    [warning] = [p for p in problems if p.key == "wording.leave" and p.level == WARNING]
    assert "'14 days'" in warning.message and "{leave_notice}" in warning.message
    assert warning.line is not None


@pytest.mark.parametrize(("old", "new", "said"), [
    ("before {report_by} on the first day", "before 8.45am on the first day", "'8.45am'"),
    ("below {leave_attendance_bar}", "below 94%", "'94%'"),
])
def test_a_time_or_percentage_typed_by_hand_that_disagrees_is_a_warning(old, new, said):
    source = RP if old.startswith("before") else ALP
    _, problems = loaded(changed(source, old, new))
    assert any(p.level == WARNING and p.key.startswith("wording.") and said in p.message for p in problems)


def test_an_unknown_placeholder_is_an_error_listing_the_known_ones():
    policy, problems = load_policy(changed(ALP, "{leave_notice}", "{leave_notise}"))
    assert policy is None
    [error] = [p for p in problems if p.level == ERROR]
    assert error.key == "wording.leave" and "{leave_notise}" in error.message and "{leave_notice}" in error.message


def test_a_time_that_differs_between_sites_must_name_the_site():
    policy, problems = load_policy(changed(ALP, "{upper.late_from}", "{late_from}"))
    assert policy is None
    [error] = [p for p in problems if p.level == ERROR]
    assert "8.40am at" in error.message and "8.50am at" in error.message and "{upper.late_from}" in error.message


def test_a_first_day_step_condition_reads_before_the_step():
    policy, _ = loaded(RP)
    [call] = [s for s in policy.first_day_contact if s.condition]
    assert call.condition == "if there are attendance, welfare or safeguarding concerns"
    policy, problems = load_policy(changed(RP, 'condition = "if there are', 'condition = "there are'))
    assert policy is None
    assert any(p.key == "first_day_contact[1].condition" and 'start with "if"' in p.message for p in problems)
