"""Leave in term time, end to end (issue 5's "Done when"): a parent asks for leave with a PDF and a photo as
evidence, the headteacher decides, the letter arrives by email and in the portal, and its PDF says what was decided.

Real Chromium, a real SMTP server, CSRF on; axe checks every page visited. The policy is ALP's (examples/alp.toml):
14 calendar days' notice, evidence with the request, the headteacher decides. Screenshots of the key pages are saved
under test-results/leave-journey/.
"""

from __future__ import annotations

import io
import re
import zlib
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader

from browser_fixtures import check_axe, fill_date, screenshot
from factories import BOTHAL, calendar, load_trust, make_pupil
from moved_policy import example_on
from parents import make_parent
from portal.clock import school_today
from smtp import SmtpServer, plain_body, wait_for_mail
from staff import make_staff

PASSWORD = "head-password-2026"
REASONS = "A family wedding abroad that cannot be moved, with the invitation and the hospital letter as evidence."

# The browser's cookie jar keeps the machine's time: the portal must too (tests/conftest.py school_clock).
pytestmark = pytest.mark.real_clock


def squashed(text: str) -> str:
    """PDF text with its line breaks and spacing made single spaces, to search for a sentence."""
    return " ".join(text.split())


def pdf_text(data: bytes) -> str:
    return squashed("\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


def minimal_pdf(text: str) -> bytes:
    """A small, valid one-page PDF with a line of text: catalog, pages, page, font, content stream, xref, trailer."""
    content = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    stream = zlib.compress(content)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def photo_jpeg() -> bytes:
    """A real JPEG, as a phone camera would send: a photo of a letter (well, a drawing of one)."""
    image = Image.new("RGB", (800, 600), (235, 230, 220))
    draw = ImageDraw.Draw(image)
    draw.rectangle((120, 60, 680, 560), fill=(255, 255, 255), outline=(40, 40, 40), width=3)
    for y in range(120, 520, 30):
        draw.line((160, y, 640, y), fill=(90, 90, 90), width=2)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()


def sign_in_parent(page, server, inbox, count: int) -> None:
    """Through the sign-in page and the link emailed to the parent (the `count`-th email the server receives)."""
    page.goto(server.url + "/")
    check_axe(page)
    page.get_by_role("link", name="Parents and carers: sign in").click()
    check_axe(page)
    page.get_by_label("Email address").fill("jo@example.com")
    page.get_by_role("button", name="Email me a sign-in link").click()
    page.get_by_role("heading", name="Check your email").wait_for()
    check_axe(page)
    link = re.search(r"http://\S+/sign-in/\S+", plain_body(wait_for_mail(inbox, count))).group(0)
    page.goto(link)
    check_axe(page)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Your children").wait_for()
    check_axe(page)


@pytest.mark.e2e
def test_a_parent_asks_for_leave_the_headteacher_decides_and_the_letter_arrives(live_server, browser, tmp_path):
    evidence_pdf = tmp_path / "hospital-letter.pdf"
    evidence_pdf.write_bytes(minimal_pdf("Appointment letter: Sam Taylor"))
    evidence_photo = tmp_path / "wedding-invitation.jpg"
    evidence_photo.write_bytes(photo_jpeg())
    assert "Appointment letter" in pdf_text(evidence_pdf.read_bytes())  # the evidence itself is a real PDF

    smtp = SmtpServer().start()
    parent_context = browser.new_context(locale="en-GB", timezone_id="Europe/London", accept_downloads=True)
    head_context = browser.new_context(locale="en-GB", timezone_id="Europe/London", accept_downloads=True)
    try:
        server = live_server({"MAIL_SUPPRESS_SEND": False, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp.port})
        with server.app.app_context():
            load_trust(example_on(school_today()))
            sam = make_pupil(BOTHAL, forename="Sam", surname="Taylor", registration_group="3H")
            make_parent("jo@example.com", sam, name="Jo Taylor")
            make_staff("head@bothal.example", "headteacher", BOTHAL, password=PASSWORD, name="Lee Hall")
            cal = calendar()
            # Four weeks ahead: well past the 14 days' notice ALP asks for, three school days away.
            first = cal.next_school_day(school_today() + timedelta(days=28))
            back = cal.nth_school_day_after(first, 3) if first else None
            if first is None or back is None or (cal.last_day and back > cal.last_day):
                pytest.fail(f"examples/alp.toml's calendar ends {cal.last_day}: add the next school year's terms "
                            "so that leave four weeks ahead can be asked for")
            days_asked = cal.school_days(first, back - timedelta(days=1))

        # ------------------------------------------------------------ the parent asks
        page = parent_context.new_page()
        sign_in_parent(page, server, smtp.inbox, 1)
        page.get_by_role("link", name="Leave requests", exact=True).click()
        page.get_by_role("heading", name="Your leave requests").wait_for()
        check_axe(page)
        page.get_by_role("link", name="Ask for leave in term time").click()
        page.get_by_role("heading", name="Ask for leave in term time").wait_for()
        check_axe(page)

        child = page.get_by_label("Sam Taylor (3H, Bothal Primary School)")
        if not child.is_checked():
            child.check()
        fill_date(page, "first_day", first)
        fill_date(page, "return_day", back)
        page.get_by_role("group", name="Are you travelling abroad?").get_by_label("Yes").check()
        page.get_by_label("Destinations").fill("Lisbon, Portugal")
        page.get_by_label("The exceptional circumstances").fill(
            "Sam's grandmother is very ill in hospital in Lisbon, and the family wedding has been brought forward "
            "so that she can be there.")
        page.set_input_files("input[type=file][name=evidence]", [str(evidence_pdf), str(evidence_photo)])
        screenshot(page, "leave-journey", "1-leave-form")
        page.get_by_role("button", name="Continue").click()

        page.get_by_role("heading", name="Check your answers before sending your request").wait_for()
        check_axe(page)
        assert page.get_by_text("hospital-letter.pdf, wedding-invitation.jpg").is_visible()
        assert page.get_by_text("that meets it").is_visible()
        screenshot(page, "leave-journey", "2-check-answers")
        page.get_by_label("I agree to the declaration above").check()
        page.get_by_role("button", name="Accept and send the request").click()

        page.get_by_role("heading", name="Leave request sent").wait_for()
        check_axe(page)
        screenshot(page, "leave-journey", "3-request-sent")
        reference = page.locator(".govuk-panel__body strong").inner_text().strip()
        assert page.get_by_text("The school has not decided yet.").is_visible()
        received = wait_for_mail(smtp.inbox, 2)
        assert received["To"] == "jo@example.com" and reference in received["Subject"]

        # ------------------------------------------------------------ the headteacher decides
        head = head_context.new_page()
        head.goto(server.url + "/staff/sign-in")
        check_axe(head)
        head.get_by_label("Email address").fill("head@bothal.example")
        head.get_by_role("textbox", name="Password").fill(PASSWORD)
        head.get_by_role("button", name="Sign in").click()
        head.get_by_role("heading", name="Review queue").wait_for()
        check_axe(head)
        head.get_by_role("link", name="Leave requests", exact=True).click()
        head.get_by_role("heading", name="Leave requests").wait_for()
        check_axe(head)
        head.get_by_role("link", name="Sam Taylor").click()
        head.get_by_role("heading", name="Sam Taylor", level=1).wait_for()
        check_axe(head)
        assert head.get_by_role("link", name="hospital-letter.pdf").is_visible()
        assert head.get_by_role("link", name="wedding-invitation.jpg").is_visible()
        downloaded = {}
        for evidence in (evidence_pdf, evidence_photo):  # the files the parent sent are the ones staff read
            with head.expect_download() as evidence_download:
                head.get_by_role("link", name=evidence.name).click()
            downloaded[evidence] = Path(evidence_download.value.path()).read_bytes()
        assert downloaded[evidence_pdf] == evidence_pdf.read_bytes()
        # The photo is the same picture, saved again without its metadata (services/evidence_images.py).
        sent = Image.open(io.BytesIO(evidence_photo.read_bytes()))
        read = Image.open(io.BytesIO(downloaded[evidence_photo]))
        assert (read.format, read.size) == (sent.format, sent.size) and not dict(read.getexif())

        head.get_by_label("Approve all the days asked for").check()
        head.get_by_label("Reasons for the decision").fill(REASONS)
        screenshot(head, "leave-journey", "4-decision")
        head.get_by_role("button", name="Record the decision and send the letter").click()
        head.get_by_text("Decision recorded for Sam Taylor: approved.").wait_for()
        assert head.get_by_text("The letter was emailed to jo@example.com.").is_visible()
        check_axe(head)
        head.get_by_role("link", name="Read the letter").click()
        head.get_by_role("heading", name="Decision letter: Sam Taylor").wait_for()
        check_axe(head)

        # ------------------------------------------------------------ the letter by email
        letter_mail = wait_for_mail(smtp.inbox, 3)
        assert letter_mail["To"] == "jo@example.com"
        assert letter_mail["Subject"] == f"Leave request {reference}: the school’s decision for Sam"
        body = plain_body(letter_mail)
        decision = (f"The headteacher has approved leave of absence for Sam Taylor for all {len(days_asked)} school "
                    "days asked for")
        assert decision in squashed(body)
        assert REASONS in squashed(body)
        letter_link = re.search(r"Read the letter in the portal: (http://\S+)", body).group(1)
        pdf_link = re.search(r"Download it as a PDF: (http://\S+)", body).group(1)
        assert letter_link.startswith(server.url) and pdf_link.startswith(server.url)

        # ------------------------------------------------------------ the letter in the portal
        page.goto(letter_link)
        page.get_by_role("heading", name="Decision letter: Sam Taylor").wait_for()
        check_axe(page)
        assert decision in squashed(page.locator("main").inner_text())
        screenshot(page, "leave-journey", "5-letter")
        with page.expect_download() as download_info:
            page.get_by_role("link", name="Download the letter as a PDF").click()
        download = download_info.value
        assert download.suggested_filename == f"leave-decision-{reference}-Sam-Taylor.pdf"
        data = Path(download.path()).read_bytes()
        assert data.startswith(b"%PDF-")
        text = pdf_text(data)
        assert "Sam Taylor" in text
        assert decision in text, text
        assert REASONS in text and reference in text and "Lee Hall" in text

        by_link = page.context.request.get(pdf_link)  # the email's PDF link, with the parent's session
        assert by_link.ok and by_link.headers["content-type"] == "application/pdf"
        assert decision in pdf_text(by_link.body())

        page.get_by_role("link", name="Back to the request").click()
        page.get_by_role("heading", name=f"Leave request {reference}").wait_for()
        check_axe(page)
        assert page.get_by_text(decision).is_visible()
        screenshot(page, "leave-journey", "6-request-decided")
        page.get_by_role("link", name="Leave requests", exact=True).click()
        page.get_by_role("heading", name="Your leave requests").wait_for()
        check_axe(page)
        assert page.get_by_text("Sam: approved").is_visible()
    finally:
        parent_context.close()
        head_context.close()
        smtp.stop()
