"""Reading a policy file: every problem named by key and line; warnings for departures from the 2024 rules."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

import pytest

from portal.domain.policy import load_policy
from portal.domain.policy_file import ERROR, NOTE, WARNING, key_lines

VALID = '''\
schema = 1

[trust]
name = "Test Trust"
short_name = "TT"
slug = "test-trust"

[[schools]]
urn = "100001"
name = "Test Primary"
slug = "test"
local_authority = "Testshire"
calendar = "testshire"
inset_days = [2026-09-01]
phone = "01234 567890"
email = "office@test.example"
address = "1 School Lane"

[[schools.closures]]
name = "Polling station"
starts = 2026-10-08
session = "AM"

[[schools.sites]]
name = "Main site"
slug = "main"
[schools.sites.am]
doors_open = "08:40"
late_from = "08:50"
register_closes = "09:20"
ends = "12:00"
[schools.sites.pm]
doors_open = "13:00"
late_from = "13:00"
register_closes = "13:10"
ends = "15:15"

[calendars.testshire]
authority = "Testshire County Council"
source = "made up for tests"
status = "published"

[[calendars.testshire.terms]]
year = "2026-27"
name = "Autumn term, first half"
starts = 2026-09-01
ends = 2026-10-23

[[calendars.testshire.terms]]
year = "2026-27"
name = "Autumn term, second half"
starts = 2026-11-02
ends = 2026-12-18

[attendance]
target = 97
at_risk = { days_missed_from = 12 }

[leave]
notice = 20
notice_unit = "school_days"
decision_within = 10
decision_unit = "school_days"
attendance_bar = 95
attendance_bar_effect = "flag"
evidence = "required"
deciders = ["headteacher"]

[roles]
authorise_absence = ["office", "headteacher"]
decide_leave = ["headteacher"]

[links]
attendance_policy = "https://test.example/attendance-policy"

[attendance_lead]
name = "A Lead"

[data_protection_officer]
name = "A Officer"
email = "dpo@test.example"
'''


def problems_of(source):
    policy, problems = load_policy(source)
    return policy, [(p.level, p.key, p.line) for p in problems], problems


def test_a_valid_policy_loads_with_every_value_read_exactly():
    policy, found, _ = problems_of(VALID)
    assert found == []
    school = policy.school("100001")
    assert school.site("main").am.late_from == time(8, 50)
    assert school.site("main").am.register_open_minutes == 30
    assert policy.bands.target == Decimal(97)
    assert policy.bands.at_risk_days_missed_from == Decimal(12)
    assert policy.bands.at_risk_absence_over is None
    assert policy.leave.notice_unit == "school_days"
    # INSET day, half-term week and the AM-only polling closure all shape the calendar.
    calendar = school.calendar
    assert not calendar.is_school_day(date(2026, 9, 1))
    assert calendar.sessions_on(date(2026, 10, 8)) == ("PM",)
    assert calendar.nth_school_day_after(date(2026, 10, 23), 1) == date(2026, 11, 2)


def test_defaults_are_the_national_rules_when_a_policy_is_silent():
    policy, _, _ = problems_of(VALID)
    assert policy.penalties.threshold_sessions == 10
    assert policy.penalties.window_school_weeks == 10
    assert policy.penalties.counted_codes == {"G", "O", "U"}
    assert policy.penalties.fines.first_early == 80
    assert policy.retention.register_years == 6
    assert policy.follow_up.n_recode_after == 5


@pytest.mark.parametrize(
    "change, key, line, words",
    [
        pytest.param(('name = "Test Trust"\n', ""), "trust.name", 3, "missing", id="missing-key"),
        pytest.param(('late_from = "08:50"', 'late_from = "8.50"'), "schools[0].sites[0].am.late_from", 29,
                     "HH:MM", id="bad-time"),
        pytest.param(('deciders = ["headteacher"]', 'deciders = ["headteacher"]\nrefused_code = "QQ"'),
                     "leave.refused_code", 68, "not a 2024 attendance code", id="unknown-code"),
        pytest.param(('ends = "12:00"', 'ends = "12:00"\nlate_form = "09:00"'), "schools[0].sites[0].am.late_form",
                     32, "did you mean `late_from`", id="typo-key"),
        pytest.param(('urn = "100001"', 'urn = "10001"'), "schools[0].urn", 9, "six digits", id="bad-urn"),
        pytest.param(('calendar = "testshire"', 'calendar = "nowhere"'), "schools[0].calendar", 13,
                     "no calendar called 'nowhere'", id="unknown-calendar"),
        pytest.param(('register_closes = "09:20"', 'register_closes = "08:45"'),
                     "schools[0].sites[0].am.register_closes", 30, "earlier than late_from", id="times-out-of-order"),
        pytest.param(("target = 97", "target = 197"), "attendance.target", 56, "between 0 and 100", id="bad-pct"),
        pytest.param(('"office", "headteacher"]', '"office", "head"]'), "roles.authorise_absence", 70,
                     "not a role", id="unknown-role"),
        pytest.param(("starts = 2026-11-02", "starts = 2026-10-20"), "calendars.testshire.terms[1].starts", 52,
                     "before Autumn term, first half ends", id="overlapping-terms"),
        pytest.param(('notice_unit = "school_days"', 'notice_unit = "fortnights"'), "leave.notice_unit", 61,
                     "one of: calendar_days, school_days, weeks", id="bad-choice"),
    ],
)
def test_a_broken_policy_is_refused_naming_key_and_line(change, key, line, words):
    old, new = change
    assert old in VALID
    policy, found, problems = problems_of(VALID.replace(old, new, 1))
    assert policy is None
    errors = [p for p in problems if p.level == ERROR]
    assert any(p.key == key and p.line == line and words in p.message for p in errors), errors


def test_every_problem_is_reported_at_once_not_just_the_first():
    broken = VALID.replace('late_from = "08:50"', 'late_from = "nine"').replace("target = 97", "target = 197")
    _, _, problems = problems_of(broken)
    assert {p.key for p in problems if p.level == ERROR} == {"schools[0].sites[0].am.late_from", "attendance.target"}


def test_invalid_toml_names_its_line():
    policy, _, problems = problems_of(VALID.replace('slug = "test"', 'slug = "test'))
    assert policy is None
    assert problems[0].line == 11 and "not valid TOML" in problems[0].message


@pytest.mark.parametrize(
    "change, key, words",
    [
        pytest.param(('register_closes = "09:20"', 'register_closes = "09:40"'),
                     "schools[0].sites[0].am.register_closes", "open 50 minutes", id="register-over-30-minutes"),
        pytest.param(("[roles]", "[retention]\nregister_years = 3\n\n[roles]"), "retention.register_years",
                     "at least 6 years", id="short-retention"),
        pytest.param(("[roles]", "[penalties]\nfirst_notice_early = 60\nfirst_notice_full = 120\n\n[roles]"),
                     "penalties", "£60/£120", id="outdated-fines"),
        pytest.param(('deciders = ["headteacher"]', 'deciders = ["headteacher"]\napproved_code = "H"'),
                     "leave.approved_code", "retired in August 2024", id="retired-code"),
        pytest.param(('evidence = "required"', 'evidence = "required"\npast_attendance_considered = false'),
                     "leave.attendance_bar", "also says past attendance is not considered", id="bar-contradicts"),
        pytest.param(("[roles]", "[penalties]\nwindow_school_weeks = 12\n\n[roles]"), "penalties.threshold_sessions",
                     "10 sessions of unauthorised absence in 10 school weeks", id="threshold"),
        pytest.param(("inset_days = [2026-09-01]", "inset_days = [2026-09-01, 2026-10-28]"), "schools[0].inset_days",
                     "not a weekday in term", id="inset-in-holiday"),
    ],
)
def test_departures_from_the_2024_rules_are_warnings_and_the_policy_still_loads(change, key, words):
    old, new = change
    policy, _, problems = problems_of(VALID.replace(old, new, 1))
    assert policy is not None, [p for p in problems if p.level == ERROR]
    assert any(p.level == WARNING and p.key == key and words in p.message for p in problems), problems


def test_a_recorded_seed_conflict_is_reported_at_the_key_it_resolves():
    source = VALID + '''
[[conflicts]]
key = "leave.notice"
chosen = "20 school days"
also_stated = "6 weeks"
source = "Appendix 5"
reason = "The issue asks for 20 school days."
'''
    policy, _, problems = problems_of(source)
    assert policy is not None
    [warning] = [p for p in problems if p.level == WARNING]
    assert warning.key == "leave.notice" and warning.line == 60
    assert "seed conflict: chose 20 school days; the seed also says 6 weeks" in warning.message


def test_a_conflict_naming_a_key_that_does_not_exist_is_an_error():
    source = VALID + '[[conflicts]]\nkey = "leave.noticee"\nchosen = "a"\nalso_stated = "b"\nsource = "c"\nreason = "d"\n'
    policy, _, problems = problems_of(source)
    assert policy is None
    assert any(p.key == "conflicts[0].key" and "not a key of this policy" in p.message for p in problems)


def test_realistic_term_dates_are_marked_as_such():
    _, _, problems = problems_of(VALID.replace('status = "published"', 'status = "realistic"'))
    assert [p.key for p in problems if p.level == NOTE] == ["calendars.testshire.status"]


def test_key_lines_follow_arrays_of_tables_and_inline_values():
    source = '[[a]]\nx = 1\n[[a]]\nx = 2\n[a.b]\ny = { z = 1 }\nlist = [\n  { k = 1 },\n  { k = 2 },\n]\nd = [\n 1, 2,\n 3,\n]\n'
    lines = key_lines(source)
    assert lines[("a", 0, "x")] == 2
    assert lines[("a", 1, "x")] == 4
    assert lines[("a", 1, "b", "y", "z")] == 6
    assert lines[("a", 1, "b", "list", 1, "k")] == 9
    assert lines[("a", 1, "b", "d", 2)] == 13
