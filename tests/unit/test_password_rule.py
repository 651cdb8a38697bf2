"""The staff password rule (issue 14, item 6), after the NCSC's guidance: at least 12 characters, no composition
rules, and nothing attackers try first (common passwords, the person's own name, address or school, patterns)."""

from __future__ import annotations

import pytest

from portal.domain.passwords import personal_words, problem

SAM = personal_words("sam.okafor@bothal.example", "Sam Okafor", ["Bothal Primary School",
                                                                "Ashington Learning Partnership"])


@pytest.mark.parametrize("password", [
    "correct horse battery staple", "tuesday kettle orbit", "purple monkey dishwasher",
    "all lowercase and no digits at all",  # no composition rules: length and unpredictability are what count
])
def test_long_unpredictable_passwords_do(password):
    assert problem(password, SAM) is None


@pytest.mark.parametrize("password, says", [
    ("a", "at least 12 characters"),
    ("Tr0ub4dor&3", "at least 12 characters"),  # complex but short
    ("x" * 201, "200 characters or fewer"),
    ("password1234", "most common passwords"),
    ("Password123!", "most common passwords"),  # capitals and a symbol do not make it any less common
    ("aaaaaaaaaaaaaaaa", "most common passwords"),
    ("qwertyuiopasdf", "too easy to guess"),
    ("123456789012", "too easy to guess"),
    ("bothalprimary2026", "name, email address or school"),
    ("Sam Okafor 2026!!", "name, email address or school"),
    ("sam.okafor@bothal.example", "name, email address or school"),
    ("okaforokafor99", "name, email address or school"),
])
def test_short_common_personal_or_patterned_passwords_are_refused_saying_what_to_do(password, says):
    why = problem(password, SAM)
    assert why is not None and says in why
    assert "random words" in why or "fewer" in why  # says what to choose instead


def test_personal_words_take_names_addresses_and_places_whole_and_word_by_word():
    assert {"sam okafor", "okafor", "sam.okafor", "bothal", "primary", "ashington"} <= set(SAM)
