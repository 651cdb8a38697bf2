"""A headteacher answers a subject access request: the page, a mistyped UPN, then the family's ZIP downloaded in
Chromium. Real CSRF; axe on every page state."""

from __future__ import annotations

import json
import zipfile
from datetime import date

import pytest

# Registers the page on the staff blueprint until portal/web/staff/__init__.py imports it (the lead's line).
from browser_fixtures import check_axe
from factories import BOTHAL, add_marks, load_trust, make_pupil
from moved_policy import example_on
from parents import make_parent
from portal.clock import school_today
import portal.web.staff.subject_access  # noqa: F401
from staff import make_staff

PASSWORD = "head-password-2026"

# The browser's cookie jar keeps the machine's time: the portal must too (tests/conftest.py school_clock).
pytestmark = pytest.mark.real_clock


@pytest.mark.e2e
def test_the_head_downloads_a_familys_data(live_server, page, tmp_path):
    server = live_server()
    with server.app.app_context():
        load_trust(example_on(school_today()))
        sam = make_pupil(BOTHAL, forename="Sam", surname="Taylor")
        tom = make_pupil(BOTHAL, forename="Tom", surname="Taylor")
        make_parent("jo@example.com", sam, tom, name="Jo Taylor")
        add_marks(sam, [(date(2026, 10, 1), "AM", "I")])
        upns = [sam.upn, tom.upn]
        make_staff("head@bothal.example", "headteacher", BOTHAL, password=PASSWORD)

    page.goto(server.url + "/staff/sign-in")
    page.get_by_label("Email address").fill("head@bothal.example")
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Review queue").wait_for()

    page.goto(server.url + "/staff/subject-access")
    page.get_by_role("heading", name="Subject access request").wait_for()
    check_axe(page)

    page.get_by_label("Pupil's UPN").fill("A929200125999")
    page.get_by_role("button", name="Download the family's data").click()
    page.get_by_text("There is a problem").wait_for()
    assert page.get_by_text("No pupil with UPN A929200125999 at your schools").count() >= 1
    check_axe(page)

    page.get_by_label("Pupil's UPN").fill(upns[0])
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the family's data").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name.startswith(f"subject-access-{upns[0]}-") and saved.suffix == ".zip"
    with zipfile.ZipFile(saved) as archive:
        document = json.loads(archive.read("family.json"))
    assert [p["upn"] for p in document["pupils"]] == upns
