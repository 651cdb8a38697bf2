"""[links], [attendance_lead], [local_authority_service], [data_protection_officer]: checked, with warnings for
what a school must publish (domain.policy_links)."""

from __future__ import annotations

from test_policy import VALID

from portal.domain.policy import load_policy
from portal.domain.policy_file import ERROR, WARNING
from portal.domain.policy_links import NHS_TOO_ILL


def test_the_national_pages_default_and_the_schools_own_are_read():
    policy, _ = load_policy(VALID)
    assert policy.links.too_ill_for_school == NHS_TOO_ILL
    assert policy.links.attendance_policy == "https://test.example/attendance-policy"
    assert policy.links.attendance_lead.name == "A Lead" and policy.links.attendance_lead.phone is None
    assert policy.links.data_protection_officer.email == "dpo@test.example"


def test_a_web_address_or_email_that_is_not_one_is_an_error():
    broken = VALID.replace('"https://test.example/attendance-policy"', '"test.example/policy"')
    broken = broken.replace('email = "dpo@test.example"', 'email = "dpo at test"')
    policy, problems = load_policy(broken)
    assert policy is None
    assert {p.key for p in problems if p.level == ERROR} == {"links.attendance_policy", "data_protection_officer.email"}


def test_leaving_out_the_policy_link_the_lead_or_the_dpo_is_a_warning():
    source = VALID[:VALID.index("[links]")]
    policy, problems = load_policy(source)
    assert policy is not None
    assert {p.key for p in problems if p.level == WARNING} == {"links", "attendance_lead", "data_protection_officer"}
