"""Backups that restore: `backup create` in one instance, `backup restore` into a fresh one, the same portal after.

On SQLite the fresh instance has a database file of its own. On PostgreSQL (TEST_DATABASE_URL) both instances use
the one test database, emptied between the backup and the restore, as a new server's database would be.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
import time_machine
from conftest import _drop_everything
from conftest import test_config as config_for_tests
from flask_migrate import stamp
from sqlalchemy import select

from portal import create_app
from portal.extensions import db
from portal.models import AuditEvent, EvidenceFile
from portal.services import backup

from authz_world import NOW, build

ON_POSTGRESQL = bool(os.environ.get("TEST_DATABASE_URL"))


def snapshot() -> dict[str, list]:
    """Every table's rows, in primary-key order."""
    rows = {table.name: db.session.execute(select(table).order_by(*table.primary_key.columns)).all()
            for table in db.metadata.sorted_tables}
    db.session.rollback()
    return rows


def uploads(app) -> dict[str, str]:
    root = Path(app.instance_path) / "uploads"
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def instances(tmp_path, monkeypatch):
    """make(name, schema): an app on its own instance folder, with a fresh schema stamped with the newest revision
    as `flask db upgrade` leaves it, or (schema=False) nothing in its database at all."""
    made = []

    def make(name: str, schema: bool = False):
        monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path / name))
        overrides = {} if ON_POSTGRESQL else {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / name}.sqlite"}
        app = create_app(config_for_tests(**overrides))
        with app.app_context():
            _drop_everything()
            if schema:
                db.create_all()
                stamp()
        made.append(app)
        return app

    yield make
    for app in made:
        with app.app_context():
            db.session.remove()
            _drop_everything()
            db.engine.dispose()


@pytest.fixture
def portal_backup(instances, tmp_path):
    """A portal with a bit of everything (tests/authz_world.py), backed up: (its app, rows, files, folder)."""
    source = instances("source", schema=True)
    with source.app_context(), time_machine.travel(NOW, tick=False):
        build()
        rows, files = snapshot(), uploads(source)
        backup.create(tmp_path / "backup", "cli:test")
        created = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "backup.create")).one()
        assert created.after["files"] == len(files) > 0
        if ON_POSTGRESQL:
            db.session.remove()
            _drop_everything()  # the new server's database: empty
    return source, rows, files, tmp_path / "backup"


def test_a_restored_backup_is_the_same_portal(instances, portal_backup):
    _, rows, files, folder = portal_backup
    fresh = instances("fresh", schema=True)  # a new server after `flask db upgrade`: empty tables
    result = fresh.test_cli_runner().invoke(args=["backup", "restore", str(folder)])
    assert result.exit_code == 0, result.output
    assert "Restored the backup made" in result.output
    assert uploads(fresh) == files
    with fresh.app_context():
        restored = snapshot()
        restore_events = [e for e in restored["audit_event"] if e.action == "backup.restore"]
        restored["audit_event"] = [e for e in restored["audit_event"] if e.action != "backup.restore"]
        assert restored == rows
        assert len(restore_events) == 1 and restore_events[0].actor.startswith("cli:")
        assert backup.current_revision() == json.loads((folder / "manifest.json").read_text())["schema_revision"]
        # The restored portal serves its files and takes new rows (PostgreSQL's sequences came back too).
        stored = db.session.scalars(select(EvidenceFile)).first()
        assert (Path(fresh.instance_path) / "uploads" / stored.stored_name[:2] / stored.stored_name).exists()


def test_the_manifest_lists_every_file_with_its_sha256(portal_backup):
    _, _, files, folder = portal_backup
    manifest = json.loads((folder / "manifest.json").read_text())
    assert {k.removeprefix("uploads/"): v for k, v in manifest["files"].items() if k.startswith("uploads/")} == files
    database_file = manifest["database"]["file"]
    assert manifest["files"][database_file] == hashlib.sha256((folder / database_file).read_bytes()).hexdigest()
    assert manifest["database"]["engine"] == ("postgresql" if ON_POSTGRESQL else "sqlite")
    assert manifest["created_at"] == NOW.isoformat(timespec="seconds") + "Z"
    assert oct((folder / database_file).stat().st_mode & 0o777) == "0o600"


def test_a_changed_file_is_found_and_nothing_is_restored(instances, portal_backup):
    _, _, files, folder = portal_backup
    evidence = folder / "uploads" / next(iter(files))
    evidence.write_bytes(evidence.read_bytes() + b"x")
    fresh = instances("fresh")
    runner = fresh.test_cli_runner()
    checked = runner.invoke(args=["backup", "verify", str(folder)])
    assert checked.exit_code == 1
    assert f"uploads/{next(iter(files))}: changed since the backup was made" in checked.output
    result = runner.invoke(args=["backup", "restore", str(folder)])
    assert result.exit_code == 1
    assert "nothing was restored" in result.output
    assert uploads(fresh) == {}
    with fresh.app_context():
        assert backup.current_revision() is None


def test_a_backup_of_a_newer_schema_is_refused_with_what_to_do(instances, portal_backup):
    _, _, _, folder = portal_backup
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["schema_revision"] = "f00dfeedbeef"
    (folder / "manifest.json").write_text(json.dumps(manifest))
    result = instances("fresh").test_cli_runner().invoke(args=["backup", "restore", str(folder)])
    assert result.exit_code == 1
    assert "schema revision f00dfeedbeef is newer than this portal's" in result.output
    assert "restore it with the version of the portal that made it" in result.output


def test_an_instance_with_data_is_not_overwritten_without_force(instances, portal_backup):
    _, rows, _, folder = portal_backup
    fresh = instances("fresh")
    runner = fresh.test_cli_runner()
    assert runner.invoke(args=["backup", "restore", str(folder)]).exit_code == 0
    with fresh.app_context():
        db.session.execute(AuditEvent.__table__.delete().where(AuditEvent.action == "policy.load"))
        db.session.commit()
    result = runner.invoke(args=["backup", "restore", str(folder)])
    assert result.exit_code == 1
    assert "this instance already holds rows in" in result.output and "evidence files" in result.output
    forced = runner.invoke(args=["backup", "restore", str(folder), "--force"])
    assert forced.exit_code == 0, forced.output
    with fresh.app_context():
        again = snapshot()
        restores = [e for e in again["audit_event"] if e.action == "backup.restore"]
        again["audit_event"] = [e for e in again["audit_event"] if e.action != "backup.restore"]
        assert again == rows
        assert [e.after["forced"] for e in restores] == [True]  # the first restore's event went with the rest


def test_a_backup_goes_into_an_empty_folder_only(app_ctx, tmp_path):
    stamp()
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "old.txt").write_text("an earlier backup")
    with pytest.raises(backup.BackupRefused, match="not an empty folder"):
        backup.create(tmp_path / "used", "cli:test")


def test_a_database_never_migrated_is_not_backed_up(app_ctx, tmp_path):
    with pytest.raises(backup.BackupRefused, match="no schema revision"):
        backup.create(tmp_path / "new", "cli:test")
    assert not (tmp_path / "new").exists()


def test_a_folder_without_a_manifest_is_not_a_backup(runner, tmp_path):
    result = runner.invoke(args=["backup", "verify", str(tmp_path)])
    assert result.exit_code == 1
    assert "holds no manifest.json" in result.output
