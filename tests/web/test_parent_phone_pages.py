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
from web.test_layout import Page

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


def page_of(response, status: int = 200) -> Page:
    assert response.status_code == status, response.data[:300]
    return Page(response.get_data(as_text=True))


def date_fields(day: date) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


def report(children, first: date, last: date | None = None, **changes) -> dict:
    data = {"children": children, "first_day": date_fields(first),
            "last_day": date_fields(last) if last else ["", "", ""], "part": "day", "reason": "illness",
            "symptoms": "", "appointment_time": "", "details": ""}
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
