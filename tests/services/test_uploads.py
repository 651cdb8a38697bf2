"""Evidence uploads against a hostile set: checked by content, stored under generated names outside static, never
left behind by a rollback or a killed worker, readable only by the parent who sent them and their school's staff.

Also covers the pure rules (portal.domain.file_types) and the form validator (forms.validators.EvidenceFiles).
"""

from __future__ import annotations

import hashlib
import io
import os
import signal
import subprocess
import sys
import textwrap
import warnings
import zipfile
import zlib
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image, ImageFile
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage, MultiDict
from wtforms import Form

from flask_wtf.file import FileField, MultipleFileField
from forms.validators import EvidenceFiles
from portal import database_uri
from portal.domain import file_types as ft
from portal.extensions import db
from portal.models import AuditEvent, StaffRole, StaffUser
from portal.models.evidence import EvidenceFile
from portal.services import NotFound, ServiceError, uploads
from portal.clock import utcnow

from factories import BOTHAL, CENTRAL, RISE_PARK, RISE_PARK_URN, get_school, load_trust
from parents import make_parent
from tests import conftest

SMALL_LIMIT = 64 * 1024


# ------------------------------------------------------------------------------------------------ sample files
def pdf(catalog_extra: bytes = b"", text: bytes = b"Appointment on 3 March", trailer: bytes = b"") -> bytes:
    """A minimal valid one-page PDF, written by hand, with a correct cross-reference table."""
    content = b"BT /F1 12 Tf 10 50 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b">>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out) + trailer


def image(fmt: str, size=(40, 30), **options) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, fmt, **options)
    return buffer.getvalue()


def noisy_jpeg(size=(300, 200)) -> bytes:
    buffer = io.BytesIO()
    Image.effect_noise(size, 64).convert("RGB").save(buffer, "JPEG", quality=95)
    return buffer.getvalue()


def heic() -> bytes:
    pytest.importorskip("pillow_heif")
    try:
        return image("HEIF", quality=50)
    except (KeyError, OSError, ValueError) as error:  # pragma: no cover - a pillow-heif built without an encoder
        pytest.skip(f"pillow-heif cannot write HEIC here: {error}")


def zip_archive() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.html", "<script>alert(1)</script>")
    return buffer.getvalue()


def jpeg_with_comment(comment: bytes) -> bytes:
    data = image("JPEG")
    segment = b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment
    return data[:2] + segment + data[2:]


HTML = b"<!DOCTYPE html><html><body><script>fetch('/parent').then(r => r.text())</script></body></html>"
SVG = (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
       b"<script>alert(document.cookie)</script></svg>")

# name, bytes, reason: every file of the hostile set, and a few more.
HOSTILE = [
    ("HTML renamed .pdf", "gp-letter.pdf", lambda: HTML, ft.NOT_ALLOWED),
    ("SVG with script renamed .png", "photo.png", lambda: SVG, ft.NOT_ALLOWED),
    ("zero bytes", "empty.pdf", lambda: b"", ft.EMPTY),
    ("a PNG followed by a ZIP", "scan.png", lambda: image("PNG") + zip_archive(), ft.HIDDEN_CONTENT),
    ("a PNG followed by HTML", "scan.png", lambda: image("PNG") + HTML, ft.HIDDEN_CONTENT),
    ("a PDF with <html><script> in its first KB", "letter.pdf",
     lambda: pdf(text=b"<html><script>alert(1)</script>"), ft.HIDDEN_CONTENT),
    ("HTML first, a PDF after it", "letter.pdf", lambda: HTML + b"\n" + pdf(), ft.NOT_ALLOWED),
    ("a PDF that is also a ZIP", "letter.pdf", lambda: pdf() + zip_archive(), ft.HIDDEN_CONTENT),
    ("a JPEG with a script in a comment", "photo.jpg", lambda: jpeg_with_comment(b"<script>x()</script>"),
     ft.HIDDEN_CONTENT),
    ("a PDF that runs JavaScript on opening", "letter.pdf",
     lambda: pdf(catalog_extra=b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >> "), ft.ACTIVE_PDF),
    ("a PDF hiding /JavaScript behind #xx escapes", "letter.pdf",
     lambda: pdf(catalog_extra=b"/OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >> "), ft.ACTIVE_PDF),
    ("a PDF that launches a program", "letter.pdf",
     lambda: pdf(catalog_extra=b"/OpenAction << /S /Launch /F (cmd.exe) >> "), ft.ACTIVE_PDF),
    ("a truncated PDF", "letter.pdf", lambda: pdf()[:-60], ft.DAMAGED),
    ("a truncated JPEG", "photo.jpg", lambda: noisy_jpeg()[:-4000], ft.DAMAGED),
    ("a PNG with a broken checksum", "scan.png",
     lambda: image("PNG")[:-20] + bytes([image("PNG")[-20] ^ 0xFF]) + image("PNG")[-19:], ft.DAMAGED),
    ("a Windows program renamed .jpg", "photo.jpg", lambda: b"MZ\x90\x00" + b"\x00" * 200, ft.NOT_ALLOWED),
    ("an AVIF photo (ftyp mif1, not HEIC)", "photo.heic",
     lambda: b"\x00\x00\x00\x1cftypmif1\x00\x00\x00\x00mif1avifmiaf" + b"\x00" * 100, ft.NOT_ALLOWED),
]


@pytest.fixture
def small_app(make_app):
    return make_app(PORTAL_EVIDENCE_MAX_BYTES=SMALL_LIMIT)


@pytest.fixture
def ctx(small_app):
    with small_app.app_context():
        load_trust()
        yield small_app


def uploaded_files(app) -> list[Path]:
    root = Path(app.instance_path) / "uploads"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def store(data: bytes = None, name: str = "letter.pdf", school: str = BOTHAL, parent=None) -> EvidenceFile:
    detected = uploads.check(io.BytesIO(pdf() if data is None else data), name)
    return uploads.store(detected, f"parent:{parent.id}" if parent else "parent:1", get_school(school).id,
                         parent.id if parent else None)


# ------------------------------------------------------------------------------------------------ checking
@pytest.mark.parametrize(("case", "name", "make", "reason"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_the_hostile_set_is_refused_with_a_message_naming_the_file(small_app, case, name, make, reason):
    with small_app.app_context(), pytest.raises(uploads.UploadRejected) as refused:
        uploads.check(io.BytesIO(make()), name)
    assert refused.value.reason == reason
    assert str(refused.value).startswith(f"‘{name}’ ")
    assert "then try again" in str(refused.value)


@pytest.mark.parametrize("make", [lambda: noisy_jpeg()[:-4000], lambda: image("PNG")[:-30]], ids=["jpeg", "png"])
def test_a_truncated_image_is_refused_even_after_weasyprint_relaxed_pillow(small_app, monkeypatch, make):
    # Importing WeasyPrint (for letters) sets Pillow's LOAD_TRUNCATED_IMAGES to True for the whole process.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    with small_app.app_context(), pytest.raises(uploads.UploadRejected) as refused:
        uploads.check(io.BytesIO(make()), "photo")
    assert refused.value.reason == ft.DAMAGED
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # WeasyPrint's setting is given back


def test_a_file_of_another_type_says_what_to_send_instead(small_app):
    with small_app.app_context(), pytest.raises(uploads.UploadRejected) as refused:
        uploads.check(io.BytesIO(HTML), "gp-letter.pdf")
    assert str(refused.value) == ("‘gp-letter.pdf’ is not a PDF, JPEG, PNG or HEIC photo: save it as a PDF or take "
                                  "a photo, then try again")


def test_an_oversized_file_is_refused_after_reading_one_byte_more_than_the_limit(small_app):
    class Endless(io.RawIOBase):
        """A 1 GB upload that counts what is read from it."""
        read_so_far = 0

        def readable(self):
            return True

        def readinto(self, buffer):
            chunk = min(len(buffer), 1024**3 - self.read_so_far)
            buffer[:chunk] = b"\xff\xd8\xff" + bytes(chunk - 3) if self.read_so_far == 0 else bytes(chunk)
            self.read_so_far += chunk
            return chunk

    stream = Endless()
    with small_app.app_context(), pytest.raises(uploads.UploadRejected) as refused:
        uploads.check(stream, "holiday-photo.jpg")
    assert refused.value.reason == ft.TOO_BIG
    assert stream.read_so_far == SMALL_LIMIT + 1
    assert "bigger than 0.1 MB" in str(refused.value)


def test_the_limit_defaults_to_10_mb(make_app):
    with make_app().app_context():
        assert uploads.max_bytes() == 10 * 1024 * 1024


@pytest.mark.parametrize(
    ("make", "kind"),
    [(pdf, ft.PDF), (lambda: image("JPEG"), ft.JPEG), (lambda: image("PNG"), ft.PNG), (heic, ft.HEIC),
     # Samsung and Google phones append their own data after a JPEG's end: still a photo.
     (lambda: image("JPEG") + b"SEFH\x00\x00\x00\x01" + os.urandom(64), ft.JPEG),
     # "/JS" by chance inside a compressed stream body is not a script.
     (lambda: pdf(text=b"see /JS and /Launch in the text"), ft.PDF)],
    ids=["pdf", "jpeg", "png", "heic", "jpeg-with-trailer", "pdf-stream-mentions-js"],
)
def test_real_pdfs_and_photos_are_accepted_and_typed_by_content(small_app, make, kind):
    data = make()
    with small_app.app_context():
        detected = uploads.check(io.BytesIO(data), "named-anything.txt")
    assert detected.kind is kind
    assert detected.content_type == kind.mime
    # What is stored: a PDF as sent, a photo saved again without its metadata (tests/services/test_evidence_images).
    assert detected.sha256 == hashlib.sha256(detected.data).hexdigest()
    assert detected.size == len(detected.data)
    if kind is ft.PDF:
        assert detected.data == data


def test_both_detectors_must_agree(small_app, monkeypatch):
    monkeypatch.setattr(uploads.magic, "from_buffer", lambda data, mime: "text/html")
    with small_app.app_context(), pytest.raises(uploads.UploadRejected) as refused:
        uploads.check(io.BytesIO(image("PNG")), "scan.png")
    assert refused.value.reason == ft.NOT_ALLOWED


def test_a_decompression_bomb_is_refused(small_app):
    # A PNG that claims 100,000 x 100,000 pixels in a few hundred bytes.
    header = (100_000).to_bytes(4, "big") * 2 + b"\x08\x02\x00\x00\x00"
    ihdr = b"\x00\x00\x00\x0dIHDR" + header + zlib.crc32(b"IHDR" + header).to_bytes(4, "big")
    body = zlib.compress(b"\x00" * 1000)
    idat = len(body).to_bytes(4, "big") + b"IDAT" + body + zlib.crc32(b"IDAT" + body).to_bytes(4, "big")
    bomb = b"\x89PNG\r\n\x1a\n" + ihdr + idat + b"\x00\x00\x00\x00IEND\xaeB`\x82"
    with small_app.app_context(), pytest.raises(uploads.UploadRejected) as refused:
        uploads.check(io.BytesIO(bomb), "bomb.png")
    assert refused.value.reason == ft.TOO_MANY_PIXELS


def test_a_picture_between_the_pixel_limit_and_twice_it_is_refused_where_pillow_only_warns(small_app, monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)  # the 40 x 30 sample has 1200
    with small_app.app_context(), warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # as in production
        with pytest.raises(uploads.UploadRejected) as refused:
            uploads.check(io.BytesIO(image("PNG")), "huge.png")
    assert refused.value.reason == ft.TOO_MANY_PIXELS


def test_check_many_names_every_bad_file(small_app):
    files = [FileStorage(io.BytesIO(pdf()), "good.pdf"), FileStorage(io.BytesIO(HTML), "bad.pdf"),
             FileStorage(io.BytesIO(b""), "empty.jpg")]
    with small_app.app_context(), pytest.raises(uploads.UploadsRejected) as refused:
        uploads.check_many(files)
    assert [m.split(" ")[0] for m in refused.value.messages] == ["‘bad.pdf’", "‘empty.jpg’"]
    with small_app.app_context():
        assert [d.original_name for d in uploads.check_many(files[:1])] == ["good.pdf"]


# ------------------------------------------------------------------------------------------------ names
@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\boot.ini", "boot.ini"),
        ("C:\\Users\\jo\\Desktop\\GP letter.pdf", "GP letter.pdf"),
        ("gp\u202eftp.exe", "gpftp.exe"),  # a right-to-left override would show it as "gpexe.ptf"
        ("a<b>:c|d?e*f\".pdf", "abcdef.pdf"),
        ("  ..hidden.pdf  ", "hidden.pdf"),
        ("line\nbreak\t.pdf", "line break .pdf"),
        ("رسالة الطبيب.pdf", "رسالة الطبيب.pdf"),
        ("", "evidence"),
        (None, "evidence"),
        ("../..", "evidence"),
        ("x" * 300 + ".pdf", "x" * 116 + ".pdf"),
        ("y" * 300, "y" * 120),
    ],
)
def test_names_are_for_display_only_and_made_safe(raw, shown):
    assert ft.display_name(raw) == shown


@pytest.mark.parametrize(
    ("shown", "kind", "download"),
    [("scan.png", ft.JPEG, "scan.jpg"), ("letter.PDF", ft.PDF, "letter.pdf"), ("evidence", ft.HEIC, "evidence.heic"),
     (".pdf", ft.PDF, ".pdf.pdf"), ("note.verylongextension", ft.PNG, "note.verylongextension.png")],
)
def test_a_download_is_named_for_what_the_file_really_is(shown, kind, download):
    assert ft.download_name(shown, kind) == download


def test_megabytes_are_given_in_words():
    assert [ft.megabytes(n) for n in (10 * 1024 * 1024, 1536 * 1024, 200)] == ["10 MB", "1.5 MB", "0.1 MB"]


def test_a_zip_end_record_only_counts_when_it_ends_the_file():
    assert ft.is_zip(zip_archive())
    assert not ft.is_zip(b"PK\x05\x06" + b"\x00" * 30)  # the comment length (0) does not reach the end
    assert not ft.is_zip(b"PK\x05\x06")


def test_an_unterminated_pdf_stream_is_all_body():
    assert ft.pdf_active_names(b"%PDF-1.4\n/JS 1 stream\n/Launch") == {"JS"}


# ------------------------------------------------------------------------------------------------ storing
def test_a_file_is_stored_under_a_generated_name_outside_static_with_its_sha256(ctx):
    data = pdf()
    parent = make_parent("jo@example.com")
    row = store(data, "../../etc/passwd", parent=parent)
    db.session.commit()

    assert row.state == "pending"
    assert row.original_name == "passwd"
    assert row.sha256 == hashlib.sha256(data).hexdigest()
    assert (row.size, row.content_type, row.uploaded_by) == (len(data), "application/pdf", f"parent:{parent.id}")
    path = uploads.path_for(row.stored_name)
    assert path == Path(ctx.instance_path) / "uploads" / row.stored_name[:2] / row.stored_name
    assert len(row.stored_name) == 32 and int(row.stored_name, 16) >= 0
    assert path.read_bytes() == data
    assert not path.resolve().is_relative_to(Path(ctx.static_folder).resolve())
    assert uploaded_files(ctx) == [path]
    assert not (Path(ctx.instance_path).parent / "etc" / "passwd").exists()
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "evidence.store"))
    assert event.object_id == str(row.id) and event.after["sha256"] == row.sha256


def test_a_windows_traversal_name_is_stored_safely_too(ctx):
    row = store(image("PNG"), "..\\..\\boot.ini")
    db.session.commit()
    assert row.original_name == "boot.ini"
    assert uploaded_files(ctx) == [uploads.path_for(row.stored_name)]


def test_the_same_file_twice_gets_two_names(ctx):
    first, second = store(), store()
    db.session.commit()
    assert first.stored_name != second.stored_name and first.sha256 == second.sha256
    assert len(uploaded_files(ctx)) == 2


def test_a_stored_name_is_never_taken_from_outside(ctx):
    with pytest.raises(ValueError):
        uploads.path_for("../../secret_key")


def test_uploads_refuse_an_instance_folder_inside_static(ctx, monkeypatch):
    monkeypatch.setattr(ctx, "instance_path", str(Path(ctx.static_folder) / "instance"))
    with pytest.raises(RuntimeError, match="static"):
        uploads.uploads_root()


# ------------------------------------------------------------------------------------------------ no orphans
def test_a_rollback_deletes_the_file(ctx):
    store()
    assert len(uploaded_files(ctx)) == 1
    db.session.rollback()
    assert uploaded_files(ctx) == []
    assert db.session.scalar(select(func.count()).select_from(EvidenceFile)) == 0


def test_an_error_after_storing_leaves_nothing(ctx):
    def submit():  # a use case that fails after storing, as the 500 handler then rolls back
        store()
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError):
        submit()
    db.session.rollback()
    assert uploaded_files(ctx) == []


def test_a_session_closed_without_commit_deletes_the_file(ctx):
    store()
    db.session.remove()  # what Flask-SQLAlchemy does at the end of every request and app context
    assert uploaded_files(ctx) == []


def test_a_committed_file_stays_whatever_happens_next(ctx):
    kept = store()
    db.session.commit()
    store()
    db.session.rollback()
    assert uploaded_files(ctx) == [uploads.path_for(kept.stored_name)]
    db.session.remove()
    assert uploaded_files(ctx) == [uploads.path_for(kept.stored_name)]


def test_a_rolled_back_savepoint_deletes_only_its_own_files(ctx):
    kept = store()
    savepoint = db.session.begin_nested()
    store()
    savepoint.rollback()
    inner_kept = None
    with db.session.begin_nested():
        inner_kept = store()
    db.session.commit()
    assert uploaded_files(ctx) == sorted(uploads.path_for(r.stored_name) for r in (kept, inner_kept))


def test_a_failed_write_leaves_no_partial_file(ctx, monkeypatch):
    def full_disk(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(uploads.os, "fsync", full_disk)
    with pytest.raises(OSError):
        store()
    assert uploaded_files(ctx) == []
    db.session.rollback()


# ------------------------------------------------------------------------------------------------ attaching
def test_attach_marks_files_as_part_of_a_submission(ctx):
    files = [store(), store(image("PNG"), "photo.png")]
    uploads.attach(files, "leave_request", 7, actor="parent:1")
    uploads.attach(files, "leave_request", 7)  # again: nothing changes
    db.session.commit()
    assert [(f.state, f.owner_type, f.owner_id) for f in files] == [("attached", "leave_request", 7)] * 2
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "evidence.attach")) == 2
    with pytest.raises(ServiceError, match="already part of another request"):
        uploads.attach(files[:1], "leave_request", 8)


# ------------------------------------------------------------------------------------------------ sweeping
def age(path: Path, hours: float) -> None:
    """Make a file `hours` older, on the filesystem's clock (which the sweep reads for files)."""
    then = path.stat().st_mtime - hours * 3600
    os.utime(path, (then, then))


def test_sweep_removes_old_orphan_files_and_abandoned_pending_rows_only(ctx):
    now = utcnow()
    attached = store()
    uploads.attach([attached], "leave_request", 1)
    abandoned = store()
    abandoned.uploaded_at = now - timedelta(hours=30)
    recent = store()
    db.session.commit()
    orphan_old = Path(ctx.instance_path) / "uploads" / "ab" / ("ab" + "0" * 30)
    orphan_new = Path(ctx.instance_path) / "uploads" / "cd" / ("cd" + "1" * 30)
    for orphan in (orphan_old, orphan_new):
        orphan.parent.mkdir(parents=True, exist_ok=True)
        orphan.write_bytes(b"left by a killed worker")
    age(orphan_old, 30)
    for row in (attached, recent):
        age(uploads.path_for(row.stored_name), 30)  # old files with rows are not orphans
    abandoned_path = uploads.path_for(abandoned.stored_name)

    result = uploads.sweep_orphans(timedelta(hours=24), now=now)

    assert (result.rows, result.files, result.missing) == (1, 1, 0)
    assert not orphan_old.exists() and orphan_new.exists() and not abandoned_path.exists()
    assert sorted(db.session.scalars(select(EvidenceFile.id))) == sorted([attached.id, recent.id])
    assert uploads.path_for(attached.stored_name).exists() and uploads.path_for(recent.stored_name).exists()
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "evidence.sweep")).actor == "system:sweep"


def test_sweep_reports_rows_whose_file_is_missing_and_leaves_what_is_not_a_stored_file(ctx):
    gone_file, gone_folder = store(), store()
    db.session.commit()
    uploads.path_for(gone_file.stored_name).unlink()
    for path in uploads.path_for(gone_folder.stored_name).parent.iterdir():
        path.unlink()
    uploads.path_for(gone_folder.stored_name).parent.rmdir()
    root = Path(ctx.instance_path) / "uploads"
    (root / "ef" / "a-folder").mkdir(parents=True)
    (root / "ef" / "a-link").symlink_to(root / "ef" / "a-folder")
    (root / "README").write_text("not ours to sweep")
    for path in (root / "ef" / "a-folder", root / "README"):
        age(path, 30)

    result = uploads.sweep_orphans(timedelta(hours=1))

    assert (result.rows, result.files, result.missing) == (0, 0, 2)
    assert (root / "ef" / "a-folder").is_dir() and (root / "ef" / "a-link").is_symlink()
    assert (root / "README").exists()


def test_sweep_with_no_uploads_folder_does_nothing(ctx):
    assert uploads.sweep_orphans(timedelta(hours=1)) == uploads.SweepResult(rows=0, files=0, missing=0)


def test_a_worker_killed_between_writing_and_committing_leaves_an_orphan_the_sweep_removes(make_app, tmp_path):
    # A real kill -9: another process stores a file, flushes its row and dies before committing.
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'killed.sqlite'}"
    config = conftest.test_config(SQLALCHEMY_DATABASE_URI=database_uri(url))
    app = make_app(**config)
    with app.app_context():
        load_trust()
        school_id = get_school().id
    evidence = tmp_path / "letter.pdf"
    evidence.write_bytes(pdf())
    script = textwrap.dedent(f"""
        import os, signal
        from portal import create_app
        from portal.services import uploads
        app = create_app({config!r})
        with app.app_context():
            with open({str(evidence)!r}, "rb") as stream:
                uploads.store(uploads.check(stream, "letter.pdf"), "parent:1", {school_id})
            os.kill(os.getpid(), signal.SIGKILL)
    """)
    env = {**os.environ, "PORTAL_INSTANCE_PATH": app.instance_path}
    worker = subprocess.run([sys.executable, "-c", script], env=env, cwd=conftest.ROOT, capture_output=True,
                            timeout=120)
    assert worker.returncode == -signal.SIGKILL, worker.stderr.decode()

    assert len(uploaded_files(app)) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(EvidenceFile)) == 0
        # A file this new could belong to a request still running: the sweep waits until it is old enough.
        assert uploads.sweep_orphans(timedelta(hours=1)).files == 0
        result = uploads.sweep_orphans(timedelta(hours=1), now=utcnow() + timedelta(hours=2))
    assert result.files == 1
    assert uploaded_files(app) == []


# ------------------------------------------------------------------------------------------------ reading
def staff(email: str, *roles: tuple[str | None, str], active: bool = True) -> StaffUser:
    """A member of staff with roles given as (school URN or None for trust-wide, trust slug)."""
    user = StaffUser(email=email, name=email.split("@")[0], active=active, created_at=datetime(2025, 9, 1))
    for urn, trust_urn in roles:
        trust_id = get_school(trust_urn).trust_id
        user.roles.append(StaffRole(trust_id=trust_id, school_id=get_school(urn).id if urn else None,
                                    role="attendance_officer"))
    db.session.add(user)
    db.session.commit()
    return user


@pytest.fixture
def people(ctx):
    load_trust(RISE_PARK)
    parent_a, parent_b = make_parent("a@example.com"), make_parent("b@example.com")
    file = store(parent=parent_a)
    uploads.attach([file], "leave_request", 1)
    db.session.commit()
    return {
        "file": file,
        "parent_a": parent_a,
        "parent_b": parent_b,
        "staff_here": staff("office@bothal.example", (BOTHAL, BOTHAL)),
        "staff_other_school": staff("office@central.example", (CENTRAL, CENTRAL)),
        "staff_trust": staff("ceo@alp.example", (None, BOTHAL)),
        "staff_other_trust": staff("ceo@riseprk.example", (None, RISE_PARK_URN)),
        "staff_left": staff("left@bothal.example", (BOTHAL, BOTHAL), active=False),
    }


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("parent_a", True), ("parent_b", False), ("staff_here", True), ("staff_other_school", False),
     ("staff_trust", True), ("staff_other_trust", False), ("staff_left", False)],
)
def test_only_the_parent_who_sent_it_and_staff_of_its_school_may_read_it(people, who, allowed):
    file = people["file"]
    if allowed:
        found = uploads.open_for(file.id, people[who])
        assert found.path.read_bytes() == pdf()
        assert (found.download_name, found.content_type) == ("letter.pdf", "application/pdf")
    else:
        with pytest.raises(NotFound):
            uploads.open_for(file.id, people[who])


def test_staff_cannot_read_a_parents_file_before_it_is_submitted(people):
    draft = store(parent=people["parent_a"])
    db.session.commit()
    assert uploads.open_for(draft, people["parent_a"]).file is draft
    with pytest.raises(NotFound):
        uploads.open_for(draft, people["staff_here"])


def test_nobody_else_and_no_missing_file_is_served(people):
    file = people["file"]
    for actor in (None, "parent:1", object()):
        with pytest.raises(NotFound):
            uploads.open_for(file.id, actor)
    with pytest.raises(NotFound):
        uploads.open_for(10_000, people["parent_a"])
    uploads.path_for(file.stored_name).unlink()
    with pytest.raises(NotFound):
        uploads.open_for(file.id, people["parent_a"])


def test_staff_may_read_follows_roles(people):
    here = get_school(BOTHAL).id
    assert uploads.staff_may_read(people["staff_here"], here)
    assert uploads.staff_may_read(people["staff_trust"], get_school(CENTRAL).id)
    assert not uploads.staff_may_read(people["staff_other_trust"], here)
    assert not uploads.staff_may_read(people["staff_other_school"], here)


# ------------------------------------------------------------------------------------------------ the form
class EvidenceForm(Form):
    evidence = MultipleFileField("Evidence", validators=[EvidenceFiles(max_files=3)])


def form_with(*files: tuple[str, bytes]) -> EvidenceForm:
    data = MultiDict([("evidence", FileStorage(io.BytesIO(content), name)) for name, content in files])
    return EvidenceForm(formdata=data)


def test_the_form_names_every_bad_file(small_app):
    with small_app.app_context():
        form = form_with(("letter.pdf", pdf()), ("gp.pdf", HTML), ("empty.png", b""))
        assert not form.validate()
    assert form.evidence.errors == [ft.message(ft.NOT_ALLOWED, "gp.pdf"), ft.message(ft.EMPTY, "empty.png")]


def test_the_form_counts_files(small_app):
    with small_app.app_context():
        none = EvidenceForm(formdata=MultiDict([("evidence", FileStorage(io.BytesIO(b""), ""))]))
        too_many = form_with(*[(f"p{n}.pdf", pdf()) for n in range(4)])
        assert not none.validate() and not too_many.validate()
        optional = EvidenceForm(formdata=MultiDict())
        optional.evidence.validators = [EvidenceFiles(min_files=0)]
        assert optional.validate()
    assert none.evidence.errors == ["Select a file"]
    assert too_many.evidence.errors == ["Select 3 files or fewer: to send more pages, put them in one PDF"]


def test_the_form_uses_the_configured_limit_and_leaves_streams_for_the_service(small_app):
    with small_app.app_context():
        big = form_with(("big.jpg", noisy_jpeg((600, 400))))
        assert not big.validate()
        assert big.evidence.errors == [ft.message(ft.TOO_BIG, "big.jpg", SMALL_LIMIT)]
        good = form_with(("letter.pdf", pdf()), ("photo.jpg", image("JPEG")))
        assert good.validate()
        detected = uploads.check_many(good.evidence.data)
    assert [d.kind for d in detected] == [ft.PDF, ft.JPEG]


def test_the_validator_also_takes_a_single_file_field(small_app):
    class OneFile(Form):
        evidence = FileField("Evidence", validators=[EvidenceFiles(max_files=1)])

    with small_app.app_context():
        form = OneFile(formdata=MultiDict([("evidence", FileStorage(io.BytesIO(SVG), "photo.png"))]))
        assert not form.validate()
    assert form.evidence.errors == [ft.message(ft.NOT_ALLOWED, "photo.png")]


def test_the_form_asks_for_at_least_the_minimum(small_app):
    with small_app.app_context():
        form = form_with(("letter.pdf", pdf()))
        form.evidence.validators = [EvidenceFiles(min_files=2, max_bytes=SMALL_LIMIT)]
        assert not form.validate()
    assert form.evidence.errors == ["Select at least 2 files"]


def test_evidence_sweep_runs_from_the_command_line(app):
    result = app.test_cli_runner().invoke(args=["evidence", "sweep", "--older-than-hours", "1"])
    assert result.exit_code == 0, result.output
    assert "Removed 0 unsaved upload(s) and 0 file(s) with no record" in result.output
