"""`export_marks`: the portal's own decisions as a CSV for the MIS, with who decided and when."""

from __future__ import annotations

import csv
import stat
from datetime import date, datetime, timedelta, timezone

import pytest
from factories import BOTHAL, add_marks, load_trust, make_pupil

from portal.services import ServiceError
from portal.services.exports import MARK_COLUMNS, export_marks

HEADER = "upn,date,session,code,minutes_late,comment,recorded_at,recorded_by"


@pytest.fixture
def register(app_ctx):
    """Two pupils: MIS marks for both, and three portal decisions recorded on different days."""
    load_trust()
    amy, ben = make_pupil(BOTHAL, forename="Amy"), make_pupil(BOTHAL, forename="Ben")
    add_marks(amy, [(date(2025, 9, 8), "AM", "/"), (date(2025, 9, 8), "PM", "\\")])
    add_marks(ben, [(date(2025, 9, 8), "AM", "N")])
    add_marks(ben, [(date(2025, 9, 9), "AM", "I")], source="portal",
              recorded_at=datetime(2025, 9, 12, 10, 30, 5, 123456), recorded_by="staff:3")
    add_marks(amy, [(date(2025, 9, 9), "AM", "M", 20)], source="portal",
              recorded_at=datetime(2025, 9, 10, 9, 15), recorded_by="staff:7")
    add_marks(amy, [(date(2025, 9, 15), "AM", "C1"), (date(2025, 9, 15), "PM", "C1")], source="portal",
              recorded_at=datetime(2025, 9, 14, 16, 0), recorded_by="staff:7")
    return amy, ben


def read(path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_only_portal_marks_in_recorded_order_with_who_and_when(register, tmp_path):
    amy, ben = register
    path = tmp_path / "marks.csv"
    assert export_marks(path) == 4
    assert path.read_text(encoding="utf-8").splitlines()[0] == HEADER == ",".join(MARK_COLUMNS)
    rows = read(path)
    assert [(r["upn"], r["date"], r["session"], r["code"]) for r in rows] == [
        (amy.upn, "2025-09-09", "AM", "M"),
        (ben.upn, "2025-09-09", "AM", "I"),
        (amy.upn, "2025-09-15", "AM", "C1"),
        (amy.upn, "2025-09-15", "PM", "C1"),
    ]
    assert rows[0] == {"upn": amy.upn, "date": "2025-09-09", "session": "AM", "code": "M", "minutes_late": "20",
                       "comment": "", "recorded_at": "2025-09-10T09:15:00", "recorded_by": "staff:7"}
    assert (rows[1]["minutes_late"], rows[1]["recorded_at"], rows[1]["recorded_by"]) == (
        "", "2025-09-12T10:30:05", "staff:3")


def test_since_keeps_marks_recorded_at_or_after_it(register, tmp_path):
    path = tmp_path / "marks.csv"
    assert export_marks(path, since=datetime(2025, 9, 12, 10, 30, 5, 123456)) == 3
    assert [r["recorded_at"] for r in read(path)] == ["2025-09-12T10:30:05", "2025-09-14T16:00:00",
                                                      "2025-09-14T16:00:00"]
    assert export_marks(path, since=datetime(2025, 9, 13)) == 2
    assert export_marks(path, since=datetime(2025, 9, 15)) == 0
    assert path.read_text(encoding="utf-8").splitlines() == [HEADER]


def test_an_aware_since_is_converted_to_utc(register, tmp_path):
    one_hour_ahead = timezone(timedelta(hours=1))
    # 17:00 at UTC+1 is 16:00 UTC: the C1 marks recorded at 16:00 UTC are included.
    assert export_marks(tmp_path / "m.csv", since=datetime(2025, 9, 14, 17, 0, tzinfo=one_hour_ahead)) == 2


def test_the_file_is_replaced_whole_and_private(register, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    path = out / "marks.csv"
    path.write_text("old contents\n")
    export_marks(path)
    assert "old contents" not in path.read_text()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in out.iterdir()] == ["marks.csv"]  # no temporary file left behind


def test_a_missing_folder_is_a_service_error(register, tmp_path):
    with pytest.raises(ServiceError, match="does not exist"):
        export_marks(tmp_path / "nope" / "marks.csv")


def test_no_portal_marks_writes_just_the_header(app_ctx, tmp_path):
    path = tmp_path / "marks.csv"
    assert export_marks(path) == 0
    assert path.read_bytes() == HEADER.encode() + b"\r\n"  # RFC 4180 line ends
