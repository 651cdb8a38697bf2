"""The parent's pages as read on a phone: days in words, closed days said plainly and grouped, each part of the
report form only for its reason, the dates a parent types, and a way back from every dead end."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
import time_machine
from sqlalchemy import select

from portal.extensions import db
from portal.models import ParentAccount

from factories import add_marks, calendar, load_trust, make_pupil, sessions
from parents import make_parent, sign_in_as
from pages import page_of

BROWSER = {"Accept": "text/html"}
# 10am on Monday 14 December 2026 in England (GMT): the last week of the autumn term at Bothal.
NOW = datetime(2026, 12, 14, 10, 0, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def family(app):
    with app.app_context():
        load_trust()
        sam = make_pupil("122239", forename="Sam", registration_group="3H")
        ali = make_pupil("122239", forename="Ali", registration_group="1B")
        make_parent("jo@example.com", sam, ali)
        return {"sam": sam.id, "ali": ali.id}


@pytest.fixture
def client_signed_in(client, app, family):
    with app.app_context():
        sign_in_as(client, db.session.scalar(select(ParentAccount).where(ParentAccount.email == "jo@example.com")))
    return client


def date_fields(day: date) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


def report(children, first: date, last: date | None = None, **changes) -> dict:
    data = {"children": children, "starts": "other", "first_day": date_fields(first),
            "ends": "until" if last else "not_sure", "last_day": date_fields(last) if last else ["", "", ""],
            "part": "day", "reason": "illness", "symptoms": "", "appointment_time": "", "details": ""}
    data.update(changes)
    return data


def test_a_report_over_christmas_lists_the_holiday_once_in_plain_words(client_signed_in, family):
    sent = client_signed_in.post("/parent/report-absence",
                                 data=report([family["sam"]], date(2026, 12, 17), date(2027, 1, 5)))
    assert sent.status_code == 303, sent.data[:500]

    text = page_of(client_signed_in.get("/parent/report-absence/check", headers=BROWSER)).text

    assert "Thursday 17 December: whole day" in text and "Friday 18 December: whole day" in text
    assert "Christmas holiday, Saturday 19 December to Sunday 3 January: no school" in text
    assert "INSET day (staff training, school closed to pupils), Monday 4 January: no school" in text
    assert "Tuesday 5 January: whole day" in text
    assert "Boxing Day" not in text and "(observed)" not in text and "not counted (" not in text
    assert text.count("no school") == 2


def give(app, pupil_id: int, first: date, codes) -> None:
    from portal.models import Pupil

    with app.app_context():
        add_marks(db.session.get(Pupil, pupil_id), sessions(calendar(), first, codes))


def test_days_missed_read_the_same_on_the_home_page_as_on_the_childs_page(app, client_signed_in, family):
    give(app, family["sam"], date(2026, 12, 7), ["/", "\\", "I", "I", "/", "\\"])
    give(app, family["ali"], date(2026, 12, 7), ["/", "\\", "I", "/", "/", "\\"])

    home = page_of(client_signed_in.get("/parent/", headers=BROWSER)).text
    sam = page_of(client_signed_in.get(f"/parent/children/{family['sam']}", headers=BROWSER)).text

    assert "(1 day missed)" in home and "(half a day missed)" in home
    assert "1.0 day" not in home and "0.5 day" not in home
    assert "has missed 1 day." in sam


def test_a_parent_reads_the_recorded_code_in_words_on_the_report_and_in_the_email(app, client_signed_in, family):
    from portal.models import OutboxMessage
    from portal.services import absences, review

    from staff import make_staff

    with app.app_context():
        parent = db.session.scalar(select(ParentAccount).where(ParentAccount.email == "jo@example.com"))
        draft = absences.AbsenceDraft(pupil_ids=[family["sam"]], first_day=date(2026, 12, 14), last_day=None,
                                      part="day", reason="illness", submission_key="k-1")
        report = absences.submit(parent, draft)
        head = make_staff("head@bothal.example", "headteacher", "122239")
        review.decide(head, report.children[0].id, "accept", "I")
        reference = report.reference
        email = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first().body_text

    text = page_of(client_signed_in.get(f"/parent/reports/{reference}", headers=BROWSER)).text

    assert "Recorded in the register: Ill (code I). Too unwell to come to school. This is an authorised absence." in text
    assert "register as I" not in text
    assert "recorded the absence in the register: Ill (code I). Too unwell to come to school." in email


def test_today_or_tomorrow_needs_no_date_typed(client_signed_in, family):
    sent = client_signed_in.post("/parent/report-absence", data={
        "children": [family["sam"]], "starts": "tomorrow", "first_day": ["", "", ""], "ends": "one",
        "last_day": ["", "", ""], "part": "day", "reason": "illness"})
    assert sent.status_code == 303, sent.data[:800]
    text = page_of(client_signed_in.get("/parent/report-absence/check", headers=BROWSER)).text
    assert "First day Tuesday 15 December 2026" in text and "Last day Tuesday 15 December 2026" in text

    sent = client_signed_in.post("/parent/report-absence", data={
        "children": [family["sam"]], "starts": "today", "ends": "not_sure", "part": "day", "reason": "illness",
        "first_day": ["31", "2", "2026"]})  # boxes under "Another day", not chosen: not asked, not checked
    assert sent.status_code == 303
    text = page_of(client_signed_in.get("/parent/report-absence/check", headers=BROWSER)).text
    assert "First day Monday 14 December 2026" in text and "Last day Not sure yet" in text


def test_the_form_offers_today_and_tomorrow_by_name_and_dates_only_for_another_day(client_signed_in, family):
    html = page_of(client_signed_in.get("/parent/report-absence", headers=BROWSER)).html

    assert "Today (Monday 14 December)" in html and "Tomorrow (Tuesday 15 December)" in html
    another = html.split('id="conditional-starts-3"', 1)[1].split("</fieldset>", 1)[0]
    assert 'id="first_day-day"' in another  # the date boxes only under "Another day"
    assert html.count('id="first_day-day"') == 1
    assert "For example, 21 12 2026" in another  # an example from the clock, a week ahead: never in the past
    assert "27 3 2026" not in html
    assert 'id="last_day-day"' in html.split('id="conditional-ends-2"', 1)[1].split("</fieldset>", 1)[0]


def test_each_reason_asks_only_its_own_questions(client_signed_in, family):
    html = page_of(client_signed_in.get("/parent/report-absence", headers=BROWSER)).html

    def under(option_id: str) -> str:
        return html.split(f'id="conditional-{option_id}"', 1)[1].split('<div class="govuk-radios__item">', 1)[0]

    assert 'id="symptoms"' in under("reason")  # Illness
    assert 'id="appointment_time"' in under("reason-2") and 'id="evidence"' in under("reason-2")  # Medical
    assert 'id="details"' in under("reason-4")  # Something else
    assert 'id="conditional-reason-3"' not in html  # Religious observance asks nothing more
    assert "aria-expanded" not in html and 'data-aria-controls' not in html  # no ARIA radios may not carry

    # Answers typed under a reason then changed are not kept: the school sees only what the reason asks.
    sent = client_signed_in.post("/parent/report-absence", data={
        "children": [family["sam"]], "starts": "today", "ends": "one", "part": "day", "reason": "medical",
        "symptoms": "A cough", "appointment_time": "10:30", "details": "Never mind"})
    assert sent.status_code == 303
    text = page_of(client_signed_in.get("/parent/report-absence/check", headers=BROWSER)).text
    assert "Appointment time 10:30" in text
    assert "A cough" not in text and "Never mind" not in text


def test_a_day_without_school_chosen_as_today_is_marked_on_the_choice(app, client, family):
    with time_machine.travel(datetime(2026, 12, 12, 10, 0, tzinfo=timezone.utc), tick=False):  # a Saturday
        with app.app_context():
            sign_in_as(client, db.session.scalar(select(ParentAccount).where(ParentAccount.email == "jo@example.com")))
        page = page_of(client.post("/parent/report-absence", data={
            "children": [family["sam"]], "starts": "today", "ends": "one", "part": "day", "reason": "illness"}))

    summary = page.html.split('class="govuk-error-summary', 1)[1].split("</ul>", 1)[0]
    assert 'href="#starts"' in summary and "There is no school on the days you chose" in summary
    assert 'id="starts-error"' in page.html


def test_choosing_another_day_or_more_days_asks_for_the_date(client_signed_in, family):
    page = page_of(client_signed_in.post("/parent/report-absence", data={
        "children": [family["sam"]], "starts": "other", "ends": "until", "part": "day", "reason": "religious"}))

    assert "Enter the first day of absence" in page.text and "Enter the last day of absence" in page.text
    summary = page.html.split('class="govuk-error-summary', 1)[1].split("</ul>", 1)[0]
    assert 'href="#first_day-day"' in summary and 'href="#last_day-day"' in summary


def test_signing_out_is_in_the_menu_and_who_is_signed_in_in_the_footer(client_signed_in, family):
    html = page_of(client_signed_in.get("/parent/", headers=BROWSER)).html

    header = html.split("<header", 1)[1].split("</header>", 1)[0]
    menu = header.split('<ul class="govuk-service-navigation__list"', 1)[1].split("</ul>", 1)[0]
    assert 'action="/sign-out"' in menu and ">Sign out</button>" in menu  # the menu's last item
    assert "govuk-button" not in header and "Signed in as" not in header  # no full-width button above the page
    assert "Signed in as jo@example.com" in html.split("<footer", 1)[1]
