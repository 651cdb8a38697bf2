"""A child's attendance page, as a signed-in parent sees it: figures with their meaning in days, the band in plain
words, what happens next, the register explained code by code, and the trend as an SVG with a table beside it."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from html.parser import HTMLParser

import pytest

import portal.web.parent.attendance  # noqa: F401  registers the route until portal.web.parent imports it
from portal.domain import codes
from portal.domain.attendance import days_until_below, summarise
from portal.domain.marks import Mark as DomainMark
from portal.services.policies import school_policy

from factories import BOTHAL, add_marks, calendar, in_england, load_trust, make_pupil, sessions
from parents import make_parent, sign_in_as

AS_OF = date(2025, 9, 8)  # Monday of the second week of the ALP 2025-26 calendar (1 September is an INSET day)
BROWSER = {"Accept": "text/html"}
EIGHT_PRESENT_TWO_ILL = ["/", "\\"] * 4 + ["I", "I"]  # Tue 2 to Fri 5 September in school, Monday 8 ill


class Page(HTMLParser):
    """The page's visible text (whitespace collapsed), each element's attributes, and the text by element id."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.html = html
        self.elements: list[tuple[str, dict]] = []
        self._chunks: list[str] = []
        self._ids: list[tuple[str, int]] = []  # (id, where its text starts), open
        self._depths: list[str | None] = []
        self.by_id: dict[str, str] = {}
        self.feed(html)
        self.text = " ".join(" ".join(self._chunks).split())

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.elements.append((tag, attrs))
        if tag in {"meta", "link", "input", "br", "hr", "img", "circle", "line", "polyline", "path"}:
            return
        self._depths.append(attrs.get("id"))
        if attrs.get("id"):
            self._ids.append((attrs["id"], len(self._chunks)))

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag in {"meta", "link", "input", "br", "hr", "img", "circle", "line", "polyline", "path"}:
            return
        if self._depths:
            closed = self._depths.pop()
            if closed:
                ident, start = self._ids.pop()
                self.by_id[ident] = " ".join(" ".join(self._chunks[start:]).split())

    def handle_data(self, data):
        self._chunks.append(data)

    def all(self, tag: str) -> list[dict]:
        return [attrs for name, attrs in self.elements if name == tag]


def grid_weeks(html: str) -> dict[str, list[list[str]]]:
    """The register grid: for each week (by its Monday, "8 September"), Monday to Friday, each day's marks as
    read aloud ("Morning: I Ill")."""
    grid = html.split('class="portal-register"', 1)[1].split("</table>", 1)[0]
    weeks = {}
    for body in grid.split("<tbody>")[1:]:
        monday = re.search(r"Week beginning <span[^>]*>\w+ </span>(\d+ \w+)", body).group(1)
        cells = re.findall(r"<td>(.*?)</td>", body, re.S)
        weeks[monday] = [[" ".join(re.sub(r"<[^>]+>", " ", "<" + mark).split())
                          for mark in cell.split('<span class="portal-mark portal-mark--')[1:]] for cell in cells]
    return weeks


@pytest.fixture(autouse=True)
def fixed_day(school_clock):
    school_clock.move_to(in_england(datetime.combine(AS_OF, time(18, 0))))


@pytest.fixture
def family(app):
    """Jo is the parent of Sam; Alex belongs to another family."""
    with app.app_context():
        load_trust()
        sam = make_pupil(BOTHAL, forename="Sam", surname="Taylor", site="upper")
        alex = make_pupil(BOTHAL, forename="Alex", surname="Jones")
        jo = make_parent("jo@example.com", sam)
        make_parent("other@example.com", alex, name="Other Parent")
        return {"jo": jo.id, "sam": sam.id, "alex": alex.id}


def sign_in_jo(client, app, family):
    from portal.extensions import db
    from portal.models import ParentAccount

    with app.app_context():
        sign_in_as(client, db.session.get(ParentAccount, family["jo"]))
    return client


@pytest.fixture
def signed_in(client, app, family):
    return sign_in_jo(client, app, family)


def child_page(client, pupil_id: int, status: int = 200) -> Page:
    response = client.get(f"/parent/children/{pupil_id}", headers=BROWSER)
    assert response.status_code == status
    return Page(response.get_data(as_text=True))


def give_marks(app, pupil_id: int, codes_in_order, recorded_at=datetime(2025, 9, 8, 16, 5)):
    from portal.extensions import db
    from portal.models import Pupil

    with app.app_context():
        pupil = db.session.get(Pupil, pupil_id)
        add_marks(pupil, sessions(calendar(), date(2025, 9, 1), codes_in_order), recorded_at=recorded_at)


def alp_calendar(app):
    with app.app_context():
        return calendar()


def remaining_sessions_after(app, day: date) -> int:
    """Sessions of the ALP calendar from the day after `day` to the end of the school year: counted here from the
    calendar directly, to check the page's "what happens next" against the domain."""
    return len(alp_calendar(app).sessions(day + timedelta(days=1), date(2026, 8, 31)))


def domain_summary(app, codes_in_order):
    marks = [DomainMark(d, s, c) for d, s, c in sessions(alp_calendar(app), date(2025, 9, 1), codes_in_order)]
    return summarise(marks)


def test_the_percentage_comes_with_its_meaning_in_days_and_the_band_in_words(signed_in, app, family):
    give_marks(app, family["sam"], EIGHT_PRESENT_TWO_ILL)

    page = child_page(signed_in, family["sam"])

    assert page.by_id["attendance-figure"] == "80.0%"
    summary = page.by_id["attendance-summary"]
    assert "Sam has attended 4 days out of 5 days, and has missed 1 day." in summary
    assert page.by_id["band"].startswith("Persistent absence")
    assert "missed 10% or more of school sessions" in page.by_id["band"]
    assert "target is 97%" in page.by_id["band"]
    assert page.by_id["authorised"] == "1 day (20.0%), of which illness 1 day"
    assert "illness is an authorised absence" in page.by_id["figures-explained"]
    assert page.by_id["unauthorised"].startswith("0 days (0.0%)")
    assert page.by_id["late-before-close"].startswith("0 times")
    assert page.by_id["late-after-close"].startswith("0 times")
    for word in ("fine", "prosecut", "court", "penalty"):
        assert word not in page.text.lower(), f"the page must not threaten: {word!r}"


def test_what_happens_next_uses_the_domain_with_the_rest_of_the_school_year(signed_in, app, family):
    give_marks(app, family["sam"], ["/", "\\"] * 5)  # five days in school: 100%
    remaining = remaining_sessions_after(app, AS_OF)
    summary = domain_summary(app, ["/", "\\"] * 5)
    below_target = days_until_below(summary, 97, remaining)
    below_ninety = days_until_below(summary, 90, remaining)

    page = child_page(signed_in, family["sam"])

    assert page.by_id["band"].startswith("On target")
    text = page.by_id["what-happens-next"]
    assert (f"If Sam misses {below_target} more days of school this school year, attendance will fall below the "
            "school’s target of 97%.") in text
    assert f"If Sam misses {below_ninety} more days of school this school year, attendance will fall below 90%." in text
    assert f"There are {remaining // 2} days of school left this school year" in text
    assert "attendance at the end of the year will be 100.0%" in text
    assert "support" not in page.by_id  # no support section while on target


def test_below_the_persistent_absence_line_the_page_says_how_to_get_back_and_what_help_there_is(
        signed_in, app, family):
    give_marks(app, family["sam"], EIGHT_PRESENT_TWO_ILL)
    remaining = remaining_sessions_after(app, AS_OF)
    days = days_until_below(domain_summary(app, EIGHT_PRESENT_TWO_ILL), 90, remaining)

    page = child_page(signed_in, family["sam"])

    text = page.by_id["what-happens-next"]
    assert "With no more days off, attendance can be back to 90% or more by the end of the school year." in text
    assert f"Missing {days} more days would keep it below 90%." in text
    support = page.by_id["support"]
    assert "please talk to the school" in support and "01670 812 360" in support
    # ALP's tiers, from its policy: the early-intervention stage is for pupils missing more than 10%.
    assert "Universal prevention" in support and "Early intervention" in support
    assert "Matches Sam’s figures" in support
    assert support.index("Matches Sam’s figures") > support.index("Early intervention")


def test_a_child_with_no_possible_sessions_shows_not_yet_and_no_number(signed_in, app, family):
    page = child_page(signed_in, family["sam"])

    assert page.by_id["attendance-figure"] == "Not yet"
    assert "%" not in page.by_id["attendance-figure"]
    assert "no attendance percentage to show" in page.text
    assert "The school has not sent any register marks for Sam yet." in page.by_id["last-updated"]
    assert not page.all("svg")
    assert "0.0%" not in page.text and "100.0%" not in page.text


def test_sessions_that_do_not_count_still_show_not_yet(signed_in, app, family):
    give_marks(app, family["sam"], ["Y4", "Y4"])  # the school was closed unexpectedly: nothing possible

    page = child_page(signed_in, family["sam"])

    assert page.by_id["attendance-figure"] == "Not yet"
    assert codes.CODES["Y4"].explanation in page.by_id["register"]


def test_another_familys_child_and_a_guessed_id_are_not_found(signed_in, family):
    child_page(signed_in, family["alex"], status=404)
    child_page(signed_in, 999_999, status=404)


def test_the_page_needs_a_signed_in_parent(client, family):
    response = client.get(f"/parent/children/{family['sam']}")
    assert response.status_code == 302 and response.location.startswith("/sign-in")


def test_the_register_shows_each_session_with_its_code_in_words(signed_in, app, family):
    give_marks(app, family["sam"], ["/", "\\", "L", "U", "/", "\\", "/", "\\", "I", "D"])
    with app.app_context():
        policy, _ = school_policy(BOTHAL)
        d_wording = policy.code_wording["D"]

    page = child_page(signed_in, family["sam"])

    register = page.by_id["register"]
    assert "Week beginning Monday 8 September 2025" in register  # newest week first
    assert register.index("Monday 8 September 2025") < register.index("Monday 1 September 2025")
    week = grid_weeks(page.html)["8 September"]
    assert week[0] == ["Morning: I Ill", "Afternoon: D Other school"]  # Monday: a code and a word a session
    key = page.by_id["register-key"]
    assert codes.CODES["I"].explanation in key
    assert d_wording in key  # the school's own wording wins over the national one
    assert codes.CODES["D"].explanation not in register
    assert "L Late Late, counted as present." in key and codes.CODES["L"].explanation in key
    assert "U Very late Unauthorised absence." in key
    assert "Monday 1 September (INSET day" in key  # no session that day, and the page says why
    assert grid_weeks(page.html)["1 September"][0] == ["Closed"]
    assert page.by_id["late-before-close"] == "1 time: counted as present"
    assert ("the register closes at 9:30am in the morning and 1:45pm in the afternoon"
            in page.by_id["figures-explained"])
    assert page.by_id["late-after-close"] == "1 time: counted as missed"
    days = page.by_id["register-days"]  # on demand: each day in words, minutes late too
    assert ("Wednesday 3 September: morning: L, late, counted as present; afternoon: U, unauthorised absence"
            in days)


def test_the_trend_is_an_accessible_svg_with_a_table_beside_it(signed_in, app, family):
    give_marks(app, family["sam"], EIGHT_PRESENT_TWO_ILL)

    page = child_page(signed_in, family["sam"])

    svg = page.all("svg")
    assert len(svg) == 1 and svg[0]["role"] == "img"
    assert svg[0]["aria-labelledby"] == "attendance-trend-title attendance-trend-desc"
    assert page.by_id["attendance-trend-title"] == "Sam’s attendance this school year, week by week"
    assert "target, shown as a dashed line, is 97%" in page.by_id["attendance-trend-desc"]
    table = page.by_id["trend-table"]
    assert "Monday 1 September 2025 100.0%" in table  # week one: eight sessions in school
    assert "Monday 8 September 2025 80.0%" in table
    assert not page.all("style")
    assert not [tag for tag, attrs in page.elements if "style" in attrs], "no style= attributes (strict CSP)"


def test_the_page_says_when_the_register_was_last_updated(signed_in, app, family):
    give_marks(app, family["sam"], ["/", "\\"] * 3, recorded_at=datetime(2025, 9, 4, 16, 5))

    page = child_page(signed_in, family["sam"])

    updated = page.by_id["last-updated"]
    assert "last updated on Thursday 4 September 2025 at 4:05pm" in updated
    assert "Days after Thursday 4 September 2025 are not shown yet." in updated


def test_the_page_shows_the_last_month_of_the_register_and_links_to_every_week(signed_in, app, family, school_clock):
    give_marks(app, family["sam"], ["/", "\\"] * 30)  # six school weeks from Tuesday 2 September
    school_clock.move_to(in_england(datetime(2025, 10, 13, 18, 0)))
    sign_in_jo(signed_in, app, family)  # a sign-in on the new day: the last one has ended

    page = child_page(signed_in, family["sam"])
    register = page.by_id["register"]
    assert "Week beginning Monday 13 October 2025" in register
    assert "Week beginning Monday 22 September 2025" in register  # the fourth week back
    assert "Week beginning Monday 15 September 2025" not in register
    href = f"/parent/children/{family['sam']}/register"
    assert re.search(f'href="{href}">Every week of Sam’s register this school year</a>', page.html)

    response = signed_in.get(f"/parent/children/{family['sam']}/register", headers=BROWSER)
    assert response.status_code == 200
    year = Page(response.get_data(as_text=True)).by_id["register"]
    mondays = list(grid_weeks(response.get_data(as_text=True)))
    assert mondays == ["13 October", "6 October", "29 September", "22 September", "15 September", "8 September",
                       "1 September"]
    assert "INSET day" in year  # Monday 1 September: the year's first week is there, with why it had no session


def test_a_short_register_has_no_link_to_earlier_weeks(signed_in, app, family):
    give_marks(app, family["sam"], EIGHT_PRESENT_TWO_ILL)
    page = child_page(signed_in, family["sam"])
    assert not [a for a in page.all("a") if a.get("href", "").endswith("/register")]


def test_another_familys_register_is_not_found_and_a_stranger_is_sent_to_sign_in(signed_in, app, family):
    assert signed_in.get(f"/parent/children/{family['alex']}/register", headers=BROWSER).status_code == 404
    assert signed_in.get("/parent/children/999999/register", headers=BROWSER).status_code == 404
    stranger = app.test_client().get(f"/parent/children/{family['sam']}/register", headers=BROWSER)
    assert stranger.status_code == 302 and stranger.location.startswith("/sign-in")


def test_the_register_is_a_week_to_a_row_with_each_code_explained_once(signed_in, app, family, school_clock):
    give_marks(app, family["sam"], ["/", "\\"] * 12 + ["I", "I"] + ["/", "\\"] * 4)  # three school weeks
    school_clock.move_to(in_england(datetime(2025, 9, 19, 18, 0)))
    sign_in_jo(signed_in, app, family)  # a sign-in on the new day: the last one has ended

    page = child_page(signed_in, family["sam"])

    weeks = grid_weeks(page.html)
    assert list(weeks) == ["15 September", "8 September", "1 September"]  # newest first, one row each
    assert weeks["15 September"][3] == ["Morning: I Ill", "Afternoon: I Ill"]  # Thursday
    assert weeks["15 September"][4] == ["Morning: / In", "Afternoon: \\ In"]
    assert [len(days) for days in weeks.values()] == [5, 5, 5]
    for code in ("/", "\\", "I"):
        assert page.html.count(codes.CODES[code].explanation) == 1, code  # once, in the key
    assert "Present. In school for the morning." in page.by_id["register-key"]


def test_the_figures_and_what_happens_next_come_before_the_register(signed_in, app, family):
    give_marks(app, family["sam"], EIGHT_PRESENT_TWO_ILL)

    html = child_page(signed_in, family["sam"]).html

    order = [html.index(f'id="{ident}"') for ident in ("attendance-figure", "band", "what-happens-next",
                                                       "time-missed", "register", "trend")]
    assert order == sorted(order)
    assert html.index('id="trend"') > html.index('class="portal-register"')
    assert '<details class="govuk-details" id="trend">' in html  # the chart on demand
