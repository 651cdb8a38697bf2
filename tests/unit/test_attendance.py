"""Attendance figures, bands and the "what happens next" numbers (domain.md §9 scenarios 1-9)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from school_year import sessions

from portal.domain.attendance import Summary, band, days_until_below, format_pct, summarise, tier
from portal.domain.marks import Mark
from portal.domain.policy_rules import Bands, Tier

P = ["/", "\\"]


def present(n: int) -> list[str]:
    return [P[i % 2] for i in range(n)]


# (codes, possible, attendance %, absence %, PA, SA, days missed)
SCENARIOS = [
    pytest.param(present(10), 10, "100.0", "0.0", False, False, "0", id="s01-all-present"),
    pytest.param(present(8) + ["I", "I"], 10, "80.0", "20.0", True, False, "1",
                 id="s02-early-year-illness-is-PA-so-far"),
    pytest.param(present(6) + ["#", "#", "Y2", "Y2"], 6, "100.0", "0.0", False, False, "0",
                 id="s03-hash-and-Y2-not-counted"),
    pytest.param(present(9) + ["U"], 10, "90.0", "10.0", True, False, "0.5", id="s04-10pc-is-PA-inclusive"),
    pytest.param(present(16) + ["V", "V", "B", "B"], 20, "100.0", "0.0", False, False, "0",
                 id="s05-approved-activity-attends"),
    pytest.param(present(10) + ["D"] * 10, 10, "100.0", "0.0", False, False, "0",
                 id="s06-dual-registration-not-counted"),
    pytest.param(present(342) + ["O"] * 38, 380, "90.0", "10.0", True, False, "19", id="s07-38-of-380-is-PA"),
    pytest.param(present(343) + ["O"] * 37, 380, "90.3", "9.7", False, False, "18.5",
                 id="s07-37-of-380-is-not-PA"),
    pytest.param(present(226) + ["I"] * 25, 251, "90.0", "10.0", False, False, "12.5",
                 id="s08-9.96pc-shows-10.0-not-PA"),
    pytest.param(present(190) + ["G"] * 190, 380, "50.0", "50.0", True, True, "95", id="s09-190-of-380-is-SA"),
    pytest.param(present(191) + ["G"] * 189, 380, "50.3", "49.7", True, False, "94.5",
                 id="s09-189-of-380-PA-not-SA"),
]


@pytest.mark.parametrize(("codes", "possible", "att", "abs_", "pa", "sa", "days"), SCENARIOS)
def test_scenarios(codes, possible, att, abs_, pa, sa, days):
    s = summarise(sessions(codes))
    assert s.possible == possible
    assert format_pct(s.attendance) == att
    assert format_pct(s.absence) == abs_
    assert (s.persistent_absence, s.severe_absence) == (pa, sa)
    assert s.days_missed == Decimal(days)


def test_scenario_2_splits_authorised_and_unauthorised():
    s = summarise(sessions(present(8) + ["I", "I"]))
    assert (format_pct(s.authorised_rate), format_pct(s.unauthorised_rate)) == ("20.0", "0.0")


def test_scenario_4_unauthorised_rate_and_lateness():
    s = summarise(sessions(present(8) + ["L", "U"]))
    assert (s.present, s.late_before_close, s.late_after_close) == (9, 1, 1)
    assert format_pct(s.unauthorised_rate) == "10.0"


def test_counts_by_category():
    s = summarise(sessions(["/", "L", "K", "W", "P", "M", "C1", "J1", "G", "N", "X", "Z", "Q"]))
    assert (s.possible, s.attended, s.present, s.approved_activity) == (10, 5, 2, 3)
    assert (s.authorised, s.unauthorised, s.not_counted) == (3, 2, 3)
    assert s.by_code["C1"] == 1 and s.by_code["J1"] == 1
    assert s.possible == s.attended + s.authorised + s.unauthorised


def test_lower_case_codes_count_the_same():
    assert summarise(sessions(["/", "g", "c1", "i"])) == summarise(sessions(["/", "G", "C1", "I"]))


def test_unknown_or_retired_codes_are_refused_not_miscounted():
    with pytest.raises(ValueError, match="H, ZZ"):
        summarise(sessions(["/", "H", "ZZ"]))


@pytest.mark.parametrize("codes", [[], ["#", "#"], ["X", "X", "Z", "Y4", "D"]],
                         ids=["no-marks", "only-closures", "only-not-counted"])
def test_no_possible_sessions_is_not_yet_not_zero_or_hundred(codes):
    s = summarise(sessions(codes))
    assert s.attendance is None and s.absence is None
    assert not s.persistent_absence and not s.severe_absence
    assert band(s, Bands()) == "none"
    assert s.as_json_dict("A123")["attendance_pct"] is None


MARKS = [Mark(date(2025, 1, d), "AM", code) for d, code in [(6, "O"), (7, "/"), (8, "O"), (9, "/"), (10, "O")]]


@pytest.mark.parametrize(("kwargs", "possible", "unauthorised"), [
    pytest.param({}, 5, 3, id="everything"),
    pytest.param({"admission": date(2025, 1, 7)}, 4, 2, id="from-admission-inclusive"),
    pytest.param({"leaving": date(2025, 1, 9)}, 4, 2, id="to-leaving-date-inclusive"),
    pytest.param({"start": date(2025, 1, 8), "admission": date(2025, 1, 7)}, 3, 2, id="later-of-start-and-admission"),
    pytest.param({"end": date(2025, 1, 9), "leaving": date(2025, 1, 8)}, 3, 2, id="earlier-of-end-and-leaving"),
    pytest.param({"start": date(2025, 1, 7), "end": date(2025, 1, 9)}, 3, 1, id="period"),
])
def test_period_admission_and_leaving(kwargs, possible, unauthorised):
    s = summarise(MARKS, **kwargs)
    assert (s.possible, s.unauthorised) == (possible, unauthorised)


RP_BANDS = Bands(at_risk_absence_over=None, at_risk_days_missed_from=Decimal(12))


@pytest.mark.parametrize(("absent", "possible", "bands", "expected"), [
    pytest.param(0, 380, Bands(), "on_target", id="full-attendance"),
    pytest.param(114, 3800, Bands(), "on_target", id="exactly-97pc-is-on-target"),
    pytest.param(115, 3800, Bands(), "below_target", id="just-under-97pc"),
    pytest.param(19, 380, Bands(), "below_target", id="exactly-5pc-absence-is-not-over-5"),
    pytest.param(20, 380, Bands(), "at_risk", id="over-5pc-absence-at-risk"),
    pytest.param(37, 380, Bands(), "at_risk", id="s07-9.74pc-at-risk"),
    pytest.param(38, 380, Bands(), "persistent", id="s07-10pc-persistent"),
    pytest.param(25, 251, Bands(), "at_risk", id="s08-9.96pc-not-persistent"),
    pytest.param(189, 380, Bands(), "persistent", id="s09-49.7pc-persistent"),
    pytest.param(190, 380, Bands(), "severe", id="s09-50pc-severe-outranks-persistent"),
    pytest.param(24, 380, RP_BANDS, "at_risk", id="rp-12-days-at-risk"),
    pytest.param(23, 380, RP_BANDS, "below_target", id="rp-11.5-days-below-target"),
    pytest.param(36, 380, RP_BANDS, "at_risk", id="rp-18-days-at-risk"),
    pytest.param(38, 380, RP_BANDS, "persistent", id="rp-19-days-persistent"),
])
def test_bands(absent, possible, bands, expected):
    s = summarise(sessions(present(possible - absent) + ["O"] * absent), bands=bands)
    assert band(s, bands) == expected


def test_custom_thresholds_change_the_flags():
    s = summarise(sessions(present(92) + ["I"] * 8), bands=Bands(persistent_absence=Decimal("7.5")))
    assert s.persistent_absence
    assert band(s, Bands(persistent_absence=Decimal("7.5"))) == "persistent"
    assert band(s, Bands()) == "at_risk"


@pytest.mark.parametrize(("value", "text"), [
    (Fraction(97449, 100000), "97.4"),
    (Fraction(9745, 10000), "97.5"),
    (Fraction(1, 2000), "0.1"),
    (Fraction(3, 2000), "0.2"),
    (Fraction(9996, 10000), "100.0"),
    (Fraction(1), "100.0"),
    (Fraction(0), "0.0"),
    (Fraction(25, 251), "10.0"),
    (Fraction(1, 3), "33.3"),
    (Fraction(2, 3), "66.7"),
    (None, None),
])
def test_format_pct_rounds_half_up_to_one_decimal(value, text):
    assert format_pct(value) == text


def test_json_summary_has_the_design_keys_and_values():
    s = summarise(sessions(present(339) + ["L", "U"] + ["V"] * 3 + ["I"] * 20 + ["G"] * 16 + ["#"] * 4))
    data = s.as_json_dict("A123456789012", date(2024, 9, 1), date(2025, 7, 31))
    assert data == {
        "upn": "A123456789012", "from": "2024-09-01", "to": "2025-07-31",
        "possible": 380, "attended": 343, "present": 340, "approved_activity": 3,
        "authorised": 20, "unauthorised": 17, "late_before_close": 1, "late_after_close": 1,
        "attendance_pct": "90.3", "absence_pct": "9.7", "days_missed": "18.5", "band": "at_risk",
        "persistent_absence": False, "severe_absence": False,
    }


def test_json_dates_default_to_the_period_summarised():
    data = summarise(MARKS, admission=date(2025, 1, 7), end=date(2025, 1, 9)).as_json_dict("A1")
    assert (data["from"], data["to"]) == ("2025-01-07", "2025-01-09")
    assert summarise(MARKS).as_json_dict("A1")["from"] is None


def make(attended: int, possible: int) -> Summary:
    return summarise(sessions(present(attended) + ["O"] * (possible - attended)))


@pytest.mark.parametrize(("attended", "possible", "threshold", "remaining", "expected"), [
    # 96 of 100 so far, 280 to come: 376 of 380 at best; below 95% (361) once 16 more sessions are missed.
    pytest.param(96, 100, 95, 280, 8, id="8-more-days-takes-it-below-95"),
    pytest.param(100, 100, 90, 0, None, id="nothing-left-to-miss"),
    pytest.param(80, 100, 90, 20, 0, id="already-below-whatever-happens"),
    pytest.param(0, 0, 90, 380, 20, id="new-pupil-19-days-is-still-90pc"),
    pytest.param(100, 100, 50, 10, None, id="missing-every-day-stays-above"),
    # 90 of 100 and 20 to come: one day off lands exactly on 90% (not below), the second tips it.
    pytest.param(90, 100, 90, 20, 2, id="landing-exactly-on-the-line-is-not-below"),
    pytest.param(0, 0, 90, 0, None, id="nothing-at-all"),
])
def test_days_until_below(attended, possible, threshold, remaining, expected):
    assert days_until_below(make(attended, possible), Decimal(threshold), remaining) == expected


def test_days_until_below_is_the_first_day_that_crosses():
    s = make(96, 100)
    k = days_until_below(s, Decimal(95), 280)
    assert Fraction(96 + 280 - 2 * k, 380) < Fraction(95, 100) <= Fraction(96 + 280 - 2 * (k - 1), 380)


ALP_TIERS = (
    Tier(1, "Universal", "Every pupil"),
    Tier(2, "Early intervention", "Pupils missing more than 10%", absence_over=Decimal(10)),
    Tier(3, "Intensive", "When Tier 2 has not worked"),
)


@pytest.mark.parametrize(("attended", "possible", "expected"), [
    pytest.param(380, 380, 1, id="everyone-is-tier-1"),
    pytest.param(342, 380, 1, id="exactly-10pc-is-not-more-than-10"),
    pytest.param(341, 380, 2, id="missing-more-than-10pc-tier-2"),
    pytest.param(100, 380, 2, id="tier-3-is-never-automatic"),
    pytest.param(0, 0, 1, id="no-figure-yet-still-universal"),
])
def test_alp_tiers(attended, possible, expected):
    assert tier(make(attended, possible), ALP_TIERS).number == expected


def test_tier_without_tiers_or_universal_tier():
    assert tier(make(300, 380), ()) is None
    only_computable = (Tier(2, "Early", "over 10%", absence_over=Decimal(10)),)
    assert tier(make(380, 380), only_computable) is None
    assert tier(make(300, 380), only_computable).number == 2
