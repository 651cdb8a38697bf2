"""Numbers a parent reads, in their language: the decimal comma and the percent sign of Polish and Romanian, the
English exactly as the services write it (the letters' English text is the authoritative one)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from flask_babel import force_locale, gettext

from portal.domain.policy import load_policy
from portal.services.leave.wording import penalty_words
from portal.services.nudge_words import decimal_words, percent_words

ALP = (Path(__file__).parents[2] / "examples" / "alp.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize("locale, decimal, whole, percent", [
    ("en_GB", "4.5", "80.0", "93.5%"), ("pl", "4,5", "80,0", "93,5%"), ("ro", "4,5", "80,0", "93,5\u00a0%")])
def test_a_number_and_a_percentage_in_each_language(app, locale, decimal, whole, percent):
    with app.app_context(), force_locale(locale):
        # The places as the services wrote them: "80.0" stays "80,0", the same figure as the English.
        assert (decimal_words("4.5"), decimal_words("80.0"), percent_words("93.5")) == (decimal, whole, percent)


def test_an_odd_penalty_threshold_reads_with_the_languages_decimal_comma(app):
    policy, _ = load_policy(ALP)
    odd = dataclasses.replace(policy, penalties=dataclasses.replace(policy.penalties, threshold_sessions=9))
    with app.app_context():
        assert "9 sessions (4.5 school days)" in " ".join(penalty_words(odd))  # the English letter's words
        with force_locale("pl"):
            polish = " ".join(penalty_words(odd, gettext))
    assert "9 części dnia (4,5 dni nauki)" in polish and "4.5" not in polish
