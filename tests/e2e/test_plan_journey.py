"""An attendance support plan, end to end (issue 7's "Done when"): staff draft a plan, a parent signs it through the
emailed link, the PDF shows both signatures and the version hash.

Real Chromium, a real SMTP server, CSRF on; axe checks every page visited. The policy is ALP's (examples/alp.toml),
whose `draft_support_plans` role includes the attendance officer. Screenshots of the key pages are saved under
test-results/plan-journey/.
"""

from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from browser_fixtures import check_axe, fill_date, screenshot
from factories import BOTHAL, add_marks, calendar, load_trust, make_pupil
from moved_policy import example_on
from parents import make_parent
from portal.clock import school_today
from portal.extensions import db
from portal.models.support_plan import SupportPlan
from smtp import SmtpServer, plain_body, wait_for_mail
from staff import make_staff

PASSWORD = "officer-password-2026"

# The browser's cookie jar keeps the machine's time: the portal must too (tests/conftest.py school_clock).
pytestmark = pytest.mark.real_clock


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def download(page, link_name: str) -> tuple[str, bytes]:
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).click()
    done = info.value
    return done.suggested_filename, Path(done.path()).read_bytes()


@pytest.mark.e2e
def test_staff_draft_a_plan_and_a_parent_signs_it_through_the_emailed_link(live_server, browser):
    smtp = SmtpServer().start()
    staff_context = browser.new_context(locale="en-GB", timezone_id="Europe/London", accept_downloads=True)
    parent_context = browser.new_context(locale="en-GB", timezone_id="Europe/London", accept_downloads=True)
    try:
        server = live_server({"MAIL_SUPPRESS_SEND": False, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp.port})
        with server.app.app_context():
            load_trust(example_on(school_today()))
            sam = make_pupil(BOTHAL, forename="Sam", surname="Taylor", registration_group="2T")
            cal = calendar()
            days = cal.school_days(school_today() - timedelta(days=42), school_today() - timedelta(days=1))
            add_marks(sam, [(d, s, "O" if i % 5 == 0 else ("/" if s == "AM" else "\\"))
                            for i, d in enumerate(days) for s in cal.sessions_on(d)])  # one day in five missed
            make_parent("jo@example.com", sam, name="Jo Taylor")
            make_staff("officer@bothal.example", "attendance_officer", BOTHAL, password=PASSWORD,
                       name="Ann Officer")
            meeting = school_today()
            review = cal.nth_school_day_after(meeting, 30)  # six school weeks on, on a school day
            if review is None:
                pytest.fail(f"examples/alp.toml's calendar ends {cal.last_day}: add the next school year's terms "
                            "so that a review six school weeks ahead can be set")

        # ------------------------------------------------------------ the attendance officer drafts the plan
        staff = staff_context.new_page()
        staff.goto(server.url + "/staff/sign-in")
        check_axe(staff)
        staff.get_by_label("Email address").fill("officer@bothal.example")
        staff.get_by_role("textbox", name="Password").fill(PASSWORD)
        staff.get_by_role("button", name="Sign in").click()
        staff.get_by_role("heading", name="Review queue").wait_for()
        check_axe(staff)
        staff.get_by_role("link", name="Support plans", exact=True).click()
        staff.get_by_role("heading", name="Support plans", level=1).wait_for()
        check_axe(staff)
        staff.get_by_label("UPN or name").fill("Taylor")
        staff.get_by_role("button", name="Find the pupil").click()
        staff.get_by_role("link", name="Start a plan for Sam Taylor").wait_for()
        check_axe(staff)
        staff.get_by_role("link", name="Start a plan for Sam Taylor").click()
        staff.get_by_role("heading", name="Sam Taylor", level=1).wait_for()
        check_axe(staff)

        fill_date(staff, "meeting_date", meeting)
        assert staff.get_by_label("Parent/Carer(s)").input_value() == "Jo Taylor"  # prefilled from the contacts
        staff.get_by_label("School representative(s)").fill("Ann Officer")
        staff.get_by_label("The school’s concerns").fill("Sam has missed most Mondays this term.")
        staff.get_by_label("The parent or carer’s views").fill("Mornings are hard since the baby arrived.")
        staff.get_by_label("Identified barriers to attendance").fill("The nursery run clashes with the school day.")
        staff.get_by_label("Check-ins with key adult/staff member", exact=True).check()
        staff.get_by_label("Help with morning routine or transition", exact=True).check()
        for commitment in ("Inform school before 9:00am if child is absent",
                           "Monitor attendance weekly and provide feedback"):
            assert staff.get_by_label(commitment, exact=True).is_checked()  # the template's, ticked to start with
        staff.get_by_label("Additional actions agreed").fill("Breakfast club on Mondays for the first half term.")
        fill_date(staff, "review_date", review)
        screenshot(staff, "plan-journey", "1-draft-form")
        staff.get_by_role("button", name="Save draft").click()

        staff.get_by_text("Check it, then send it to the family for signing.").wait_for()
        check_axe(staff)
        banner = staff.locator(".govuk-notification-banner").inner_text()
        reference = re.search(r"Draft saved as (SP-\d+)\.", banner).group(1)
        assert staff.get_by_text("Version 1 is a draft: only staff can see it.").is_visible()
        staff.get_by_role("button", name="Send to the family for signing").click()
        staff.get_by_text("Version 1 sent. We emailed jo@example.com to read and sign it.").wait_for()
        check_axe(staff)
        screenshot(staff, "plan-journey", "2-plan-sent")

        staff.get_by_role("link", name="Sign version 1 for the school").click()
        staff.get_by_role("heading", name="Sign for the school").wait_for()
        check_axe(staff)
        staff.get_by_label("Type your full name to sign").fill("Ann Officer")
        staff.get_by_label("I have read this plan and I sign it for the school").check()
        staff.get_by_role("button", name="Sign for the school").click()
        staff.get_by_text("Signed for the school: version 1.").wait_for()
        check_axe(staff)

        plan_id = int(re.search(r"/staff/plans/(\d+)$", staff.url).group(1))
        with server.app.app_context():
            plan = db.session.get(SupportPlan, plan_id)
            assert plan.reference == reference
            pupil_id, sha = plan.pupil_id, plan.current.sha256
        assert re.fullmatch(r"[0-9a-f]{64}", sha)

        # ------------------------------------------------------------ the parent follows the emailed link
        invitation = wait_for_mail(smtp.inbox, 1)
        assert invitation["To"] == "jo@example.com"
        assert invitation["Subject"] == "Please read and sign Sam’s attendance support plan"
        plan_link = re.search(r"Read and sign the plan: (http://\S+)", plain_body(invitation)).group(1)
        assert plan_link == server.url + f"/parent/children/{pupil_id}/plans/{plan_id}"

        page = parent_context.new_page()
        page.goto(plan_link)  # signed out: the portal asks them to sign in first
        page.get_by_role("heading", name="Sign in to the attendance portal").wait_for()
        check_axe(page)
        page.get_by_label("Email address").fill("jo@example.com")
        page.get_by_role("button", name="Email me a sign-in link").click()
        page.get_by_role("heading", name="Check your email").wait_for()
        check_axe(page)
        sign_in_mail = wait_for_mail(smtp.inbox, 2)
        sign_in_link = re.search(r"http://\S+/sign-in/\S+", plain_body(sign_in_mail)).group(0)
        page.goto(sign_in_link)
        check_axe(page)
        page.get_by_role("button", name="Sign in").click()

        page.get_by_role("heading", name="Sam’s attendance support plan").wait_for()  # back at the plan
        assert page.url == plan_link
        check_axe(page)
        screenshot(page, "plan-journey", "3-parent-reads-the-plan")
        main = page.locator("main")
        assert main.get_by_text("Inform school before 9:00am if child is absent").first.is_visible()
        assert main.get_by_text("Breakfast club on Mondays for the first half term.").first.is_visible()
        assert main.get_by_text(f"Bothal Primary School · plan {reference}, version 1").is_visible()
        fingerprint = " ".join(sha[i:i + 8] for i in range(0, 64, 8))
        assert page.get_by_text(f"Fingerprint of this version (SHA-256): {fingerprint}.").is_visible()
        assert page.locator("input[name=sha256]").input_value() == sha

        page.get_by_label("Type your full name to sign").fill("Jo Taylor")
        page.get_by_label("I have read this plan and I agree to it").check()
        screenshot(page, "plan-journey", "4-parent-signs")
        page.get_by_role("button", name="Sign the plan").click()
        page.get_by_text("You have signed Sam’s plan. Thank you.").wait_for()
        check_axe(page)
        assert page.get_by_role("heading", name="What you agreed to").is_visible()
        assert page.get_by_role("button", name="Sign the plan").count() == 0
        screenshot(page, "plan-journey", "5-parent-signed")

        agreed = wait_for_mail(smtp.inbox, 3)  # the plan's owner hears it is agreed
        assert agreed["To"] == "officer@bothal.example"
        assert agreed["Subject"] == f"{reference}: Sam Taylor’s plan is agreed"

        # ------------------------------------------------------------ the PDF, as the parent downloads it
        filename, data = download(page, "Download the plan as a PDF")
        assert filename == f"{reference}-version-1.pdf"
        text = pdf_text(data)
        assert "Jo Taylor" in text and "Ann Officer" in text
        assert "Signed by typing the name Jo Taylor" in " ".join(text.split())
        assert "Signed by typing the name Ann Officer" in " ".join(text.split())
        assert text.count(sha) >= 3, f"the version hash {sha} should appear for each signature and the version"

        # ------------------------------------------------------------ and as staff see it
        staff.reload()
        check_axe(staff)
        assert staff.get_by_text("“Jo Taylor”").is_visible() and staff.get_by_text("“Ann Officer”").is_visible()
        screenshot(staff, "plan-journey", "6-staff-sees-both-signatures")
        _, staff_copy = download(staff, "Download version 1 as a PDF")
        staff_text = pdf_text(staff_copy)
        assert "Jo Taylor" in staff_text and "Ann Officer" in staff_text and sha in staff_text
    finally:
        staff_context.close()
        parent_context.close()
        smtp.stop()
