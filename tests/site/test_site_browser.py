"""The built site in real Chromium: axe finds no violation on any page, it works from a folder opened from disk,
and it prints without the navigation. Also: the live portal does not serve the site's pages."""

from __future__ import annotations

import pytest
from browser_fixtures import check_axe
from site_helpers import ALP, RP, build, instance_folder

from portal.services.site import PREFIX

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    root = tmp_path_factory.mktemp("browser")
    with instance_folder(root / "instance"):
        build(root / "out", ALP, RP)
    return root / "out"


def test_axe_finds_no_violation_on_any_page(out, static_server, page):  # noqa: F811
    base = static_server(out)
    names = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html"))
    assert len(names) == 34  # the front page and 11 pages for each of 3 schools
    for name in names:
        response = page.goto(f"{base}/{name}")
        assert response.status == 200, name
        check_axe(page)


PHONE = {"width": 375, "height": 812}


def test_every_page_of_every_schools_site_fits_a_phone_and_passes_axe(out, static_server, browser):
    """Both example policies, every page reached from the front page, at 375 px wide: no page scrolls sideways
    (the school-times table once made pages 461-472 px wide), and axe finds nothing at that width either."""
    base = static_server(out)
    context = browser.new_context(viewport=PHONE, locale="en-GB", timezone_id="Europe/London")
    try:
        phone = context.new_page()
        seen, queue, wide = set(), [f"{base}/index.html"], []
        while queue:
            url = queue.pop()
            if url in seen:
                continue
            seen.add(url)
            assert phone.goto(url).status == 200, url
            overflow = phone.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            if overflow > 0:
                wide.append((url.removeprefix(base), overflow))
            check_axe(phone)
            for href in phone.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
                if href.startswith(base) and href.endswith(".html"):
                    queue.append(href.split("#")[0])
        assert len(seen) == 34  # the front page and 11 pages for each of 3 schools
        assert not wide, f"pages wider than the phone (path, extra px): {wide}"
    finally:
        context.close()


def test_a_folder_opened_from_disk_works(out, page):  # noqa: F811
    failed = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.goto((out / "index.html").as_uri())
    page.get_by_role("link", name="Central Primary School").click()
    assert page.title() == "Attendance – Central Primary School"
    page.get_by_role("link", name="Term dates", exact=True).first.click()
    assert page.title() == "Term dates – Central Primary School"
    assert page.url.endswith("/central/term-dates/index.html")
    # The stylesheet loaded from disk: GOV.UK Frontend's heading weight applies.
    assert page.evaluate("getComputedStyle(document.querySelector('h1')).fontWeight") == "700"
    page.get_by_role("link", name="Leave in term time").first.click()
    assert "At least 14 days before" in page.inner_text("main")
    assert not failed, failed


def test_printing_leaves_out_navigation_and_keeps_the_content(out, page):  # noqa: F811
    page.goto((out / "rise-park" / "school-times" / "index.html").as_uri())
    assert page.is_visible(".govuk-service-navigation__wrapper")
    page.emulate_media(media="print")
    assert not page.is_visible(".govuk-service-navigation__wrapper")
    assert not page.is_visible(".govuk-footer__inline-list")
    assert page.is_visible("text=1.10pm")
    assert page.is_visible(".govuk-service-navigation__service-name")  # the school's name heads the page


def test_the_live_portal_does_not_serve_the_site(live_server, page):  # noqa: F811
    server = live_server()
    response = page.goto(f"{server.url}{PREFIX}/")
    assert response.status == 404
    response = page.goto(f"{server.url}{PREFIX}/static/css/site-print.css")
    assert response.status == 404
    assert page.goto(server.url + "/").status == 200
