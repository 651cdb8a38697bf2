"""The files schools really have: Excel's encodings and line ends, day-first dates, MIS headings and spellings."""

from __future__ import annotations

import csv
from datetime import date

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Contact, DataArrival, Mark, Pupil, School
from portal.services import imports
from portal.services.imports.columns import ColumnsFileError, load_columns
from portal.services.policies import load_policy_file

from conftest import EXAMPLES
from services.test_imports import upn

RISE_PARK = "122580"  # one site, so a pupils export needs no site column
# A SIMS-style pupils report as a data manager would save it from Excel: its own headings, Adno and Gender read
# past, no school_urn column (given as --school), day-first dates, "Year 4"/"Reception"/"Nursery 1".
SIMS_PUPILS = [
    ["Adno", "UPN", "Legal Surname", "Legal Forename", "Preferred Forename", "DOB", "Gender", "Year", "Reg Group",
     "Admission Date"],
    ["001234", upn(1), "Ó'Brien", "Zoë", "Zo", "05/04/2017", "F", "Year 4", "4RB", "02/09/2021 00:00"],
    ["001235", upn(2), "Nguyễn", "Thảo", "", "6/1/2021", "F", "Reception", "RH", "2025-09-03"],
    ["001236", upn(3), "Smith", "Alfie", "", "2022-03-30 00:00:00", "M", "Nursery 1", "N1A", "17/07/2025"],
]
EXPECTED = [
    (upn(1), "Zoë", "Ó'Brien", "Zo", date(2017, 4, 5), "Y4", "4RB", date(2021, 9, 2)),
    (upn(2), "Thảo", "Nguyễn", "", date(2021, 1, 6), "R", "RH", date(2025, 9, 3)),
    (upn(3), "Alfie", "Smith", "", date(2022, 3, 30), "N1", "N1A", date(2025, 7, 17)),
]
EXPECTED.sort()


@pytest.fixture
def rise_park(app_ctx):
    load_policy_file(EXAMPLES / "rise-park.toml", actor="test")


def write(path, rows, encoding="utf-8", delimiter=",", line_end="\r\n"):
    text = "".join(delimiter.join(_quoted(v, delimiter) for v in row) + line_end for row in rows)
    path.write_bytes(text.encode(encoding))
    return path


def _quoted(value: str, delimiter: str) -> str:
    return f'"{value}"' if delimiter in value or '"' in value else value


def stored_pupils():
    return list(db.session.execute(select(
        Pupil.upn, Pupil.legal_forename, Pupil.legal_surname, Pupil.preferred_forename, Pupil.date_of_birth,
        Pupil.year_group, Pupil.registration_group, Pupil.admission_date).order_by(Pupil.upn)))


def test_a_pupils_file_as_excel_saves_it_cp1252_crlf_day_first(rise_park, tmp_path):
    rows = [r for r in SIMS_PUPILS if r[1] != upn(2)]  # Vietnamese is not in Windows-1252: Excel writes "?"
    path = write(tmp_path / "pupils.csv", rows, encoding="cp1252")
    result = imports.import_pupils(path, actor="office", school_urn=RISE_PARK)
    assert (result.added, result.rejected) == (2, 0)
    assert stored_pupils() == [e for e in EXPECTED if e[0] != upn(2)]
    assert result.notes[0] == "read as Windows-1252 (Excel's \"CSV (Comma delimited)\")"
    assert result.notes[1] == ("columns read: 'DOB' as date_of_birth, 'Year' as year_group, 'Reg Group' as "
                               "registration_group")
    assert result.notes[2] == f"filled in: school_urn = {RISE_PARK}"


@pytest.mark.parametrize("encoding, delimiter, label", [
    ("utf-8", ",", "UTF-8"),
    ("utf-8-sig", ",", "UTF-8 with a byte-order mark"),
    ("utf-16", "\t", "UTF-16 with a byte-order mark (Excel's \"Unicode Text\")"),  # Excel's "Unicode Text"
    ("utf-16-le", ",", "UTF-16 little-endian without a byte-order mark"),
    ("utf-16-be", ";", "UTF-16 big-endian without a byte-order mark"),
])
def test_every_encoding_and_separator_reads_the_same_pupils(rise_park, tmp_path, encoding, delimiter, label):
    path = write(tmp_path / "pupils.txt", SIMS_PUPILS, encoding=encoding, delimiter=delimiter,
                 line_end="\n" if encoding == "utf-8" else "\r\n")
    result = imports.import_pupils(path, actor="office", school_urn=RISE_PARK)
    assert result.added == 3 and stored_pupils() == EXPECTED
    assert result.notes[0] == f"read as {label}"
    if delimiter != ",":
        assert result.notes[1] == f"columns separated by {'tabs' if delimiter == chr(9) else 'semicolons'}"


def test_marks_as_an_mis_writes_them_with_no_mark_counted(rise_park, tmp_path):
    write(tmp_path / "p.csv", SIMS_PUPILS[:2], encoding="cp1252")
    imports.import_pupils(tmp_path / "p.csv", actor="office", school_urn=RISE_PARK)
    rows = [["UPN", "Session Date", "AM/PM", "Mark", "Mins Late", "Comments"],
            [upn(1), "07/09/2026 00:00", "AM", "/", "", ""],
            [upn(1), "07/09/2026 00:00", "PM", "-", "", ""],  # the MIS's "no mark yet"
            [upn(1), "08/09/2026", "am", "l", "12", "bus"],
            [upn(1), "08/09/2026", "PM", "", "", ""]]
    result = imports.import_marks(write(tmp_path / "m.csv", rows, encoding="cp1252"), actor="office")
    assert (result.added, result.no_mark, result.rejected) == (2, 2, 0)
    assert result.counts()["no mark"] == 2
    assert list(db.session.execute(select(Mark.date, Mark.session, Mark.code, Mark.minutes_late)
                                   .order_by(Mark.date, Mark.session))) == [
        (date(2026, 9, 7), "AM", "/", None), (date(2026, 9, 8), "AM", "L", 12)]


def test_contacts_with_mis_headings_and_yes_no(rise_park, tmp_path):
    write(tmp_path / "p.csv", SIMS_PUPILS[:2])
    imports.import_pupils(tmp_path / "p.csv", actor="office", school_urn=RISE_PARK)
    rows = [["Pupil UPN", "Contact Name", "Relationship to Pupil", "Email Address", "Mobile",
             "Has Parental Responsibility", "Lives With Pupil", "Contact Order"],
            [upn(1), "Siobhán Ó'Brien", "Mother", "s.obrien@example.com", "07700 900123", "Yes", "Yes", "1"]]
    result = imports.import_contacts(write(tmp_path / "c.csv", rows, encoding="cp1252"), actor="office")
    assert result.added == 1
    contact = db.session.scalar(select(Contact))
    assert (contact.name, contact.parental_responsibility, contact.parent_account.email) == (
        "Siobhán Ó'Brien", True, "s.obrien@example.com")


def test_a_schools_own_headings_come_from_its_mapping_file(rise_park, tmp_path):
    (tmp_path / "columns.toml").write_text('[pupils]\n"Pupil Family Name" = "legal_surname"\n')
    rows = [[("Pupil Family Name" if h == "Legal Surname" else h) for h in SIMS_PUPILS[0]], *SIMS_PUPILS[1:]]
    path = write(tmp_path / "pupils.csv", rows)
    with pytest.raises(imports.ImportRejected) as refused:
        imports.import_pupils(path, actor="office", school_urn=RISE_PARK)
    assert "lacks the column(s) legal_surname" in str(refused.value.result.problems[0])
    result = imports.import_pupils(path, actor="office", school_urn=RISE_PARK,
                                   columns=load_columns(tmp_path / "columns.toml"))
    assert result.added == 3 and stored_pupils() == EXPECTED


def test_a_bad_mapping_file_says_what_to_fix(tmp_path):
    (tmp_path / "columns.toml").write_text('[pupils]\n"Surname" = "family_name"\n')
    with pytest.raises(ColumnsFileError, match="'family_name' is not a column of the pupils file"):
        load_columns(tmp_path / "columns.toml")
    (tmp_path / "columns.toml").write_text('[pupils\n')
    with pytest.raises(ColumnsFileError, match="not valid TOML"):
        load_columns(tmp_path / "columns.toml")


@pytest.mark.parametrize("content, words", [
    (b"PK\x03\x04\x14\x00\x06\x00" + bytes(200), "ZIP archive (an Excel .xlsx workbook is one)"),
    ("UPN,Forename\r\nA1,Zoë\r\n".encode() + "Zoë\r\n".encode("cp1252"), "mixes two encodings"),
    (b"UPN,Shoe size\r\n", "Columns found: 'UPN', 'Shoe size'"),
    (b"upn,date,session,code\n" + b"x" * 200_000 + b"\n", "longer than 131,072 characters"),
])
def test_skip_invalid_writes_the_rejected_file_even_when_the_whole_file_is_refused(rise_park, tmp_path, content,
                                                                                    words):
    path = tmp_path / "marks.csv"
    path.write_bytes(content)
    with pytest.raises(imports.ImportRejected) as refused:
        imports.import_marks(path, actor="office", skip_invalid=True)
    assert words in str(refused.value.result.problems[0])
    with open(tmp_path / "marks.rejected.csv", newline="", encoding="utf-8") as handle:
        [row] = list(csv.DictReader(handle))
    assert words in row["problem"]


def test_an_import_notes_when_the_schools_data_arrived_and_a_refused_one_does_not(rise_park, tmp_path):
    path = write(tmp_path / "pupils.csv", SIMS_PUPILS)
    imports.import_pupils(path, actor="office", school_urn=RISE_PARK)
    [arrival] = db.session.scalars(select(DataArrival))
    school_id = db.session.scalar(select(School.id).where(School.urn == RISE_PARK))
    assert (arrival.kind, arrival.file_name, arrival.rows, arrival.school_id) == ("pupils", "pupils.csv", 3, school_id)
    (tmp_path / "bad.csv").write_bytes(b"UPN,Shoe size\n")
    with pytest.raises(imports.ImportRejected):
        imports.import_marks(tmp_path / "bad.csv", actor="office")
    assert len(db.session.scalars(select(DataArrival)).all()) == 1
