"""PDFs are parsed, not just searched (issue 14, 7): JavaScript or another active thing packed inside a compressed
object stream, where a byte search cannot see it, is refused; a real PDF laid out the same way is accepted; a PDF
that cannot be parsed is refused as damaged, with a message, never an error page."""

from __future__ import annotations

import io
import zlib
from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from sqlalchemy import select

from portal.domain import file_types as ft
from portal.extensions import db
from portal.models import ParentAccount
from portal.services import uploads

from factories import BOTHAL, calendar, load_trust, make_pupil
from parents import make_parent, sign_in_as
from services.test_uploads import pdf


def packed_pdf(catalog: bytes = b"<< /Type /Catalog /Pages 2 0 R >>", extra: bytes = b"<< /Type /Note >>") -> bytes:
    """A PDF 1.5 whose every object (catalog, pages, page, `extra` as object 4) sits in one Flate-compressed object
    stream, found through a cross-reference stream: as Word, Acrobat and most phones write PDFs today. Nothing but
    compressed bytes and the stream dictionaries is readable in the file."""
    objects = [catalog, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] >>", extra]
    body, offsets = b"", []
    for item in objects:
        offsets.append(len(body))
        body += item + b"\n"
    header = b" ".join(b"%d %d" % (number, offset) for number, offset in enumerate(offsets, 1)) + b"\n"
    packed = zlib.compress(header + body)
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    stream_at = len(out)
    out += (b"5 0 obj\n<< /Type /ObjStm /N 4 /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
            % (len(header), len(packed)) + packed + b"\nendstream\nendobj\n")
    xref_at = len(out)
    rows = [(0, 0, 65535)] + [(2, 5, index) for index in range(4)] + [(1, stream_at, 0), (1, xref_at, 0)]
    table = b"".join(kind.to_bytes(1, "big") + field.to_bytes(4, "big") + extra_.to_bytes(2, "big")
                     for kind, field, extra_ in rows)
    out += (b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n" % len(table)
            + table + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_at)
    return bytes(out)


JS = b"<< /S /JavaScript /JS (app.alert('hello')) >>"
ACTIVE = {
    "JavaScript run on opening": dict(catalog=b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>", extra=JS),
    "a document-level script in the names tree": dict(
        catalog=b"<< /Type /Catalog /Pages 2 0 R /Names << /JavaScript 4 0 R >> >>",
        extra=b"<< /Names [(x) << /S /JavaScript /JS (app.alert(1)) >>] >>"),
    "a program launched on opening": dict(catalog=b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
                                          extra=b"<< /S /Launch /F (cmd.exe) >>"),
    "a page action": dict(extra=b"<< /Type /Page /AA << /O << /S /GoTo /D [3 0 R /Fit] >> >> >>"),
    "an attached file": dict(extra=b"<< /Type /EmbeddedFile /Length 0 >>"),
    "an XFA form": dict(catalog=b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /XFA 4 0 R >> >>"),
    "hex-escaped names": dict(catalog=b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
                              extra=b"<< /S /J#61vaScript /J#53 (app.alert(1)) >>"),
}


@pytest.mark.parametrize("parts", ACTIVE.values(), ids=ACTIVE.keys())
def test_active_content_inside_a_compressed_object_stream_is_refused(app_ctx, parts):
    data = packed_pdf(**parts)
    assert ft.check_bytes(data, "letter.pdf") is None  # the byte search cannot see it: the parse must
    with pytest.raises(uploads.UploadRejected) as refused:
        uploads.check(io.BytesIO(data), "letter.pdf")
    assert refused.value.reason == ft.ACTIVE_PDF
    assert str(refused.value).startswith("‘letter.pdf’ contains scripts or attached files")


@pytest.mark.parametrize("parts", [
    {}, dict(catalog=b"<< /Type /Catalog /Pages 2 0 R /OpenAction [3 0 R /Fit] >>"),
    dict(catalog=b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>", extra=b"<< /S /GoTo /D [3 0 R /Fit] >>"),
    dict(extra=b"<< /Type /Annot /Subtype /Link /A << /S /URI /URI (https://nhs.uk) >> >>"),
], ids=["plain", "opens-at-a-page", "goto-on-opening", "a-web-link"])
def test_a_real_pdf_written_with_object_streams_is_accepted(app_ctx, parts):
    data = packed_pdf(**parts)
    assert uploads.check(io.BytesIO(data), "letter.pdf").kind is ft.PDF


@pytest.mark.parametrize("data", [
    b"%PDF-1.4\nthis is not really a PDF at all\n%%EOF\n",
    pdf()[:200] + b"\n%%EOF\n",
    packed_pdf().replace(b"/FlateDecode", b"/FlateDecode /DecodeParms << /Predictor 99 >>"),
], ids=["garbage", "cut-short", "broken-stream"])
def test_a_pdf_that_cannot_be_parsed_is_refused_as_damaged(app_ctx, data):
    with pytest.raises(uploads.UploadRejected) as refused:
        uploads.check(io.BytesIO(data), "letter.pdf")
    assert refused.value.reason in (ft.DAMAGED, ft.NOT_ALLOWED)
    assert "then try again" in str(refused.value)


def test_a_packed_script_sent_through_the_absence_form_is_named_on_the_form(app):
    with app.app_context():
        load_trust()
        pupil = make_pupil(BOTHAL)
        make_parent("jo@example.com", pupil)
        pupil_id, day = pupil.id, calendar(BOTHAL).next_school_day(date(2026, 11, 24))
    with time_machine.travel(datetime.combine(day - timedelta(days=1), time(12, 0))):
        client = app.test_client()
        with app.app_context():
            sign_in_as(client, db.session.scalar(select(ParentAccount)))
        response = client.post("/parent/report-absence", data={
            "children": [pupil_id], "starts": "other", "first_day": [str(day.day), str(day.month), str(day.year)],
            "ends": "not_sure", "part": "day", "reason": "medical",
            "evidence": (io.BytesIO(packed_pdf(**ACTIVE["JavaScript run on opening"])), "card.pdf")},
            content_type="multipart/form-data")
    assert response.status_code == 200, response.location
    assert "‘card.pdf’ contains scripts or attached files" in response.get_data(as_text=True)
