"""Support plans: the policy template (`[support_plan]`, defaults = ALP Appendix 1) and the canonical signed text."""

from __future__ import annotations

import hashlib
import locale
import tomllib
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from portal.domain import support_plan as rules
from portal.domain.support_plan import ALP_APPENDIX_1, parse_template

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

# The sections proposed for the shipped examples (docs/policy-format.md, examples/alp.toml, examples/rise-park.toml).
ALP_SECTION = '''
[support_plan]
title = "Stage 1: Attendance Support Plan & Parent Partnership Attendance Contract"
purpose = "The current attendance level for the pupil is {attendance}, which is below the school's expectation of {target} and above. This plan aims to build a collaborative approach between school and home to identify and address any challenges impacting attendance."
support_offered = [
    "Check-ins with key adult/staff member",
    "Pastoral or emotional support/Thrive",
    "Help with morning routine or transition",
    "Medical/health referral signposting",
    "Help with uniform, transport, or breakfast club",
    "Flexible start (short-term, if needed)",
    "School counselling/mentoring",
    "SEND review or assessment",
    "EBSA toolkit initial assessment",
    "Family Support",
    "MARF referral",
    "Referral to attendance team for next level support",
]
parent_commitments = [
    "Prioritise school attendance and morning routines",
    "Inform school before 9:00am if child is absent",
    "Provide medical evidence if child is unwell frequently",
    "Engage with referrals/support offered",
    "Maintain good communication with school",
]
school_commitments = [
    "Monitor attendance weekly and provide feedback",
    "Implement agreed support strategies",
    "Maintain open communication with family",
]
review = "Progress will be reviewed on this date. If significant improvement is observed, the plan may be closed. Should concerns remain, the plan may be escalated to the next stage of support in line with the school's attendance procedures."
escalation = "Tier 3, intensive intervention: referral to the Education Welfare Officer (EWO), or to the EWO with the EWSO"
pupil_signature = true
'''

RP_SECTION = '''
[support_plan]
title = "Attendance Action Plan"
purpose = "Your child's attendance is {attendance}; our target is {target}. Absence at this level harms a child's education, and we need your fullest support and co-operation to tackle it. This action plan sets out how we will work together to understand and remove the barriers to attendance."
support_offered = [
    "Allocation of additional support",
    "Individual incentive programme",
    "Group activities around raising attendance",
    "Academic mentoring where absence affects attainment",
    "Meeting with the Attendance Officer, Family Support Worker or Assistant Headteacher",
    "Talking to the school nurse",
    "Home visits from school staff",
    "A meeting in school with other professionals",
    "Request for support from the Multi Agency Support Team (MAST)",
]
parent_commitments = [
    "Make sure my child attends school regularly, on time and prepared for the day",
    "Call school by 9.00am on each day of absence with the reason for absence",
    "Give evidence for any future absence: for illness, a prescription, appointment card, medicine packaging, hospital letter or a screen-print from the My GP app",
    "Arrange medical and dental appointments out of school time wherever possible",
    "Arrange holidays out of school time",
    "Speak to school staff about any problem that may prevent my child from attending",
]
school_commitments = [
    "Track and monitor attendance carefully and keep you informed",
    "Respond quickly and sensitively to any concerns you raise",
    "Contact you on the first day of any unexplained absence",
    "Recognise and reward improved attendance",
    "Involve other services where needed, so your family gets the right support at the right time",
]
review = "We will review this plan with you on this date. If attendance has improved, the plan may be closed; if concerns remain, the school may request support from the Multi Agency Support Team (MAST)."
escalation = "a request for support from the Multi Agency Support Team (MAST)"
pupil_signature = false
'''


def section(source: str) -> dict:
    return tomllib.loads(source)["support_plan"]


# ---------------------------------------------------------------- the template


def test_without_a_section_the_template_is_alp_appendix_1_word_for_word():
    for data in (None, {}):
        template, problems = parse_template(data)
        assert template == ALP_APPENDIX_1 and problems == []
    assert ALP_APPENDIX_1.title == "Stage 1: Attendance Support Plan & Parent Partnership Attendance Contract"
    assert len(ALP_APPENDIX_1.support_offered) == 12
    assert ALP_APPENDIX_1.support_offered[0] == "Check-ins with key adult/staff member"
    assert ALP_APPENDIX_1.support_offered[-1] == "Referral to attendance team for next level support"
    assert "Inform school before 9:00am if child is absent" in ALP_APPENDIX_1.parent_commitments
    assert ALP_APPENDIX_1.school_commitments == (
        "Monitor attendance weekly and provide feedback", "Implement agreed support strategies",
        "Maintain open communication with family")
    assert ALP_APPENDIX_1.pupil_signature is True


def test_the_proposed_alp_section_is_the_default_but_for_what_escalation_means():
    template, problems = parse_template(section(ALP_SECTION))
    assert problems == []
    assert template.title == ALP_APPENDIX_1.title
    assert template.support_offered == ALP_APPENDIX_1.support_offered
    assert template.parent_commitments == ALP_APPENDIX_1.parent_commitments
    assert template.school_commitments == ALP_APPENDIX_1.school_commitments
    assert template.purpose == ALP_APPENDIX_1.purpose and template.review == ALP_APPENDIX_1.review
    assert "Education Welfare Officer" in template.escalation


def test_rise_parks_plan_differs():
    template, problems = parse_template(section(RP_SECTION))
    assert problems == []
    assert template.title == "Attendance Action Plan"
    assert "Request for support from the Multi Agency Support Team (MAST)" in template.support_offered
    assert any("My GP app" in c for c in template.parent_commitments)
    assert template.pupil_signature is False
    assert rules.fill_purpose(template, "84.2", "97").startswith("Your child's attendance is 84.2%; our target is 97%.")


@pytest.mark.parametrize("name", ["alp.toml", "rise-park.toml"])
def test_the_shipped_examples_sections_if_present_are_valid(name):
    data = tomllib.loads((EXAMPLES / name).read_text(encoding="utf-8"), parse_float=Decimal)
    template, problems = parse_template(data.get("support_plan"))
    assert problems == []
    assert template.title


def test_keys_left_out_keep_the_default():
    template, problems = parse_template({"title": "Attendance contract", "pupil_signature": False})
    assert problems == []
    assert template.title == "Attendance contract" and template.pupil_signature is False
    assert template.support_offered == ALP_APPENDIX_1.support_offered


@pytest.mark.parametrize("data, key, words", [
    ({"titel": "x"}, "titel", "did you mean `title`"),
    ({"title": 3}, "title", "text in quotes"),
    ({"title": "  "}, "title", "is empty"),
    ({"support_offered": "Thrive"}, "support_offered", "list of text"),
    ({"support_offered": []}, "support_offered", "at least one"),
    ({"parent_commitments": ["Be on time", 4]}, "parent_commitments", "entry 2"),
    ({"school_commitments": ["A", "A "]}, "school_commitments", "listed twice"),
    ({"school_commitments": ["one\ntwo"]}, "school_commitments", "one line"),
    ({"support_offered": ["x" * 301]}, "support_offered", "longer than 300"),
    ({"purpose": "Attendance is {attendence}"}, "purpose", "unknown placeholder {attendence}"),
    ({"purpose": "Attendance is {attendance"}, "purpose", "not closed"),
    ({"purpose": "Attendance is {}"}, "purpose", "unknown placeholder"),
    ({"pupil_signature": "yes"}, "pupil_signature", "true or false"),
])
def test_every_mistake_is_reported_against_its_key(data, key, words):
    template, problems = parse_template(data)
    assert [k for k, _ in problems] == [key]
    assert words in problems[0][1]
    assert template == ALP_APPENDIX_1  # the bad value is not used


def test_a_section_that_is_not_a_table_is_reported():
    assert parse_template("title")[1] == [("", "should be a table: [support_plan]")]


def test_literal_braces_are_written_twice():
    template, problems = parse_template({"purpose": "{{Stage 1}} attendance {attendance} against {target}"})
    assert problems == []
    assert rules.fill_purpose(template, "90.0", "96.5") == "{Stage 1} attendance 90.0% against 96.5%"


def test_the_purpose_says_not_yet_measured_without_a_figure():
    assert "is not yet measured, which" in rules.fill_purpose(ALP_APPENDIX_1, None, "97")
    assert rules.fill_purpose(ALP_APPENDIX_1, "88.5", "97").startswith(
        "The current attendance level for the pupil is 88.5%, which is below the school's expectation of 97% and above.")


# ---------------------------------------------------------------- the signed text


def fields(**changes) -> dict:
    base = {
        "schema": 1, "reference": "SP-00007", "version": 1, "title": ALP_APPENDIX_1.title,
        "school": "Bothal Primary School", "pupil_name": "Sam Taylor", "pupil_class": "2T",
        "meeting_date": "2026-10-05",
        "attendees": {"parents": "Jo Taylor", "pupil": "", "school": "Ms A Officer", "others": ""},
        "attendance": {"from": "2026-09-01", "to": "2026-10-05", "pct": "88.5", "days_missed": "2.5",
                       "days_possible": "22.0", "target": "97"},
        "purpose": rules.fill_purpose(ALP_APPENDIX_1, "88.5", "97"),
        "concerns": "Frequent Monday absences.\nLate most Fridays.", "parent_views": "Mornings are hard.",
        "pupil_views": "", "barriers": "Younger sibling's nursery run.",
        "support_offered": ["Check-ins with key adult/staff member", "Help with morning routine or transition"],
        "support_other": "", "parent_commitments": list(ALP_APPENDIX_1.parent_commitments),
        "additional_actions": "", "school_commitments": list(ALP_APPENDIX_1.school_commitments),
        "review_date": "2026-11-16", "review": ALP_APPENDIX_1.review,
    }
    base.update(changes)
    return base


def test_the_text_follows_appendix_1_in_order():
    text = rules.render_text(rules.document(fields()))
    headings = ["PUPIL", "MEETING ATTENDEES", "PURPOSE OF THE SUPPORT PLAN", "SUMMARY OF DISCUSSION",
                "SUPPORT STRATEGIES OFFERED BY SCHOOL", "PARENT/CARER COMMITMENTS", "SCHOOL COMMITMENTS",
                "REVIEW AND MONITORING"]
    positions = [text.index(f"\n{h}\n") for h in headings]
    assert positions == sorted(positions)
    assert text.startswith(f"{ALP_APPENDIX_1.title}\nBothal Primary School\nPlan SP-00007, version 1\n")
    assert "Date of meeting: Monday 5 October 2026" in text
    assert "Review date: Monday 16 November 2026" in text
    assert "School's concerns:\nFrequent Monday absences.\nLate most Fridays.\n" in text
    assert "Pupil's views (where appropriate): None recorded." in text
    assert "- Help with morning routine or transition" in text
    assert "- Pastoral or emotional support/Thrive" not in text  # only what was offered
    assert ("Attendance from Tuesday 1 September 2026 to Monday 5 October 2026: 88.5%, 2.5 of 22.0 days missed."
            in text)
    assert text.endswith("\n") and "\n\n\n" not in text


def test_the_fingerprint_is_the_sha256_of_the_utf8_text_and_changes_with_any_word():
    text = rules.render_text(rules.document(fields()))
    assert rules.text_sha256(text) == hashlib.sha256(text.encode("utf-8")).hexdigest()
    same = rules.render_text(rules.document(fields()))
    assert rules.text_sha256(same) == rules.text_sha256(text)
    for change in ({"concerns": "Frequent Monday absences.\nLate most Fridays!"}, {"version": 2},
                   {"review_date": "2026-11-17"}, {"support_offered": ["Family Support"]}):
        assert rules.text_sha256(rules.render_text(rules.document(fields(**change)))) != rules.text_sha256(text)


def test_no_attendance_yet_is_said_in_words():
    text = rules.render_text(rules.document(fields(attendance={"from": "2026-09-01", "to": "2026-09-01", "pct": None,
                                                                "days_missed": "0.0", "days_possible": "0.0",
                                                                "target": "97"})))
    assert "No attendance recorded from Tuesday 1 September 2026 to Tuesday 1 September 2026." in text


def test_empty_lists_say_none_recorded():
    text = rules.render_text(rules.document(fields(support_offered=[], school_commitments=[])))
    assert "SUPPORT STRATEGIES OFFERED BY SCHOOL\nNone recorded.\nOther: None recorded." in text
    assert "SCHOOL COMMITMENTS\nNone recorded." in text


def test_dates_are_written_the_same_in_every_locale():
    before = rules.long_date(date(2026, 10, 5))
    try:
        locale.setlocale(locale.LC_TIME, "C.UTF-8")
    except locale.Error:
        pass
    assert before == rules.long_date("2026-10-05") == "Monday 5 October 2026"
    assert rules.long_date(None) == "Not set"


def test_typed_text_is_cleaned_to_one_form():
    assert rules.clean_text("  Line one  \r\nLine two\r\n\r\n\r\n\nLine three \n\n") == "  Line one\nLine two\n\nLine three"
    assert rules.clean_text("Cafe\u0301") == "Caf\u00e9"  # NFC: the same letters, the same bytes, the same hash
    assert rules.clean_text(None) == ""
    assert rules.clean_line("  Check-ins   with\nkey adult ") == "Check-ins with key adult"


def test_the_review_must_come_after_the_meeting():
    assert rules.check_dates(date(2026, 10, 5), date(2026, 10, 5)) == [
        ("review_date", "The review date must be after the date of the meeting")]
    assert rules.check_dates(date(2026, 10, 5), date(2026, 10, 6)) == []
    assert rules.check_dates(None, date(2026, 10, 6)) == []


def test_the_fingerprint_is_shown_in_groups_that_wrap():
    sha = "0123456789abcdef" * 4
    assert rules.fingerprint_groups(sha) == " ".join(["01234567", "89abcdef"] * 4)


def test_the_signed_text_is_the_same_as_when_parents_signed_it():
    # Signatures hold the SHA-256 of the text read: the English text of a stored version must never change with the
    # code (this one as laid out on 4 December 2026, before the document's words could be translated).
    text = rules.render_text(rules.document(fields()))
    assert rules.text_sha256(text) == "adc9dc8210376fc614e37582b35424fb15b62b6a76a5d53b0f999be44c898312"
