"""The bands as ranges (domain.band_table): the same edges as `band`, in days missed and in attendance."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from portal.domain.attendance import Summary, band
from portal.domain.band_table import Edge, band_ranges
from portal.domain.policy_rules import Bands

ALP = Bands(target=Decimal(97))  # at risk: absence over 5%
RP = Bands(target=Decimal(97), at_risk_absence_over=None, at_risk_days_missed_from=Decimal(12))
TARGET_95 = Bands(target=Decimal(95))  # the at-risk line (absence over 5%) meets the target
TARGET_95_NO_AT_RISK = Bands(target=Decimal(95), at_risk_absence_over=None)


def ranges(bands, days):
    return {r.band: r for r in band_ranges(bands, days)}


def test_on_target_at_95_percent_over_189_days_is_9_days_not_9_and_a_half():
    found = ranges(TARGET_95_NO_AT_RISK, 189)
    assert found["on_target"].most_days == 9  # 5% of 189 is 9.45: 9.5 days missed is 94.97%
    assert found["below_target"].fewest_days == Fraction(19, 2)
    assert found["on_target"].lowest == Edge(Fraction(95, 100), True)
    assert found["below_target"].highest == Edge(Fraction(95, 100), False)


def test_a_target_the_at_risk_line_meets_leaves_no_below_target_band():
    found = ranges(TARGET_95, 190)
    assert list(found) == ["on_target", "at_risk", "persistent", "severe"]
    assert found["on_target"].most_days == Fraction(19, 2)  # exactly 5% is not over 5%
    assert found["at_risk"].fewest_days == 10
    assert found["at_risk"].highest == Edge(Fraction(95, 100), False)
    assert found["at_risk"].lowest == Edge(Fraction(90, 100), False)


def test_alp_bands_over_190_days():
    found = ranges(ALP, 190)
    assert [(r.band, r.fewest_days, r.most_days) for r in found.values()] == [
        ("on_target", 0, Fraction(11, 2)),  # 3% of 190 is 5.7
        ("below_target", 6, Fraction(19, 2)),
        ("at_risk", 10, Fraction(37, 2)),
        ("persistent", 19, Fraction(189, 2)),
        ("severe", 95, 190),
    ]


def test_rp_days_based_at_risk_band():
    found = ranges(RP, 190)
    assert (found["at_risk"].fewest_days, found["at_risk"].most_days) == (12, Fraction(37, 2))
    assert found["at_risk"].highest == Edge(1 - Fraction(12, 190), True)
    assert found["below_target"].most_days == Fraction(23, 2)


@pytest.mark.parametrize("bands", [ALP, RP, TARGET_95, TARGET_95_NO_AT_RISK, Bands(target=Decimal(94)),
                                   Bands(target=Decimal("96.5"), at_risk_absence_over=Decimal("4.5"))])
@pytest.mark.parametrize("days", [189, 190, 195])
def test_every_session_count_falls_in_the_range_band_gives_it(bands, days):
    found = band_ranges(bands, days)
    for missed in range(2 * days + 1):
        summary = Summary(possible=2 * days, attended=2 * days - missed, present=2 * days - missed,
                          approved_activity=0, authorised=missed, unauthorised=0, late_before_close=0,
                          late_after_close=0, not_counted=0, persistent_absence=False, severe_absence=False)
        attendance = Fraction(2 * days - missed, 2 * days)
        holding = [r.band for r in found if r.fewest_days <= Fraction(missed, 2) <= r.most_days]
        within = [r.band for r in found if _inside(attendance, r)]
        assert holding == within == [band(summary, bands)], (missed, holding, within)


def _inside(value, r) -> bool:
    low_ok = r.lowest is None or value > r.lowest.value or (value == r.lowest.value and r.lowest.included)
    high_ok = r.highest is None or value < r.highest.value or (value == r.highest.value and r.highest.included)
    return low_ok and high_ok
