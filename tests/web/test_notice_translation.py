"""A notice to improve for a parent who reads Polish: the school's English letter, the authoritative text, then the
same letter translated for their convenience, on the page, in the PDF and in the email; never instead of it."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader
from sqlalchemy import select

from portal.extensions import db
from portal.models import OutboxMessage, ParentAccount
from portal.models.legal import NoticeToImprove

from pages import Page
from parents import sign_in_as
from web.test_legal_pages import school, signed_in  # noqa: F401  the fixture and the staff sign-in

HEADING = "Tłumaczenie dla Państwa wygody — oficjalny jest list w języku angielskim"
ENGLISH = ("If Sam's attendance does not improve during the improvement period, the school may ask Northumberland "
           "to issue you with a penalty notice of £160 (reduced to £80 if paid within 21 days).")
POLISH = ("Jeśli frekwencja dziecka (Sam) nie poprawi się w okresie poprawy, szkoła może wystąpić do: Northumberland "
          "o karę (penalty notice) w wysokości £160 (obniżoną do £80 przy zapłacie w ciągu 21 dni) dla Państwa.")


def send_jo_a_notice(app, client, school) -> int:  # noqa: F811
    with app.app_context():
        db.session.scalar(select(ParentAccount).where(ParentAccount.email == "jo@example.com")).language = "pl"
        db.session.commit()
    signed_in(client)
    client.post(f"/staff/legal/pupils/{school['sam']}/notices", data={
        "expectation": "No further unauthorised absence", "meeting": "Tuesday 20 October at 9.15am, at school"})
    with app.app_context():
        notice_id = db.session.scalars(select(NoticeToImprove.id).order_by(NoticeToImprove.id)).first()
    assert client.post(f"/staff/legal/notices/{notice_id}/send").status_code == 303
    return notice_id


def in_order(text: str) -> None:
    """The English letter whole, then the translation, whose words are Polish around the school's own."""
    assert ENGLISH in text and HEADING in text and POLISH in text
    assert text.index("Dear Jo Taylor") < text.index(ENGLISH) < text.index(HEADING) < text.index(POLISH)
    translation = text[text.index(HEADING):]
    for polish in ("Szanowni Państwo (Jo Taylor),", "Wezwanie do poprawy frekwencji dziecka (Sam)", "Okres poprawy",
                   "Od 2 września 2026 do 8 września 2026 dziecko (Sam) opuściło bez zgody szkoły 10 części dnia",
                   "Od 15 października 2026 do 2 grudnia 2026", "Z poważaniem"):
        assert polish in translation, polish
    assert "Tuesday 20 October at 9.15am, at school" in translation  # what staff wrote stays as they wrote it
    for english in ("Dear ", "The improvement period", "Yours sincerely", "missed 10 sessions"):
        assert english not in translation, english


def test_a_polish_parent_gets_the_english_notice_then_its_translation(app, client, school):  # noqa: F811
    notice_id = send_jo_a_notice(app, client, school)
    with app.app_context():
        mail = db.session.scalars(select(OutboxMessage)).one()
        in_order(" ".join(Page(mail.body_html).text.split()))
        jo = db.session.scalar(select(ParentAccount).where(ParentAccount.email == "jo@example.com"))
        parent = app.test_client()
        sign_in_as(parent, jo)

    page = parent.get(f"/parent/notices/{notice_id}", headers={"Accept": "text/html"})
    in_order(" ".join(Page(page.get_data(as_text=True)).text.split()))
    assert 'class="notice-letter__companion" lang="pl"' in page.get_data(as_text=True)

    pages = [" ".join(p.extract_text().split()) for p in
             PdfReader(io.BytesIO(parent.get(f"/parent/notices/{notice_id}/pdf").data)).pages]
    in_order(" ".join(pages))
    assert not any(HEADING in p for p in pages if "Dear Jo Taylor" in p)  # the translation starts its own page
    # Each page's footer in the language of the page: "Page 1 of 4" for the letter, "Strona 3 z 4" for its translation.
    translated = [p for p in pages if "Szanowni Państwo" in p or "Okres poprawy" in p]
    assert translated and all(re.search(r"Strona \d+ z \d+", p) and "Page " not in p for p in translated)
    assert re.search(r"Page 1 of \d+", pages[0])


def test_staff_read_the_english_letter_alone(app, client, school):  # noqa: F811
    notice_id = send_jo_a_notice(app, client, school)
    letter = " ".join(Page(client.get(f"/staff/legal/notices/{notice_id}").get_data(as_text=True)).text.split())
    assert ENGLISH in letter and "Tłumaczenie" not in letter and "Szanowni" not in letter
    pdf = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(client.get(
        f"/staff/legal/notices/{notice_id}/pdf").data)).pages)
    assert "Tłumaczenie" not in pdf and "Sam's attendance does not improve" in " ".join(pdf.split())
