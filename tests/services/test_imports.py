"""MIS imports as a school office runs them: all-or-nothing, every bad row named, re-imports idempotent."""

from __future__ import annotations

import csv
from datetime import date, datetime

import pytest
from sqlalchemy import String, cast, func, select
from stdnum.gb.upn import calc_check_digit

from portal.extensions import db
from portal.models import AuditEvent, Contact, Mark, ParentAccount, Pupil
from portal.models.marks import SOURCE_MIS, SOURCE_PORTAL
from portal.services import imports
from portal.services.policies import load_policy_file

from conftest import EXAMPLES

BOTHAL = "122239"
PUPIL_COLUMNS = ("upn,school_urn,legal_forename,legal_surname,preferred_forename,date_of_birth,year_group,"
                 "registration_group,site,admission_date,leaving_date").split(",")
CONTACT_COLUMNS = "upn,contact_name,relationship,email,phone,parental_responsibility,lives_with_pupil,priority"
MARK_COLUMNS = "upn,date,session,code,minutes_late,comment,recorded_at".split(",")


def upn(serial: int) -> str:
    body = f"929{serial:09d}"
    return calc_check_digit(body) + body


def wrong_check_letter(value: str) -> str:
    return ("A" if value[0] != "A" else "B") + value[1:]


def pupil_row(serial: int, **changes) -> dict:
    row = dict(upn=upn(serial), school_urn=BOTHAL, legal_forename=f"Pupil{serial}", legal_surname="Smith",
               preferred_forename="", date_of_birth="2018-05-04", year_group="Y3", registration_group="3H",
               site="upper", admission_date="2022-09-05", leaving_date="")
    row.update(changes)
    return row


def write_csv(path, columns, rows) -> str:
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return str(path)


@pytest.fixture
def school(app_ctx):
    load_policy_file(EXAMPLES / "alp.toml", actor="test")


@pytest.fixture
def pupils(school, tmp_path):
    path = write_csv(tmp_path / "pupils.csv", PUPIL_COLUMNS, [pupil_row(n) for n in range(1, 6)])
    imports.import_pupils(path, actor="test")


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# --------------------------------------------------------------------------------------------------- pupils


def test_pupils_import_then_reimport_changes_nothing(school, tmp_path):
    path = write_csv(tmp_path / "pupils.csv", PUPIL_COLUMNS, [pupil_row(n) for n in range(1, 4)])
    first = imports.import_pupils(path, actor="office")
    assert (first.added, first.updated, first.unchanged) == (3, 0, 0)
    again = imports.import_pupils(path, actor="office")
    assert (again.added, again.updated, again.unchanged) == (0, 0, 3)
    pupil = db.session.scalar(select(Pupil).where(Pupil.upn == upn(2)))
    assert pupil.site.slug == "upper" and pupil.year_group == "Y3"
    assert [e.action for e in db.session.scalars(select(AuditEvent))][-2:] == ["import.pupils"] * 2


def test_a_changed_pupil_is_updated(school, tmp_path):
    imports.import_pupils(write_csv(tmp_path / "a.csv", PUPIL_COLUMNS, [pupil_row(1)]), actor="office")
    result = imports.import_pupils(
        write_csv(tmp_path / "b.csv", PUPIL_COLUMNS, [pupil_row(1, registration_group="3B", site="Lower site")]),
        actor="office")
    assert (result.added, result.updated) == (0, 1)
    pupil = db.session.scalar(select(Pupil).where(Pupil.upn == upn(1)))
    assert (pupil.registration_group, pupil.site.slug) == ("3B", "lower")


@pytest.mark.parametrize(
    "change, words",
    [
        pytest.param({"upn": wrong_check_letter(upn(7))}, "wrong check letter", id="check-letter"),
        pytest.param({"upn": "A9291234"}, "should be 13 characters", id="short-upn"),
        pytest.param({"school_urn": "999999"}, "not a loaded school", id="unknown-school"),
        pytest.param({"date_of_birth": "05/14/2018"}, "month-first (US) date", id="us-date"),
        pytest.param({"date_of_birth": "4/5/18"}, "two-digit year", id="two-digit-year"),
        pytest.param({"year_group": "Year Three"}, "N1, N2, R or Y1 to Y14", id="year-group"),
        pytest.param({"site": "annexe"}, "not a site of Bothal Primary School", id="unknown-site"),
        pytest.param({"legal_surname": ""}, "legal_surname is empty", id="empty-name"),
        pytest.param({"leaving_date": "2020-01-01"}, "before the admission date", id="left-before-joining"),
    ],
)
def test_one_bad_pupil_row_among_many_imports_nothing_and_names_the_line(school, tmp_path, change, words):
    rows = [pupil_row(n) for n in range(1, 200)]
    rows[141] = pupil_row(142, **change)
    path = write_csv(tmp_path / "pupils.csv", PUPIL_COLUMNS, rows)
    with pytest.raises(imports.ImportRejected) as rejected:
        imports.import_pupils(path, actor="office")
    [problem] = rejected.value.result.problems
    assert problem.line == 143 and words in problem.message
    assert count(Pupil) == 0


def test_skip_invalid_imports_the_good_rows_and_writes_the_bad_ones_to_a_file(school, tmp_path):
    rows = [pupil_row(n) for n in range(1, 11)]
    rows[4] = pupil_row(5, year_group="Y99")
    result = imports.import_pupils(write_csv(tmp_path / "pupils.csv", PUPIL_COLUMNS, rows), actor="office",
                                   skip_invalid=True)
    assert (result.added, result.rejected) == (9, 1)
    with open(result.rejected_path, newline="") as handle:
        [bad] = list(csv.DictReader(handle))
    assert bad["upn"] == upn(5) and bad["line"] == "6" and "Y99" in bad["problem"]


def test_a_duplicate_upn_is_rejected_naming_both_lines(school, tmp_path):
    path = write_csv(tmp_path / "pupils.csv", PUPIL_COLUMNS, [pupil_row(1), pupil_row(2), pupil_row(1)])
    with pytest.raises(imports.ImportRejected) as rejected:
        imports.import_pupils(path, actor="office")
    assert str(rejected.value.result.problems[0]) == (f"line 4: UPN {upn(1)} is also on line 2: keep one row per pupil "
                                                      "(and school)")


def test_a_missing_column_is_reported_before_any_row(school, tmp_path):
    path = write_csv(tmp_path / "pupils.csv", [c for c in PUPIL_COLUMNS if c != "admission_date"], [pupil_row(1)])
    with pytest.raises(imports.ImportRejected) as rejected:
        imports.import_pupils(path, actor="office", skip_invalid=True)
    assert "lacks the column(s) admission_date" in rejected.value.result.problems[0].message


# --------------------------------------------------------------------------------------------------- contacts


def contact(serial, name="Jane Smith", email="jane.smith@example.com", pr="Y", priority="1", **changes):
    row = dict(upn=upn(serial), contact_name=name, relationship="Mother", email=email, phone="07700 900123",
               parental_responsibility=pr, lives_with_pupil="Y", priority=priority)
    row.update(changes)
    return row


def test_siblings_share_one_parent_account_and_only_parental_responsibility_signs_in(pupils, tmp_path):
    rows = [contact(1), contact(2), contact(1, name="Gran Smith", email="gran@example.com", pr="N", priority="2")]
    result = imports.import_contacts(write_csv(tmp_path / "c.csv", CONTACT_COLUMNS.split(","), rows), actor="office")
    assert result.added == 3
    [account] = db.session.scalars(select(ParentAccount)).all()
    assert account.email == "jane.smith@example.com"
    assert {p.upn for p in account.children} == {upn(1), upn(2)}


def test_a_contact_the_mis_no_longer_lists_loses_access(pupils, tmp_path):
    columns = CONTACT_COLUMNS.split(",")
    imports.import_contacts(write_csv(tmp_path / "a.csv", columns,
                                      [contact(1), contact(1, name="Dad", email="dad@example.com")]), actor="office")
    result = imports.import_contacts(write_csv(tmp_path / "b.csv", columns, [contact(1)]), actor="office")
    assert (result.unchanged, result.removed) == (1, 1)
    dad = db.session.scalar(select(ParentAccount).where(ParentAccount.email == "dad@example.com"))
    assert dad.children == []


@pytest.mark.parametrize(
    "change, words",
    [
        pytest.param({"upn": upn(99)}, "not a pupil of any loaded school", id="unknown-pupil"),
        pytest.param({"email": "jane at example"}, "not an email address", id="bad-email"),
        pytest.param({"parental_responsibility": "maybe"}, "should be Y or N", id="bad-flag"),
        pytest.param({"priority": "first"}, "whole number", id="bad-priority"),
    ],
)
def test_bad_contact_rows_import_nothing(pupils, tmp_path, change, words):
    rows = [contact(1), contact(2, **change)]
    with pytest.raises(imports.ImportRejected) as rejected:
        imports.import_contacts(write_csv(tmp_path / "c.csv", CONTACT_COLUMNS.split(","), rows), actor="office")
    [problem] = rejected.value.result.problems
    assert problem.line == 3 and words in problem.message
    assert count(Contact) == 0


# --------------------------------------------------------------------------------------------------- marks


def mark(serial, day="2026-09-07", session="AM", code="/", **changes):
    row = dict(upn=upn(serial), date=day, session=session, code=code, minutes_late="", comment="",
               recorded_at=f"{day}T09:35:00")
    row.update(changes)
    return row


def week_of_marks(serial) -> list[dict]:
    days = ["2026-09-07", "2026-09-08", "2026-09-09", "2026-09-10", "2026-09-11"]
    return [mark(serial, d, s, "/" if s == "AM" else "\\") for d in days for s in ("AM", "PM")]


def test_marks_import_is_idempotent(pupils, tmp_path):
    path = write_csv(tmp_path / "m.csv", MARK_COLUMNS, week_of_marks(1) + week_of_marks(2))
    first = imports.import_marks(path, actor="office")
    assert (first.added, first.updated, first.unchanged) == (20, 0, 0)
    again = imports.import_marks(path, actor="office")
    assert (again.added, again.updated, again.unchanged) == (0, 0, 20)
    assert count(Mark) == 20


def test_a_newer_export_updates_a_mark_and_an_older_one_never_overwrites(pupils, tmp_path):
    imports.import_marks(write_csv(tmp_path / "a.csv", MARK_COLUMNS, [mark(1, code="N")]), actor="office")
    newer = imports.import_marks(write_csv(tmp_path / "b.csv", MARK_COLUMNS,
                                           [mark(1, code="I", recorded_at="2026-09-08T10:00:00")]), actor="office")
    assert newer.updated == 1
    stored = db.session.scalar(select(Mark))
    # A member of staff then recodes it in the portal; a stale export must not undo that decision.
    stored.code, stored.source, stored.recorded_at = "M", SOURCE_PORTAL, datetime(2026, 9, 9, 8, 0)
    db.session.commit()
    stale = imports.import_marks(write_csv(tmp_path / "c.csv", MARK_COLUMNS,
                                           [mark(1, code="O", recorded_at="2026-09-08T16:00:00")]), actor="office")
    assert (stale.updated, stale.kept_newer) == (0, 1)
    assert db.session.scalar(select(Mark.code)) == "M"


def test_marks_of_a_pupil_new_to_the_register_are_stored_as_merged_ones_are(pupils, tmp_path):
    # Pupil 1 already has a mark, so their file's marks are merged; pupil 2 has none, so on SQLite theirs go
    # straight into the register. Both must be stored alike, to the stored text.
    imports.import_marks(write_csv(tmp_path / "a.csv", MARK_COLUMNS, [mark(1, day="2026-09-14")]), actor="office")
    rows = [mark(n, code="L", minutes_late="12", comment="bus late") for n in (1, 2)] + [mark(2, session="PM")]
    result = imports.import_marks(write_csv(tmp_path / "b.csv", MARK_COLUMNS, rows), actor="office")
    assert (result.added, result.updated, result.unchanged) == (3, 0, 0)
    stored = db.session.execute(
        select(Pupil.upn, Mark.date, Mark.session, Mark.code, Mark.minutes_late, Mark.comment, Mark.source,
               Mark.recorded_at, Mark.recorded_by, cast(Mark.date, String).label("date_text"),
               cast(Mark.recorded_at, String).label("recorded_text"))
        .join(Pupil).where(Mark.date == date(2026, 9, 7), Mark.session == "AM")).all()
    by_upn = {row[0]: row[1:] for row in stored}
    assert by_upn[upn(1)] == by_upn[upn(2)]
    assert by_upn[upn(2)][:8] == (date(2026, 9, 7), "AM", "L", 12, "bus late", SOURCE_MIS, datetime(2026, 9, 7, 9, 35), None)
    # Stored straight in, yet merged like any other next time: unchanged, then updated by a newer export.
    again = imports.import_marks(write_csv(tmp_path / "b.csv", MARK_COLUMNS, rows), actor="office")
    assert (again.added, again.updated, again.unchanged) == (0, 0, 3)
    newer = imports.import_marks(write_csv(tmp_path / "c.csv", MARK_COLUMNS,
                                           [mark(2, code="I", recorded_at="2026-09-08T10:00:00")]), actor="office")
    assert newer.updated == 1


@pytest.mark.parametrize(
    "change, words",
    [
        pytest.param({"code": "H"}, "retired", id="retired-H"),
        pytest.param({"code": "J"}, "J1", id="retired-J"),
        pytest.param({"code": "QQ"}, "not a 2024 attendance code", id="unknown-code"),
        pytest.param({"session": "EVE"}, "should be AM or PM", id="bad-session"),
        pytest.param({"date": "2026-09-05"}, "not a session at Bothal Primary School (Weekend)", id="weekend"),
        pytest.param({"date": "2026-08-10"}, "Summer holiday", id="holiday"),
        pytest.param({"date": "2026-09-01"}, "INSET", id="inset-day"),
        pytest.param({"date": "7 Sept"}, "YYYY-MM-DD", id="bad-date"),
        pytest.param({"upn": upn(99)}, "import pupils first", id="unknown-upn"),
        pytest.param({"upn": wrong_check_letter(upn(1))}, "wrong check letter", id="check-letter"),
        pytest.param({"minutes_late": "ten"}, "minutes_late", id="bad-minutes"),
        pytest.param({"recorded_at": "yesterday"}, "recorded_at", id="bad-recorded-at"),
    ],
)
def test_one_bad_mark_among_thousands_imports_nothing_and_names_it(pupils, tmp_path, change, words):
    rows = [row for serial in range(1, 6) for row in week_of_marks(serial)]
    rows += [mark(s, day, sess) for s in range(1, 6) for day in ("2026-09-14", "2026-09-15")
             for sess in ("AM", "PM")]
    rows.insert(37, mark(3, "2026-09-16", **change))
    with pytest.raises(imports.ImportRejected) as rejected:
        imports.import_marks(write_csv(tmp_path / "m.csv", MARK_COLUMNS, rows), actor="office")
    [problem] = rejected.value.result.problems
    assert problem.line == 39 and words in problem.message, problem
    assert count(Mark) == 0


def test_retired_codes_suggest_their_2024_replacement(pupils, tmp_path):
    with pytest.raises(imports.ImportRejected) as rejected:
        imports.import_marks(write_csv(tmp_path / "m.csv", MARK_COLUMNS, [mark(1, code="H")]), actor="office")
    message = rejected.value.result.problems[0].message
    assert "C" in message and "G" in message


def test_duplicate_marks_are_rejected_and_skip_invalid_keeps_the_first(pupils, tmp_path):
    rows = [mark(1), mark(2), mark(1, code="L", minutes_late="5")]
    path = write_csv(tmp_path / "m.csv", MARK_COLUMNS, rows)
    with pytest.raises(imports.ImportRejected) as rejected:
        imports.import_marks(path, actor="office")
    assert "a second mark for UPN" in str(rejected.value.result.problems[0])
    result = imports.import_marks(path, actor="office", skip_invalid=True)
    assert (result.added, result.rejected) == (2, 1)
    assert db.session.scalar(select(Mark.code).join(Pupil).where(Pupil.upn == upn(1))) == "/"


def test_a_closure_mark_on_an_inset_day_is_accepted_and_not_stored(pupils, tmp_path):
    result = imports.import_marks(write_csv(tmp_path / "m.csv", MARK_COLUMNS,
                                            [mark(1, day="2026-09-01", code="#"), mark(1)]), actor="office")
    assert (result.added, result.unchanged) == (1, 1)


def test_a_crash_mid_import_leaves_the_register_as_it_was(pupils, tmp_path, monkeypatch):
    path = write_csv(tmp_path / "m.csv", MARK_COLUMNS, week_of_marks(1))

    def crash(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("portal.services.imports.common.record", crash)
    with pytest.raises(RuntimeError):
        imports.import_marks(path, actor="office")
    assert count(Mark) == 0


def test_marks_on_postgres_and_sqlite_read_back_as_dates_and_times(pupils, tmp_path):
    imports.import_marks(write_csv(tmp_path / "m.csv", MARK_COLUMNS, [mark(1, code="L", minutes_late="12")]),
                         actor="office")
    stored = db.session.scalar(select(Mark))
    assert (stored.date, stored.session, stored.code, stored.minutes_late) == (date(2026, 9, 7), "AM", "L", 12)
    assert stored.recorded_at == datetime(2026, 9, 7, 9, 35)
