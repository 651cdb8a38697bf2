"""Attendance summaries and alerts through the service, over marks stored in the database (domain.md §9)."""

from __future__ import annotations

from datetime import date

import pytest
from factories import (
    BOTHAL, CENTRAL, RISE_PARK, RISE_PARK_URN, add_marks, calendar, days, get_school, load_trust, make_pupil,
    sessions, week_of,
)
from sqlalchemy import event

from portal.extensions import db
from portal.services import NotFound, ServiceError
from portal.services.attendance import ALERT_KINDS, SUMMARY_KEYS, alerts, pupil_summary

DESIGN_SUMMARY_KEYS = {
    "upn", "from", "to", "possible", "attended", "present", "approved_activity", "authorised", "unauthorised",
    "late_before_close", "late_after_close", "attendance_pct", "absence_pct", "days_missed", "band",
    "persistent_absence", "severe_absence",
}
YEAR_START, YEAR_END = date(2025, 9, 1), date(2026, 8, 31)


@pytest.fixture
def alp(app_ctx):
    load_trust()
    return calendar(BOTHAL)


def full_year(cal, absent: int, code: str = "I") -> list[tuple]:
    """Every session of the 2025-26 school year (380), the first `absent` of them coded `code`."""
    marks = days(cal, YEAR_START, YEAR_END, "/")
    assert len(marks) == 380
    return [(d, s, code if i < absent else ("/" if s == "AM" else "\\")) for i, (d, s, _) in enumerate(marks)]


def kinds(found, upn=None):
    return [a["kind"] for a in found if upn is None or a["upn"] == upn]


# ---------------------------------------------------------------- summary


def test_summary_has_exactly_the_documented_keys(alp):
    pupil = make_pupil(BOTHAL)
    add_marks(pupil, sessions(alp, date(2025, 9, 2), "/\\/\\"))
    data = pupil_summary(pupil.upn, as_of=date(2025, 9, 30))
    assert set(data) == DESIGN_SUMMARY_KEYS == set(SUMMARY_KEYS)
    assert data["upn"] == pupil.upn
    assert (data["from"], data["to"]) == ("2025-09-01", "2025-09-30")
    assert (data["possible"], data["attendance_pct"], data["band"]) == (4, "100.0", "on_target")


def test_scenario_4_one_U_in_ten_is_persistent_absence(alp):
    pupil = make_pupil(BOTHAL)
    add_marks(pupil, sessions(alp, date(2025, 9, 2), "/\\/\\/\\/\\/U"))
    data = pupil_summary(pupil.upn, as_of=date(2025, 9, 30))
    assert data == {
        "upn": pupil.upn, "from": "2025-09-01", "to": "2025-09-30", "possible": 10, "attended": 9, "present": 9,
        "approved_activity": 0, "authorised": 0, "unauthorised": 1, "late_before_close": 0, "late_after_close": 1,
        "attendance_pct": "90.0", "absence_pct": "10.0", "days_missed": "0.5", "band": "persistent",
        "persistent_absence": True, "severe_absence": False,
    }


@pytest.mark.parametrize(("absent", "pa", "pct", "days_missed", "band"), [
    pytest.param(38, True, "10.0", "19.0", "persistent", id="s7-38-of-380-is-PA"),
    pytest.param(37, False, "9.7", "18.5", "at_risk", id="s7-37-of-380-is-not"),
])
def test_scenario_7_a_whole_school_year(alp, absent, pa, pct, days_missed, band):
    pupil = make_pupil(BOTHAL)
    add_marks(pupil, full_year(alp, absent))
    data = pupil_summary(pupil.upn, as_of=YEAR_END)
    assert (data["from"], data["to"], data["possible"]) == ("2025-09-01", "2026-08-31", 380)
    assert (data["persistent_absence"], data["absence_pct"], data["days_missed"], data["band"]) == (
        pa, pct, days_missed, band)
    assert data["authorised"] == absent and data["unauthorised"] == 0


def test_the_band_follows_the_trusts_policy(app_ctx):
    """11 days missed of 190 (5.8%): ALP's "over 5%" makes it at risk; RP's "12 days or more" does not."""
    load_trust()
    load_trust(RISE_PARK)
    bothal = make_pupil(BOTHAL)
    rise_park = make_pupil(RISE_PARK_URN)
    add_marks(bothal, full_year(calendar(BOTHAL), 22))
    add_marks(rise_park, full_year(calendar(RISE_PARK_URN), 22))
    assert pupil_summary(bothal.upn, as_of=YEAR_END)["band"] == "at_risk"
    data = pupil_summary(rise_park.upn, as_of=YEAR_END)
    assert (data["band"], data["attendance_pct"], data["days_missed"]) == ("below_target", "94.2", "11.0")


def test_default_period_runs_from_admission_to_as_of_and_stops_at_leaving(alp):
    joined = make_pupil(BOTHAL, admission_date=date(2026, 1, 12))
    add_marks(joined, sessions(alp, date(2026, 1, 12), "/\\/\\"))
    data = pupil_summary(joined.upn, as_of=date(2026, 2, 1))
    assert (data["from"], data["to"], data["possible"]) == ("2026-01-12", "2026-02-01", 4)

    left = make_pupil(BOTHAL, leaving_date=date(2025, 9, 5))
    add_marks(left, sessions(alp, date(2025, 9, 2), "/\\/\\/\\/\\") + sessions(alp, date(2025, 9, 8), "OO"))
    data = pupil_summary(left.upn, as_of=date(2025, 10, 1))
    assert (data["to"], data["possible"], data["unauthorised"]) == ("2025-09-05", 8, 0)


def test_from_and_to_choose_the_period_and_other_pupils_do_not_count(alp):
    pupil, other = make_pupil(BOTHAL), make_pupil(BOTHAL)
    add_marks(pupil, sessions(alp, date(2025, 9, 2), "/\\LI/\\VB"))
    add_marks(other, sessions(alp, date(2025, 9, 2), "OOOO"))
    data = pupil_summary(pupil.upn, start=date(2025, 9, 3), end=date(2025, 9, 4))
    assert (data["from"], data["to"], data["possible"]) == ("2025-09-03", "2025-09-04", 4)
    assert (data["late_before_close"], data["authorised"], data["present"]) == (1, 1, 3)
    data = pupil_summary(pupil.upn, end=date(2025, 9, 30))
    assert (data["from"], data["possible"], data["approved_activity"], data["attended"]) == (
        "2025-09-01", 8, 2, 7)


def test_no_sessions_yet_is_not_a_percentage(alp):
    pupil = make_pupil(BOTHAL)
    data = pupil_summary(pupil.upn, as_of=date(2025, 9, 1))
    assert (data["possible"], data["attendance_pct"], data["absence_pct"], data["band"]) == (0, None, None, "none")


def test_an_unknown_upn_is_not_found(alp):
    with pytest.raises(NotFound, match="no pupil with UPN A123"):
        pupil_summary("A123")


def test_a_period_that_ends_before_it_starts_is_refused(alp):
    pupil = make_pupil(BOTHAL)
    with pytest.raises(ServiceError, match="ends"):
        pupil_summary(pupil.upn, start=date(2025, 10, 1), end=date(2025, 9, 1))


# ---------------------------------------------------------------- alerts


def test_alerts_have_exactly_the_documented_keys_and_kinds(alp):
    pupil = make_pupil(BOTHAL)
    add_marks(pupil, days(alp, date(2025, 9, 2), date(2025, 10, 10), "O"))
    found = alerts(BOTHAL, as_of=date(2025, 10, 10))
    assert found and all(set(a) == {"upn", "kind", "since", "detail"} for a in found)
    assert set(kinds(found)) <= set(ALERT_KINDS)
    assert kinds(found) == ["penalty_threshold", "continuous_absence_10", "deletion_consideration_20",
                            "persistent_absence", "severe_absence"]
    assert all(date.fromisoformat(a["since"]) for a in found)


def test_scenario_10_ten_sessions_in_ten_school_weeks(alp):
    pupil = make_pupil(BOTHAL)
    wk1, wk6, wk10 = week_of(alp, 1), week_of(alp, 6), week_of(alp, 10)
    assert wk10[0] == date(2025, 11, 10)  # half-term (27-31 October) is not a school week
    marks = [(wk1[0], "AM", "U"), (wk1[0], "PM", "U")]
    marks += [(d, s, "O") for d in wk6[:2] for s in ("AM", "PM")]
    marks += [(d, s, "G") for d in wk10[:2] for s in ("AM", "PM")]
    add_marks(pupil, marks)
    [alert] = [a for a in alerts(BOTHAL, as_of=date(2025, 11, 14)) if a["kind"] == "penalty_threshold"]
    assert alert["since"] == wk10[1].isoformat()
    assert "10 sessions of unauthorised absence (G, O, U) in the 10 school weeks" in alert["detail"]
    assert "consider a penalty notice" in alert["detail"]
    # A day earlier the threshold was not yet met.
    assert "penalty_threshold" not in kinds(alerts(BOTHAL, as_of=wk10[0]))


def test_scenario_11_eight_in_the_worst_window_is_not_met(alp):
    pupil = make_pupil(BOTHAL)
    wk1, wk6, wk11 = week_of(alp, 1), week_of(alp, 6), week_of(alp, 11)
    marks = [(wk1[0], "AM", "U"), (wk1[0], "PM", "U")]
    marks += [(d, s, "O") for d in wk6[:2] for s in ("AM", "PM")]
    marks += [(d, s, "G") for d in wk11[:2] for s in ("AM", "PM")]
    add_marks(pupil, marks)
    assert "penalty_threshold" not in kinds(alerts(BOTHAL, as_of=date(2025, 12, 1)))


@pytest.mark.parametrize(("as_of", "overdue"), [
    pytest.param(date(2025, 10, 31), False, id="half-term-does-not-count"),
    pytest.param(date(2025, 11, 10), False, id="deadline-day-still-in-time"),
    pytest.param(date(2025, 11, 11), True, id="overdue-the-day-after"),
])
def test_scenario_16_n_before_half_term(alp, as_of, overdue):
    pupil = make_pupil(BOTHAL)
    add_marks(pupil, [(date(2025, 10, 24), "AM", "N"), (date(2025, 10, 24), "PM", "\\")])
    found = alerts(BOTHAL, as_of=as_of)
    assert ("n_overdue" in kinds(found)) is overdue
    assert "penalty_threshold" not in kinds(found)  # N is pending, never counted
    if overdue:
        [alert] = [a for a in found if a["kind"] == "n_overdue"]
        assert alert["since"] == "2025-11-11"
        assert "2025-10-24 AM" in alert["detail"] and "after 5 school days" in alert["detail"]


def test_pending_N_is_shown_with_a_met_threshold(alp):
    pupil = make_pupil(BOTHAL)
    add_marks(pupil, sessions(alp, date(2025, 9, 8), "OOOOOOOOOONN"))
    [alert] = [a for a in alerts(BOTHAL, as_of=date(2025, 9, 16)) if a["kind"] == "penalty_threshold"]
    assert "and 2 pending (N)" in alert["detail"]


def test_scenario_26_the_window_crosses_schools(alp):
    pupil = make_pupil(BOTHAL)
    add_marks(pupil, sessions(alp, date(2025, 9, 8), "OOOO"))
    pupil.school = get_school(CENTRAL)  # the pupil moves; their register history stays with them
    db.session.commit()
    add_marks(pupil, sessions(alp, date(2025, 10, 6), "OOOOOO"))
    found = alerts(CENTRAL, as_of=date(2025, 10, 10))
    assert "penalty_threshold" in kinds(found, pupil.upn)
    assert alerts(BOTHAL, as_of=date(2025, 10, 10)) == []


def test_the_window_crosses_the_summer_holiday(alp):
    pupil = make_pupil(BOTHAL)
    add_marks(pupil, days(alp, date(2026, 7, 13), date(2026, 7, 15), "G"))  # 6 sessions in July
    add_marks(pupil, days(alp, date(2026, 9, 2), date(2026, 9, 3), "O"))  # 4 in September
    [alert] = [a for a in alerts(BOTHAL, as_of=date(2026, 9, 30)) if a["kind"] == "penalty_threshold"]
    assert alert["since"] == "2026-09-03"


def test_twenty_days_of_unauthorised_absence(alp):
    pupil = make_pupil(BOTHAL)
    add_marks(pupil, sessions(alp, date(2025, 9, 2), ["/", "\\"] * 5) + days(alp, date(2025, 9, 9),
                                                                           date(2025, 10, 6), "O"))
    found = {a["kind"]: a for a in alerts(BOTHAL, as_of=date(2025, 10, 6))}
    assert found["continuous_absence_10"]["since"] == "2025-09-09"
    assert "20 continuous school days of unauthorised absence" in found["continuous_absence_10"]["detail"]
    assert found["deletion_consideration_20"]["since"] == "2025-09-09"
    assert "A person decides" in found["deletion_consideration_20"]["detail"]


def test_a_day_of_illness_breaks_the_deletion_run(alp):
    pupil = make_pupil(BOTHAL)
    marks = days(alp, date(2025, 9, 2), date(2025, 10, 6), "O")
    marks = [(d, s, "I" if d == date(2025, 9, 15) else c) for d, s, c in marks]
    add_marks(pupil, marks)
    found = kinds(alerts(BOTHAL, as_of=date(2025, 10, 6)))
    assert "deletion_consideration_20" not in found and "continuous_absence_10" in found


def test_sickness_return_at_15_days_of_illness(alp):
    pupil = make_pupil(BOTHAL)
    illness = days(alp, date(2025, 9, 2), date(2025, 9, 22), "I")
    assert len(illness) == 30
    add_marks(pupil, illness)
    found = {a["kind"]: a for a in alerts(BOTHAL, as_of=date(2025, 9, 30))}
    assert found["sickness_15"]["since"] == "2025-09-22"
    assert "15.0 days of illness" in found["sickness_15"]["detail"]
    assert "penalty_threshold" not in found  # scenario 15: illness never counts towards a penalty notice
    assert {"persistent_absence", "severe_absence"} <= set(found)


def test_persistent_absence_says_since_when(alp):
    pupil = make_pupil(BOTHAL)
    # 18 present, then 2 I on 15 Sept: 10% of 20 from that day on.
    add_marks(pupil, sessions(alp, date(2025, 9, 2), ["/", "\\"] * 9 + ["I", "I"]))
    found = {a["kind"]: a for a in alerts(BOTHAL, as_of=date(2025, 9, 15))}
    assert set(found) == {"persistent_absence"}
    assert found["persistent_absence"]["since"] == "2025-09-15"
    assert found["persistent_absence"]["detail"] == (
        "Absence 10.0% so far this school year: 1.0 of 10.0 days missed. Persistent absence is 10% or more.")


def test_local_leave_flag_only_where_the_policy_has_a_local_rule(app_ctx):
    load_trust()
    load_trust(RISE_PARK)
    bothal, rise_park = make_pupil(BOTHAL), make_pupil(RISE_PARK_URN)
    # A week of unauthorised term-time holiday (scenario 13), Monday to Friday.
    add_marks(bothal, days(calendar(BOTHAL), date(2025, 9, 15), date(2025, 9, 19), "G"))
    add_marks(rise_park, days(calendar(RISE_PARK_URN), date(2025, 9, 15), date(2025, 9, 19), "G"))
    found = alerts(as_of=date(2025, 9, 30))
    assert "local_leave_5_days" in kinds(found, rise_park.upn)
    assert "local_leave_5_days" not in kinds(found, bothal.upn)
    assert "penalty_threshold" in kinds(found, rise_park.upn) and "penalty_threshold" in kinds(found, bothal.upn)
    [local] = [a for a in found if a["kind"] == "local_leave_5_days"]
    assert local["since"] == "2025-09-15" and "Nottingham" in local["detail"]


def test_whole_trust_and_every_school_versus_one_school(app_ctx):
    load_trust()
    load_trust(RISE_PARK)
    pupils = {urn: make_pupil(urn) for urn in (BOTHAL, CENTRAL, RISE_PARK_URN)}
    for urn, pupil in pupils.items():
        add_marks(pupil, sessions(calendar(urn), date(2025, 9, 8), "OOOOOOOOOO"))
    everyone = alerts(as_of=date(2025, 9, 30))
    assert {a["upn"] for a in everyone} == {p.upn for p in pupils.values()}
    assert [a["upn"] for a in everyone] == sorted(a["upn"] for a in everyone)
    assert {a["upn"] for a in alerts(BOTHAL, as_of=date(2025, 9, 30))} == {pupils[BOTHAL].upn}
    assert {a["upn"] for a in alerts(RISE_PARK_URN, as_of=date(2025, 9, 30))} == {pupils[RISE_PARK_URN].upn}


def test_pupils_not_on_roll_get_no_alerts(alp):
    left = make_pupil(BOTHAL, leaving_date=date(2025, 9, 26))
    future = make_pupil(BOTHAL, admission_date=date(2025, 10, 6))
    for pupil in (left, future):
        add_marks(pupil, sessions(alp, date(2025, 9, 8), "OOOOOOOOOO"))
    assert alerts(as_of=date(2025, 9, 30)) == []


def test_an_unknown_school_is_not_found(alp):
    with pytest.raises(NotFound, match="no school with URN 999999"):
        alerts("999999", as_of=date(2025, 9, 30))


def test_no_schools_no_alerts(app_ctx):
    assert alerts(as_of=date(2025, 9, 30)) == []


def test_whole_trust_alerts_take_the_same_few_queries_however_many_pupils(alp):
    statements: list[str] = []
    created: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    def queries_for(n_pupils: int) -> int:
        for _ in range(n_pupils):
            pupil = make_pupil(BOTHAL)
            add_marks(pupil, sessions(alp, date(2025, 9, 8), "OOOOOOOOOO//"))
            created.append(pupil.upn)
        db.session.expire_all()
        statements.clear()
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            found = alerts(as_of=date(2025, 9, 30))
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        assert {a["upn"] for a in found} == set(created)
        return len(statements)

    few = queries_for(2)
    many = queries_for(20)
    assert many == few
    # One aggregate says which pupils could be flagged, one query reads their marks (2,000 pupils at a time).
    assert len([s for s in statements if "FROM mark" in s]) == 2
