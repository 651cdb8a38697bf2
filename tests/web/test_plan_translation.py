"""A support plan for a parent who reads Polish: the English text they sign, then the same plan translated for their
convenience, on the page and in the PDF; the signed text and its fingerprint are the English alone."""

from __future__ import annotations

import re

from sqlalchemy import select

from portal.extensions import db
from portal.models import ParentAccount

from pages import Page
from web.test_plan_pages import (  # noqa: F401  the fixture and the journey's steps
    draft_and_send, latest_plan, parent_signed_in, pdf_text, school)

HEADING = "Tłumaczenie dla Państwa wygody — podpisują Państwo plan w języku angielskim"


def in_order(text: str) -> None:
    """The English plan whole, then the translation: its own words in Polish, the school's as written."""
    text = " ".join(text.split())
    assert "Purpose of the support plan" in text and HEADING in text
    assert text.index("Purpose of the support plan") < text.index("Review and monitoring") < text.index(HEADING)
    assert re.search(r"dni nieobecności: \d+,\d z \d+,\d\.", text)  # days with the Polish decimal comma
    translation = text[text.index(HEADING):]
    for polish in ("Cel planu wsparcia", "Zobowiązania rodzica/opiekuna", "Zobowiązania szkoły",
                   "Przegląd i monitorowanie", "Data spotkania"):
        assert polish in translation, polish
    assert "Inform school before 9:00am if child is absent" in translation  # the school's words, as written
    for english in ("Purpose of the support plan", "Parent/carer commitments", "Review date", "None recorded."):
        assert english not in translation, english


def test_a_polish_parent_reads_the_plan_in_english_then_in_polish(client, app, school):  # noqa: F811
    plan_id = draft_and_send(client, app, school)
    with app.app_context():
        db.session.scalar(select(ParentAccount).where(ParentAccount.email == "jo@example.com")).language = "pl"
        db.session.commit()
    parent_signed_in(client, app, "jo@example.com")
    _, number, sha = latest_plan(app)
    link = f"/parent/children/{school['sam']}/plans/{plan_id}"
    page = client.get(link).get_data(as_text=True)
    in_order(Page(page).text)
    assert 'class="portal-plan-document" lang="en-GB"' in page and 'lang="pl" aria-labelledby="plan-translation plan-translation-title"' in page

    pdf = pdf_text(client.get(f"{link}/versions/{number}/pdf").data)
    in_order(pdf)
    assert re.search(r"Strona \d+ z \d+", pdf) and re.search(r"Page 1 of \d+", pdf)  # each page's footer in its language
    # Signing binds the English text alone: the translation changes nothing the signature is made on.
    assert client.post(f"{link}/sign", data={"version": number, "sha256": sha, "typed_name": "Jo Taylor",
                                              "confirm": "y"}).status_code == 303
    assert latest_plan(app)[2] == sha


def test_an_english_parent_reads_the_plan_alone(client, app, school):  # noqa: F811
    plan_id = draft_and_send(client, app, school)
    parent_signed_in(client, app, "jo@example.com")
    _, number, _ = latest_plan(app)
    link = f"/parent/children/{school['sam']}/plans/{plan_id}"
    assert "Tłumaczenie" not in client.get(link).get_data(as_text=True)
    assert "Tłumaczenie" not in pdf_text(client.get(f"{link}/versions/{number}/pdf").data)
