"""Field parsers for MIS exports: each bad value says what to write instead."""

from datetime import date, datetime

import pytest

from portal.domain.rows import parse_date, parse_datetime, parse_flag, parse_upn, parse_whole_number


@pytest.mark.parametrize(
    "value, expected, words",
    [
        ("A929000000001", None, "wrong check letter (it should start with"),
        ("a929 0000 00001", None, "wrong check letter"),
        ("A92900000000", None, "13 characters"),
        ("A9290000000X1", None, "a letter, 11 digits"),
        ("A000000000001", None, "local authority"),
    ],
)
def test_bad_upns_say_what_is_wrong(value, expected, words):
    parsed, problem = parse_upn(value)
    assert parsed is expected and words in problem


def test_a_valid_and_a_temporary_upn_are_accepted():
    from stdnum.gb.upn import calc_check_digit

    for body in ("929000000001", "92900000000A"):
        assert parse_upn(calc_check_digit(body) + body) == (calc_check_digit(body) + body, None)


def test_dates_times_flags_and_numbers():
    assert parse_date("2026-09-07") == (date(2026, 9, 7), None)
    assert parse_date("07/09/2026") == (date(2026, 9, 7), None)
    assert "YYYY-MM-DD" in parse_date("Monday")[1]
    assert parse_datetime("2026-09-07T09:35") == (datetime(2026, 9, 7, 9, 35), None)
    # A time with a zone is stored in UTC: 09:35 in British Summer Time is 08:35 UTC.
    assert parse_datetime("2026-09-07T09:35+01:00") == (datetime(2026, 9, 7, 8, 35), None)
    assert "YYYY-MM-DDTHH:MM" in parse_datetime("Monday")[1]
    assert parse_flag("yes", "pr") == (True, None) and parse_flag("", "pr") == (False, None)
    assert "Y or N" in parse_flag("perhaps", "pr")[1]
    assert parse_whole_number("", "priority") == (None, None)
    assert parse_whole_number("12", "priority", 1, 99) == (12, None)
    assert "from 1 to 99" in parse_whole_number("120", "priority", 1, 99)[1]
