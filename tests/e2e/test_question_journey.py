"""The office asks a parent a question about an absence; the parent answers from the emailed link; the office reads
the answer. Real Chromium, CSRF on, axe on every page (the seed policy: the office may ask, not authorise)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from browser_fixtures import check_axe
from factories import calendar, load_trust, make_pupil
from moved_policy import example_on
from parents import make_parent
from portal.clock import school_today
from portal.extensions import db
from portal.models import OutboxMessage
from portal.services import absences, parent_access
from staff import make_staff

PASSWORD = "office-password-2026"

# The browser's cookie jar keeps the machine's time: the portal must too (tests/conftest.py school_clock).
pytestmark = pytest.mark.real_clock


def last_email_to(server, address: str) -> str:
    with server.app.app_context():
        messages = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc()))
        return next(m.body_text for m in messages if address in m.recipients)


@pytest.mark.e2e
def test_the_office_asks_and_the_parent_answers(live_server, page):
    server = live_server()
    with server.app.app_context():
        load_trust(example_on(school_today()))
        sam = make_pupil("122239", forename="Sam", registration_group="3H")
        parent = make_parent("jo@example.com", sam)
        day = calendar().next_school_day(school_today() + timedelta(days=1))
        reference = absences.submit(parent, absences.AbsenceDraft([sam.id], day, day, "day", "illness", "q1")).reference
        make_staff("office@bothal.example", "office", "122239", password=PASSWORD)

    page.goto(server.url + "/staff/sign-in")
    page.get_by_label("Email address").fill("office@bothal.example")
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Sam Taylor").click()
    page.get_by_label("Ask the parent a question").check()
    page.get_by_label("Message to the parent").fill("Is it chickenpox?")
    page.get_by_role("button", name="Save decision").click()
    page.goto(server.url + "/staff/?status=question")
    page.get_by_role("link", name="Sam Taylor").click()
    page.get_by_text("Waiting for the parent's answer.").wait_for()
    check_axe(page)

    report_link = re.search(r"http://\S+/parent/reports/\S+", last_email_to(server, "jo@example.com")).group(0)
    with server.app.app_context():
        parent_access.request_sign_in_link("jo@example.com")
    sign_in = re.search(r"http://\S+/sign-in/\S+", last_email_to(server, "jo@example.com")).group(0)
    page.context.clear_cookies()
    page.goto(sign_in)
    page.get_by_role("button", name="Sign in").click()
    page.goto(report_link)
    page.get_by_text("The school asks: Is it chickenpox?").wait_for()
    check_axe(page)
    page.get_by_role("button", name="Send your answer").click()
    page.get_by_role("heading", name="There is a problem").wait_for()  # nothing written yet
    check_axe(page)
    page.get_by_label("Your answer about Sam").fill("Yes, spots since Sunday.")
    page.get_by_role("button", name="Send your answer").click()
    page.get_by_text("Your answer about Sam has been sent to the school.").wait_for()
    check_axe(page)
    assert reference in page.url

    page.context.clear_cookies()
    page.goto(server.url + "/staff/sign-in")
    page.get_by_label("Email address").fill("office@bothal.example")
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Answered: with the school").wait_for()
    page.get_by_role("link", name="Sam Taylor").click()
    page.get_by_text("The parent answered on").wait_for()
    assert page.get_by_text("Yes, spots since Sunday.").is_visible()
    check_axe(page)
