"""CTFs as they arrive: other encodings, the wrong kind of file, and marks on days with no session."""

from __future__ import annotations

import csv
from datetime import date

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Mark
from portal.services import ctf

from services.test_ctf import ANNA, BEN, ctf_file, problems, pupil, school, stored, write, year_data  # noqa: F401


def test_a_utf16_ctf_is_read():
    data = ctf_file(pupil(ANNA, year_data("2024-09-02", "/\\"))).decode().replace('encoding="UTF-8"',
                                                                                  'encoding="UTF-16"')
    read = ctf.read_ctf(data.encode("utf-16"))
    assert problems(read) == [] and len(read.marks) == 2
    assert read.encoding == "UTF-16 with a byte-order mark (Excel's \"Unicode Text\")"


def test_a_ctf_declared_utf8_holding_windows_1252_is_called_an_encoding_problem():
    data = ctf_file(pupil(ANNA, year_data("2024-09-02", "/\\"))).replace(b"Old School", "Ysgol Dé".encode("cp1252"))
    assert problems(ctf.read_ctf(data)) == [
        "encoding problem: the file says it is UTF-8, but line 1 holds the byte 0xE9, which is not UTF-8 (in "
        "Windows-1252 it is 'é'): the file was probably saved by another program in Windows-1252. Export the CTF "
        "again from the MIS, or save it as UTF-8"]


def test_a_ctf_declared_windows_1252_is_read_as_declared():
    data = ctf_file(pupil(ANNA, year_data("2024-09-02", "/\\"))).replace(b'encoding="UTF-8"',
                                                                        b'encoding="windows-1252"')
    read = ctf.read_ctf(data.replace(b"Old School", "Ysgol Dé".encode("cp1252")))
    assert problems(read) == [] and read.marks[0].comment == "CTF: Ysgol Dé"


@pytest.mark.parametrize("data, words", [
    (b"PK\x03\x04" + bytes(60), "the file is a ZIP archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(60), "an Excel 97-2003 workbook (.xls)"),
    ("<CTfile/>".encode("utf-16")[:-1], "cut short"),
])
def test_what_is_not_a_ctf_is_named(data, words):
    assert words in problems(ctf.read_ctf(data))[0]


# Bothal's pupils in the `school` fixture were admitted on 1 September 2025. Fri 7 Nov 2025 is a school day;
# Mon 3 Nov 2025 is an INSET day at Bothal.
def test_a_mark_at_a_weekend_while_on_roll_is_reported_and_nothing_stored(school, tmp_path):
    path = write(tmp_path, ctf_file(pupil(ANNA, year_data("2025-11-07", "/\\N###/\\"))))
    with pytest.raises(ctf.CtfRejected) as caught:
        ctf.import_ctf(path, actor="test")
    [problem] = caught.value.read.problems
    assert problem.where.startswith(f"UPN {ANNA}, year 2024, Sat 2025-11-08 AM (mark 3")
    assert "'N': 2025-11-08 AM is not a session at Bothal Primary School (Weekend): the mark is not stored" in \
        problem.message
    assert db.session.scalar(select(func.count()).select_from(Mark)) == 0


def test_a_mark_on_an_inset_day_while_on_roll_is_reported(school, tmp_path):
    path = write(tmp_path, ctf_file(pupil(ANNA, year_data("2025-11-03", "/\\"))))
    with pytest.raises(ctf.CtfRejected) as caught:
        ctf.import_ctf(path, actor="test")
    assert [p.message.split(" (")[1].split(")")[0] for p in caught.value.read.problems] == ["INSET day"] * 2


def test_before_admission_only_weekends_are_known_to_have_no_session(school, tmp_path):
    # 28 to 31 Oct 2024 was half term at Bothal, but this is the sending school's year: its holidays are not known.
    path = write(tmp_path, ctf_file(pupil(BEN, year_data("2024-10-28", "/\\"))))
    assert ctf.import_ctf(path, actor="test").counts.added == 2
    path = write(tmp_path, ctf_file(pupil(ANNA, year_data("2024-10-26", "/\\"))))
    with pytest.raises(ctf.CtfRejected) as caught:
        ctf.import_ctf(path, actor="test")
    assert "2024-10-26 is a Saturday, when no school has a session: the mark is not stored" in \
        problems(caught.value.read)[0]


def test_skip_invalid_stores_the_rest_and_writes_the_left_out_marks_as_a_marks_csv(school, tmp_path):
    path = write(tmp_path, ctf_file(pupil(ANNA, year_data("2025-11-07", "/\\N###/\\")),
                                    pupil("G929200024003", year_data("2025-11-07", "/\\"))))
    result = ctf.import_ctf(path, actor="test", skip_invalid=True)
    assert (result.counts.added, result.skipped) == (4, 3)
    assert [(row[1], row[3]) for row in stored()] == [(date(2025, 11, 7), "/"), (date(2025, 11, 7), "\\"),
                                                      (date(2025, 11, 10), "/"), (date(2025, 11, 10), "\\")]
    with open(result.rejected_path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["upn"], r["date"], r["session"], r["code"]) for r in rows] == [
        (ANNA, "2025-11-08", "AM", "N"), ("G929200024003", "2025-11-07", "AM", "/"),
        ("G929200024003", "2025-11-07", "PM", "\\")]
    assert "not a session" in rows[0]["problem"] and "no pupil with this UPN is loaded" in rows[1]["problem"]


def test_skip_invalid_still_refuses_a_bad_mark_and_says_why_in_the_file(school, tmp_path):
    path = write(tmp_path, ctf_file(pupil(ANNA, year_data("2025-11-07", "H\\"))))
    with pytest.raises(ctf.CtfRejected):
        ctf.import_ctf(path, actor="test", skip_invalid=True)
    assert "'H'" in (tmp_path / "in.ctf.rejected.csv").read_text()
    assert stored() == []
