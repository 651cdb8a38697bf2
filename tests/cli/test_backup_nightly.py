"""`backup nightly`, the scheduled backup: a dated folder under PORTAL_BACKUP_DIR each run, the newest few kept there,
nothing else in that folder ever touched, and each run recorded for /health."""

from __future__ import annotations

from datetime import datetime, timezone

import time_machine
from flask_migrate import stamp
from sqlalchemy import select

from portal.extensions import db
from portal.models import JobRun
from portal.services import backup


def runs(app) -> list[tuple[str, str]]:
    with app.app_context():
        return [(r.result, r.detail) for r in db.session.scalars(select(JobRun).where(JobRun.job == "backup nightly")
                                                                   .order_by(JobRun.id))]


def test_each_night_a_dated_backup_and_only_the_newest_are_kept(app, runner, tmp_path):
    with app.app_context():
        stamp()
    root = tmp_path / "backups"
    mine = root / "copied-off-by-hand"
    mine.mkdir(parents=True)
    app.config.update(PORTAL_BACKUP_DIR=str(root), PORTAL_BACKUPS_KEPT=2)
    for day in (1, 2, 3):  # 02:30 in England, GMT in December
        with time_machine.travel(datetime(2026, 12, day, 2, 30, tzinfo=timezone.utc), tick=False):
            result = runner.invoke(args=["backup", "nightly"])
        assert result.exit_code == 0, result.output
    assert "removed 1 older backup(s) there: 2026-12-01-0230." in result.output
    assert sorted(p.name for p in root.iterdir()) == ["2026-12-02-0230", "2026-12-03-0230", "copied-off-by-hand"]
    with app.app_context():
        assert backup.verify(root / "2026-12-03-0230")[1] == []
    assert [r for r, _ in runs(app)] == ["ok", "ok", "ok"]
    assert runs(app)[-1][1] == "Backed up into 2026-12-03-0230 (0 evidence file(s)); 1 older backup(s) removed."


def test_without_a_folder_the_run_fails_and_says_what_to_set(app, runner):
    result = runner.invoke(args=["backup", "nightly"])
    assert result.exit_code == 1
    assert "set PORTAL_BACKUP_DIR" in result.output and "Traceback" not in result.output
    assert runs(app) == [("failed", "no folder for backups: set PORTAL_BACKUP_DIR (deploy/portal.env) or give "
                                    "--into")]


def test_a_backup_that_fails_half_way_leaves_no_folder_to_be_trusted(app, runner, tmp_path):
    # A database with no schema revision cannot be backed up: nothing is left behind in the folder.
    result = runner.invoke(args=["backup", "nightly", "--into", str(tmp_path / "backups")])
    assert result.exit_code == 1 and "no schema revision" in result.output
    assert list((tmp_path / "backups").iterdir()) == []
