"""A parent switches the portal's language with the header's language navigation: Polish, Romanian, Urdu (right to
left: the layout mirrors) and back to English, the choice kept from page to page. Real Chromium, CSRF on, axe on
every page in each language."""

from __future__ import annotations

import re
import subprocess

import pytest
from sqlalchemy import select

from browser_fixtures import check_axe, screenshot
from factories import load_trust, make_pupil
from moved_policy import example_on
from parents import make_parent
from portal.clock import school_today
from portal.extensions import db
from portal.models import OutboxMessage
from portal.services import parent_access

pytestmark = pytest.mark.real_clock  # the browser's cookie jar keeps the machine's time


def box(page, selector: str) -> dict:
    return page.locator(selector).first.bounding_box()


def direction(page, selector: str) -> str:
    return page.locator(selector).first.evaluate("element => getComputedStyle(element).direction")


@pytest.mark.e2e
def test_a_parent_switches_language_and_urdu_mirrors_the_layout(live_server, page):
    server = live_server()
    with server.app.app_context():
        load_trust(example_on(school_today()))
        sam = make_pupil("122239", forename="Sam", surname="Taylor", registration_group="3H")
        make_parent("jo@example.com", sam)
        parent_access.request_sign_in_link("jo@example.com")
        email = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first().body_text
        child_path = f"/parent/children/{sam.id}"
    page.set_viewport_size({"width": 1024, "height": 800})
    page.goto(re.search(r"http://\S+/sign-in/\S+", email).group(0))
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Your children").wait_for()
    page.goto(server.url + child_path)
    page.get_by_role("heading", name="Sam Taylor’s attendance").wait_for()
    check_axe(page)
    english_name, english_heading = box(page, ".govuk-service-navigation__service-name"), box(page, "h1")

    page.get_by_role("button", name="Polski").click()
    page.get_by_role("heading", name="Frekwencja: Sam Taylor").wait_for()
    assert page.locator("html").get_attribute("lang") == "pl"
    check_axe(page)
    page.get_by_role("link", name="Zgłoś nieobecność").first.click()  # the choice stays from page to page
    page.get_by_role("heading", name="Zgłoś nieobecność").wait_for()
    assert page.get_by_text("Kto jest nieobecny?").is_visible()
    check_axe(page)
    page.goto(server.url + child_path)

    page.get_by_role("button", name="Română").click()
    page.get_by_role("heading", name="Prezența la școală: Sam Taylor").wait_for()
    check_axe(page)

    page.get_by_role("button", name="اردو").click()
    page.get_by_role("heading", name="Sam Taylor کی حاضری").wait_for()
    html = page.locator("html")
    assert (html.get_attribute("lang"), html.get_attribute("dir")) == ("ur", "rtl")
    assert direction(page, ".govuk-service-navigation") == direction(page, "#language-navigation") == "rtl"
    urdu_name, urdu_heading = box(page, ".govuk-service-navigation__service-name"), box(page, "h1")
    width = page.viewport_size["width"]
    # Mirrored: the service's name moves to the right edge, and the page's two-thirds column (with its heading)
    # to the right-hand side.
    assert english_name["x"] < width / 2 < urdu_name["x"]
    assert urdu_heading["x"] > english_heading["x"] + width / 5
    check_axe(page)
    screenshot(page, "language", "child-page-urdu")

    page.get_by_role("button", name="English").click()
    page.get_by_role("heading", name="Sam Taylor’s attendance").wait_for()
    assert page.locator("html").get_attribute("dir") == "ltr"


def test_chromium_has_a_font_with_urdu_letters():
    """Without one (Debian: fonts-noto-core, debian-packages.txt), Urdu pages show empty boxes."""
    families = subprocess.run(["fc-list", ":lang=ur", "family"], capture_output=True, text=True).stdout
    assert families.strip(), "no font covers Urdu: apt-get install fonts-noto-core (make test-packages)"


@pytest.mark.e2e
@pytest.mark.parametrize("width", [320, 375])
def test_a_closed_day_reads_whole_in_polish_on_a_phone_and_english_still_fits(live_server, page, width):
    server = live_server()
    with server.app.app_context():
        load_trust(example_on(school_today()))
        sam = make_pupil("122239", forename="Sam", surname="Taylor", registration_group="3H")
        make_parent("jo@example.com", sam)
        parent_access.request_sign_in_link("jo@example.com")
        email = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first().body_text
        register_path = f"/parent/children/{sam.id}/register"
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(re.search(r"http://\S+/sign-in/\S+", email).group(0))
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Your children").wait_for()
    page.goto(server.url + register_path)
    page.get_by_role("heading", name="Sam Taylor’s register").wait_for()

    def layout() -> dict:
        # Measured once the page has loaded and its fonts are ready: a fallback font swapped in later moves widths.
        page.wait_for_load_state("load")
        return page.evaluate("""async () => {
            await document.fonts.ready;
            const closed = [...document.querySelectorAll('.portal-register .portal-mark--closed')];
            const line = parseFloat(getComputedStyle(closed[0]).lineHeight);
            const scroll = document.querySelector('.portal-register-scroll');
            return {closed: closed.length, one_line: closed.every(e => e.getBoundingClientRect().height < 1.5 * line),
                    word: closed[0].textContent.trim(), page_overflows: document.documentElement.scrollWidth > innerWidth,
                    table_scrolls: scroll.scrollWidth > scroll.clientWidth};
        }""")

    english = layout()
    assert english["closed"] and english["word"] == "Closed" and english["one_line"], english
    assert not english["page_overflows"] and not english["table_scrolls"], english  # English: five days across

    page.get_by_role("button", name="Polski").click()
    page.get_by_role("heading", name="Dziennik: Sam Taylor").wait_for()
    polish = layout()
    assert polish["word"] == "Zamknięte" and polish["one_line"], polish  # the whole word, never "Zamknię-te"
    assert not polish["page_overflows"], polish  # only the register's own region scrolls, never the page
    check_axe(page)
    screenshot(page, "language", f"register-polish-{width}px")
