"""A whole trust's figures worked out on several processes (portal/services/figure_processes.py) are the figures
one process works out, stored the same; and only a command with many pupils, on a database a fork can reach, uses
more than one."""

from __future__ import annotations

import os
from datetime import date

from sqlalchemy import select, text

from portal.extensions import db
from portal.models import Pupil
from portal.services import figure_processes, pupil_figures

from factories import BOTHAL, add_marks, calendar, load_trust, make_pupil, sessions

YEAR_START = date(2025, 9, 1)
AS_OF = date(2025, 10, 3)
# Present, often absent, ill, late, unauthorised holiday, and a run of N then O: bands, tiers and alerts differ.
REGISTERS = ["/\\" * 10, "OO" + "/\\" * 9, "II" * 4 + "/\\" * 6, "LL" + "/\\" * 9, "GG" * 5 + "/\\" * 5,
             "NN" * 3 + "OO" * 8, "/\\" * 3]


def forkable(tmp_path) -> dict:
    """The settings of an app whose database a fork can open: an in-memory SQLite database is this process's alone."""
    return {} if os.environ.get("TEST_DATABASE_URL") else {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'portal.sqlite'}"}


def stored() -> list[dict]:
    rows = db.session.execute(text("SELECT * FROM pupil_figures ORDER BY pupil_id"))
    return [{k: v for k, v in row._mapping.items() if k != "computed_at"} for row in rows]


def test_figures_worked_out_on_two_processes_are_those_one_process_works_out(make_app, tmp_path):
    app = make_app(**forkable(tmp_path))
    with app.app_context():
        load_trust()
        cal = calendar(BOTHAL)
        for number, register in enumerate(REGISTERS * 3):
            pupil = make_pupil(BOTHAL, forename=f"Pupil{number}")
            add_marks(pupil, sessions(cal, YEAR_START, register))
        db.session.commit()
        everyone = list(db.session.scalars(select(Pupil.id)))

        assert pupil_figures.refresh(AS_OF, processes=1) == len(everyone)
        one_process = stored()
        pupil_figures.forget(db.session.connection(), everyone)
        db.session.commit()
        assert stored() == []

        assert pupil_figures.refresh(AS_OF, processes=2) == len(everyone)
        db.session.rollback()  # a new read of what the forks stored
        assert stored() == one_process
        assert {row["band"] for row in one_process} >= {"on_target", "severe"}
        assert any(row["alerts"] not in (None, "[]") for row in one_process)


def test_only_a_command_with_many_pupils_on_a_database_a_fork_can_reach_uses_several_processes(make_app, tmp_path):
    on_file = forkable(tmp_path)
    cores = min(figure_processes.MOST_PROCESSES, os.cpu_count() or 1)
    with make_app(**on_file).app_context():
        assert figure_processes.processes_for(figure_processes.FROM_PUPILS - 1) == 1
        assert figure_processes.processes_for(100_000) == cores
    with make_app(**on_file).test_request_context("/staff/"):  # never a fork of a web worker
        assert figure_processes.processes_for(100_000) == 1
    if not on_file:
        return
    with make_app().app_context():  # the tests' in-memory SQLite database
        assert figure_processes.processes_for(100_000) == 1
