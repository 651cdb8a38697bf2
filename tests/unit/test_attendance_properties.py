"""Properties of the attendance arithmetic that must hold for any register."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st
from school_year import sessions

from portal.domain import codes
from portal.domain.attendance import band, summarise
from portal.domain.policy_rules import Bands

any_code = st.sampled_from(sorted(codes.CODES))
registers = st.lists(any_code, max_size=120)
not_counted = st.lists(st.sampled_from(sorted(codes.NOT_COUNTED)), min_size=1, max_size=20)


@given(registers)
def test_attendance_and_absence_make_a_whole(register):
    s = summarise(sessions(register))
    if s.possible:
        assert s.attendance + s.absence == 1
        assert s.possible == s.attended + s.authorised + s.unauthorised
    else:
        assert s.attendance is None and s.absence is None


@given(registers, st.sampled_from(sorted(codes.ATTENDED)))
def test_one_more_attended_session_never_lowers_attendance(register, code):
    before = summarise(sessions(register)).attendance
    after = summarise(sessions(register + [code])).attendance
    assert after == 1 if before is None else after >= before


@given(registers, not_counted)
def test_not_counted_codes_never_change_the_figures(register, extra):
    before = summarise(sessions(register))
    after = summarise(sessions(register + extra))
    assert (after.possible, after.attendance, after.absence) == (before.possible, before.attendance, before.absence)


@given(registers)
def test_persistent_absence_is_exactly_ten_percent_or_more(register):
    s = summarise(sessions(register))
    assert s.persistent_absence == (s.possible > 0 and s.absent * 10 >= s.possible)
    assert s.severe_absence == (s.possible > 0 and s.absent * 2 >= s.possible)
    if s.severe_absence:
        assert s.persistent_absence


@given(registers)
def test_band_agrees_with_the_flags(register):
    s = summarise(sessions(register))
    result = band(s, Bands())
    assert (result == "severe") == s.severe_absence
    assert (result in ("severe", "persistent")) == s.persistent_absence
    if result == "on_target":
        assert s.attendance >= Fraction(97, 100)
