"""The 2024 code table, its sets, and the messages for retired or unknown codes."""

from __future__ import annotations

import pytest

from portal.domain import codes

ALL_2024 = ["/", "\\", "L", "K", "V", "P", "W", "B", "D", "C1", "M", "J1", "S", "C2", "C", "T", "R", "I", "E",
            "Q", "Y1", "Y2", "Y3", "Y4", "Y5", "Y6", "Y7", "G", "N", "O", "U", "X", "Z", "#"]


def test_table_holds_exactly_the_2024_codes():
    assert list(codes.CODES) == ALL_2024


@pytest.mark.parametrize(("code", "category", "possible", "absence"), [
    ("/", "present", True, False), ("\\", "present", True, False), ("L", "present", True, False),
    ("K", "approved_activity", True, False), ("V", "approved_activity", True, False),
    ("P", "approved_activity", True, False), ("W", "approved_activity", True, False),
    ("B", "approved_activity", True, False),
    ("D", "not_counted", False, False),
    ("C1", "authorised", True, True), ("M", "authorised", True, True), ("J1", "authorised", True, True),
    ("S", "authorised", True, True), ("C2", "authorised", True, True), ("C", "authorised", True, True),
    ("T", "authorised", True, True), ("R", "authorised", True, True), ("I", "authorised", True, True),
    ("E", "authorised", True, True),
    ("Q", "not_counted", False, False), ("Y1", "not_counted", False, False), ("Y4", "not_counted", False, False),
    ("Y7", "not_counted", False, False), ("X", "not_counted", False, False),
    ("G", "unauthorised", True, True), ("N", "unauthorised", True, True), ("O", "unauthorised", True, True),
    ("U", "unauthorised", True, True),
    ("Z", "administrative", False, False), ("#", "administrative", False, False),
])
def test_categories_follow_the_statistics_methodology(code, category, possible, absence):
    entry = codes.lookup(code)
    assert (entry.category, entry.counts_as_possible, entry.is_absence) == (category, possible, absence)


def test_sets_match_domain_section_2():
    assert codes.ATTENDED == {"/", "\\", "L", "K", "V", "P", "W", "B"}
    assert codes.AUTHORISED == {"C", "C1", "C2", "E", "I", "J1", "M", "R", "S", "T"}
    assert codes.UNAUTHORISED == {"G", "N", "O", "U"}
    assert codes.NOT_COUNTED == {"D", "Q", "X", "Y1", "Y2", "Y3", "Y4", "Y5", "Y6", "Y7", "Z", "#"}
    assert codes.PRESENT | codes.APPROVED_ACTIVITY == codes.ATTENDED
    every = codes.ATTENDED | codes.AUTHORISED | codes.UNAUTHORISED | codes.NOT_COUNTED
    assert every == set(codes.CODES)
    assert sum(map(len, (codes.ATTENDED, codes.AUTHORISED, codes.UNAUTHORISED, codes.NOT_COUNTED))) == len(every)


@pytest.mark.parametrize("code", ALL_2024)
def test_every_code_explains_itself_to_parents(code):
    entry = codes.lookup(code)
    assert entry.meaning and entry.explanation.endswith(".")
    assert len(entry.explanation) < 200, "parents read these on a phone: keep them short"
    if entry.category == "unauthorised" and code != "N":
        assert "unauthorised" in entry.explanation
    if entry.category == "authorised":
        assert "authorised absence" in entry.explanation and "unauthorised" not in entry.explanation
    if not entry.counts_as_possible:
        assert "not counted" in entry.explanation or "Nothing is counted" in entry.explanation


@pytest.mark.parametrize(("raw", "expected"), [
    pytest.param("c1", "C1", id="two-character-lower-case"),
    pytest.param(" y7 ", "Y7", id="spaces-dropped"),
    pytest.param("\\", "\\", id="backslash-unchanged"),
    pytest.param("#", "#", id="hash-unchanged"),
])
def test_lookup_normalises_letters(raw, expected):
    assert codes.lookup(raw).code == expected


@pytest.mark.parametrize("code", ALL_2024 + ["c2", "j1", "g"])
def test_check_code_accepts_2024_codes(code):
    assert codes.check_code(code) is None


@pytest.mark.parametrize(("code", "must_say"), [
    pytest.param("H", "C (leave granted) or G (holiday not authorised)", id="H-holiday-retired"),
    pytest.param("h", "C (leave granted) or G", id="H-lower-case"),
    pytest.param("J", "use J1", id="J-to-J1"),
    pytest.param("F", "use C", id="F-to-C"),
    pytest.param("Y", "Y1 to Y7", id="single-Y"),
    pytest.param("X1", "Covid", id="covid-x-subcode"),
    pytest.param("XS", "Covid", id="covid-x-letter-subcode"),
])
def test_retired_codes_name_the_replacement(code, must_say):
    message = codes.check_code(code)
    assert message is not None and must_say in message


@pytest.mark.parametrize("code", ["A", "C3", "Y8", "//", "1", "PRESENT"])
def test_unknown_codes_list_the_valid_ones(code):
    message = codes.check_code(code)
    assert "not a 2024 attendance code" in message
    assert "C1" in message and "Y7" in message and " H " not in message


def test_blank_code_is_reported():
    assert "No code given" in codes.check_code("  ")


def test_lookup_of_a_retired_code_raises_with_the_hint():
    with pytest.raises(KeyError, match="J1"):
        codes.lookup("J")
