"""A parent who reads the portal in Polish opens the school's notice to improve and their child's support plan on a
phone: the English letter or plan first, then its translation for their convenience. Real Chromium, axe on every
page; screenshots under test-results/letters-translated/."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from sqlalchemy import select

from browser_fixtures import check_axe, screenshot
from factories import BOTHAL, add_marks, calendar, load_trust, make_pupil, sessions
from parents import make_parent
from portal.extensions import db
from portal.models import OutboxMessage, ParentAccount
from portal.services import notices_to_improve, parent_access, support_plans
from staff import make_staff

pytestmark = pytest.mark.real_clock  # the browser's cookie jar keeps the machine's time
LETTER_DAY = date(2026, 10, 14)


def _family(app) -> dict:
    with app.app_context():
        load_trust()
        sam = make_pupil(BOTHAL, forename="Sam", surname="Taylor", registration_group="2T")
        add_marks(sam, sessions(calendar(BOTHAL), date(2026, 9, 2), "O" * 10 + "/" * 20))
        make_parent("jo@example.com", sam, name="Jo Taylor")
        db.session.scalar(select(ParentAccount).where(ParentAccount.email == "jo@example.com")).language = "pl"
        head = make_staff("head@bothal.example", "headteacher", BOTHAL, name="Miss L Hall")
        plan = support_plans.draft_plan(head, sam.id, support_plans.PlanInput(
            meeting_date=date(2026, 9, 14), review_date=date(2026, 10, 12), concerns="Mondays",
            support_offered=["Check-ins with key adult/staff member"]), now=datetime(2026, 9, 14, 10))
        support_plans.send_for_signing(head, plan.id, now=datetime(2026, 9, 14, 11))
        notice = notices_to_improve.draft_notices(head, sam.id, notices_to_improve.NoticeInput(
            "No further unauthorised absence", "Tuesday 20 October at 9.15am, at school"), LETTER_DAY)[0]
        notices_to_improve.send_notice(head, notice.id, LETTER_DAY)
        parent_access.request_sign_in_link("jo@example.com")
        email = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first().body_text
        return {"link": re.search(r"http://\S+/sign-in/\S+", email).group(0), "notice": f"/parent/notices/{notice.id}",
                "plan": f"/parent/children/{sam.id}/plans/{plan.id}"}


@pytest.mark.e2e
@pytest.mark.parametrize("width", [320, 1024])
def test_a_polish_parent_reads_the_notice_and_the_plan_with_their_translations(live_server, page, width):
    server = live_server()
    family = _family(server.app)
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(family["link"])
    page.get_by_role("button", name="Sign in").click()  # the link's page: not signed in yet, so in English
    page.get_by_role("heading", name="Państwa dzieci").wait_for()

    page.goto(server.url + family["notice"])
    page.get_by_role("heading", name="Notice to improve: Sam’s school attendance").wait_for()  # the letter itself
    translation = page.get_by_role("heading", name=re.compile("^Tłumaczenie dla Państwa wygody"))
    translation.wait_for()
    assert page.get_by_role("heading", name="Wezwanie do poprawy frekwencji dziecka (Sam)").is_visible()
    assert page.locator(".notice-letter__companion").get_attribute("lang") == "pl"
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")  # nothing wider than the phone
    check_axe(page)
    translation.scroll_into_view_if_needed()
    screenshot(page, "letters-translated", f"notice-{width}px")

    page.goto(server.url + family["plan"])
    page.get_by_role("heading", name="Podpisz plan").wait_for()
    companion = page.get_by_role("heading", name=re.compile("^Tłumaczenie dla Państwa wygody — podpisują"))
    assert companion.is_visible() and page.get_by_role("heading", name="Cel planu wsparcia").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    check_axe(page)
    companion.scroll_into_view_if_needed()
    screenshot(page, "letters-translated", f"plan-{width}px")
