"""The parent's journey through the pages: sign in by link, report an absence for siblings, see the outcome."""

from __future__ import annotations

import re
from urllib.parse import urlsplit
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from portal.clock import school_today
from portal.extensions import db, mail
from portal.models import AbsenceReport, OutboxMessage, StaffUser
from portal.services import notify, register

from factories import calendar, in_england, load_trust, make_pupil
from parents import make_parent, sign_in_as
from staff import make_staff


@pytest.fixture
def family(app):
    with app.app_context():
        load_trust()
        sam, ali = make_pupil("122239", forename="Sam"), make_pupil("122239", forename="Ali")
        other = make_pupil("122239", forename="Other", surname="Jones")
        parent = make_parent("jo@example.com", sam, ali)
        make_parent("stranger@example.com", other, name="Stranger")
        next_day = calendar().next_school_day(school_today() + timedelta(days=1))
        return {"parent": parent.id, "sam": sam.id, "ali": ali.id, "other": other.id, "day": next_day}


def signed_in(client, app, email="jo@example.com"):
    from portal.models import ParentAccount

    with app.app_context():
        sign_in_as(client, db.session.scalar(select(ParentAccount).where(ParentAccount.email == email)))
    return client


def date_fields(day: date) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


def report_form(children, day, **changes) -> dict:
    data = {"children": children, "starts": "other", "first_day": date_fields(day), "ends": "until",
            "last_day": date_fields(day), "part": "day", "reason": "illness", "symptoms": "Temperature",
            "appointment_time": "", "details": ""}
    data.update(changes)
    return data


def test_the_sign_in_page_answers_the_same_for_known_and_unknown_addresses(client, family):
    known = client.post("/sign-in", data={"email": "jo@example.com"})
    unknown = client.post("/sign-in", data={"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 303
    assert known.location == unknown.location == "/sign-in/check-your-email"


def test_the_emailed_link_signs_in_on_a_button_press_not_on_opening(client, app, family):
    client.post("/sign-in", data={"email": "jo@example.com"})
    with app.app_context():
        body = db.session.scalar(select(OutboxMessage.body_text))
    link = urlsplit(re.search(r"https?://\S+/sign-in/\S+", body).group(0))
    opened = client.get(link.path)  # an email scanner opening the link must not use it up
    assert opened.status_code == 200 and b"Keep me signed in" in opened.data
    assert b"data-sign-in-link" in opened.data  # the page's script moves the token from the link into the form
    signed = client.post(link.path, data={"token": link.fragment, "keep_signed_in": "y"})
    assert signed.status_code == 303 and signed.location == "/parent/"
    assert "remember_token" in signed.headers.get("Set-Cookie", "")
    again = client.post(link.path, data={"token": link.fragment})
    assert again.status_code == 410 and b"already been used" in again.data and b"Get a new sign-in link" in again.data


def test_parent_pages_need_a_signed_in_parent(client, app, family):
    response = client.get("/parent/reports")
    assert response.status_code == 302 and response.location.startswith("/sign-in")
    with app.app_context():
        staff = StaffUser(email="office@example.com", name="Office", created_at=datetime(2026, 9, 1))
        db.session.add(staff)
        db.session.commit()
        sign_in_as(client, staff)
    assert client.get("/parent/reports").status_code == 403


def test_reporting_two_siblings_through_the_pages(client, app, family):
    signed_in(client, app)
    form = client.post("/parent/report-absence", data=report_form([family["sam"], family["ali"]], family["day"]))
    assert form.status_code == 303 and form.location == "/parent/report-absence/check"
    check = client.get("/parent/report-absence/check")
    assert b"Check your answers" in check.data
    assert b"Sam Taylor: 2 sessions" in check.data and b"Ali Taylor: 2 sessions" in check.data
    sent = client.post("/parent/report-absence/check")
    assert sent.status_code == 303
    page = client.get(sent.location)
    assert b"Absence reported" in page.data and b"Your reference" in page.data
    with app.app_context():
        report = db.session.scalar(select(AbsenceReport))
        assert report.reference.encode() in page.data
        with mail.record_messages() as outbox:
            assert notify.deliver_due() == (1, 0)
        assert outbox[0].recipients == ["jo@example.com"]
        assert report.reference in outbox[0].subject


def test_a_double_click_or_back_and_resubmit_makes_one_report(client, app, family):
    signed_in(client, app)
    client.post("/parent/report-absence", data=report_form([family["sam"]], family["day"]))
    first = client.post("/parent/report-absence/check")
    second = client.post("/parent/report-absence/check")
    assert first.location == second.location
    with app.app_context():
        assert db.session.query(AbsenceReport).count() == 1


def test_every_error_on_the_form_is_shown_at_once(client, app, family):
    signed_in(client, app)
    page = client.post("/parent/report-absence", data=report_form([], family["day"], first_day=["31", "2", "2026"],
                                                                    reason="other", details=""))
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "There is a problem" in text
    for words in ("Select the children who are absent", "First day of absence must be a real date",
                  "Tell us the reason for the absence"):
        assert words in text


def test_a_parent_cannot_report_for_or_read_about_another_familys_child(client, app, family):
    signed_in(client, app)
    page = client.post("/parent/report-absence", data=report_form([family["other"]], family["day"]))
    assert page.status_code == 200 and b"Choose from the children listed" in page.data
    signed_in(client, app, "stranger@example.com")
    client.post("/parent/report-absence", data=report_form([family["other"]], family["day"]))
    sent = client.post("/parent/report-absence/check")
    reference = sent.location.rsplit("/", 1)[1]
    signed_in(client, app, "jo@example.com")
    assert client.get(f"/parent/reports/{reference}").status_code == 404
    assert client.post(f"/parent/reports/{reference}/still-off").status_code == 404


def test_still_off_prefills_the_next_report(client, app, family):
    signed_in(client, app)
    client.post("/parent/report-absence", data=report_form([family["sam"]], family["day"]))
    reference = client.post("/parent/report-absence/check").location.rsplit("/", 1)[1]
    response = client.post(f"/parent/reports/{reference}/still-off")
    assert response.status_code == 303
    form = client.get("/parent/report-absence").get_data(as_text=True)
    assert f"This continues your report {reference}" in form
    following = calendar_next(app, family["day"])
    assert f'value="{following.day:02d}"' in form


def calendar_next(app, day: date) -> date:
    with app.app_context():
        return calendar().nth_school_day_after(day, 1)


def test_a_signed_in_parent_can_sign_out_from_any_page(client, app, family):
    signed_in(client, app)
    page = client.get("/parent/reports").get_data(as_text=True)
    assert "Signed in as jo@example.com" in page and 'action="/sign-out"' in page
    assert client.post("/sign-out").status_code == 303
    assert client.get("/parent/reports").status_code == 302


def png_bytes() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buffer, "PNG")
    return buffer.getvalue()


def test_an_appointment_card_goes_with_the_report_to_the_school_only(client, app, family):
    import io

    signed_in(client, app)
    data = report_form([family["sam"]], family["day"], reason="medical", appointment_time="10:30")
    data["evidence"] = [(io.BytesIO(png_bytes()), "appointment card.png")]
    form = client.post("/parent/report-absence", data=data, content_type="multipart/form-data")
    assert form.status_code == 303, form.get_data(as_text=True)
    assert "appointment card.png" in client.get("/parent/report-absence/check").get_data(as_text=True)
    page = client.get(client.post("/parent/report-absence/check").location).get_data(as_text=True)
    link = page.split('href="/evidence/')[1].split('"')[0]
    with client.get(f"/evidence/{link}") as download:
        assert download.status_code == 200 and download.headers["X-Content-Type-Options"] == "nosniff"
        assert download.headers["Content-Disposition"].startswith("attachment")
    signed_in(client, app, "stranger@example.com")
    assert client.get(f"/evidence/{link}").status_code == 404


def test_a_web_page_dressed_as_a_photo_is_refused_on_the_form(client, app, family):
    import io

    signed_in(client, app)
    data = report_form([family["sam"]], family["day"], reason="medical")
    data["evidence"] = [(io.BytesIO(b"<html><script>alert(1)</script></html>"), "card.png")]
    page = client.post("/parent/report-absence", data=data, content_type="multipart/form-data")
    assert page.status_code == 200 and "card.png" in page.get_data(as_text=True)
    assert "There is a problem" in page.get_data(as_text=True)
    with app.app_context():
        from portal.models import EvidenceFile

        assert db.session.query(EvidenceFile).count() == 0


def test_the_home_page_gives_each_childs_year_so_far_and_follows_the_register(client, app, family, school_clock):
    from portal.models import Mark, Pupil

    school_clock.move_to(in_england(datetime(2025, 10, 1, 9, 0)))
    with app.app_context():
        sam = db.session.get(Pupil, family["sam"])
        days = calendar().school_days(date(2025, 9, 1), date(2025, 10, 1))[:5]
        add = [Mark(pupil_id=sam.id, date=d, session=s, code="/" if s == "AM" else "\\", comment="", source="mis",
                    recorded_at=datetime(2026, 1, 1)) for d in days for s in ("AM", "PM")]
        db.session.add_all(add)
        db.session.commit()
    signed_in(client, app)
    home = client.get("/parent/").get_data(as_text=True)
    assert "Attendance this school year: <strong>100.0%</strong>" in home
    assert "No attendance has been recorded for Ali this school year yet." in home
    with app.app_context():  # the school recodes two sessions: the next look shows it
        office = make_staff("office@example.org", "attendance_officer", school_urn="122239")
        recoded = [(m.date, m.session, "I")
                   for m in db.session.scalars(select(Mark).where(Mark.pupil_id == family["sam"]).limit(2))]
        register.write_marks(family["sam"], recoded, office, datetime(2025, 10, 1, 9, 30), "illness")
        db.session.commit()
    home = client.get("/parent/").get_data(as_text=True)
    assert "Attendance this school year: <strong>80.0%</strong>" in home and "(1 day missed)" in home
