"""Penalty-notice amounts and the limit on repeat notices (scenarios 17 and 18)."""

from __future__ import annotations

from datetime import date

import pytest

from portal.domain.penalties import add_years, amount_payable, family_total, next_notice
from portal.domain.policy_rules import Fines

FIRST = (80, 21, 160, 28)
SECOND = (None, None, 160, 28)
NONE = (None, None, None, None)
PN1 = date(2024, 10, 1)


@pytest.mark.parametrize(("previous", "on", "kind", "amounts"), [
    pytest.param([], PN1, "first", FIRST, id="s18-first-notice-80-or-160"),
    pytest.param([(PN1, False)], date(2025, 3, 1), "second", SECOND, id="s18-second-flat-160"),
    pytest.param([(PN1, False), (date(2025, 3, 1), False)], date(2027, 9, 1), "none", NONE,
                 id="s18-third-within-3-years-none"),
    pytest.param([(PN1, False), (date(2025, 3, 1), True)], date(2027, 9, 1), "second", SECOND,
                 id="s18-withdrawn-second-does-not-count"),
    pytest.param([(PN1, True)], date(2025, 3, 1), "first", FIRST, id="withdrawn-first-does-not-count"),
    pytest.param([(PN1, False)], date(2027, 9, 30), "second", SECOND, id="last-day-of-the-3-years"),
    pytest.param([(PN1, False)], date(2027, 10, 1), "first", FIRST, id="3-years-on-starts-again"),
    pytest.param([(PN1, False), (date(2025, 3, 1), False)], date(2027, 10, 1), "first", FIRST,
                 id="after-the-window-a-first-again"),
    pytest.param([(date(2021, 1, 10), False), (date(2024, 2, 1), False)], date(2024, 6, 1), "second", SECOND,
                 id="a-notice-after-the-window-opens-a-new-one"),
    pytest.param([(date(2025, 3, 1), False)], PN1, "first", FIRST, id="later-notices-ignored"),
    pytest.param([(PN1, False), (date(2027, 10, 1), False)], date(2028, 1, 10), "second", SECOND,
                 id="a-notice-exactly-3-years-on-opens-a-new-window"),
])
def test_next_notice(previous, on, kind, amounts):
    notice = next_notice(previous, on, Fines())
    assert notice.kind == kind
    assert (notice.early_amount, notice.early_days, notice.full_amount, notice.full_days) == amounts


def test_third_notice_routes_to_alternative_action():
    notice = next_notice([(PN1, False), (date(2025, 3, 1), False)], date(2027, 9, 1), Fines())
    assert "alternative action" in notice.message and "2027-10-01" in notice.message
    assert notice.counted_notices == (PN1, date(2025, 3, 1))


def test_second_notice_message_says_no_reduction():
    assert "no reduced amount" in next_notice([(PN1, False)], date(2025, 3, 1), Fines()).message


@pytest.mark.parametrize(("days", "first", "second"), [
    (0, 80, 160), (21, 80, 160), (22, 160, 160), (28, 160, 160), (29, None, None),
])
def test_amount_payable(days, first, second):
    assert amount_payable(next_notice([], PN1, Fines()), days) == first
    assert amount_payable(next_notice([(PN1, False)], date(2025, 3, 1), Fines()), days) == second


def test_no_amount_when_no_notice_can_be_issued():
    notice = next_notice([(PN1, False), (date(2025, 3, 1), False)], date(2025, 6, 1), Fines())
    assert amount_payable(notice, 1) is None


@pytest.mark.parametrize(("days", "expected"), [
    pytest.param(20, (6, 480), id="s17-paid-day-20"),
    pytest.param(21, (6, 480), id="s17-paid-day-21"),
    pytest.param(22, (6, 960), id="s17-paid-day-22"),
    pytest.param(25, (6, 960), id="s17-paid-day-25"),
    pytest.param(29, (6, None), id="unpaid-after-28-days"),
])
def test_scenario_17_two_parents_three_children(days, expected):
    assert family_total(2, 3, days, next_notice([], PN1, Fines())) == expected


def test_add_years_on_29_february():
    assert add_years(date(2024, 2, 29), 3) == date(2027, 2, 28)
    assert add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)
