"""The school office at 9.30: the first-day contact list, a parent's report arriving, triage from the queue.

Real Chromium, CSRF on, axe on every page. The policy is ALP's with the office allowed to authorise absence,
as many schools delegate it (both seeds keep it to the headteacher: see tests/services/test_review.py).
"""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from sqlalchemy import select

from browser_fixtures import check_axe
from factories import add_marks, calendar, make_pupil
from moved_policy import example_on
from parents import make_parent
from portal.clock import school_today
from portal.extensions import db
from portal.models import OutboxMessage
from portal.services import absences, parent_access
from portal.services.policies import load_policy_source
from staff import make_staff

PASSWORD = "office-password-2026"

# The browser's cookie jar keeps the machine's time: the portal must too (tests/conftest.py school_clock).
pytestmark = pytest.mark.real_clock


@pytest.mark.e2e
def test_the_office_works_the_first_day_list_and_the_queue(live_server, page, tmp_path):
    server = live_server()
    with server.app.app_context():
        policy = example_on(school_today()).read_text().replace(
            'authorise_absence = ["headteacher"]', 'authorise_absence = ["office", "headteacher"]', 1)
        load_policy_source(policy, actor="test")
        day = calendar().previous_school_day(school_today())
        sam = make_pupil("122239", forename="Sam", registration_group="3H")
        parent = make_parent("jo@example.com", sam)
        add_marks(sam, [(day, "AM", "N"), (day, "PM", "N")], recorded_at=datetime.combine(day, datetime.min.time()))
        sam_id = sam.id
        make_staff("office@bothal.example", "office", "122239", password=PASSWORD)

    page.goto(server.url + "/staff/sign-in")
    check_axe(page)
    page.get_by_label("Email address").fill("office@bothal.example")
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Review queue").wait_for()
    check_axe(page)

    first_day = f"{server.url}/staff/first-day?on={day.day}&on={day.month}&on={day.year}"
    page.goto(first_day)
    check_axe(page)
    assert page.get_by_text("Sam Taylor").count() >= 1
    assert page.get_by_text("No one to contact").count() == 0
    page.goto(f"{server.url}/staff/first-day/pupils/{sam_id}?on={day.day}&on={day.month}&on={day.year}")
    check_axe(page)  # "Log a step": its back link in a landmark
    page.get_by_role("link", name="Back to the list").click()

    with server.app.app_context():  # the parent reports, late, from home
        parent = db.session.merge(parent)
        report = absences.submit(parent, absences.AbsenceDraft([sam_id], day, day, "day", "illness", "e2e-key"))
        reference = report.reference
    page.goto(first_day)
    check_axe(page)
    assert page.get_by_text("No one to contact").is_visible()
    assert page.get_by_text("Marked N, but a parent has reported the absence").is_visible()

    page.goto(server.url + "/staff/")
    page.get_by_role("link", name="Sam Taylor").click()
    check_axe(page)
    page.get_by_label("Accept and record it with a code").check()
    page.get_by_role("textbox", name="Code").fill("I")
    page.get_by_role("button", name="Save decision").click()
    page.get_by_text("Nothing is waiting for you").wait_for()
    check_axe(page)

    page.goto(server.url + "/staff/oversight")
    check_axe(page)
    page.goto(server.url + "/staff/oversight/persistent_absence")
    check_axe(page)  # an oversight list: its back link in a landmark, each pupil linked
    page.get_by_role("navigation", name="Back").get_by_role("link", name="Oversight").click()
    page.goto(server.url + "/staff/audit")
    check_axe(page)  # changes in words, long values wrapped

    export = tmp_path / "decisions.csv"
    result = server.app.test_cli_runner().invoke(args=["export", "marks", str(export)])
    assert result.exit_code == 0, result.output
    rows = export.read_text().splitlines()
    assert len([r for r in rows if f",{day.isoformat()}," in r and ",I," in r]) == 2

    with server.app.app_context():  # the parent signs in through an emailed link and sees the outcome
        parent_access.request_sign_in_link("jo@example.com")
        body = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first().body_text
    link = re.search(r"http://\S+/sign-in/\S+", body).group(0)
    page.context.clear_cookies()
    page.goto(link)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{server.url}/parent/reports/{reference}")
    check_axe(page)
    assert page.get_by_text("Recorded in the register: Ill (code I).").is_visible()
