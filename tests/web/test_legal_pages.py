"""The legal pathway pages: from the threshold to a notice to improve per parent, its letter and posted copy, and a
penalty-notice decision; bad input gets the form again with what to fix."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

import portal.web.staff.legal as legal_views
from portal.extensions import db
from portal.models import OutboxMessage, ParentAccount
from portal.models.legal import NoticeToImprove, PenaltyDecision

from factories import BOTHAL, CENTRAL, add_marks, calendar, load_trust, make_pupil, sessions
from parents import make_parent, sign_in_as
from staff import make_staff

PASSWORD = "correct horse battery staple"
TODAY = date(2026, 10, 14)


@pytest.fixture
def school(app, monkeypatch):
    monkeypatch.setattr(legal_views, "today", lambda: TODAY)
    with app.app_context():
        load_trust()
        sam = make_pupil(BOTHAL, forename="Sam", surname="Taylor")
        add_marks(sam, sessions(calendar(BOTHAL), date(2026, 9, 2), "O" * 10 + "/" * 20))
        make_parent("jo@example.com", sam, name="Jo Taylor")
        make_parent("alex@example.com", sam, name="Alex Taylor")
        make_staff("head@bothal.example", "headteacher", BOTHAL, name="Miss L Hall")
        make_staff("officer@bothal.example", "attendance_officer", BOTHAL)
        return {"sam": sam.id}


def signed_in(client, email="head@bothal.example"):
    response = client.post("/staff/sign-in", data={"email": email, "password": PASSWORD})
    assert response.status_code in (302, 303)
    return client


def fields(day: date) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


def test_from_the_threshold_to_a_notice_for_each_parent(app, client, school):
    signed_in(client)
    home = client.get("/staff/legal").get_data(as_text=True)
    assert "Sam Taylor" in home and "10 sessions of unauthorised absence" in home
    page = client.get(f"/staff/legal/pupils/{school['sam']}").get_data(as_text=True)
    assert "Reached on" in page and "Jo Taylor and Alex Taylor" in page
    assert "No support plan and no contact log yet" in page

    response = client.post(f"/staff/legal/pupils/{school['sam']}/notices", data={
        "expectation": "No further unauthorised absence", "meeting": "Tuesday 20 October at 9.15am, at school"})
    assert response.status_code == 303
    with app.app_context():
        drafted = db.session.scalars(select(NoticeToImprove).order_by(NoticeToImprove.id)).all()
        assert [n.parent_name for n in drafted] == ["Jo Taylor", "Alex Taylor"]
        ids = [n.id for n in drafted]
    assert response.location.endswith(f"/staff/legal/notices/{ids[0]}")
    letter = client.get(f"/staff/legal/notices/{ids[0]}").get_data(as_text=True)
    assert "Dear Jo Taylor" in letter and "Thursday 15 October 2026 to Wednesday 2 December 2026" in letter
    assert "NTI-00002 to Alex Taylor" in letter  # the other parent's own notice

    assert client.post(f"/staff/legal/notices/{ids[0]}/send").status_code == 303
    with app.app_context():
        mail = db.session.scalars(select(OutboxMessage)).one()
        assert mail.recipients == ["jo@example.com"] and "Tuesday 20 October" in mail.body_text
    refused = client.post(f"/staff/legal/notices/{ids[0]}/posted", data={"posted_on": fields(date(2026, 10, 20))})
    assert refused.status_code == 200 and "cannot be in the future" in refused.get_data(as_text=True)
    posted = client.post(f"/staff/legal/notices/{ids[0]}/posted", data={"posted_on": fields(TODAY)})
    assert posted.status_code == 303
    assert "Wednesday 14 October 2026" in client.get(f"/staff/legal/notices/{ids[0]}").get_data(as_text=True)
    pdf = client.get(f"/staff/legal/notices/{ids[0]}/pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")


def test_a_decision_step_by_step_and_what_the_rules_refuse(app, client, school):
    signed_in(client)
    blank = client.post(f"/staff/legal/pupils/{school['sam']}/decisions", data={})
    assert blank.status_code == 200 and "Choose the parent" in blank.get_data(as_text=True)
    response = client.post(f"/staff/legal/pupils/{school['sam']}/decisions", data={
        "parent": "Jo Taylor", "reason": "term_time_leave", "on": fields(TODAY)})
    assert response.status_code == 303
    with app.app_context():
        decision_id = db.session.scalar(select(PenaltyDecision.id))
    page = client.get(f"/staff/legal/decisions/{decision_id}").get_data(as_text=True)
    assert "First notice: £80 if paid within 21 days, £160 within 28 days." in page
    assert client.post(f"/staff/legal/decisions/{decision_id}", data={
        "step": "requested", "on": fields(TODAY)}).status_code == 303
    wrong = client.post(f"/staff/legal/decisions/{decision_id}", data={"step": "paid", "on": fields(TODAY)})
    assert wrong.status_code == 200 and "Choose one of the steps listed" in wrong.get_data(as_text=True)
    unsaid = client.post(f"/staff/legal/decisions/{decision_id}", data={"step": "withdrawn", "on": fields(TODAY)})
    assert "Say why the notice was withdrawn" in unsaid.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(PenaltyDecision, decision_id).state == "requested"


def test_other_roles_are_refused(client, school):
    signed_in(client, "officer@bothal.example")
    assert client.get("/staff/legal").status_code == 403
    assert client.get(f"/staff/legal/pupils/{school['sam']}").status_code == 403
    assert client.get("/staff/legal/pupils/999999").status_code == 404


def test_a_notice_needs_the_meeting_offered(client, school):
    signed_in(client)
    response = client.post(f"/staff/legal/pupils/{school['sam']}/notices",
                           data={"expectation": "Better attendance", "meeting": ""})
    assert response.status_code == 200 and "Write down the meeting offered" in response.get_data(as_text=True)


def test_a_return_is_shown_then_downloaded(app, client, school):
    signed_in(client)
    page = client.get("/staff/legal/returns").get_data(as_text=True)
    assert "Returns to the local authority" in page and 'value="122239" checked' in page
    query = {"school": BOTHAL, "kind": "admissions", "start": fields(date(2025, 8, 1)), "end": fields(date(2025, 9, 30))}
    shown = client.get("/staff/legal/returns", query_string=query).get_data(as_text=True)
    assert "Taylor, Sam" in shown
    download = client.post("/staff/legal/returns", data={**query, "format": "csv"})
    assert download.mimetype == "text/csv" and "Taylor,Sam" in download.get_data(as_text=True)
    bad = client.get("/staff/legal/returns", query_string={**query, "end": fields(date(2025, 7, 1))})
    assert "The period ends before it starts" in bad.get_data(as_text=True)


def test_each_parent_reads_their_own_notice_in_the_portal(app, client, school):
    signed_in(client)
    client.post(f"/staff/legal/pupils/{school['sam']}/notices", data={
        "expectation": "No further unauthorised absence", "meeting": "Tuesday 20 October at 9.15am, at school"})
    with app.app_context():
        jo_notice, alex_notice = db.session.scalars(select(NoticeToImprove).order_by(NoticeToImprove.id)).all()
        jo_id, alex_id = jo_notice.id, alex_notice.id
        jo = db.session.scalar(select(ParentAccount).where(ParentAccount.email == "jo@example.com"))
    assert client.post(f"/staff/legal/notices/{jo_id}/send").status_code == 303
    with app.app_context():
        assert f"/parent/notices/{jo_id}" in db.session.scalars(select(OutboxMessage)).one().body_text
    parent = app.test_client()
    with app.app_context():
        sign_in_as(parent, db.session.get(ParentAccount, jo.id))
    page = parent.get(f"/parent/notices/{jo_id}").get_data(as_text=True)
    assert "Dear Jo Taylor" in page and "Download this letter (PDF)" in page
    assert parent.get(f"/parent/notices/{jo_id}/pdf").mimetype == "application/pdf"
    assert parent.get(f"/parent/notices/{alex_id}").status_code == 404  # not sent, and not Jo's


def test_staff_find_a_pupil_who_has_not_reached_the_threshold(app, client, school):
    with app.app_context():
        make_pupil(BOTHAL, forename="Kim", surname="Jones")
        elsewhere = make_pupil(CENTRAL, forename="Kim", surname="Jonas").upn
    signed_in(client)
    page = client.get("/staff/legal", query_string={"q": "kim jon"}).get_data(as_text=True)
    assert ">Kim Jones</a>" in page and "Jonas" not in page  # Central is not the head's school
    assert "Jonas" not in client.get("/staff/legal", query_string={"q": elsewhere}).get_data(as_text=True)
    assert "No pupil at your schools matches" in client.get("/staff/legal", query_string={"q": "nobody"}).get_data(
        as_text=True)


def test_a_deletion_decision_from_the_pupils_page(app, client, school):
    signed_in(client)
    refused = client.post(f"/staff/legal/pupils/{school['sam']}/deletion", data={
        "decision": "delete", "no_grounds_illness": "y", "school_enquiries": "Visits", "la_enquiries": "CME",
        "decided_on": fields(TODAY)})
    assert refused.status_code == 200 and "needs 20 continuous school days" in refused.get_data(as_text=True)
    kept = client.post(f"/staff/legal/pupils/{school['sam']}/deletion", data={
        "decision": "keep", "reason": "Back at school", "decided_on": fields(TODAY)})
    assert kept.status_code == 303
    assert "keep on the register (Back at school)" in client.get(kept.location).get_data(as_text=True)
