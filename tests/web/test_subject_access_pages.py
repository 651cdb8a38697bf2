"""The subject access page: staff who may export download a family's ZIP by UPN; others are told why not."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import date

import pytest
from sqlalchemy import select

# Registers the page on the staff blueprint until portal/web/staff/__init__.py imports it (the lead's line).
import portal.web.staff.subject_access  # noqa: F401
from portal.extensions import db
from portal.models import AuditEvent

from factories import BOTHAL, RISE_PARK, RISE_PARK_URN, add_marks, load_trust, make_pupil
from parents import make_parent
from staff import make_staff

PASSWORD = "correct horse battery staple"
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@pytest.fixture
def school(app):
    with app.app_context():
        load_trust()
        load_trust(RISE_PARK)
        sam = make_pupil(BOTHAL, forename="Sam", surname="Taylor")
        tom = make_pupil(BOTHAL, forename="Tom", surname="Taylor")
        make_parent("jo@example.com", sam, tom, name="Jo Taylor")
        add_marks(sam, [(date(2026, 10, 1), "AM", "I")])
        make_staff("head@bothal.example", "headteacher", BOTHAL)
        make_staff("office@bothal.example", "office", BOTHAL)
        make_staff("head@risepark.example", "headteacher", RISE_PARK_URN)
        return {"sam": sam.upn, "tom": tom.upn}


def signed_in(client, email):
    response = client.post("/staff/sign-in", data={"email": email, "password": PASSWORD})
    assert response.status_code == 303, response.data
    return client


def test_the_head_downloads_the_familys_zip(app, client, school):
    signed_in(client, "head@bothal.example")
    page = client.get("/staff/subject-access")
    assert page.status_code == 200
    assert "Subject access request" in page.text and 'name="upn"' in page.text

    response = client.post("/staff/subject-access", data={"upn": school["sam"]})

    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert f"subject-access-{school['sam']}-" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "private, no-store"
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        document = json.loads(archive.read("family.json"))
    assert [p["upn"] for p in document["pupils"]] == [school["sam"], school["tom"]]
    with app.app_context():
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "subject_access.export"))


@pytest.mark.parametrize(("email", "upn", "message"), [
    ("head@bothal.example", "A929200125999", "No pupil with UPN A929200125999 at your schools"),
    ("head@risepark.example", "sam", "at your schools"),  # another trust's pupil looks like no pupil at all
    ("office@bothal.example", "sam", "can export a family&#39;s data at Bothal Primary School"),
    ("head@bothal.example", "A92", "A UPN is 13 characters"),
])
def test_who_may_not_is_told_on_the_form(app, client, school, email, upn, message):
    signed_in(client, email)
    response = client.post("/staff/subject-access", data={"upn": school.get(upn, upn)})

    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert "There is a problem" in response.text and message in response.text
    with app.app_context():
        assert not db.session.scalar(select(AuditEvent).where(AuditEvent.action == "subject_access.export"))


def test_the_form_needs_its_csrf_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        load_trust()
        upn = make_pupil(BOTHAL).upn
        make_staff("head@bothal.example", "headteacher", BOTHAL)
    client = app.test_client()
    token = TOKEN.search(client.get("/staff/sign-in").text).group(1)
    client.post("/staff/sign-in", data={"email": "head@bothal.example", "password": PASSWORD, "csrf_token": token})

    assert client.post("/staff/subject-access", data={"upn": upn}).status_code == 400
    token = TOKEN.search(client.get("/staff/subject-access").text).group(1)
    response = client.post("/staff/subject-access", data={"upn": upn, "csrf_token": token})
    assert response.status_code == 200 and response.mimetype == "application/zip"
