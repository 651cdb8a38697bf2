"""`policy check|load|show` and `calendar show`, as a school's data manager would run them."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEvent, School, Trust

from conftest import EXAMPLES

ALP = str(EXAMPLES / "alp.toml")
RISE_PARK = str(EXAMPLES / "rise-park.toml")
BOTHAL = "122239"


@pytest.mark.parametrize(
    "path, expected_warnings",
    [
        (ALP, ["the register is open 50 minutes", "retention.register_years: seed conflict",
               "leave.approved_code: seed conflict"]),
        (RISE_PARK, ["leave.notice: seed conflict", "also says past attendance is not considered"]),
    ],
    ids=["alp", "rise-park"],
)
def test_both_example_policies_pass_and_list_their_seed_conflicts(runner, path, expected_warnings):
    result = runner.invoke(args=["policy", "check", path])
    assert result.exit_code == 0, result.output
    assert "0 errors" in result.output
    for words in expected_warnings:
        assert words in result.output


def test_a_broken_policy_exits_1_naming_key_and_line(runner, tmp_path):
    broken = tmp_path / "broken.toml"
    source = (EXAMPLES / "rise-park.toml").read_text()
    lines = source.splitlines()
    number = next(i for i, line in enumerate(lines, 1) if line.strip().startswith("late_from"))
    lines[number - 1] = 'late_from = "9am"'
    broken.write_text("\n".join(lines))
    result = runner.invoke(args=["policy", "check", str(broken)])
    assert result.exit_code == 1
    assert f"broken.toml:{number}: error: schools[0].sites[0].am.late_from: '9am' is not a time" in result.output
    assert "Traceback" not in result.output


def test_a_missing_file_is_a_message_not_a_traceback(runner, tmp_path):
    result = runner.invoke(args=["policy", "check", str(tmp_path / "nope.toml")])
    assert result.exit_code == 1
    assert "file not found" in result.output


def test_load_creates_the_trust_schools_and_sites_with_an_audit_event(runner, app):
    result = runner.invoke(args=["policy", "load", ALP])
    assert result.exit_code == 0, result.output
    assert "Loaded Ashington Learning Partnership" in result.output
    with app.app_context():
        trust = db.session.scalar(select(Trust).where(Trust.slug == "alp"))
        assert [s.name for s in trust.schools] == ["Bothal Primary School", "Central Primary School"]
        assert {site.slug for site in trust.schools[0].sites} == {"upper", "lower"}
        [event] = db.session.scalars(select(AuditEvent)).all()
        assert (event.action, event.object_type, event.before) == ("policy.load", "Trust", None)
        assert event.after["policy_sha256"] == trust.policy_sha256


def test_reloading_the_same_policy_changes_nothing_and_an_edit_updates(runner, app, tmp_path):
    runner.invoke(args=["policy", "load", ALP])
    again = runner.invoke(args=["policy", "load", ALP])
    assert "unchanged" in again.output
    edited = tmp_path / "alp.toml"
    edited.write_text((EXAMPLES / "alp.toml").read_text().replace(
        'name = "Bothal Primary School"', 'name = "Bothal Primary Academy"', 1))
    result = runner.invoke(args=["policy", "load", str(edited)])
    assert result.exit_code == 0 and "Updated" in result.output
    with app.app_context():
        assert db.session.scalar(select(School.name).where(School.urn == BOTHAL)) == "Bothal Primary Academy"
        assert db.session.query(AuditEvent).count() == 2


def test_loading_a_broken_policy_changes_nothing(runner, app, tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text((EXAMPLES / "alp.toml").read_text().replace("target = 97", "target = 970", 1))
    result = runner.invoke(args=["policy", "load", str(broken)])
    assert result.exit_code == 1
    assert "attendance.target" in result.output
    with app.app_context():
        assert db.session.query(Trust).count() == 0


def test_policy_show_json_has_the_documented_shape(runner):
    result = runner.invoke(args=["policy", "show", ALP, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["trust"]["name"] == "Ashington Learning Partnership"
    bothal = next(s for s in data["schools"] if s["urn"] == BOTHAL)
    upper = next(site for site in bothal["sites"] if site["slug"] == "upper")
    assert upper["am"]["late_from"] == "08:40"
    assert data["bands"]["target"] == "97"
    assert data["leave"]["notice"] == 14 and data["leave"]["notice_unit"] == "calendar_days"


def test_calendar_show_lists_school_days_and_sessions(runner):
    runner.invoke(args=["policy", "load", ALP])
    result = runner.invoke(args=["calendar", "show", "--school", BOTHAL, "--from", "2026-12-14",
                                 "--to", "2027-01-08", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["school"] == BOTHAL
    dates = [d["date"] for d in data["days"]]
    assert all(d["sessions"] == ["AM", "PM"] for d in data["days"])
    # No weekends, no Christmas holiday, no bank holidays.
    assert all(date.fromisoformat(d).weekday() < 5 for d in dates)
    assert "2026-12-25" not in dates and "2026-12-28" not in dates and "2027-01-01" not in dates
    assert dates and dates[0] >= "2026-12-14"


def test_calendar_show_leaves_out_inset_days(runner, app):
    from portal.services.policies import school_policy

    runner.invoke(args=["policy", "load", ALP])
    with app.app_context():
        _, school = school_policy(BOTHAL)
    inset = min(d for d in school.calendar.inset_days if d >= date(2026, 9, 1))
    result = runner.invoke(args=["calendar", "show", "--school", BOTHAL, "--from", "2026-09-01",
                                 "--to", "2026-09-30", "--json"])
    assert inset.isoformat() not in [d["date"] for d in json.loads(result.output)["days"]]


def test_calendar_for_an_unknown_school_says_how_to_load_it(runner):
    result = runner.invoke(args=["calendar", "show", "--school", "999999"])
    assert result.exit_code == 1
    assert "no school with URN 999999 is loaded" in result.output


def test_policy_check_warns_months_ahead_when_next_years_term_dates_are_missing(runner):
    import time_machine

    with time_machine.travel(date(2027, 2, 26), tick=False):
        before = runner.invoke(args=["policy", "check", RISE_PARK])
    assert "2027-28" not in before.output
    with time_machine.travel(date(2027, 3, 1), tick=False):
        result = runner.invoke(args=["policy", "check", RISE_PARK])
    assert result.exit_code == 0, result.output
    assert ("warning: calendars.nottingham_city.terms: Nottingham City Council: the term dates end on "
            "Wednesday 28 July 2027 and those for 2027-28 are missing") in result.output
