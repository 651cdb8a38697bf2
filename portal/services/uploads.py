"""Evidence uploads: checked by content, stored under generated names, never left behind, served only to those allowed.

The life of a file:
  check(stream, name)       reads at most the size limit + 1 byte and runs every content rule: the pure ones of
                            `portal.domain.file_types` (signature at offset 0, the polyglot rule, PDF scripts), then
                            filetype and libmagic, which must both name the same accepted kind, then pypdf, which
                            must parse a PDF and find nothing active in any object (services/pdf_content.py), or
                            Pillow, which must decode an image of at most 40 megapixels from end to end; an image
                            is then kept upright and without its metadata (services/evidence_images.py). Raises
                            UploadRejected with a message for parents.
  store(detected, ...)      writes `<instance>/uploads/<2 hex>/<32 random hex>` and flushes an EvidenceFile row,
                            state "pending", in the caller's transaction. If that transaction does not commit (a
                            rollback, a savepoint rolled back, a session closed or removed without a commit) the
                            file is deleted by the session hooks below: the caller has nothing to remember.
  attach(files, type, id)   marks them "attached" to the submission that owns them, in the same transaction.
  sweep_orphans(age)        for what no hook can see (a worker killed between writing and committing): deletes
                            files with no row and pending rows with their files, once older than `age`.
  open_for(file, actor)     the access rule; returns the path, the download name and the detected type, or raises
                            NotFound, so nobody learns whether a file they may not read exists.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import secrets
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import filetype
import magic
from flask import current_app
from sqlalchemy import event, func, select

from portal.clock import utcnow
from portal.domain import file_types as ft
from portal.extensions import db
from portal.models import ParentAccount, School, StaffUser
from portal.models.evidence import ATTACHED, PENDING, EvidenceFile
from portal.services import NotFound, ServiceError, evidence_images, pdf_content, throttle
from portal.services.audit_writer import record

log = logging.getLogger(__name__)

UPLOADS_PER_HOUR = 30
STORED_NAME = re.compile(r"[0-9a-f]{32}")
SWEEP_ACTOR = "system:sweep"


class UploadRejected(ServiceError):
    """A file we will not keep; the message names it and says what to do."""

    def __init__(self, problem: ft.Problem, filename: str):
        super().__init__(problem.message)
        self.reason = problem.reason
        self.filename = filename


class UploadsRejected(ServiceError):
    """Some files of a request were rejected: one message per bad file, to show on the form's field."""

    def __init__(self, rejections: list[UploadRejected]):
        super().__init__("; ".join(str(r) for r in rejections))
        self.rejections = rejections

    @property
    def messages(self) -> list[str]:
        return [str(r) for r in self.rejections]


@dataclass(frozen=True)
class DetectedFile:
    """A file that passed every check, in memory, ready for store()."""

    data: bytes = field(repr=False)
    kind: ft.Kind
    original_name: str  # sanitised, for display
    sha256: str

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def content_type(self) -> str:
        return self.kind.mime


@dataclass(frozen=True)
class EvidenceDownload:
    file: EvidenceFile
    path: Path
    download_name: str
    content_type: str


@dataclass(frozen=True)
class SweepResult:
    rows: int  # pending rows removed (with their files)
    files: int  # files removed that had no row
    missing: int  # rows whose file is not on disk (logged; nothing to delete)


# ------------------------------------------------------------------------------------------------------ checking
def max_bytes() -> int:
    return int(current_app.config.get("PORTAL_EVIDENCE_MAX_BYTES", ft.DEFAULT_MAX_BYTES))


def check(stream, filename: str | None, *, limit: int | None = None) -> DetectedFile:
    """Read the stream from its start (at most `limit` + 1 bytes) and return the file if it passes every rule."""
    limit = max_bytes() if limit is None else limit
    name = ft.display_name(filename)
    data = read_at_most(stream, limit + 1)

    def reject(reason: str) -> UploadRejected:
        return UploadRejected(ft.Problem(reason, ft.message(reason, name, limit)), name)

    problem = ft.check_bytes(data, name, limit)
    if problem:
        raise UploadRejected(problem, name)
    kind = ft.signature_kind(data)
    by_filetype = ft.DETECTED_MIME.get(filetype.guess_mime(data) or "")
    by_magic = ft.DETECTED_MIME.get(magic.from_buffer(data, mime=True))
    if not (kind is by_filetype is by_magic):
        raise reject(ft.NOT_ALLOWED)
    if kind is ft.PDF:
        reason = pdf_content.problem(data)
        if reason:
            raise reject(reason)
    if kind.image:
        reason = evidence_images.problem(data, kind)
        if reason:
            raise reject(reason)
        try:
            data = evidence_images.stripped(data, kind)  # no GPS location or other metadata is ever stored
        except Exception:  # noqa: BLE001 - an orientation or profile Pillow cannot apply: as damaged as any
            log.warning("Could not save %r again without its metadata", name, exc_info=True)
            raise reject(ft.DAMAGED) from None
    return DetectedFile(data=data, kind=kind, original_name=name, sha256=hashlib.sha256(data).hexdigest())


def check_many(files, *, actor: str | None = None) -> list[DetectedFile]:
    """Check every file of a request (objects with `.stream` and `.filename`, such as Werkzeug's FileStorage);
    raise UploadsRejected naming each bad one, so the form can show every problem at once. With `actor` ("parent:12"),
    the files count against that account's hourly allowance first (see `count_against_allowance`)."""
    if actor is not None:
        count_against_allowance(actor, files)
    detected, rejected = [], []
    for upload in files:
        try:
            detected.append(check(upload.stream, upload.filename))
        except UploadRejected as error:
            rejected.append(error)
    if rejected:
        raise UploadsRejected(rejected)
    return detected


def count_against_allowance(actor: str, files) -> None:
    """Each account may send PORTAL_UPLOADS_PER_HOUR files an hour (30 by default; a report takes 2 at most and
    a leave request 5), counted in the database so every worker shares the count: checking files costs CPU, and a
    script must not be able to make the portal check thousands. Off where rate limits are (RATELIMIT_ENABLED)."""
    config = current_app.config
    if not files or not config.get("RATELIMIT_ENABLED", True):
        return
    allowance = int(config.get("PORTAL_UPLOADS_PER_HOUR", UPLOADS_PER_HOUR))
    if throttle.incr(f"uploads:{actor}", 3600, amount=len(files)) > allowance:
        names = [ft.display_name(f.filename) for f in files]
        raise UploadsRejected([UploadRejected(ft.Problem(ft.TOO_MANY_UPLOADS, ft.message(ft.TOO_MANY_UPLOADS, n)), n)
                               for n in names])


def read_at_most(stream, limit: int) -> bytes:
    if getattr(stream, "seekable", lambda: False)():
        stream.seek(0)
    chunks, remaining = [], limit
    while remaining > 0:
        chunk = stream.read(min(remaining, 1024 * 1024))
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


# ------------------------------------------------------------------------------------------------------ storing
def uploads_root() -> Path:
    root = Path(current_app.instance_path) / "uploads"
    static = current_app.static_folder
    if static and root.resolve().is_relative_to(Path(static).resolve()):
        raise RuntimeError(f"Evidence must not be stored under the static folder ({static}): move the instance folder")
    return root


def path_for(stored_name: str) -> Path:
    if not STORED_NAME.fullmatch(stored_name):
        raise ValueError(f"not a stored name: {stored_name!r}")
    return uploads_root() / stored_name[:2] / stored_name


def store(detected: DetectedFile, actor: str, school_id: int, parent_account_id: int | None = None,
          *, now: datetime | None = None) -> EvidenceFile:
    """Write the file under a generated name and flush its row, state "pending", in the caller's transaction.

    The caller commits (with attach(), or to keep a pending upload for a later step). Until then the file belongs
    to the transaction: if it does not commit, the file is deleted.
    """
    session = db.session()
    if not session.in_transaction():
        session.begin()
    stored_name = secrets.token_hex(16)
    path = path_for(stored_name)
    path.parent.mkdir(parents=True, exist_ok=True)
    _unsaved(session).append((session.get_nested_transaction() or session.get_transaction(), path))
    _write_new(path, detected.data)
    row = EvidenceFile(
        stored_name=stored_name,
        original_name=detected.original_name,
        content_type=detected.content_type,
        size=detected.size,
        sha256=detected.sha256,
        uploaded_at=now or utcnow(),
        uploaded_by=actor,
        parent_account_id=parent_account_id,
        school_id=school_id,
        state=PENDING,
    )
    session.add(row)
    session.flush()
    record(actor, "evidence.store", row, after=_audit_view(row))
    return row


def attach(files: list[EvidenceFile], owner_type: str, owner_id: int, *, actor: str | None = None) -> None:
    """Mark files as part of a submission, in the caller's transaction. A file belongs to one owner only."""
    for file in files:
        if file.state == ATTACHED and (file.owner_type, file.owner_id) == (owner_type, owner_id):
            continue
        if file.state != PENDING:
            raise ServiceError(f"‘{file.original_name}’ is already part of another request")
        before = _audit_view(file)
        file.state, file.owner_type, file.owner_id = ATTACHED, owner_type, owner_id
        record(actor or file.uploaded_by, "evidence.attach", file, before=before, after=_audit_view(file))
    db.session.flush()


def _write_new(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def _audit_view(file: EvidenceFile) -> dict:
    owner = f"{file.owner_type}:{file.owner_id}" if file.owner_type else None
    return {"name": file.original_name, "type": file.content_type, "size": file.size, "sha256": file.sha256,
            "school_id": file.school_id, "state": file.state, "owner": owner}


# -------------------------------------------------------- files whose rows are not committed: the session hooks
# session.info[UNSAVED] lists (transaction, path) for each file stored in this session and not yet committed.
# A root commit makes them permanent; a rolled-back savepoint deletes those stored inside it; the end of a root
# transaction that did not commit (rollback, close, Flask-SQLAlchemy's session.remove() at teardown) deletes the rest.
UNSAVED = "portal.uploads.unsaved"


def _unsaved(session) -> list:
    return session.info.setdefault(UNSAVED, [])


def _within(transaction, ancestor) -> bool:
    while transaction is not None:
        if transaction is ancestor:
            return True
        transaction = transaction.parent
    return False


def _delete_files(paths) -> None:
    for path in paths:
        try:
            path.unlink(missing_ok=True)
        except OSError:  # a hook must not raise: sweep_orphans() will find the file later
            log.exception("Could not delete uncommitted evidence file %s", path)


@event.listens_for(db.session, "after_commit")
def _committed(session) -> None:
    if session.get_nested_transaction() is None:  # the root transaction committed: the rows are saved
        session.info.pop(UNSAVED, None)


@event.listens_for(db.session, "after_soft_rollback")
def _savepoint_rolled_back(session, previous_transaction) -> None:
    entries = session.info.get(UNSAVED)
    if entries:
        gone = [path for transaction, path in entries if _within(transaction, previous_transaction)]
        entries[:] = [(t, p) for t, p in entries if not _within(t, previous_transaction)]
        _delete_files(gone)


@event.listens_for(db.session, "after_transaction_end")
def _transaction_ended(session, transaction) -> None:
    if transaction.parent is None:  # the root ended without committing what is still listed
        _delete_files(path for _, path in session.info.pop(UNSAVED, []))


# ------------------------------------------------------------------------------------------------------ sweeping
def sweep_orphans(older_than: timedelta, *, now: datetime | None = None) -> SweepResult:
    """Delete what a killed worker left: pending rows older than `older_than` with their files, and files on disk
    with no row whose last change is older than that. `older_than` must be longer than any request takes (hours,
    not seconds), or a file being stored right now could be taken for an orphan."""
    now = now or utcnow()
    cutoff = now - older_than
    stale = list(db.session.scalars(
        select(EvidenceFile).where(EvidenceFile.state == PENDING, EvidenceFile.uploaded_at < cutoff)
    ))
    stale_paths = [path_for(row.stored_name) for row in stale]
    for row in stale:
        record(SWEEP_ACTOR, "evidence.sweep", row, before=_audit_view(row))
        db.session.delete(row)
    db.session.commit()
    _delete_files(stale_paths)

    files = missing = 0
    root = uploads_root()
    cutoff_timestamp = _filesystem_now(root) - (utcnow() - cutoff).total_seconds()
    on_disk = {p.name for p in root.iterdir() if p.is_dir()} if root.is_dir() else set()
    in_rows = set(db.session.scalars(select(func.substr(EvidenceFile.stored_name, 1, 2)).distinct()))
    for prefix in sorted(p for p in on_disk | in_rows if re.fullmatch(r"[0-9a-f]{2}", p)):
        folder = root / prefix
        known = set(db.session.scalars(
            select(EvidenceFile.stored_name).where(EvidenceFile.stored_name.startswith(prefix))
        ))
        present = set()
        for entry in folder.iterdir() if prefix in on_disk else ():
            if entry.is_symlink() or not entry.is_file():
                continue
            present.add(entry.name)
            if entry.name not in known and entry.stat().st_mtime < cutoff_timestamp:
                _delete_files([entry])
                files += 1
        missing += len(known - present)
    db.session.commit()
    if missing:
        log.warning("%d evidence rows have no file on disk under %s", missing, root)
    return SweepResult(rows=len(stale), files=files, missing=missing)


def _filesystem_now(root: Path) -> float:
    """Now on the clock that stamps the files: the modification time of a file made now. Files are aged by it, not
    by the portal's clock, which differs from it on a network share and whenever the portal's clock is moved."""
    if not root.is_dir():
        return utcnow().replace(tzinfo=timezone.utc).timestamp()
    with tempfile.NamedTemporaryFile(dir=root, prefix=".clock-") as probe:
        return os.fstat(probe.fileno()).st_mtime


# ------------------------------------------------------------------------------------------------------ reading
def staff_may_read(staff: StaffUser, school_id: int) -> bool:
    """Any role at the school, or a trust-wide role (no school) in the school's trust."""
    if not staff.active:
        return False
    trust_id = None
    for role in staff.roles:
        if role.school_id == school_id:
            return True
        if role.school_id is None:
            if trust_id is None:
                trust_id = db.session.scalar(select(School.trust_id).where(School.id == school_id))
            if trust_id is not None and role.trust_id == trust_id:
                return True
    return False


def may_read(file: EvidenceFile, actor) -> bool:
    """The parent who sent it; staff of its school once it is part of a submission (before that, it is the
    parent's draft). Anyone else, or anything else, never."""
    if isinstance(actor, ParentAccount):
        return file.parent_account_id is not None and file.parent_account_id == actor.id
    if isinstance(actor, StaffUser):
        return file.state == ATTACHED and staff_may_read(actor, file.school_id)
    return False


def open_for(file: EvidenceFile | int, actor) -> EvidenceDownload:
    """The file to send to `actor` (a ParentAccount or StaffUser), or NotFound: the same answer whether the file
    does not exist or the actor may not read it."""
    if not isinstance(file, EvidenceFile):
        file = db.session.get(EvidenceFile, file)
    if file is None or not may_read(file, actor):
        raise NotFound("There is no such file")
    path = path_for(file.stored_name)
    if not path.is_file():
        log.error("Evidence file %s (row %s) is missing from %s", file.stored_name, file.id, path.parent)
        raise NotFound("There is no such file")
    kind = next((k for k in ft.KINDS.values() if k.mime == file.content_type), None)
    name = ft.download_name(file.original_name, kind) if kind else file.original_name
    return EvidenceDownload(file=file, path=path, download_name=name, content_type=file.content_type)
