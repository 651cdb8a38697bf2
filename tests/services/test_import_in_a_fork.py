"""A big marks file is read and checked in a fork while the import stores what it has checked (portal/services/
imports/forked.py): the register, the counts and every message are those of reading it in one process. The
import tests of marks run here again with every file read in a fork (on SQLite; PostgreSQL reads in one process)."""

from __future__ import annotations

import os
import signal

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Mark, Pupil
from portal.services import imports
from portal.services.imports import marks as marks_import
from portal.services.imports.common import CsvFile
from portal.services.imports.forked import in_a_fork

from services.test_imports import (  # noqa: F401  (the fixtures and the tests, run again here)
    MARK_COLUMNS,
    mark,
    pupils,
    school,
    test_a_closure_mark_on_an_inset_day_is_accepted_and_not_stored,
    test_a_crash_mid_import_leaves_the_register_as_it_was,
    test_a_newer_export_updates_a_mark_and_an_older_one_never_overwrites,
    test_duplicate_marks_are_rejected_and_skip_invalid_keeps_the_first,
    test_marks_import_is_idempotent,
    test_marks_of_a_pupil_new_to_the_register_are_stored_as_merged_ones_are,
    test_marks_on_postgres_and_sqlite_read_back_as_dates_and_times,
    test_one_bad_mark_among_thousands_imports_nothing_and_names_it,
    test_retired_codes_suggest_their_2024_replacement,
    upn,
    week_of_marks,
    write_csv,
)


@pytest.fixture(autouse=True)
def every_file_is_big(monkeypatch):
    monkeypatch.setattr(marks_import, "FORK_FROM_BYTES", 0)


def test_a_file_is_read_in_a_fork_on_sqlite_when_big_and_here_otherwise(pupils, tmp_path, monkeypatch):
    path = write_csv(tmp_path / "m.csv", MARK_COLUMNS, week_of_marks(1))
    forked = db.session.connection().dialect.name == "sqlite" and (os.cpu_count() or 1) > 1
    assert marks_import._worth_a_fork(CsvFile(path, "marks")) is forked
    monkeypatch.setattr(marks_import, "FORK_FROM_BYTES", 1 << 30)
    assert marks_import._worth_a_fork(CsvFile(path, "marks")) is False


def test_a_file_with_a_broken_tail_gets_the_same_message_read_in_a_fork_as_here(pupils, tmp_path, monkeypatch):
    path = tmp_path / "m.csv"
    write_csv(path, MARK_COLUMNS, week_of_marks(1) + week_of_marks(2))
    path.write_bytes(path.read_bytes() + b"\xff\xfe not UTF-8 at all\n")  # as a copy cut off half-way leaves
    problems = []
    for fork_from in (0, 1 << 30):
        monkeypatch.setattr(marks_import, "FORK_FROM_BYTES", fork_from)
        with pytest.raises(imports.ImportRejected) as rejected:
            imports.import_marks(str(path), actor="office")
        problems.append(rejected.value.result.problems)
    assert problems[0] == problems[1] and {p.line for p in problems[0]} == {22}
    assert db.session.scalar(select(Mark.id)) is None


def test_the_marks_stored_through_a_fork_are_each_pupils_own(pupils, tmp_path):
    rows = [mark(n, day, session, code) for n in (1, 2, 3)
            for day, session, code in (("2026-09-07", "AM", "/"), ("2026-09-07", "PM", "I"), ("2026-09-08", "AM", "L"))]
    result = imports.import_marks(write_csv(tmp_path / "m.csv", MARK_COLUMNS, rows), actor="office")
    assert (result.added, result.rows, result.refreshed) == (9, 9, 3)
    stored = db.session.execute(select(Pupil.upn, Mark.date, Mark.session, Mark.code).join(Pupil)
                                .order_by(Pupil.upn, Mark.date, Mark.session)).all()
    assert [(u, d.isoformat(), s, c) for u, d, s, c in stored] == sorted(
        (r["upn"], r["date"], r["session"], r["code"]) for r in rows)


# ------------------------------------------------------------------------------------------ the fork itself
def test_what_the_fork_makes_comes_back_in_order_and_then_what_it_counted():
    items, outcome = in_a_fork(lambda: iter(range(1000)), lambda: "counted")
    assert list(items) == list(range(1000)) and outcome == ["counted"]


def test_an_error_in_the_fork_is_raised_in_the_importing_process():
    def broken():
        yield 1
        raise ValueError("line 7: not a date")

    items, outcome = in_a_fork(broken, lambda: None)
    with pytest.raises(ValueError, match="line 7: not a date"):
        list(items)
    assert outcome == []


def test_a_fork_killed_half_way_fails_the_import_with_a_message_not_a_hang():
    def then_killed():
        yield 1
        os.kill(os.getpid(), signal.SIGKILL)
        yield 2  # pragma: no cover

    items, outcome = in_a_fork(then_killed, lambda: None)
    with pytest.raises(RuntimeError, match="stopped .* before it finished: nothing was imported"):
        list(items)
    assert outcome == []
