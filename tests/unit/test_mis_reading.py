"""Reading what MIS products and Excel write: dates, year groups, column headings, encodings, and the feed's rules."""

from datetime import date, datetime, time

import pytest

from portal.domain import encodings, mis_columns
from portal.domain.mis_feed import marks_late, when_words
from portal.domain.rows import parse_date, parse_datetime
from portal.domain.year_groups import read_year_group


@pytest.mark.parametrize("text, expected", [
    ("2016-07-17", date(2016, 7, 17)),
    ("17/07/2016", date(2016, 7, 17)),
    ("7/9/2026", date(2026, 9, 7)),  # d/m/yyyy: 7 September, never 9 July
    ("07-09-2026", date(2026, 9, 7)),
    ("07.09.2026", date(2026, 9, 7)),
    ("2016-07-17 00:00:00", date(2016, 7, 17)),  # a date held as a date-time (SQL exports)
    ("2016-07-17T00:00", date(2016, 7, 17)),
    ("17/07/2016 00:00", date(2016, 7, 17)),  # Excel's re-save of the same
    ("17/07/2016 00:00:00", date(2016, 7, 17)),
    ("17 Jul 2016", date(2016, 7, 17)),
    ("17-Jul-2016", date(2016, 7, 17)),
    (" 2016/07/17 ", date(2016, 7, 17)),
])
def test_dates_as_schools_write_them(text, expected):
    assert parse_date(text) == (expected, None)


@pytest.mark.parametrize("text, words", [
    ("07/17/2016", "month-first (US) date"),  # never read month first
    ("17/07/16", "two-digit year"),
    ("2016-07-17 09:30", "time of day (09:30) where a date is expected"),
    ("31/02/2026", "not a date in the calendar"),
    ("7 Sept", "write it as YYYY-MM-DD or DD/MM/YYYY"),
    ("yesterday", "write it as YYYY-MM-DD or DD/MM/YYYY"),
])
def test_dates_refused_say_why(text, words):
    value, problem = parse_date(text, "admission_date")
    assert value is None and problem.startswith("admission_date ") and words in problem, problem


def test_date_times_day_first_or_iso():
    assert parse_datetime("17/07/2016 09:35") == (datetime(2016, 7, 17, 9, 35), None)
    assert parse_datetime("2016-07-17 09:35:10") == (datetime(2016, 7, 17, 9, 35, 10), None)
    assert "month-first" in parse_datetime("07/17/2016 09:35")[1]
    assert "not a date and time the portal can hold" in parse_datetime("9999-12-31T23:00-05:00")[1]


@pytest.mark.parametrize("text, expected", [
    ("Year 4", "Y4"), ("Yr 4", "Y4"), ("Yr4", "Y4"), ("Y4", "Y4"), ("4", "Y4"), ("04", "Y4"), ("year 11", "Y11"),
    ("Y14", "Y14"), ("Reception", "R"), ("Rec", "R"), ("R", "R"), ("YR", "R"), ("Year R", "R"),
    ("Nursery 1", "N1"), ("N1", "N1"), ("Nursery 2", "N2"), ("n2", "N2"), ("Nursery-1", "N1"),
])
def test_year_groups_as_mis_products_write_them(text, expected):
    assert read_year_group(text) == (expected, None)


@pytest.mark.parametrize("text, words", [
    ("0", "write R, N1 or N2"), ("Nursery", "N1 or N2"), ("X", "should be N1, N2, R or Y1 to Y14"),
    ("Y15", "should be"), ("Year Three", "should be"),
])
def test_year_groups_refused(text, words):
    value, problem = read_year_group(text)
    assert value is None and words in problem


def test_mis_headings_map_onto_the_portals_columns():
    header = ["Adno", "UPN", "Legal Forename", "Legal Surname", "Forename", "DOB", "Year Group", "Reg Group",
              "Admission Date", "Gender"]
    found = mis_columns.match_header("pupils", header)
    assert found.missing == ("school_urn",)
    assert found.columns["legal_forename"] == 2  # "Legal Forename" is taken before the plain "Forename"
    assert found.columns["date_of_birth"] == 5 and found.columns["registration_group"] == 7
    assert found.renamed["registration_group"] == "Reg Group" and "year_group" not in found.renamed


def test_headings_fold_case_spaces_and_punctuation():
    found = mis_columns.match_header("marks", ["PUPIL_UPN", "Session-Date", "AM/PM", "Mark"])
    assert found.missing == () and found.columns == {"upn": 0, "date": 1, "session": 2, "code": 3}


def test_a_school_adds_its_own_headings():
    extra, problems = mis_columns.check_mapping({"pupils": {"Pupil Surname": "legal_surname"}})
    assert problems == []
    found = mis_columns.match_header("pupils", ["Pupil Surname"], extra["pupils"])
    assert found.columns == {"legal_surname": 0}
    _, problems = mis_columns.check_mapping({"pupils": {"Surname 2": "surname"}, "grades": {}})
    assert any("'surname' is not a column of the pupils file" in p for p in problems)
    assert any("[grades] is not one of" in p for p in problems)


@pytest.mark.parametrize("header, kind", [
    (["UPN", "Forename", "Surname", "DOB", "Year", "Form", "Start Date", "URN"], "pupils"),
    (["Pupil UPN", "Contact Name", "Relationship", "Email", "Mobile", "PR", "Lives With", "Priority"], "contacts"),
    (["UPN", "Date", "Session", "Mark", "Minutes Late"], "marks"),
])
def test_a_file_is_recognised_from_its_header(header, kind):
    assert mis_columns.recognise(header).kind == kind


def test_an_unknown_layout_names_the_columns_found_and_missing():
    header = ["UPN", "Forename", "Surname", "Shoe size"]
    found = mis_columns.recognise(header)
    message = mis_columns.describe_missing(found, header)
    assert found.kind == "pupils" and "date_of_birth" in found.missing
    assert "Columns found: 'UPN', 'Forename', 'Surname', 'Shoe size'" in message
    assert "date_of_birth (or 'dob', 'birth date', 'birthdate')" in message


def _detect(data: bytes, size: int = 5) -> encodings.Encoding:
    return encodings.detect(lambda: (data[i:i + size] for i in range(0, len(data), size)))


TEXT = "upn,name\nA1,Zoë Ó'Brien\n"


@pytest.mark.parametrize("data, codec", [
    (TEXT.encode("utf-8"), "utf-8"),
    (TEXT.encode("utf-8-sig"), "utf-8-sig"),
    (TEXT.encode("cp1252"), "cp1252"),
    (TEXT.encode("utf-16"), "utf-16"),
    (TEXT.encode("utf-16-le"), "utf-16-le"),
    (TEXT.encode("utf-16-be"), "utf-16-be"),
    (("x" * 10000 + TEXT).encode("cp1252"), "cp1252"),  # the first non-ASCII byte far into the file
])
def test_encodings_are_detected(data, codec):
    assert _detect(data).codec == codec


@pytest.mark.parametrize("data, words", [
    (b"PK\x03\x04rest", "ZIP archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "Excel 97-2003 workbook"),
    (b"upn\nA1\x00", "line 2 holds a zero byte"),
    (TEXT.encode() + TEXT.encode("cp1252"), "mixes two encodings"),
    (TEXT.encode()[:TEXT.encode().index(b"\xc3") + 1], "cut short"),
    (b"upn\n\x81", "0x81, which is not a character in Windows-1252"),
    (b"", "empty"),
])
def test_what_is_not_text_is_named(data, words):
    with pytest.raises(encodings.EncodingProblem, match=words):
        _detect(data)


def test_marks_are_late_after_the_register_closes_and_a_margin():
    closes = time(9, 30)
    assert not marks_late(datetime(2026, 9, 7, 9, 59), closes, None)
    assert marks_late(datetime(2026, 9, 7, 10, 0), closes, None)
    assert marks_late(datetime(2026, 9, 7, 10, 0), closes, datetime(2026, 9, 7, 8, 15))  # before the register
    assert not marks_late(datetime(2026, 9, 7, 10, 0), closes, datetime(2026, 9, 7, 9, 42))
    assert not marks_late(datetime(2026, 9, 5, 11, 0), None, None)  # no morning session today


def test_when_words():
    today = date(2026, 9, 7)
    assert when_words(datetime(2026, 9, 7, 9, 42), today) == "09:42 today"
    assert when_words(datetime(2026, 9, 6, 16, 5), today) == "16:05 yesterday"
    assert when_words(datetime(2026, 9, 1, 9, 42), today) == "09:42 on Tuesday 1 September"
