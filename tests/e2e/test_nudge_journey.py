"""The half-termly message, end to end: the headteacher previews the batch and sends it; a Polish parent receives
it through a real SMTP server, in Polish, follows its link and sees the same figures on the child's page, in Polish.

Real Chromium, CSRF on, axe on every page and on the email itself (read at a phone's width). The day is the
first school day after Bothal's first half-term of 2025-26, for the server as for the test.
"""

from __future__ import annotations

import re
from datetime import datetime

import pytest
import time_machine
from sqlalchemy import select

from browser_fixtures import check_axe, screenshot
from nudge_world import every_band_and_situation
from portal.clock import SCHOOL_ZONE
from portal.extensions import db
from portal.models import OutboxMessage
from portal.services import notify, parent_access
from smtp import SmtpServer, plain_body, wait_for_mail

HEAD_PASSWORD = "correct horse battery staple"  # tests/staff.py


@pytest.mark.e2e
def test_staff_send_the_batch_and_a_polish_parent_reads_it_and_finds_the_same_figures(live_server, page):
    smtp = SmtpServer().start()
    try:
        with time_machine.travel(datetime(2025, 11, 4, 8, 30, tzinfo=SCHOOL_ZONE), tick=True):
            journey(live_server(dict(MAIL_SUPPRESS_SEND=False, MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port)),
                    smtp, page)
    finally:
        smtp.stop()


def journey(server, smtp, page):
    with server.app.app_context():
        maja_id = every_band_and_situation()["maja"].id

    page.goto(server.url + "/staff/sign-in")
    page.get_by_label("Email address").fill("head@bothal.example.com")
    page.get_by_role("textbox", name="Password").fill(HEAD_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Review queue").wait_for()
    page.get_by_role("link", name="Messages").click()
    page.get_by_role("heading", name="Messages to parents").wait_for()
    check_axe(page)
    assert page.get_by_text("Not emailed: held: a decision about the child is open in the queue").is_visible()
    page.get_by_text("(Polish) about Maja Nowak").click()
    assert page.get_by_text("W tym roku szkolnym Maja ma dotąd 5,5").is_visible()
    check_axe(page)
    screenshot(page, "nudges", "staff-preview")
    page.get_by_role("button", name="Send now").click()
    page.get_by_text("9 emails queued").wait_for()
    check_axe(page)

    wait_for_mail(smtp.inbox, 9)  # delivered by the outbox worker, as in production
    with server.app.app_context():
        assert notify.deliver_due() == (0, 0)  # nothing left, nothing twice
    assert len(smtp.inbox.messages) == 9
    [polish] = [m for m in smtp.inbox.messages if m["To"] == "anna@example.com"]
    assert polish["Subject"] == "Frekwencja – Maja: 5,5 dnia nieobecności w tym roku szkolnym"
    body = plain_body(polish).replace("\u00a0", " ")
    assert "W tym roku szkolnym Maja ma dotąd 5,5 dnia nieobecności na 39 dni nauki." in body
    link = re.search(r"http://\S+/parent/children/\d+", body).group(0)
    assert link.endswith(f"/parent/children/{maja_id}")

    page.context.clear_cookies()  # the email, read on a phone (away from the portal's CSP, as in a mail app)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("about:blank")
    page.set_content(polish.get_body(("html",)).get_content())
    check_axe(page)
    screenshot(page, "nudges", "email-polish-phone")

    with server.app.app_context():  # the parent signs in by the emailed link, then follows the message's link
        parent_access.request_sign_in_link("anna@example.com")
        sign_in = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first().body_text
    page.goto(re.search(r"http://\S+/sign-in/\S+", sign_in).group(0))
    page.get_by_role("button", name="Sign in").click()
    page.goto(link)  # in Polish, her contact record's preferred language, until she chooses another
    page.get_by_role("heading", name="Frekwencja: Maja Nowak").wait_for()
    assert page.locator("html").get_attribute("lang") == "pl"
    check_axe(page)
    # The email's figures: 5,5 days missed so far, about 27 by the end of the year if it goes on the same way.
    assert page.get_by_text("i ma 5,5 dnia nieobecności").first.is_visible()
    assert page.get_by_text("będzie miało na koniec roku około 27 dni nieobecności").is_visible()
    assert page.get_by_role("button", name="English").is_visible()  # the language navigation, to switch back
    screenshot(page, "nudges", "child-page-phone")
