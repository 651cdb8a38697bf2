"""A long answer in any script survives "check your answers" (issue 14, 5): the absence and leave drafts are kept on
the server, so every text field at its maximum length in Arabic (two bytes a character, three with the escapes a
cookie would need) reaches the check page and the school whole, and the cookie stays small."""

from __future__ import annotations

import io
import random
from datetime import datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from portal.extensions import db
from portal.models import AbsenceReport, Draft, LeaveRequest, ParentAccount
from portal.services import drafts

from factories import BOTHAL, calendar, load_trust, make_pupil
from parents import make_parent, sign_in_as
from services.test_leave import png

NOW = datetime(2026, 11, 23, 10, 0)  # a Monday in the ALP calendar
LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوية"


def arabic(length: int, seed: int = 1) -> str:
    """`length` characters of Arabic-looking words: varied, as a parent's own words are (a repeated phrase would
    compress to nothing in a cookie and prove nothing)."""
    pick = random.Random(seed)
    words = []
    while sum(len(w) + 1 for w in words) < length:
        words.append("".join(pick.choice(LETTERS) for _ in range(pick.randint(2, 8))))
    return " ".join(words)[:length - 1] + "ة"


def cookie_bytes(response) -> int:
    return max((len(v.encode()) for v in response.headers.getlist("Set-Cookie")), default=0)


@pytest.fixture
def parent(app):
    with time_machine.travel(NOW, tick=False), app.app_context():
        load_trust()
        pupil = make_pupil(BOTHAL, forename="Sam")
        make_parent("jo@example.com", pupil)
        yield app, pupil.id


def signed_in(app):
    client = app.test_client()
    with app.app_context():
        sign_in_as(client, db.session.scalar(select(ParentAccount)))
    return client


def day_fields(day) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


@pytest.mark.parametrize(("reason", "field", "length"), [("other", "details", 2000), ("illness", "symptoms", 1000)])
def test_an_absence_report_at_every_fields_maximum_in_arabic_reaches_the_school(parent, reason, field, length):
    app, pupil_id = parent
    day = calendar(BOTHAL).next_school_day(NOW.date() + timedelta(days=1))
    text = arabic(length, seed=length)
    with time_machine.travel(NOW, tick=False):
        client = signed_in(app)
        form = client.post("/parent/report-absence", data={
            "children": [pupil_id], "starts": "other", "first_day": day_fields(day), "ends": "until",
            "last_day": day_fields(day), "part": "day", "reason": reason, field: text})
        assert form.status_code == 303 and form.location.endswith("/parent/report-absence/check"), \
            form.get_data(as_text=True)[:3000]
        assert cookie_bytes(form) < 4096
        check = client.get(form.location)
        assert text in check.get_data(as_text=True)
        sent = client.post(form.location)
        assert sent.status_code == 303 and "/parent/reports/" in sent.location
        assert cookie_bytes(sent) < 4096
    with app.app_context():
        assert getattr(db.session.scalar(select(AbsenceReport)), field) == text


def test_a_leave_request_at_every_fields_maximum_in_arabic_reaches_the_school(parent):
    app, pupil_id = parent
    cal = calendar(BOTHAL)
    first = cal.next_school_day(NOW.date() + timedelta(weeks=8))
    back = cal.nth_school_day_after(first, 3)
    destinations, circumstances = arabic(1000, seed=3), arabic(5000, seed=4)
    with time_machine.travel(NOW, tick=False):
        client = signed_in(app)
        form = client.post("/parent/leave/new", content_type="multipart/form-data", data={
            "children": [pupil_id], "first_day": day_fields(first), "return_day": day_fields(back), "abroad": "yes",
            "destinations": destinations, "circumstances": circumstances,
            "evidence": [(io.BytesIO(png()), "booking.png")]})
        assert form.status_code == 303, form.get_data(as_text=True)[:2000]
        assert form.location.endswith("/parent/leave/check")
        assert cookie_bytes(form) < 4096
        check = client.get(form.location)
        assert circumstances in check.get_data(as_text=True)
        sent = client.post(form.location, data={"declaration": "y"})
        assert sent.status_code == 303 and "/parent/leave/L" in sent.location
    with app.app_context():
        request = db.session.scalar(select(LeaveRequest))
        assert (request.destinations, request.circumstances) == (destinations, circumstances)
        assert not db.session.scalars(select(Draft)).all()  # sent: the draft is gone


def test_a_draft_expires_after_a_day_and_the_sweep_removes_it(parent):
    app, pupil_id = parent
    day = calendar(BOTHAL).next_school_day(NOW.date() + timedelta(days=1))
    with time_machine.travel(NOW, tick=False):
        client = signed_in(app)
        client.post("/parent/report-absence", data={"children": [pupil_id], "starts": "other",
                                                    "first_day": day_fields(day), "ends": "not_sure", "part": "day",
                                                    "reason": "illness"})
    with app.app_context():
        account = db.session.scalar(select(ParentAccount))
        assert drafts.load(account, drafts.ABSENCE, now=NOW + timedelta(hours=23))["reason"] == "illness"
        assert drafts.load(account, drafts.ABSENCE, now=NOW + timedelta(hours=25)) is None
        assert drafts.sweep(now=NOW + timedelta(hours=23)) == 0
    with time_machine.travel(NOW + timedelta(hours=25), tick=False):
        result = app.test_cli_runner().invoke(args=["evidence", "sweep"])
    assert result.exit_code == 0, result.output
    assert "1 expired draft(s)" in result.output
    with app.app_context():
        assert not db.session.scalars(select(Draft)).all()
