"""Which code an arrival earns (scenarios 22 and 23, and the boundary minutes)."""

from __future__ import annotations

from datetime import time

import pytest

from portal.domain.lateness import code_for_arrival, minutes_late
from portal.domain.policy_rules import SessionTimes

# RP: on site by 8.50, register 8.50-9.00, late after 9.00, U after 9.30; PM taken 1.00, closes 1.10.
RP_AM = SessionTimes(doors_open=time(8, 50), late_from=time(9, 0), register_closes=time(9, 30), ends=time(12, 0))
RP_PM = SessionTimes(doors_open=time(12, 55), late_from=time(13, 0), register_closes=time(13, 10), ends=time(15, 15))
# ALP upper site: doors 8.30, late from 8.40 (entry via the office), U after 9.30.
ALP_UPPER_AM = SessionTimes(doors_open=time(8, 30), late_from=time(8, 40), register_closes=time(9, 30),
                            ends=time(12, 0))


@pytest.mark.parametrize(("arrival", "times", "session", "code"), [
    pytest.param(time(8, 55), RP_AM, "AM", "/", id="s22-rp-am-8.55-present"),
    pytest.param(time(9, 5), RP_AM, "AM", "L", id="s22-rp-am-9.05-late"),
    pytest.param(time(9, 31), RP_AM, "AM", "U", id="s22-rp-am-9.31-after-close"),
    pytest.param(time(13, 5), RP_PM, "PM", "L", id="s22-rp-pm-1.05-late"),
    pytest.param(time(13, 12), RP_PM, "PM", "U", id="s22-rp-pm-1.12-after-close"),
    pytest.param(time(8, 45), ALP_UPPER_AM, "AM", "L", id="s23-alp-upper-8.45-late"),
    pytest.param(time(9, 35), ALP_UPPER_AM, "AM", "U", id="s23-alp-upper-9.35-no-reason"),
])
def test_seed_scenarios(arrival, times, session, code):
    assert code_for_arrival(arrival, times, session) == code


def test_scenario_23_dentist_with_appointment_card_is_M():
    assert code_for_arrival(time(9, 35), ALP_UPPER_AM, "AM", appointment_with_evidence=True) == "M"


@pytest.mark.parametrize(("arrival", "session", "times", "code"), [
    pytest.param(time(8, 0), "AM", RP_AM, "/", id="before-doors-open-is-present"),
    pytest.param(time(8, 59, 59), "AM", RP_AM, "/", id="last-second-before-late-from"),
    pytest.param(time(9, 0), "AM", RP_AM, "L", id="late-from-itself-is-L"),
    pytest.param(time(9, 30), "AM", RP_AM, "L", id="close-minute-itself-is-L"),
    pytest.param(time(9, 30, 59), "AM", RP_AM, "L", id="seconds-ignored-still-9.30"),
    pytest.param(time(9, 31), "AM", RP_AM, "U", id="first-minute-after-close-is-U"),
    pytest.param(time(11, 59), "AM", RP_AM, "U", id="last-minute-of-session-is-U"),
    pytest.param(time(12, 0), "AM", RP_AM, None, id="session-over-caller-decides"),
    pytest.param(time(12, 58), "PM", RP_PM, "\\", id="pm-present-is-backslash"),
    pytest.param(time(13, 10), "PM", RP_PM, "L", id="pm-close-minute-is-L"),
    pytest.param(time(13, 11), "PM", RP_PM, "U", id="pm-after-close-is-U"),
    pytest.param(time(15, 30), "PM", RP_PM, None, id="pm-after-the-day"),
])
def test_boundaries(arrival, session, times, code):
    assert code_for_arrival(arrival, times, session) == code


@pytest.mark.parametrize(("arrival", "code"), [
    pytest.param(time(9, 10), "L", id="appointment-before-close-is-still-L"),
    pytest.param(time(8, 35), "/", id="appointment-on-time-is-present"),
    pytest.param(time(12, 30), None, id="appointment-after-the-session"),
])
def test_appointment_evidence_only_matters_after_close(arrival, code):
    assert code_for_arrival(arrival, ALP_UPPER_AM, "AM", appointment_with_evidence=True) == code


def test_medical_code_comes_from_the_policy():
    assert code_for_arrival(time(9, 40), ALP_UPPER_AM, "AM", True, medical_code="C") == "C"


def test_session_must_be_am_or_pm():
    with pytest.raises(ValueError, match="AM or PM"):
        code_for_arrival(time(9, 0), RP_AM, "am")


@pytest.mark.parametrize(("arrival", "expected"), [
    (time(8, 59), None), (time(9, 0), 0), (time(9, 5), 5), (time(9, 31), 31),
])
def test_minutes_late_count_from_the_register_start(arrival, expected):
    assert minutes_late(arrival, RP_AM) == expected
