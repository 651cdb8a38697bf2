"""When a pupil's absence rate last crossed a band's line: counted in integers, a day at a time. It must give what
the first-written version gave, with a Fraction compared on every day (the reference below), on any register and
any line, including lines with more decimals than the bands use."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from portal.domain import codes
from portal.domain.attendance import pct
from portal.domain.marks import Mark
from portal.services.attendance import _crossed_on

FALLBACK = date(2024, 9, 1)


def reference(marks, line, fallback):
    threshold = pct(line)
    possible = absent = 0
    over_since = None
    for day, group in itertools.groupby(sorted(marks, key=lambda m: m.key), key=lambda m: m.date):
        for mark in group:
            code = codes.normalise(mark.code)
            if code in codes.CODES and codes.CODES[code].counts_as_possible:
                possible += 1
                absent += code in codes.ABSENCE
        over = possible > 0 and absent >= threshold * possible
        if over and over_since is None:
            over_since = day
        elif not over:
            over_since = None
    return over_since or fallback


registers = st.lists(
    st.builds(Mark, st.integers(0, 40).map(lambda n: FALLBACK + timedelta(days=n)), st.sampled_from(["AM", "PM"]),
              st.sampled_from(["/", "\\", "L", "I", "O", "G", "C", "M", "X", "#", "Z", "D", "B", "U"])),
    max_size=60)
lines = st.sampled_from([Decimal(10), Decimal(50), Decimal("12.5"), Decimal("33.333"), Decimal(0),
                         Decimal(100)]) | st.decimals(0, 100, places=3)


@given(registers, lines)
def test_the_day_the_line_was_crossed_equals_the_fraction_reference(marks, line):
    assert _crossed_on(marks, line, FALLBACK) == reference(marks, line, FALLBACK)


def test_the_spell_starts_on_the_last_crossing():
    day = FALLBACK + timedelta(days=1)
    marks = [Mark(day, "AM", "O"), Mark(day, "PM", "/")]  # 1 absent of 2
    marks += [Mark(day + timedelta(days=n), s, "/") for n in (1, 2, 3) for s in ("AM", "PM")]  # 1 of 4, 6, 8
    marks += [Mark(day + timedelta(days=4), "AM", "O")]  # 2 of 9
    assert _crossed_on(marks, Decimal(10), FALLBACK) == day  # never under
    assert _crossed_on(marks, Decimal("12.5"), FALLBACK) == day  # 1 of 8 is exactly on the line
    assert _crossed_on(marks, Decimal(20), FALLBACK) == day + timedelta(days=4)  # under from 1 of 6
    assert _crossed_on(marks, Decimal(30), FALLBACK) == FALLBACK  # under from 1 of 4, and 2 of 9 is not over
