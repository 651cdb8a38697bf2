"""The quick checks of `import marks` pass only what the full check passes, and a row they cannot pass gets the full
check's words: any file, checked both ways, gives the same rows to store, the same problems on the same lines, and
the same pupils, schools and count of rows with no mark."""

from __future__ import annotations

from datetime import datetime

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Pupil
from portal.services import imports
from portal.services.imports.mark_checks import MarkChecker

from services.test_imports import PUPIL_COLUMNS, pupil_row, school, upn, wrong_check_letter, write_csv  # noqa: F401

BOTHAL, CENTRAL = "122239", "131021"
COLUMNS = ["upn", "date", "session", "code", "minutes_late", "comment", "recorded_at"]
UPNS = [upn(1), upn(2), upn(3), upn(6), upn(7), upn(8), upn(99), wrong_check_letter(upn(1)), "",
        f" {upn(2).lower()} "]
DAYS = ["2026-09-07", "2026-09-08", "2026-09-09", "2026-09-10", "2026-09-14", "2026-09-01", "2026-09-05",
        "7 Sept", "08/09/2026", " 2026-09-08 "]
SESSIONS = ["AM", "PM", "am", " PM ", "EVE"]
CODES = ["/", "\\", "L", "N", "#", "-", "", "H", "QQ", " i "]
MINUTES = ["", "5", "ten", "301"]
COMMENTS = ["", "note", " spaced ", "x" * 501]
STAMPS = ["", "2026-09-08T10:00:00", "2026-09-08T10:00:00+01:00", "yesterday"]
FIELDS = [UPNS, DAYS, SESSIONS, CODES, MINUTES, COMMENTS, STAMPS]

# Mostly good values, so that rows reach the roll, the calendar and the duplicate checks.
row = st.tuples(*[st.one_of(st.sampled_from(values[:2]), st.sampled_from(values)) for values in FIELDS])
rows = st.lists(st.tuples(row, st.integers(1, 7)), max_size=60)
optional = st.lists(st.sampled_from(COLUMNS[4:]), unique=True)


def load_pupils(tmp_path) -> None:
    """Three pupils at Bothal, one who left, one who joined late, and one who moved to Central (two enrolments)."""
    rows = [pupil_row(n) for n in (1, 2, 3)]
    rows += [pupil_row(6, leaving_date="2026-09-08"), pupil_row(7, admission_date="2026-09-09"),
             pupil_row(8, leaving_date="2026-09-09"),
             pupil_row(8, school_urn=CENTRAL, registration_group="3C", admission_date="2026-09-10")]
    imports.import_pupils(write_csv(tmp_path / "pupils.csv", PUPIL_COLUMNS, rows), actor="test")


def check_both_ways(lines, places):
    outcomes = []
    for quick in (True, False):
        checker = MarkChecker(datetime(2026, 9, 8, 16, 0))
        if not quick:
            checker._quick_pupil = lambda raw: False  # every row through the full check
        rejected = []
        stored = list(checker.stream(iter(lines), places, len(COLUMNS),
                                     lambda line, fields, problems: rejected.append((line, fields, problems))))
        outcomes.append((stored, rejected, checker.rows, checker.no_mark, checker.pupil_ids, checker.urns))
    return outcomes


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(drawn=rows, present=optional)
@example(drawn=[((upn(1), "2026-09-07", "AM", "/", "", "", ""), 7)] * 2, present=[])
@example(drawn=[((upn(8), day, "AM", code, "", "", ""), 7) for day, code in
                (("2026-09-09", "/"), ("2026-09-10", "/"), ("2026-09-01", "#"), ("2026-09-09", "/"))], present=[])
def test_the_quick_checks_agree_with_the_full_check(school, tmp_path_factory, drawn, present):
    if not db.session.scalar(select(func.count(Pupil.id))):  # once: Hypothesis reuses the fixtures
        load_pupils(tmp_path_factory.mktemp("pupils"))
    places = [i if name in COLUMNS[:4] or name in present else None for i, name in enumerate(COLUMNS)]
    lines = [(line, list(fields)[:width]) for line, (fields, width) in enumerate(drawn, 2)]
    quick, full = check_both_ways(lines, places)
    assert quick == full
