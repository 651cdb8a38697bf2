"""The policy's [nudges] keys: defaults when left out, and a clear error naming the key and line when wrong."""

from __future__ import annotations

import re

import pytest

from portal.domain.nudge_rules import NudgeRules, fill
from portal.domain.policy import load_policy

from factories import ALP, RISE_PARK

ALP_SOURCE = ALP.read_text()
NUDGES = re.compile(r"\n\[nudges\].*?(?=\n# -{10,})", re.S)


def with_nudges(block: str) -> str:
    return NUDGES.sub(lambda _: "\n" + block.strip() + "\n", ALP_SOURCE, count=1)


def errors(source: str) -> list[str]:
    policy, problems = load_policy(source)
    found = [f"{p.key}: {p.message} (line {p.line})" for p in problems if p.level == "error"]
    assert (policy is None) == bool(found)
    return found


def test_both_example_policies_choose_their_messages():
    alp, _ = load_policy(ALP_SOURCE)
    rise_park, _ = load_policy(RISE_PARK.read_text())
    assert alp.nudges.schedule == rise_park.nudges.schedule == "half_term"
    assert alp.nudges.versions["health_need"] == "gentle"
    assert rise_park.nudges.versions["health_need"] == "none"  # the school nurse writes, not the portal
    assert "{forename}" in alp.nudges.words("en")["next_step"]
    assert rise_park.nudges.words("en") == {}


def test_a_policy_without_nudges_gets_the_issues_defaults():
    policy, _ = load_policy(NUDGES.sub("", ALP_SOURCE, count=1))
    assert policy.nudges == NudgeRules()
    assert policy.nudges.schedule == "half_term" and policy.nudges.on_target == "thanks"


@pytest.mark.parametrize("block, expected", [
    ('[nudges]\nschedule = "weekly"', "nudges.schedule: 'weekly' should be one of: half_term, monthly, off"),
    ('[nudges]\non_target = "prize"', "nudges.on_target: 'prize' should be one of: thanks, none"),
    ('[nudges]\nsupport_plan = "kind"', "nudges.support_plan: 'kind' should be one of: gentle, standard, none"),
    ('[nudges]\ndays_between = 3', "nudges.days_between: should be 7 or more, not 3"),
    ('[nudges]\nshedule = "monthly"', "nudges.shedule: unknown key; did you mean `schedule`?"),
    ('[nudges]\n[nudges.wording]\nnext_step = "Call {phone}, {forname}"',
     "nudges.wording.next_step: unknown placeholder {forname}; the placeholders are {forename}, {school}, "
     "{phone}, {email}"),
    ('[nudges]\n[nudges.wording]\nnext_stp = "Call us"', "nudges.wording.next_stp: unknown key; did you mean "
     "`next_step`?"),
    ('[nudges]\n[nudges.wording.de]\nnext_step = "Rufen Sie an"', "nudges.wording.de: no translation into 'de': "
     "the languages are pl, ro"),
    ('[nudges]\n[nudges.wording]\nsign_off = "Thanks {"', "nudges.wording.sign_off: Single '{' encountered"),
])
def test_a_wrong_nudges_key_is_an_error_that_says_what_to_fix(block, expected):
    found = errors(with_nudges(block))
    assert any(e.startswith(expected) for e in found), found
    assert all("(line None)" not in e for e in found)


def test_policy_check_notes_the_schools_words_missing_in_a_language():
    _, problems = load_policy(ALP_SOURCE)
    notes = [(p.key, p.message) for p in problems if p.level == "note" and p.key.startswith("nudges")]
    assert [key for key, _ in notes] == ["nudges.wording", "nudges.wording"]
    assert "next_step: the school's words are not given in 'pl' ([nudges.wording.pl])" in notes[0][1]


def test_a_school_words_its_paragraphs_per_language_and_the_placeholders_are_filled():
    policy, _ = load_policy(with_nudges('[nudges]\n[nudges.wording]\nopening = "Hello from {school}."\n'
                                        '[nudges.wording.pl]\nopening = "Dzień dobry, tu {school}."'))
    assert fill(policy.nudges.words("pl")["opening"], school="Bothal") == "Dzień dobry, tu Bothal."
    assert fill(policy.nudges.words("en")["opening"], school="Bothal") == "Hello from Bothal."
    assert policy.nudges.words("ro") == {}
