"""The week-by-week trend adds up each week's counts: the same figures as summarising the year to each week."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st

from portal.domain import codes
from portal.domain.attendance import summarise
from portal.domain.calendar import monday_of
from portal.domain.marks import Mark
from portal.domain.policy_rules import Bands
from portal.services.child_attendance import _trend

YEAR_START = date(2025, 9, 1)
DAYS = [YEAR_START + timedelta(days=n) for n in range(70) if (YEAR_START + timedelta(days=n)).weekday() < 5]


@st.composite
def registers(draw):
    chosen = draw(st.lists(st.sampled_from(DAYS), unique=True, max_size=40))
    code_list = sorted(codes.CODES)
    marks = [Mark(day, session, draw(st.sampled_from(code_list))) for day in sorted(chosen) for session in ("AM", "PM")]
    admission = draw(st.sampled_from([YEAR_START, *DAYS[:20]]))
    leaving = draw(st.one_of(st.none(), st.sampled_from(DAYS[10:])))
    as_of = draw(st.sampled_from(DAYS[5:]))
    return marks, admission, leaving, as_of


@settings(max_examples=200, deadline=None)
@given(registers())
def test_each_week_is_the_year_so_far_summarised_to_that_week(case):
    marks, admission, leaving, as_of = case
    marks = [m for m in marks if m.date <= as_of]
    pupil = SimpleNamespace(admission_date=admission, leaving_date=leaving)
    expected = []
    for monday in sorted({monday_of(m.date) for m in marks}):
        whole = summarise(marks, start=YEAR_START, end=min(monday + timedelta(days=6), as_of), admission=admission,
                          leaving=leaving)
        if whole.attendance is not None:
            expected.append((monday, whole.attendance, whole.possible))
    got = [(p.week_beginning, p.attendance, p.possible) for p in _trend(marks, Bands(), YEAR_START, as_of, pupil)]
    assert got == expected
