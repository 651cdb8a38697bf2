"""Backups that restore: the database and the evidence files, in a folder with a manifest of their SHA-256 sums.

    DIR/manifest.json         {"format": 1, "created_at", "schema_revision", "database": {"engine", "file"},
                               "files": {"database.sqlite": sha256, "uploads/ab/ab12...": sha256, ...}}
    DIR/database.sqlite       SQLite's online backup (or database.pgdump: pg_dump's custom format)
    DIR/uploads/...           the instance's evidence files, as stored

create() copies the database first, then the files: a file uploaded meanwhile is only an orphan in the copy, which
`evidence sweep` removes after a restore. restore() checks every sum, the schema revision and that the target is
empty before it changes anything, then upgrades an older schema to this portal's. Both leave an audit event.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from flask_migrate import upgrade
from sqlalchemy import inspect, select

from portal.clock import utcnow
from portal.extensions import db
from portal.services import ServiceError
from portal.services import backup_database as database
from portal.services.audit_writer import record
from portal.services.uploads import uploads_root

FORMAT = 1
MANIFEST = "manifest.json"
UPLOADS = "uploads"


class BackupRefused(ServiceError):
    """A backup that cannot be made or restored here; the message says why and what to do."""


@dataclass(frozen=True)
class Restored:
    manifest: dict
    files: int
    upgraded_from: str | None  # the backup's schema revision, when it was older than this portal's


def create(folder: str | Path, actor: str) -> dict:
    """Back up into `folder` (new, or empty); returns the manifest."""
    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise BackupRefused(f"{folder} is not an empty folder: give each backup a new one")
    revision = current_revision()
    if revision is None:
        raise BackupRefused("the database has no schema revision: it was not made by `flask db upgrade`")
    engine = database.engine_name()
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)  # personal data: for the portal's own user only
    files = {}
    database_file = folder / database.FILE_NAMES[engine]
    database.dump(database_file)
    files[database_file.name] = sha256(database_file)
    source = uploads_root()
    for path in sorted(p for p in source.rglob("*") if p.is_file()) if source.exists() else []:
        name = f"{UPLOADS}/{path.relative_to(source).as_posix()}"
        copy = folder / name
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, copy)
        files[name] = sha256(copy)
    for path in folder.rglob("*"):
        path.chmod(0o700 if path.is_dir() else 0o600)
    manifest = {"format": FORMAT, "created_at": utcnow().isoformat(timespec="seconds") + "Z",
                "schema_revision": revision, "database": {"engine": engine, "file": database_file.name},
                "files": files}
    text = json.dumps(manifest, indent=2) + "\n"
    _write_private(folder / MANIFEST, text)
    record(actor, "backup.create", object_type="Backup", object_id=_digest(text),
           after={"folder": str(folder.resolve()), "schema_revision": revision, "files": len(files) - 1})
    db.session.commit()
    return manifest


def verify(folder: str | Path) -> tuple[dict | None, list[str]]:
    """The manifest and every problem with the backup in `folder`: a missing, changed or unlisted file, a
    database copy that does not read. No problems: the backup is as it was made."""
    folder = Path(folder)
    try:
        manifest = read_manifest(folder)
    except BackupRefused as exc:
        return None, [str(exc)]
    problems = []
    for name, expected in manifest["files"].items():
        path = folder / name
        if not _inside(folder, path) or not path.is_file():
            problems.append(f"{name}: missing")
        elif sha256(path) != expected:
            problems.append(f"{name}: changed since the backup was made (its SHA-256 differs)")
    listed = set(manifest["files"]) | {MANIFEST}
    problems += [f"{p.relative_to(folder).as_posix()}: not in the manifest" for p in sorted(folder.rglob("*"))
                 if p.is_file() and p.relative_to(folder).as_posix() not in listed]
    database_file = folder / manifest["database"]["file"]
    if not problems:
        found = database.check_copy(database_file, manifest["database"]["engine"])
        if found:
            problems.append(found)
    return manifest, problems


def restore(folder: str | Path, actor: str, *, force: bool = False) -> Restored:
    """Put the backup in `folder` back as this instance's database and evidence files."""
    folder = Path(folder)
    manifest, problems = verify(folder)
    if problems:
        raise BackupRefused("the backup does not check out, nothing was restored:\n  " + "\n  ".join(problems))
    engine, here = (database.ENGINE_WORDS[name] for name in (manifest["database"]["engine"], database.engine_name()))
    if engine != here:
        raise BackupRefused(f"this backup holds a {engine} database and this portal uses {here}: restore it into a "
                            f"portal on {engine}")
    revision = manifest["schema_revision"]
    scripts = _scripts()
    head = scripts.get_current_head()
    if revision not in {s.revision for s in scripts.walk_revisions()}:
        raise BackupRefused(f"this backup's schema revision {revision} is newer than this portal's (its newest is "
                            f"{head}): restore it with the version of the portal that made it, or a later one")
    if not force:
        held = what_is_here()
        if held:
            raise BackupRefused(f"this instance already holds {', '.join(held)}: restore into a fresh instance, "
                                "or add --force to replace everything in it")
    database.load(folder / manifest["database"]["file"])
    files = _put_back_uploads(folder, manifest)
    upgraded_from = None
    if revision != head:
        upgrade()  # the backup's data brought up to this portal's schema, as `flask db upgrade` would
        upgraded_from = revision
    record(actor, "backup.restore", object_type="Backup", object_id=_digest((folder / MANIFEST).read_text()),
           after={"folder": str(folder.resolve()), "created_at": manifest["created_at"],
                  "schema_revision": revision, "upgraded_to": head if upgraded_from else None,
                  "files": files, "forced": force})
    db.session.commit()
    return Restored(manifest, files, upgraded_from)


def read_manifest(folder: Path) -> dict:
    path = folder / MANIFEST
    if not path.is_file():
        raise BackupRefused(f"{folder} holds no {MANIFEST}: it is not a backup made by `flask backup create`")
    try:
        manifest = json.loads(path.read_text())
    except (ValueError, UnicodeDecodeError) as exc:
        raise BackupRefused(f"{path} cannot be read as JSON ({exc}): the backup is damaged") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupRefused(f"{path} is not a manifest this portal reads (format {FORMAT} expected)")
    if manifest.get("database", {}).get("engine") not in database.FILE_NAMES or not isinstance(
            manifest.get("files"), dict) or manifest["database"].get("file") not in manifest["files"]:
        raise BackupRefused(f"{path} does not list the database and the files: the backup is damaged")
    return manifest


def current_revision() -> str | None:
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def what_is_here() -> list[str]:
    """What already lives in this instance: tables with rows (the migrations' own aside), evidence files."""
    existing = set(inspect(db.engine).get_table_names())
    held = [table.name for table in db.metadata.sorted_tables
            if table.name in existing and db.session.execute(select(1).select_from(table).limit(1)).first()]
    db.session.rollback()
    found = [f"rows in {', '.join(held)}"] if held else []
    root = uploads_root()
    if root.exists() and any(p.is_file() for p in root.rglob("*")):
        found.append(f"evidence files in {root}")
    return found


def _put_back_uploads(folder: Path, manifest: dict) -> int:
    """The backup's files as the uploads folder, in place of whatever was there (the restore was forced)."""
    root = uploads_root()
    incoming = root.with_name(UPLOADS + ".restoring")
    shutil.rmtree(incoming, ignore_errors=True)
    incoming.mkdir(mode=0o700)
    names = [n for n in manifest["files"] if n.startswith(UPLOADS + "/")]
    for name in names:
        target = incoming / name.removeprefix(UPLOADS + "/")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(folder / name, target)
    if root.exists():
        shutil.rmtree(root)
    incoming.rename(root)
    return len(names)


def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())


def _inside(folder: Path, path: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())  # a manifest naming ../../etc/passwd reads nothing


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
