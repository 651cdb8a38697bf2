"""Figures kept for oversight: read back as worked out, never stale after a change to what they came from."""

from __future__ import annotations

import csv
from datetime import date, datetime, time

import pytest
from sqlalchemy import event, func, select

from portal.extensions import db
from portal.models import Mark, PupilFigures
from portal.services import imports, register
from portal.services import oversight as service
from portal.services.policies import load_policy_file

from factories import ALP, BOTHAL, add_marks, calendar, in_england, load_trust, make_pupil, sessions
from staff import make_staff

YEAR_START = date(2025, 9, 1)
AS_OF = date(2025, 10, 3)
NOW = datetime(2025, 10, 3, 16, 0)


@pytest.fixture
def bothal(app_ctx):
    load_trust()
    return make_staff("head@bothal.example", "headteacher", BOTHAL), calendar(BOTHAL)


def term(cal, codes: str):
    return sessions(cal, YEAR_START, codes)


def on_list(result, key: str) -> list[str]:
    return [entry.row.forename for entry in result.lists[key]]


class MarkReads:
    """Counts the statements that read the register."""

    def __enter__(self):
        self.count = 0
        event.listen(db.engine, "before_cursor_execute", self._seen)
        return self

    def _seen(self, conn, cursor, statement, *args):
        if "FROM mark" in statement:
            self.count += 1

    def __exit__(self, *exc):
        event.remove(db.engine, "before_cursor_execute", self._seen)


def test_figures_are_kept_and_a_second_look_reads_no_marks_and_shows_the_same(bothal):
    head, cal = bothal
    absent = make_pupil(BOTHAL, forename="Absent")
    add_marks(absent, term(cal, "OO" + "/\\" * 9))
    present = make_pupil(BOTHAL, forename="Present")
    add_marks(present, term(cal, "/\\" * 10))
    first = service.overview(head, AS_OF)
    assert db.session.scalar(select(func.count()).select_from(PupilFigures)) == 2
    with MarkReads() as reads:
        again = service.overview(head, AS_OF)
    assert reads.count == 0
    assert [(r.upn, r.summary, r.band, r.tier, r.late) for r in again.rows] == [
        (r.upn, r.summary, r.band, r.tier, r.late) for r in first.rows]
    assert again.alerts == first.alerts and on_list(again, "persistent_absence") == ["Absent"]


def test_a_mark_changed_by_staff_is_in_the_next_look(bothal):
    head, cal = bothal
    pupil = make_pupil(BOTHAL, forename="Sam")
    marks = add_marks(pupil, term(cal, "/\\" * 10))
    assert on_list(service.overview(head, AS_OF), "persistent_absence") == []
    first_day = [(m.date, m.session, m.code) for m in marks[:2]]
    register.write_marks(pupil.id, [(d, s, "O") for d, s, _ in first_day], head, NOW, "a decision")  # staff recode
    db.session.commit()
    assert on_list(service.overview(head, AS_OF), "persistent_absence") == ["Sam"]
    register.write_marks(pupil.id, first_day, head, NOW, "recoded back")
    db.session.commit()
    assert on_list(service.overview(head, AS_OF), "persistent_absence") == []


def test_an_import_of_marks_is_in_the_next_look(bothal, tmp_path):
    head, cal = bothal
    pupil = make_pupil(BOTHAL, forename="Sam")
    add_marks(pupil, term(cal, "/\\" * 10))
    assert on_list(service.overview(head, AS_OF), "persistent_absence") == []
    path = tmp_path / "marks.csv"
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["upn", "date", "session", "code", "recorded_at"])
        for day, session, code in term(cal, "GG"):
            writer.writerow([pupil.upn, day.isoformat(), session, code, "2025-10-03T16:00:00"])
    result = imports.import_marks(path, actor="test")
    assert result.updated == 2
    assert on_list(service.overview(head, AS_OF), "persistent_absence") == ["Sam"]


def test_another_day_is_worked_out_for_that_day(bothal):
    head, cal = bothal
    pupil = make_pupil(BOTHAL, forename="Sam")
    marks = add_marks(pupil, term(cal, "/\\" * 10 + "N\\"))
    n_day = marks[-2].date
    assert on_list(service.overview(head, n_day), "n_overdue") == []
    # Weeks later it is overdue: the figures kept for the day of the N are not those of a later day.
    assert on_list(service.overview(head, AS_OF), "n_overdue") == ["Sam"]


def test_a_pupil_who_leaves_drops_off_the_lists(bothal):
    head, cal = bothal
    pupil = make_pupil(BOTHAL, forename="Sam")
    add_marks(pupil, term(cal, "OO" + "/\\" * 9))
    assert on_list(service.overview(head, AS_OF), "persistent_absence") == ["Sam"]
    pupil.leaving_date = date(2025, 9, 30)  # as the pupils import records a leaver
    db.session.commit()
    result = service.overview(head, AS_OF)
    assert on_list(result, "persistent_absence") == [] and [r.on_roll for r in result.rows] == [False]


def test_a_new_policy_is_applied_at_once(bothal, tmp_path):
    head, cal = bothal
    pupil = make_pupil(BOTHAL, forename="Sam")
    add_marks(pupil, term(cal, "I" + "/\\" * 9 + "/"))  # 1 of 20: 5.0%, not over the 5% at-risk line
    assert on_list(service.overview(head, AS_OF), "at_risk") == []
    stricter = tmp_path / "alp.toml"
    stricter.write_text(ALP.read_text().replace("at_risk = { absence_over = 5 }", "at_risk = { absence_over = 4 }"))
    load_policy_file(stricter, actor="test")
    assert on_list(service.overview(head, AS_OF), "at_risk") == ["Sam"]


def test_attendance_refresh_works_out_every_pupil_so_the_page_reads_no_marks(bothal, runner):
    head, cal = bothal
    for name in ("Ann", "Ben", "Cat"):
        add_marks(make_pupil(BOTHAL, forename=name), term(cal, "/\\" * 10))
    outcome = runner.invoke(args=["attendance", "refresh", "--as-of", AS_OF.isoformat()])
    assert outcome.exit_code == 0, outcome.output
    assert "Figures as of 3 October 2025 kept for 3 pupils." in outcome.output
    with MarkReads() as reads:
        result = service.overview(head, AS_OF)
    assert reads.count == 0 and len(result.rows) == 3


def test_marks_unchanged_by_an_import_keep_the_figures(bothal, tmp_path):
    head, cal = bothal
    pupil = make_pupil(BOTHAL, forename="Sam")
    add_marks(pupil, term(cal, "/\\"))
    service.overview(head, AS_OF)
    path = tmp_path / "marks.csv"
    path.write_text("upn,date,session,code\n" + "".join(
        f"{pupil.upn},{day.isoformat()},{session},{code}\n" for day, session, code in term(cal, "/\\")))
    assert imports.import_marks(path, actor="test").unchanged == 2
    assert db.session.scalar(select(func.count()).select_from(PupilFigures)) == 1
    assert db.session.scalar(select(func.count()).select_from(Mark)) == 2


def test_an_import_of_marks_works_out_the_figures_it_changed_so_the_first_look_after_it_reads_no_marks(
        bothal, tmp_path, school_clock):
    head, cal = bothal
    school_clock.move_to(in_england(datetime.combine(AS_OF, time(9, 30))))
    pupils = [make_pupil(BOTHAL, forename=name) for name in ("Ann", "Ben")]
    for pupil in pupils:
        add_marks(pupil, term(cal, "/\\" * 10))
    assert on_list(service.overview(head, AS_OF), "persistent_absence") == []
    path = tmp_path / "marks.csv"
    path.write_text("upn,date,session,code,recorded_at\n" + "".join(
        f"{pupils[0].upn},{day.isoformat()},{session},{code},2025-10-03T09:00:00\n"
        for day, session, code in term(cal, "GG")))

    result = imports.import_marks(path, actor="test")

    assert result.updated == 2 and result.refreshed == 1
    with MarkReads() as reads:
        after = service.overview(head, AS_OF)
    assert reads.count == 0
    assert on_list(after, "persistent_absence") == ["Ann"]
