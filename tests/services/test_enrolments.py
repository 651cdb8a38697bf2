"""A pupil who moves between the trust's schools keeps both registers, in whatever order the schools' files come."""

from __future__ import annotations

from datetime import date
from itertools import permutations

import pytest
from sqlalchemy import select

from portal.domain.enrolments import Stay, current, matching
from portal.extensions import db
from portal.models import Enrolment, Mark, Pupil, School
from portal.services import attendance, imports
from portal.services.policies import load_policy_file

from conftest import EXAMPLES
from services.test_imports import MARK_COLUMNS, PUPIL_COLUMNS, pupil_row, upn, write_csv

BOTHAL, CENTRAL = "122239", "131021"
MOVER = upn(7)


def test_the_current_enrolment_is_the_open_one_admitted_last_whatever_the_order():
    old = Stay("B", date(2022, 9, 5), date(2025, 11, 14))
    new = Stay("C", date(2025, 11, 17), None)
    assert current([old, new]) == current([new, old]) == new
    assert current([old, Stay("C", date(2025, 11, 17), date(2026, 7, 20))]).school == "C"  # none open: ended last
    assert matching([old, new], "B", date(2022, 9, 5)) == old
    assert matching([old, new], "C", date(2025, 11, 18)) == new  # the MIS corrected the admission date
    assert matching([old], "B", date(2026, 1, 5)) is None  # back at Bothal after leaving: a new enrolment


def files(tmp_path) -> dict[str, str]:
    """Bothal's and Central's exports after Sam moved from Bothal (left Fri 14 Nov 2025) to Central (Mon 17th):
    4 unauthorised sessions at Bothal, then 6 at Central, within 10 school weeks."""
    others = [pupil_row(n, school_urn=BOTHAL) for n in (1, 2)]
    return {
        "bothal pupils": write_csv(tmp_path / "bothal-pupils.csv", PUPIL_COLUMNS, others + [
            pupil_row(7, school_urn=BOTHAL, registration_group="3H", admission_date="2022-09-05",
                      leaving_date="14/11/2025")]),
        "central pupils": write_csv(tmp_path / "central-pupils.csv", PUPIL_COLUMNS, [
            pupil_row(7, school_urn=CENTRAL, registration_group="3C", admission_date="2025-11-17")]),
        "bothal marks": write_csv(tmp_path / "bothal-marks.csv", MARK_COLUMNS, [
            dict(upn=MOVER, date=day, session=session, code="O") for day in ("2025-11-10", "2025-11-11")
            for session in ("AM", "PM")]),
        "central marks": write_csv(tmp_path / "central-marks.csv", MARK_COLUMNS, [
            dict(upn=MOVER, date=day, session=session, code="O") for day in ("2025-11-17", "2025-11-18", "2025-11-19")
            for session in ("AM", "PM")]),
    }


def state():
    pupil = db.session.scalar(select(Pupil).where(Pupil.upn == MOVER))
    enrolments = sorted(db.session.execute(select(School.urn, Enrolment.admission_date, Enrolment.leaving_date)
                                           .join(School).where(Enrolment.pupil_id == pupil.id)).all())
    marks = db.session.scalars(select(Mark.date).where(Mark.pupil_id == pupil.id).order_by(Mark.date)).all()
    return (pupil.school.urn, pupil.registration_group, pupil.admission_date, pupil.leaving_date), enrolments, marks


# Pupils files come before the marks that name their pupils (the feed takes them first); otherwise any order.
ORDERS = [order for order in permutations(["bothal pupils", "central pupils", "bothal marks", "central marks"])
          if order.index("bothal marks") > order.index("bothal pupils")
          and order.index("central marks") > order.index("central pupils")
          and min(order.index("bothal marks"), order.index("central marks")) > 0]


@pytest.mark.parametrize("order", ORDERS, ids=lambda order: " > ".join(order))
def test_a_move_inside_the_trust_keeps_both_registers_in_any_order(app_ctx, tmp_path, order):
    load_policy_file(EXAMPLES / "alp.toml", actor="test")
    paths = files(tmp_path)
    for name in order:
        function = imports.import_pupils if name.endswith("pupils") else imports.import_marks
        function(paths[name], actor="office")
    pupil, enrolments, marks = state()
    assert pupil == (CENTRAL, "3C", date(2025, 11, 17), None)
    assert enrolments == [(BOTHAL, date(2022, 9, 5), date(2025, 11, 14)), (CENTRAL, date(2025, 11, 17), None)]
    assert len(marks) == 10 and marks[0] == date(2025, 11, 10)
    # The penalty-notice window counts the sessions at both schools: 4 + 6 reaches the threshold of 10.
    [alert] = [a for a in attendance.alerts(CENTRAL, as_of=date(2025, 11, 20)) if a["kind"] == "penalty_threshold"]
    assert alert["upn"] == MOVER and alert["detail"].startswith("10 sessions of unauthorised absence")


def test_a_mark_outside_every_enrolment_names_each_school(app_ctx, tmp_path):
    load_policy_file(EXAMPLES / "alp.toml", actor="test")
    imports.import_pupils(files(tmp_path)["bothal pupils"], actor="office")
    imports.import_pupils(write_csv(tmp_path / "central.csv", PUPIL_COLUMNS, [
        pupil_row(7, school_urn=CENTRAL, admission_date="2025-11-19")]), actor="office")
    marks = write_csv(tmp_path / "m.csv", MARK_COLUMNS, [dict(upn=MOVER, date=day, session="AM", code="/")
                                                         for day in ("2025-11-14", "2025-11-17", "2025-11-19")])
    with pytest.raises(imports.ImportRejected) as refused:
        imports.import_marks(marks, actor="office")
    assert [str(p) for p in refused.value.result.problems] == [
        "line 3: 2025-11-17 is outside the pupil's time on roll (Bothal Primary School 2022-09-05 to 2025-11-14; "
        "Central Primary School 2025-11-19 to now)"]


def test_one_file_may_hold_a_pupils_rows_at_two_schools_but_not_two_at_one(app_ctx, tmp_path):
    load_policy_file(EXAMPLES / "alp.toml", actor="test")
    both = write_csv(tmp_path / "trust.csv", PUPIL_COLUMNS, [
        pupil_row(7, school_urn=BOTHAL, admission_date="2022-09-05", leaving_date="2025-11-14"),
        pupil_row(7, school_urn=CENTRAL, registration_group="3C", admission_date="2025-11-17")])
    result = imports.import_pupils(both, actor="office")
    assert (result.added, result.updated) == (1, 1)
    assert state()[0] == (CENTRAL, "3C", date(2025, 11, 17), None)
    twice = write_csv(tmp_path / "twice.csv", PUPIL_COLUMNS, [pupil_row(7, school_urn=BOTHAL)] * 2)
    with pytest.raises(imports.ImportRejected) as refused:
        imports.import_pupils(twice, actor="office")
    assert "keep one row per pupil (and school)" in str(refused.value.result.problems[0])
