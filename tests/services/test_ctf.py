"""`import ctf`: reading a Common Transfer File's attendance marks (docs/ctf.md) and storing them all or nothing."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Mark, Pupil, School
from portal.services import ctf, ctf_reader, policies
from portal.services.imports import import_pupils
from tests.conftest import EXAMPLES

ANNA = "D929200024001"  # valid UPNs (stdnum.gb.upn), Northumberland's LA number
BEN = "T929200024002"
STRANGER = "G929200024003"


def year_data(start: str, marks: str, year: str = "2024", **totals: int) -> str:
    counts = "".join(f"<{name}>{value}</{name}>" for name, value in totals.items())
    return (f"<YearData><Year>{year}</Year><LEA>929</LEA><Estab>2000</Estab><SchoolName>Old School</SchoolName>"
            f"{counts}<AttendSessions><AttendanceStartDate>{start}</AttendanceStartDate>"
            f"<AttendanceMarks>{marks}</AttendanceMarks></AttendSessions></YearData>")


def pupil(upn: str, *years: str) -> str:
    attendance = f"<Attendance>{''.join(years)}</Attendance>" if years else ""
    return f"<Pupil><UPN>{upn}</UPN><Surname>Test</Surname>{attendance}</Pupil>"


def ctf_file(*pupils: str, header: str | None = None, prolog: str = "") -> bytes:
    header = header if header is not None else (
        "<Header><DocumentName>Common Transfer File</DocumentName><CTFversion>25.0</CTFversion>"
        "<DateTime>2025-07-18T10:30:00</DateTime><SourceSchool><LEA>929</LEA><Estab>2000</Estab>"
        "<SchoolName>Old School</SchoolName></SourceSchool></Header>")
    body = f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<CTfile>{header}<CTFpupilData>{"".join(pupils)}' \
           "</CTFpupilData></CTfile>"
    return body.encode()


def problems(read: ctf.CtfRead) -> list[str]:
    return [str(p) for p in read.problems]


# ------------------------------------------------------------------------------------------------ reading (pure)

def test_reads_am_then_pm_from_the_start_date():
    read = ctf.read_ctf(ctf_file(pupil(ANNA, year_data("2024-09-02", "/\\IL"))))
    assert problems(read) == []
    assert [(m.date, m.session, m.code) for m in read.marks] == [
        (date(2024, 9, 2), "AM", "/"), (date(2024, 9, 2), "PM", "\\"),
        (date(2024, 9, 3), "AM", "I"), (date(2024, 9, 3), "PM", "L"),
    ]
    assert read.recorded_at == datetime(2025, 7, 18, 10, 30)
    assert read.version == "25.0"
    assert read.marks[0].comment == "CTF: Old School"


def test_hash_sessions_are_skipped_but_keep_their_place():
    # Fri 6 Sep 2024, then a weekend (####), then Monday.
    read = ctf.read_ctf(ctf_file(pupil(ANNA, year_data("2024-09-06", "/\\####/N"))))
    assert problems(read) == []
    assert [(m.date, m.session, m.code) for m in read.marks] == [
        (date(2024, 9, 6), "AM", "/"), (date(2024, 9, 6), "PM", "\\"),
        (date(2024, 9, 9), "AM", "/"), (date(2024, 9, 9), "PM", "N"),
    ]
    (year,) = read.years
    assert (year.marks, year.not_in_session, year.start, year.end) == (4, 4, date(2024, 9, 6), date(2024, 9, 9))


def test_a_half_day_closure_is_one_hash():
    read = ctf.read_ctf(ctf_file(pupil(ANNA, year_data("2024-09-02", "/#"))))
    assert [(m.session, m.code) for m in read.marks] == [("AM", "/")]


def test_two_character_codes_are_a_letter_and_a_digit():
    read = ctf.read_ctf(ctf_file(pupil(ANNA, year_data("2024-09-02", "C1C2J1Y7C\\/Y1"))))
    assert problems(read) == []
    assert [(m.date.day, m.session, m.code) for m in read.marks] == [
        (2, "AM", "C1"), (2, "PM", "C2"), (3, "AM", "J1"), (3, "PM", "Y7"), (4, "AM", "C"), (4, "PM", "\\"),
        (5, "AM", "/"), (5, "PM", "Y1"),
    ]


def test_split_marks_reads_letter_digit_pairs_only():
    assert ctf.split_marks("C1C/\\Y7#") == [(0, "C1"), (2, "C"), (3, "/"), (4, "\\"), (5, "Y7"), (7, "#")]


def test_several_years_and_pupils():
    read = ctf.read_ctf(ctf_file(
        pupil(ANNA, year_data("2023-09-04", "/\\", year="2023"), year_data("2024-09-02", "GG", year="2024")),
        pupil(BEN, year_data("2024-09-02", "/O")),
    ))
    assert problems(read) == []
    assert [(y.upn, y.year, y.marks) for y in read.years] == [(ANNA, "2023", 2), (ANNA, "2024", 2), (BEN, "2024", 2)]
    assert {(m.upn, m.date.year, m.code) for m in read.marks} == {
        (ANNA, 2023, "/"), (ANNA, 2023, "\\"), (ANNA, 2024, "G"), (BEN, 2024, "/"), (BEN, 2024, "O")}


def test_an_unknown_character_names_the_pupil_year_day_and_session():
    read = ctf.read_ctf(ctf_file(pupil(ANNA, year_data("2024-09-02", "/\\/Q/!"))))
    # Q is a 2024 code; "!" is not.
    (problem,) = problems(read)
    assert problem.startswith(f"UPN {ANNA}, year 2024, Wed 2024-09-04 PM (mark 6, character 6): '!'")
    assert "is not a 2024 attendance code" in problem


def test_retired_codes_are_rejected_with_the_hint():
    read = ctf.read_ctf(ctf_file(pupil(ANNA, year_data("2024-09-02", "H\\/J"))))
    assert problems(read) == [
        f"UPN {ANNA}, year 2024, Mon 2024-09-02 AM (mark 1, character 1): 'H': Code H was retired in August 2024: "
        "use C (leave granted) or G (holiday not authorised).",
        f"UPN {ANNA}, year 2024, Tue 2024-09-03 PM (mark 4, character 4): 'J': Code J was retired in August 2024: "
        "use J1.",
    ]
    assert read.marks[0].code == "\\"


@pytest.mark.parametrize("marks, expected", [
    ("Y\\", "Code Y was retired in August 2024: use Y1 to Y7."),
    ("X1\\", "looks like a retired Covid X sub-code"),
    ("Y8\\", "Code 'Y8' is not a 2024 attendance code"),
    ("1\\", "'1' is a digit that does not follow a letter"),
    ("i\\", "'i' is lower case"),
    ("/ \\\\", "a space or line break"),
])
def test_what_cannot_be_read_is_refused(marks, expected):
    read = ctf.read_ctf(ctf_file(pupil(ANNA, year_data("2024-09-02", marks))))
    assert any(expected in p for p in problems(read)), problems(read)


def test_a_present_mark_in_the_wrong_half_of_the_day_means_out_of_step():
    # A mark missing on Tuesday PM (or a code written in a way this reader does not know) shifts every later one.
    read = ctf.read_ctf(ctf_file(pupil(ANNA, year_data("2024-09-02", "/\\I/\\/\\/"))))
    assert problems(read) == [
        f"UPN {ANNA}, year 2024, Tue 2024-09-03 PM (mark 4, character 4): out of step: '/' (present in the "
        "morning) falls on a PM session, so the marks from here on cannot be matched to sessions (is a mark "
        "missing, or a code written in a way this reader does not know?)",
        f"UPN {ANNA}, year 2024: 4 more present mark(s) in the wrong half of the day after the first one above",
    ]


def test_an_odd_number_of_marks_is_refused():
    read = ctf.read_ctf(ctf_file(pupil(ANNA, year_data("2024-09-02", "/\\/"))))
    assert any("holds 3 marks, an odd number" in p for p in problems(read))


def test_no_mark_stores_nothing_and_is_counted():
    read = ctf.read_ctf(ctf_file(pupil(ANNA, year_data("2024-09-02", "-\\"))))
    assert problems(read) == []
    assert [(m.session, m.code) for m in read.marks] == [("PM", "\\")]
    assert read.years[0].no_mark == 1


def test_conflicting_years_for_one_session_are_refused():
    read = ctf.read_ctf(ctf_file(pupil(ANNA, year_data("2024-09-02", "/\\"), year_data("2024-09-02", "/I"))))
    assert any("'I' here, but another YearData gives '\\\\'" in p for p in problems(read)), problems(read)


def test_a_year_with_totals_only_is_noted_not_imported():
    totals = ("<YearData><Year>2022</Year><SessionsPossible>380</SessionsPossible></YearData>")
    read = ctf.read_ctf(ctf_file(pupil(ANNA, totals)))
    assert problems(read) == [] and read.marks == []
    assert read.years[0].totals_only


def test_stated_absence_totals_that_disagree_are_a_warning():
    read = ctf.read_ctf(ctf_file(pupil(ANNA, year_data("2024-09-02", "/IGC1", SessionsAuthorised=3,
                                                         SessionsUnauthorised=1))))
    assert problems(read) == []
    assert [str(w) for w in read.warnings] == [
        f"UPN {ANNA}, year 2024: SessionsAuthorised says 3; the marks read give 2 (the sending school may have "
        "changed marks after counting: check the year looks right in the portal)"]


@pytest.mark.parametrize("prolog", [
    '<!DOCTYPE CTfile [<!ENTITY lol "lol">]>',
    "<!doctype CTfile>",
    '<!ENTITY x SYSTEM "file:///etc/passwd">',
])
def test_doctype_and_entity_declarations_are_refused_before_parsing(prolog):
    read = ctf.read_ctf(ctf_file(pupil(ANNA, year_data("2024-09-02", "/\\")), prolog=prolog))
    assert len(read.problems) == 1
    assert "DOCTYPE or ENTITY declaration" in problems(read)[0]
    assert read.marks == []


@pytest.mark.parametrize("prolog", ['<!DOCTYPE CTfile [<!ENTITY lol "lol">]>', "<!DOCTYPE CTfile>"])
def test_the_parser_refuses_declarations_too(prolog, monkeypatch):
    # A second line of defence (defusedxml), should a declaration ever get past check_safe.
    monkeypatch.setattr(ctf_reader, "check_safe", lambda data: None)
    read = ctf.read_ctf(ctf_file(pupil(ANNA, year_data("2024-09-02", "/\\")), prolog=prolog))
    assert len(read.problems) == 1
    assert "DOCTYPE or ENTITY declaration" in problems(read)[0]
    assert read.marks == []


@pytest.mark.parametrize("data, expected", [
    (b"<CTfile><Header>", "not well-formed XML (line 1"),
    (b"<Other/>", "the root element is <Other>, not <CTfile>"),
    (b"PK\x03\x04\x14\x00\x00\x00", "is a ZIP archive (an Excel .xlsx workbook is one), not a Common Transfer File"),
    (b"<CTfile>\x00</CTfile>", "holds zero bytes"),
    (b"<CTfile><Header><DateTime>2025-07-18T10:30:00</DateTime></Header></CTfile>", "holds no pupils"),
])
def test_files_that_are_not_ctfs(data, expected):
    read = ctf.read_ctf(data)
    assert any(expected in p for p in problems(read)), problems(read)


def test_the_header_datetime_is_required():
    read = ctf.read_ctf(ctf_file(pupil(ANNA, year_data("2024-09-02", "/\\")), header="<Header/>"))
    assert problems(read) == ["Header: DateTime is missing: it is needed as the time the marks were recorded "
                              "(a mark never overwrites one recorded later)"]


def test_a_bad_start_date():
    read = ctf.read_ctf(ctf_file(pupil(ANNA, year_data("02/09/2024", "/\\"))))
    assert problems(read) == [f"UPN {ANNA}, year 2024: AttendanceStartDate '02/09/2024' is not a date (YYYY-MM-DD)"]


# ------------------------------------------------------------------------------------------------ importing

@pytest.fixture
def school(app_ctx):
    policies.load_policy_file(EXAMPLES / "alp.toml", actor="test")
    bothal = db.session.scalar(select(School).where(School.urn == "122239"))
    for upn, name in ((ANNA, "Anna"), (BEN, "Ben")):
        db.session.add(Pupil(upn=upn, school_id=bothal.id, site_id=bothal.sites[0].id, legal_forename=name,
                             legal_surname="Test", date_of_birth=date(2017, 5, 1), year_group="Y3",
                             registration_group="3A", admission_date=date(2025, 9, 1)))
    db.session.commit()
    return bothal


def write(tmp_path, data: bytes):
    path = tmp_path / "in.ctf.xml"
    path.write_bytes(data)
    return path


def stored() -> list[tuple]:
    return list(db.session.execute(
        select(Pupil.upn, Mark.date, Mark.session, Mark.code, Mark.source, Mark.recorded_at, Mark.comment)
        .join(Pupil).order_by(Pupil.upn, Mark.date, Mark.session)))


def test_import_stores_the_marks(school, tmp_path):
    path = write(tmp_path, ctf_file(pupil(ANNA, year_data("2024-09-06", "/I##")),
                                    pupil(BEN, year_data("2024-09-06", "C1\\"))))
    result = ctf.import_ctf(path, actor="test")
    assert (result.counts.added, result.counts.updated) == (4, 0)
    at = datetime(2025, 7, 18, 10, 30)
    assert stored() == [
        (ANNA, date(2024, 9, 6), "AM", "/", "mis", at, "CTF: Old School"),
        (ANNA, date(2024, 9, 6), "PM", "I", "mis", at, "CTF: Old School"),
        (BEN, date(2024, 9, 6), "AM", "C1", "mis", at, "CTF: Old School"),
        (BEN, date(2024, 9, 6), "PM", "\\", "mis", at, "CTF: Old School"),
    ]
    again = ctf.import_ctf(path, actor="test")
    assert (again.counts.added, again.counts.unchanged) == (0, 4)


def test_an_unknown_upn_is_a_problem_and_nothing_is_stored(school, tmp_path):
    path = write(tmp_path, ctf_file(pupil(ANNA, year_data("2024-09-02", "/\\")),
                                    pupil(STRANGER, year_data("2024-09-02", "/\\"))))
    with pytest.raises(ctf.CtfRejected) as caught:
        ctf.import_ctf(path, actor="test")
    assert problems(caught.value.read) == [
        f"UPN {STRANGER}: no pupil with this UPN is loaded: import the pupils first "
        "(flask --app portal import pupils PATH)"]
    assert stored() == []


def test_one_bad_mark_stores_nothing_and_every_problem_is_listed(school, tmp_path):
    path = write(tmp_path, ctf_file(pupil(ANNA, year_data("2024-09-02", "/\\/\\/H")),
                                    pupil(BEN, year_data("2024-09-02", "F\\"))))
    with pytest.raises(ctf.CtfRejected) as caught:
        ctf.import_ctf(path, actor="test")
    assert [p.where.split(" (")[0] for p in caught.value.read.problems] == [
        f"UPN {ANNA}, year 2024, Wed 2024-09-04 PM", f"UPN {BEN}, year 2024, Mon 2024-09-02 AM"]
    assert db.session.scalar(select(func.count()).select_from(Mark)) == 0


def test_bad_marks_and_unknown_upns_are_listed_together(school, tmp_path):
    path = write(tmp_path, ctf_file(pupil(ANNA, year_data("2024-09-02", "H\\")),
                                    pupil(STRANGER, year_data("2024-09-02", "/\\"))))
    with pytest.raises(ctf.CtfRejected) as caught:
        ctf.import_ctf(path, actor="test")
    assert [p.where.split(",")[0] for p in caught.value.read.problems] == [f"UPN {ANNA}", f"UPN {STRANGER}"]
    assert db.session.scalar(select(func.count()).select_from(Mark)) == 0


def test_a_missing_file(school, tmp_path):
    with pytest.raises(ctf.CtfRejected) as caught:
        ctf.import_ctf(tmp_path / "nope.xml", actor="test")
    assert "file not found" in problems(caught.value.read)[0]


def test_the_sample_file_imports_after_the_example_pupils(app_ctx, tmp_path):
    policies.load_policy_file(EXAMPLES / "alp.toml", actor="test")
    import_pupils(EXAMPLES / "pupils.csv", actor="test")
    result = ctf.import_ctf(EXAMPLES / "sample.ctf.xml", actor="test")
    read = result.read
    assert read.warnings == []
    assert [(y.upn, y.year) for y in read.years] == [
        ("H929270223151", "2023"), ("H929270223151", "2024"), ("H929270223151", "2025"), ("F929216125182", "2024")]
    assert {m.code for m in read.marks} >= {"C1", "Y1", "X", "/", "\\"}
    assert result.counts.added == len(read.marks) > 1000


def test_the_command(school, tmp_path):
    path = write(tmp_path, ctf_file(pupil(ANNA, year_data("2024-09-06", "/I####/\\"))))
    out = school_runner().invoke(args=["import", "ctf", str(path)])
    assert out.exit_code == 0, out.output
    assert f"UPN {ANNA}  year 2024, Old School: 2024-09-06 to 2024-09-09, 4 marks (4 sessions not in session)" \
        in out.output
    assert "Marks: 4 added, 0 updated, 0 unchanged, 0 kept newer" in out.output


def test_the_command_lists_problems_and_exits_1(school, tmp_path):
    path = write(tmp_path, ctf_file(pupil(ANNA, year_data("2024-09-06", "H\\"))))
    out = school_runner().invoke(args=["import", "ctf", str(path)])
    assert out.exit_code == 1
    assert f"in.ctf.xml: UPN {ANNA}, year 2024, Fri 2024-09-06 AM (mark 1, character 1): 'H'" in out.output
    assert "nothing was imported: 1 problem(s) in the CTF" in out.output


def school_runner():
    from flask import current_app

    return current_app.test_cli_runner()
