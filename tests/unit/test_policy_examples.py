"""`example_values`: the keys whose values are examples, each a key with a value in the file (domain.policy)."""

from __future__ import annotations

from pathlib import Path

from portal.domain.policy import load_policy
from portal.domain.policy_file import ERROR, NOTE

RP = (Path(__file__).resolve().parents[2] / "examples" / "rise-park.toml").read_text(encoding="utf-8")
LIST = 'example_values = ["schools[0].urn", "schools[0].phone", "schools[0].email", "schools[0].address",'


def test_rise_park_marks_its_placeholder_details_and_policy_check_notes_each():
    policy, problems = load_policy(RP)
    assert [(e.key, e.value) for e in policy.example_values][1:3] == [
        ("schools[0].phone", "0115 496 0123"), ("schools[0].email", "office@rise-park.example")]
    notes = [p for p in problems if p.level == NOTE and "marked as an example" in p.message]
    assert [p.key for p in notes][:4] == ["schools[0].urn", "schools[0].phone", "schools[0].email",
                                          "schools[0].address"]
    assert notes[1].line == 38  # the phone's own line


def test_an_example_value_naming_no_key_is_an_error():
    assert LIST in RP
    policy, problems = load_policy(RP.replace(LIST, 'example_values = ["schools[0].fax", "schools[3].phone",'))
    assert policy is None
    errors = [p.message for p in problems if p.level == ERROR]
    assert len(errors) == 2 and "'schools[0].fax', is not a key with a value" in errors[0]
