"""Register times are the school's, in British Summer Time as in winter: a report made after the register closed is
late, the time it was made is shown as the parent's clock read it, and staff see a report turn overdue at the minute
its register closed (ALP's morning register closes at 09:30)."""

from __future__ import annotations

import re
from datetime import date, datetime, time

import pytest
from sqlalchemy import select

from factories import BOTHAL, calendar, in_england, load_trust, make_pupil
from parents import make_parent, sign_in_as
from portal.extensions import db
from portal.models import AbsenceReport
from staff import make_staff

SUMMER = date(2027, 6, 7)  # British Summer Time: England is an hour ahead of UTC
WINTER = date(2027, 1, 11)


@pytest.fixture
def family(app):
    with app.app_context():
        load_trust()
        sam = make_pupil(BOTHAL, forename="Sam")
        parent = make_parent("jo@example.com", sam)
        head = make_staff("head@bothal.example", "headteacher", BOTHAL)
        return {"sam": sam.id, "parent": parent, "head": head}


def school_day(around: date) -> date:
    day = calendar().next_school_day(around)
    assert day is not None and (day - around).days < 7, "the example calendar has no school day that week"
    return day


def report_today(client, app, family, day: date) -> str:
    with app.app_context():
        sign_in_as(client, db.session.merge(family["parent"]))
    form = client.post("/parent/report-absence", data={
        "children": [family["sam"]], "starts": "today", "ends": "one", "part": "day", "reason": "illness",
        "symptoms": "Temperature", "appointment_time": "", "details": ""})
    assert form.status_code == 303, form.get_data(as_text=True)[:2000]
    sent = client.post("/parent/report-absence/check")
    assert sent.status_code == 303
    return client.get(sent.location).get_data(as_text=True)


@pytest.mark.parametrize(("around", "clock", "late"), [
    pytest.param(SUMMER, time(10, 10), True, id="summer-10:10-late"),  # 09:10 UTC: before 09:30 on a UTC clock
    pytest.param(SUMMER, time(9, 20), False, id="summer-09:20-in-time"),
    pytest.param(WINTER, time(9, 40), True, id="winter-09:40-late"),
    pytest.param(WINTER, time(9, 20), False, id="winter-09:20-in-time"),
])
def test_a_report_for_today_is_late_after_the_register_closes_and_shows_the_time_in_england(
        client, app, family, school_clock, around, clock, late):
    with app.app_context():
        day = school_day(around)
    school_clock.move_to(in_england(datetime.combine(day, clock)), tick=False)
    page = report_today(client, app, family, day)
    match = re.search(r"Reported\s*</dt>\s*<dd[^>]*>\s*([^<]+)", page)
    assert match, page[page.find("<main"):][:3000]
    reported = match.group(1)
    assert f"at {clock:%H:%M}" in reported
    assert ("(after the register closed)" in reported) is late
    with app.app_context():
        assert db.session.scalar(select(AbsenceReport.late_reported)) is late


@pytest.mark.parametrize("around", [SUMMER, WINTER], ids=["summer", "winter"])
def test_a_report_turns_overdue_in_the_queue_at_the_minute_its_register_closes(
        client, app, family, school_clock, around):
    with app.app_context():
        day = school_day(around)
    school_clock.move_to(in_england(datetime.combine(day, time(8, 0))), tick=False)
    report_today(client, app, family, day)

    def overdue_at(minute: time) -> bool:
        school_clock.move_to(in_england(datetime.combine(day, minute)), tick=False)
        with app.app_context():  # signed in afresh: a staff session ends after 30 idle minutes
            sign_in_as(client, db.session.merge(family["head"]))
        queue = client.get("/staff/").get_data(as_text=True)
        assert f"{day:%a %-d %b} 09:30" in queue  # the deadline, read on the school's clock
        return "Overdue" in queue

    assert not overdue_at(time(9, 29))
    assert overdue_at(time(9, 31))
