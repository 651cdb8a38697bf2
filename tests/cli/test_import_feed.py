"""`import watch DIR` and `import folder DIR`: the MIS drops its exports, nobody is at the keyboard."""

from __future__ import annotations

import os
import shutil
import signal
from datetime import date, datetime, timedelta, timezone

import pytest
import time_machine
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Contact, DataArrival, Mark, Pupil, PupilFigures
from portal.services.imports import feed

from conftest import EXAMPLES

TODAY = datetime(2025, 10, 20, 8, 55)  # UTC: 09:55 in England, a Monday of term


def arrived_before_now(folder) -> None:
    """The files' modification times ten minutes before the test's `now` (time_machine does not move them)."""
    stamp = (TODAY.replace(tzinfo=timezone.utc) - timedelta(minutes=10)).timestamp()
    for path in folder.iterdir():
        if path.is_file():
            os.utime(path, (stamp, stamp))


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def dropped(runner, tmp_path):
    """The MIS's three CSVs and a CTF, as dropped into the feed folder."""
    runner.invoke(args=["policy", "load", str(EXAMPLES / "alp.toml")])
    folder = tmp_path / "feed"
    folder.mkdir()
    # Names that say nothing of what the files are: the feed recognises them from their content.
    for source, name in (("marks.csv", "export-1.csv"), ("contacts.csv", "export-2.csv"),
                         ("pupils.csv", "export-3.csv"), ("sample.ctf.xml", "transfer.xml")):
        shutil.copy(EXAMPLES / source, folder / name)
    arrived_before_now(folder)
    return folder


def test_the_watcher_imports_the_three_csvs_and_a_ctf_moves_them_and_refreshes_the_figures(runner, app, dropped):
    with time_machine.travel(TODAY, tick=False):
        # The files have just arrived: the first look notes them, the second (unchanged) takes them.
        out = runner.invoke(args=["import", "watch", str(dropped), "--max-polls", "2", "--every", "0",
                                  "--settle", "3600"])
    assert out.exit_code == 0, out.output
    assert sorted(p.name for p in dropped.iterdir() if p.is_file()) == []
    done = sorted(p.name for p in (dropped / "done").iterdir())
    assert done == sorted(f"20251020-095500-{n}{suffix}" for n in ("export-1.csv", "export-2.csv", "export-3.csv",
                                                                  "transfer.xml") for suffix in ("", ".report.txt"))
    assert list((dropped / "failed").iterdir()) == []
    # Pupils went first, whatever the names: the contacts and marks name them.
    lines = out.output.splitlines()
    order = [line.split(":")[0] for line in lines if ": imported (" in line]
    assert order == ["export-3.csv", "export-2.csv", "export-1.csv", "transfer.xml"]
    report = (dropped / "done" / "20251020-095500-export-1.csv.report.txt").read_text()
    assert report.startswith("export-1.csv: imported at 2025-10-20 09:55 (UK time)\nImported as marks: 750 added")
    assert "Read as UTF-8." in report and "Attendance figures brought up to date for 12 pupil(s)." in report
    with app.app_context():
        assert (count(Pupil), count(Contact)) == (12, 26)
        assert count(Mark) == 750 + 1204
        kept = db.session.scalars(select(PupilFigures)).all()
        assert len(kept) == 12 and {k.as_of for k in kept} == {date(2025, 10, 20)}
        assert {a.kind for a in db.session.scalars(select(DataArrival))} == {"pupils", "contacts", "marks", "ctf"}


def test_a_bad_file_lands_in_failed_with_its_report_and_the_rest_are_imported(runner, app, dropped):
    (dropped / "export-1.csv").write_bytes(
        (EXAMPLES / "marks.csv").read_bytes().replace(b"2025-09-02,AM,/", b"2025-09-02,AM,H", 1))
    (dropped / "report.xlsx").write_bytes(b"PK\x03\x04" + bytes(200))
    arrived_before_now(dropped)
    with time_machine.travel(TODAY, tick=False):
        out = runner.invoke(args=["import", "folder", str(dropped), "--settle", "0"])
    assert out.exit_code == 1
    failed = sorted(p.name for p in (dropped / "failed").iterdir())
    assert failed == ["20251020-095500-export-1.csv", "20251020-095500-export-1.csv.errors.txt",
                      "20251020-095500-report.xlsx", "20251020-095500-report.xlsx.errors.txt"]
    errors = (dropped / "failed" / "20251020-095500-export-1.csv.errors.txt").read_text()
    assert errors.startswith("export-1.csv: NOT imported at 2025-10-20 09:55 (UK time)")
    assert "line 2: Code H was retired in August 2024" in errors and "Read as UTF-8." in errors and "nothing was imported: 1 bad row(s) in the marks file" \
        in errors
    assert "ZIP archive (an Excel .xlsx workbook is one)" in (
        dropped / "failed" / "20251020-095500-report.xlsx.errors.txt").read_text()
    assert len(list((dropped / "done").iterdir())) == 6  # pupils, contacts and the CTF, each with its report
    with app.app_context():
        assert count(Mark) == 1204  # the CTF's; none of the refused file's


def test_a_file_still_being_written_is_left_until_it_stops_changing(app, dropped):
    options = feed.Options("test", settle=3600)
    with app.app_context(), time_machine.travel(TODAY, tick=False):
        outcomes, looks = feed.process(dropped, options)
        assert outcomes == [] and len(looks) == 4
        with open(dropped / "export-1.csv", "ab") as growing:
            growing.write(b"A929216124166,2025-10-17,PM,\\,,,2025-10-17T13:45:00+01:00\n")
        outcomes, looks = feed.process(dropped, options, looks)
        assert sorted(o.name for o in outcomes) == ["export-2.csv", "export-3.csv", "transfer.xml"]
        assert (dropped / "export-1.csv").exists()
        outcomes, looks = feed.process(dropped, options, looks)
        assert [(o.name, o.imported) for o in outcomes] == [("export-1.csv", True)]


def test_partial_uploads_and_the_mapping_file_are_never_taken(app, dropped):
    (dropped / "export-4.csv.part").write_text("upn,date\n")
    (dropped / "~$export.csv").write_text("lock")
    (dropped / "columns.toml").write_text('[marks]\n"Register Mark" = "code"\n')
    arrived_before_now(dropped)
    with app.app_context(), time_machine.travel(TODAY, tick=False):
        outcomes, _ = feed.process(dropped, feed.Options("test", settle=0))
    assert len(outcomes) == 4 and all(o.imported for o in outcomes)
    assert sorted(p.name for p in dropped.iterdir() if p.is_file()) == ["columns.toml", "export-4.csv.part",
                                                                        "~$export.csv"]


def test_the_watcher_stops_cleanly_on_sigterm(runner, dropped, monkeypatch):
    real = feed.process

    def process_then_terminate(*args, **kwargs):
        found = real(*args, **kwargs)
        os.kill(os.getpid(), signal.SIGTERM)
        return found

    monkeypatch.setattr(feed, "process", process_then_terminate)
    before = signal.getsignal(signal.SIGTERM)
    with time_machine.travel(TODAY, tick=False):
        out = runner.invoke(args=["import", "watch", str(dropped), "--every", "30", "--settle", "0"])
    assert out.exit_code == 0, out.output
    assert out.output.rstrip().endswith("Stopped watching.")
    assert len(list((dropped / "done").iterdir())) == 8
    assert signal.getsignal(signal.SIGTERM) is before
