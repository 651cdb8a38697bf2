"""The legal pathway, end to end (issue 18's "Done when"): two children over the penalty-notice threshold, a notice to
improve for each parent of each child, sent separately; at the end of the period one child improved and the other
did not; a penalty-notice decision recorded; the case file PDF holds the register extract, the letters and the
support plan's signatures.

Real Chromium, a real SMTP server, CSRF on; axe checks every page visited. The school's "today" is fixed by the
test (the views read it through `today()`) so that the improvement period can end while the test runs.
Screenshots of the key pages are saved under test-results/legal-journey/.
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

import portal.web.staff.legal as legal_views
import portal.web.staff.legal_records as record_views
from browser_fixtures import check_axe, fill_date, screenshot
from factories import BOTHAL, add_marks, calendar, load_trust, make_pupil, sessions
from parents import make_parent
from portal.extensions import db
from portal.models import ParentAccount
from portal.services import support_plans
from smtp import SmtpServer, wait_for_mail
from staff import make_staff

PASSWORD = "head-password-2026"
LETTER_DAY = date(2026, 10, 14)  # the period runs 15 October to 2 December 2026 (6 school weeks, half-term skipped)
AFTER = date(2026, 12, 3)


def _world(app):
    with app.app_context():
        load_trust()
        cal = calendar(BOTHAL)
        sam = make_pupil(BOTHAL, forename="Sam", surname="Taylor", registration_group="2T")
        ash = make_pupil(BOTHAL, forename="Ash", surname="Taylor", registration_group="4B")
        for pupil in (sam, ash):
            add_marks(pupil, sessions(cal, date(2026, 9, 2), "O" * 10 + "/" * 20))
        period = cal.sessions(date(2026, 10, 15), date(2026, 12, 2))
        add_marks(sam, [(d, s, "/") for d, s in period])  # Sam: every session
        add_marks(ash, [(d, s, "G" if d == date(2026, 11, 20) else "/") for d, s in period])  # Ash: a day away
        make_parent("jo@example.com", sam, ash, name="Jo Taylor")
        make_parent("alex@example.com", sam, ash, name="Alex Taylor")
        head = make_staff("head@bothal.example", "headteacher", BOTHAL, password=PASSWORD, name="Miss L Hall")
        plan = support_plans.draft_plan(head, sam.id, support_plans.PlanInput(
            meeting_date=date(2026, 9, 14), review_date=date(2026, 10, 12), concerns="Mondays",
            support_offered=["Check-ins with key adult/staff member"]), now=datetime(2026, 9, 14, 10))
        support_plans.send_for_signing(head, plan.id, now=datetime(2026, 9, 14, 11))
        jo = db.session.query(ParentAccount).filter_by(email="jo@example.com").one()
        support_plans.sign_as_parent(jo, plan.id, 1, plan.current.sha256, "Jo Taylor", True,
                                     now=datetime(2026, 9, 15, 18))
        return {"sam": sam.id, "ash": ash.id, "plan_sha": plan.current.sha256}


def _notices_for(page, name: str) -> list[str]:
    """From the pathway page, draft a notice for each parent and send each: returns their references."""
    page.get_by_role("link", name=name, exact=True).click()
    page.get_by_role("heading", name=name, level=1).wait_for()
    check_axe(page)
    page.get_by_label("The meeting offered").fill("Tuesday 20 October at 9.15am with Miss Hall, at school")
    page.get_by_role("button", name="Draft a notice for each parent").click()
    banner = page.get_by_text("one for each parent").inner_text()
    references = re.findall(r"NTI-\d+", banner)
    assert "to Jo Taylor" in banner and "to Alex Taylor" in banner and len(references) == 2
    check_axe(page)
    for reference in references:
        page.goto(page.url.rsplit("/", 1)[0] + "/" + str(int(reference.split("-")[1])))
        page.get_by_role("button", name="Send this notice").click()
        page.get_by_text(f"{reference} sent and emailed to").wait_for()
        check_axe(page)
    return references


@pytest.mark.e2e
def test_from_the_threshold_to_a_decision_and_the_case_file(live_server, browser, monkeypatch):
    smtp = SmtpServer().start()
    context = browser.new_context(locale="en-GB", timezone_id="Europe/London", accept_downloads=True)
    clock = {"today": LETTER_DAY}
    for module in (legal_views, record_views):
        monkeypatch.setattr(module, "today", lambda: clock["today"])
    try:
        server = live_server({"MAIL_SUPPRESS_SEND": False, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp.port})
        world = _world(server.app)

        page = context.new_page()
        page.goto(server.url + "/staff/sign-in")
        page.get_by_label("Email address").fill("head@bothal.example")
        page.get_by_role("textbox", name="Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("heading", name="Review queue").wait_for()
        page.get_by_role("link", name="Legal pathway", exact=True).click()
        page.get_by_role("heading", name="Legal pathway", level=1).wait_for()
        check_axe(page)
        assert page.get_by_role("link", name="Sam Taylor", exact=True).is_visible()
        assert page.get_by_role("link", name="Ash Taylor", exact=True).is_visible()
        screenshot(page, "legal-journey", "1-threshold")

        sam_notices = _notices_for(page, "Sam Taylor")
        screenshot(page, "legal-journey", "2-notice-sent")
        fill_date(page, "posted_on", LETTER_DAY)
        page.get_by_role("button", name="Record the posted copy").click()
        page.get_by_text("Posted on Wednesday 14 October 2026: recorded.").wait_for()
        check_axe(page)
        page.get_by_role("link", name="Legal pathway", exact=True).click()
        ash_notices = _notices_for(page, "Ash Taylor")

        wait_for_mail(smtp.inbox, 6)  # the support plan's two invitations went out first
        notices = [m for m in smtp.inbox.messages if m["Subject"].startswith("Notice to improve")]
        assert sorted(tuple(m["To"].split(",")) for m in notices) == [
            ("alex@example.com",), ("alex@example.com",), ("jo@example.com",), ("jo@example.com",)]

        # ------------------------------------------------------------ the period ends
        clock["today"] = AFTER
        page.get_by_role("link", name="Legal pathway", exact=True).click()
        page.get_by_role("link", name=re.compile(f"^{sam_notices[0]}")).click()
        page.get_by_role("heading", name="Improved: no further unauthorised absence").wait_for()
        check_axe(page)
        page.get_by_role("link", name="Legal pathway", exact=True).click()
        page.get_by_role("link", name=re.compile(f"^{ash_notices[0]}")).click()
        page.get_by_role("heading", name="Not improved: further unauthorised absence").wait_for()
        assert page.get_by_text("Friday 20 November 2026, morning: G").is_visible()
        check_axe(page)
        screenshot(page, "legal-journey", "3-not-improved")

        # ------------------------------------------------------------ a penalty-notice decision for Ash's parent
        page.get_by_role("link", name="Back to Ash’s pathway").click()
        page.get_by_label("Jo Taylor").check()
        page.get_by_label("Irregular attendance (unauthorised absence)").check()
        fill_date(page, "on", AFTER)
        page.get_by_role("button", name="Record that a penalty notice is being considered").click()
        page.get_by_text("recorded that a penalty notice is being considered for Jo Taylor").wait_for()
        check_axe(page)
        assert page.get_by_text("First notice: £80 if paid within 21 days, £160 within 28 days.").is_visible()
        page.get_by_label("Requested from the local authority").check()
        fill_date(page, "on", AFTER)
        page.get_by_role("button", name="Record this step").click()
        page.get_by_text("requested from the local authority recorded").wait_for()
        check_axe(page)
        screenshot(page, "legal-journey", "4-decision")

        # ------------------------------------------------------------ the case file
        page.get_by_role("link", name="Legal pathway", exact=True).click()
        page.get_by_role("link", name="Sam Taylor", exact=True).click()
        page.get_by_role("link", name="Case file").click()
        page.get_by_role("heading", name="Sam Taylor", level=1).wait_for()
        check_axe(page)
        with page.expect_download() as info:
            page.get_by_role("button", name="Download the case file (PDF)").click()
        pdf = Path(info.value.path()).read_bytes()
        text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
        for wanted in ("Register extract", "Wed 2 Sep 2026 O Absent in other or unknown circumstances",
                       "Signed “Jo Taylor”", world["plan_sha"][:32], "Dear Jo Taylor", "Dear Alex Taylor",
                       sam_notices[0], sam_notices[1], "No unauthorised absence during the period."):
            assert wanted in text, wanted

        page.get_by_role("link", name="Legal pathway", exact=True).click()
        page.get_by_role("link", name="Returns to the local authority").click()
        page.get_by_role("heading", name="Returns to the local authority").wait_for()
        check_axe(page)
    finally:
        context.close()
        smtp.stop()
