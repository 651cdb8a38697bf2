"""A parent on a phone at 8.15: signs in through the emailed link, reports two siblings ill, gets the email.

Real Chromium, a real SMTP server, CSRF on; axe checks every page visited. Screenshots of the key pages are
saved under test-results/parent-journey/.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from browser_fixtures import check_axe, fill_date, screenshot
from factories import calendar, load_trust, make_pupil
from moved_policy import example_on
from parents import make_parent
from portal.clock import school_today
from smtp import SmtpServer, wait_for_mail

# The browser's cookie jar keeps the machine's time: the portal must too (tests/conftest.py school_clock).
pytestmark = pytest.mark.real_clock


@pytest.mark.e2e
def test_a_parent_signs_in_by_email_and_reports_two_siblings(live_server, browser):
    smtp = SmtpServer().start()
    try:
        server = live_server({"MAIL_SUPPRESS_SEND": False, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp.port})
        with server.app.app_context():
            load_trust(example_on(school_today()))
            sam = make_pupil("122239", forename="Sam", registration_group="3H")
            ali = make_pupil("122239", forename="Ali", registration_group="1B")
            make_parent("jo@example.com", sam, ali)
            day = calendar().next_school_day(school_today() + timedelta(days=1))
        phone = browser.new_context(locale="en-GB", viewport={"width": 390, "height": 844}, is_mobile=True)
        page = phone.new_page()

        page.goto(server.url + "/")
        check_axe(page)
        page.get_by_role("link", name="Parents and carers: sign in").click()
        check_axe(page)
        page.get_by_label("Email address").fill("jo@example.com")
        page.get_by_role("button", name="Email me a sign-in link").click()
        page.get_by_role("heading", name="Check your email").wait_for()
        check_axe(page)

        email = wait_for_mail(smtp.inbox, 1)
        link = re.search(r"http://\S+/sign-in/\S+", email.get_body(("plain",)).get_content()).group(0)
        page.goto(link)
        check_axe(page)
        page.get_by_label("Keep me signed in on this device for 30 days").check()
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("heading", name="Your children").wait_for()
        check_axe(page)
        screenshot(page, "parent-journey", "1-your-children")

        page.get_by_role("link", name="See Sam’s attendance and register").click()
        check_axe(page)
        page.goto(page.url + "/register")  # every week of the year (linked from the page once there is a month)
        page.get_by_role("heading", name="Sam Taylor’s register").wait_for()
        check_axe(page)
        page.get_by_role("link", name="Back to Sam’s attendance").click()
        page.get_by_role("heading", name="Sam Taylor’s attendance").wait_for()
        page.goto(server.url + "/parent/")

        page.get_by_role("button", name="Report an absence").click()
        check_axe(page)
        page.get_by_label("Sam Taylor (3H)").check()
        page.get_by_label("Ali Taylor (1B)").check()
        page.get_by_label("Another day").check()  # today and tomorrow need no date typed
        fill_date(page, "first_day", day)
        page.get_by_label("Just that day").check()
        page.get_by_label("Illness").check()
        page.get_by_label("Symptoms (optional)").fill("Temperature and a cough")
        screenshot(page, "parent-journey", "2-report-form")
        page.get_by_role("button", name="Continue").click()

        page.get_by_role("heading", name="Check your answers before sending your report").wait_for()
        check_axe(page)
        screenshot(page, "parent-journey", "3-check-answers")
        page.get_by_role("button", name="Send report").click()

        page.get_by_role("heading", name="Absence reported").wait_for()
        check_axe(page)
        screenshot(page, "parent-journey", "4-confirmation")
        reference = page.locator(".govuk-panel__body strong").inner_text()
        acknowledgement = wait_for_mail(smtp.inbox, 2)
        assert reference in acknowledgement["Subject"]
        body = acknowledgement.get_body(("plain",)).get_content()
        assert "Sam Taylor (Bothal Primary School): 2 sessions" in body
        assert "Ali Taylor (Bothal Primary School): 2 sessions" in body
        phone.close()
    finally:
        smtp.stop()
