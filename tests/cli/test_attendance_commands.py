"""`attendance summary`, `attendance alerts` and `export marks`, as a data manager would run them."""

from __future__ import annotations

import csv
import json
from datetime import date, datetime

import pytest
from factories import BOTHAL, CENTRAL, RISE_PARK, RISE_PARK_URN, add_marks, calendar, days, load_trust, make_pupil

DESIGN_SUMMARY_KEYS = {
    "upn", "from", "to", "possible", "attended", "present", "approved_activity", "authorised", "unauthorised",
    "late_before_close", "late_after_close", "attendance_pct", "absence_pct", "days_missed", "band",
    "persistent_absence", "severe_absence",
}
YEAR_START, YEAR_END = date(2025, 9, 1), date(2026, 8, 31)


@pytest.fixture
def pupil(app):
    """A Bothal pupil with a whole school year: 22 sessions of illness (11 days), 2 L, 1 U, 2 V, the rest present."""
    with app.app_context():
        load_trust()
        pupil = make_pupil(BOTHAL, forename="Amelia", surname="Hart")
        marks = days(calendar(BOTHAL), YEAR_START, YEAR_END, "/")
        special = ["I"] * 22 + ["L", "L", "U", "V", "V"]
        add_marks(pupil, [(d, s, special[i] if i < len(special) else ("/" if s == "AM" else "\\"))
                          for i, (d, s, _) in enumerate(marks)])
        return pupil.upn


def test_summary_in_plain_words(runner, pupil):
    result = runner.invoke(args=["attendance", "summary", pupil, "--as-of", "2026-08-31"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"Amelia Hart, UPN {pupil}, Bothal Primary School"
    assert lines[1] == "From 2025-09-01 to 2026-08-31: 380 sessions possible (190.0 days)."
    assert lines[2] == ("Attendance 93.9% (on target is 97%): 11.5 days missed, 11.0 days authorised and "
                        "0.5 days unauthorised (absence 6.1%).")
    assert lines[3] == "At risk of persistent absence: missing more than 5% of sessions."
    assert "2 sessions at approved educational activities" in result.output
    assert ("Late: 2 sessions before the register closed (counted as present), 1 session after it closed "
            "(counted as unauthorised absence).") in result.output


def test_summary_json_has_exactly_the_documented_keys(runner, pupil):
    result = runner.invoke(args=["attendance", "summary", pupil, "--from", "2025-09-01", "--to", "2025-09-05",
                                 "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == DESIGN_SUMMARY_KEYS
    # Tue 2 to Fri 5 September (Monday 1st is an INSET day): 8 sessions, 8 of them I.
    assert (data["from"], data["to"], data["possible"], data["authorised"]) == ("2025-09-01", "2025-09-05", 8, 8)
    assert (data["attendance_pct"], data["absence_pct"], data["band"], data["severe_absence"]) == (
        "0.0", "100.0", "severe", True)


def test_summary_before_any_session_says_not_yet(runner, pupil):
    result = runner.invoke(args=["attendance", "summary", pupil, "--as-of", "2025-09-01"])
    assert result.exit_code == 0, result.output
    assert "No attendance figure yet" in result.output and "%" not in result.output


@pytest.mark.parametrize("args", [
    ["attendance", "summary", "A929200125999"],
    ["attendance", "summary", "A929200125999", "--json"],
])
def test_an_unknown_upn_is_a_message_and_exit_1(runner, pupil, args):
    result = runner.invoke(args=args)
    assert result.exit_code == 1
    assert "no pupil with UPN A929200125999" in result.output
    assert "Traceback" not in result.output


def test_a_bad_date_is_a_usage_error(runner, pupil):
    result = runner.invoke(args=["attendance", "summary", pupil, "--from", "1/9/2025"])
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_to_before_from_is_a_message(runner, pupil):
    result = runner.invoke(args=["attendance", "summary", pupil, "--from", "2025-10-01", "--to", "2025-09-01"])
    assert result.exit_code == 1 and "ends (2025-09-01) before it starts (2025-10-01)" in result.output


@pytest.fixture
def absentees(app):
    """Ten O sessions from 8 September for one pupil at each of three schools in two trusts."""
    with app.app_context():
        load_trust()
        load_trust(RISE_PARK)
        upns = {}
        for urn in (BOTHAL, CENTRAL, RISE_PARK_URN):
            pupil = make_pupil(urn)
            add_marks(pupil, days(calendar(urn), date(2025, 9, 8), date(2025, 9, 12), "O"))
            upns[urn] = pupil.upn
        return upns


def test_alerts_json_for_every_school_and_for_one(runner, absentees):
    result = runner.invoke(args=["attendance", "alerts", "--as-of", "2025-09-30", "--json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert all(set(a) == {"upn", "kind", "since", "detail"} for a in found)
    assert {a["upn"] for a in found} == set(absentees.values())
    threshold = [a for a in found if a["kind"] == "penalty_threshold"]
    assert len(threshold) == 3 and {a["since"] for a in threshold} == {"2025-09-12"}
    result = runner.invoke(args=["attendance", "alerts", "--school", CENTRAL, "--as-of", "2025-09-30", "--json"])
    assert {a["upn"] for a in json.loads(result.output)} == {absentees[CENTRAL]}


def test_alerts_in_plain_words(runner, absentees):
    result = runner.invoke(args=["attendance", "alerts", "--school", RISE_PARK_URN, "--as-of", "2025-09-30"])
    assert result.exit_code == 0, result.output
    upn = absentees[RISE_PARK_URN]
    assert f"{upn}  since 2025-09-12  Penalty notice threshold reached: 10 sessions" in result.output
    assert f"{upn}  since 2025-09-08  Local rule: term-time leave" not in result.output  # O is not leave (G)
    assert result.output.splitlines()[-1] == "3 alerts for 1 pupil."


def test_alerts_for_an_unknown_school(runner, absentees):
    result = runner.invoke(args=["attendance", "alerts", "--school", "999999"])
    assert result.exit_code == 1
    assert "no school with URN 999999 is loaded" in result.output and "Traceback" not in result.output


def test_no_alerts(runner):
    result = runner.invoke(args=["attendance", "alerts", "--as-of", "2025-09-30", "--json"])
    assert result.exit_code == 0 and json.loads(result.output) == []


@pytest.fixture
def decisions(app):
    with app.app_context():
        load_trust()
        pupil = make_pupil(BOTHAL)
        add_marks(pupil, [(date(2025, 9, 8), "AM", "N")])
        add_marks(pupil, [(date(2025, 9, 8), "PM", "I")], source="portal",
                  recorded_at=datetime(2025, 9, 8, 14, 0), recorded_by="staff:1")
        add_marks(pupil, [(date(2025, 9, 9), "AM", "M")], source="portal",
                  recorded_at=datetime(2025, 9, 10, 9, 0), recorded_by="staff:2")
        return pupil.upn


def test_export_marks_writes_the_portals_decisions(runner, decisions, tmp_path):
    path = tmp_path / "out.csv"
    result = runner.invoke(args=["export", "marks", str(path)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"Wrote 2 marks to {path}."
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["upn"], r["code"], r["recorded_by"]) for r in rows] == [
        (decisions, "I", "staff:1"), (decisions, "M", "staff:2")]


@pytest.mark.parametrize(("since", "count"), [
    ("2025-09-09", 1), ("2025-09-08T14:00:00", 2), ("2025-09-08T14:00:01", 1), ("2025-09-10T10:00+01:00", 1),
    ("2025-09-11", 0),
])
def test_export_marks_since(runner, decisions, tmp_path, since, count):
    path = tmp_path / "out.csv"
    result = runner.invoke(args=["export", "marks", str(path), "--since", since])
    assert result.exit_code == 0, result.output
    assert f"Wrote {count} mark" in result.output and "recorded since" in result.output


def test_export_marks_with_a_bad_since_or_folder(runner, decisions, tmp_path):
    result = runner.invoke(args=["export", "marks", str(tmp_path / "out.csv"), "--since", "yesterday"])
    assert result.exit_code == 2 and "'yesterday' is not a date or time" in result.output
    result = runner.invoke(args=["export", "marks", str(tmp_path / "missing" / "out.csv")])
    assert result.exit_code == 1 and "does not exist" in result.output and "Traceback" not in result.output
