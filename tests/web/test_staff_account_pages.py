"""Staff accounts through the pages (issue 14, item 6): an admin switches off a leaver and changes roles; a member
of staff changes their password, or resets a forgotten one from an emailed link whose token stays out of URLs."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEvent, OutboxMessage, School, StaffUser

from factories import ALP, BOTHAL, load_trust
from parents import sign_in_as
from staff import make_staff

PASSWORD = "correct horse battery staple"


@pytest.fixture
def school(app):
    with app.app_context():
        load_trust(ALP)
        ids = {key: make_staff(email, role, BOTHAL, name=name).id for key, email, role, name in (
            ("admin", "admin@bothal.example", "admin", "Ada Admin"),
            ("office", "office@bothal.example", "office", "Olu Office"))}
        ids["bothal"] = db.session.scalar(select(School.id).where(School.urn == BOTHAL))
        return ids


def browser(app, staff_id):
    client = app.test_client()
    with app.app_context():
        sign_in_as(client, db.session.get(StaffUser, staff_id))
    return client


def staff_sign_in(client, email, password):
    return client.post("/staff/sign-in", data={"email": email, "password": password})


def test_an_admin_switches_off_a_leaver_who_is_signed_out_at_once(app, school):
    admin, leaver = browser(app, school["admin"]), browser(app, school["office"])
    listing = admin.get("/staff/accounts")
    assert listing.status_code == 200 and b"Olu Office" in listing.data and b"Staff accounts" in listing.data
    page = admin.get(f"/staff/accounts/{school['office']}")
    assert b"Switch off this account" in page.data
    done = admin.post(f"/staff/accounts/{school['office']}", data={"a-action": "switch_off"})
    assert done.status_code == 303
    assert b"switched off" in admin.get(done.location).data
    assert leaver.get("/staff/").status_code == 302
    assert b"not right" in staff_sign_in(app.test_client(), "office@bothal.example", PASSWORD).data


def test_an_admin_gives_and_takes_away_roles(app, school):
    admin = browser(app, school["admin"])
    given = admin.post(f"/staff/accounts/{school['office']}", data={
        "r-role": "attendance_officer", "r-where": f"school:{school['bothal']}", "r-submit": "Give this role"})
    assert given.status_code == 303
    with app.app_context():
        office = db.session.get(StaffUser, school["office"])
        assert {r.role for r in office.roles} == {"office", "attendance_officer"}
        role_id = next(r.id for r in office.roles if r.role == "office")
    admin.post(f"/staff/accounts/{school['office']}", data={"a-action": "remove_role", "a-role_id": str(role_id)})
    with app.app_context():
        assert [r.role for r in db.session.get(StaffUser, school["office"]).roles] == ["attendance_officer"]
        assert {"staff.role_added", "staff.role_removed"} <= set(db.session.scalars(select(AuditEvent.action)))


def test_a_non_admin_cannot_open_the_accounts_pages(app, school):
    office = browser(app, school["office"])
    assert office.get("/staff/accounts").status_code == 403
    assert office.get(f"/staff/accounts/{school['admin']}").status_code == 403


def test_a_member_of_staff_changes_their_own_password(app, school):
    client = app.test_client()
    staff_sign_in(client, "office@bothal.example", PASSWORD)
    weak = client.post("/staff/account", data={"current": PASSWORD, "new": "password1234"})
    assert weak.status_code == 200 and b"most common passwords" in weak.data
    changed = client.post("/staff/account", data={"current": PASSWORD, "new": "tuesday kettle orbit"})
    assert changed.status_code == 303
    assert client.get("/staff/").status_code == 200  # this session goes on
    assert b"not right" in staff_sign_in(app.test_client(), "office@bothal.example", PASSWORD).data
    assert staff_sign_in(app.test_client(), "office@bothal.example", "tuesday kettle orbit").status_code == 303


def test_a_forgotten_password_is_reset_from_the_emailed_link(app, school):
    client = app.test_client()
    asked = client.post("/staff/forgot-password", data={"email": "office@bothal.example"})
    unknown = client.post("/staff/forgot-password", data={"email": "nobody@bothal.example"})
    assert asked.status_code == unknown.status_code == 303 and asked.location == unknown.location
    with app.app_context():
        [message] = db.session.scalars(select(OutboxMessage)).all()
    link = urlsplit(re.search(r"https?://\S+/staff/reset-password\S*", message.body_text).group(0))
    page = client.get(link.path)
    assert page.status_code == 200 and b"data-sign-in-link" in page.data
    short = client.post(link.path, data={"token": link.fragment, "new": "too short"})
    assert b"at least 12 characters" in short.data
    done = client.post(link.path, data={"token": f"https://portal.test{link.path}#{link.fragment}",  # pasted whole
                                        "new": "tuesday kettle orbit"})
    assert done.status_code == 303 and done.location == "/staff/sign-in"
    assert staff_sign_in(client, "office@bothal.example", "tuesday kettle orbit").status_code == 303
    again = app.test_client().post(link.path, data={"token": link.fragment, "new": "another kettle orbit"})
    assert again.status_code == 410 and b"already been used" in again.data


def test_staff_sign_out_everywhere(app, school):
    office, home = browser(app, school["office"]), browser(app, school["office"])
    assert b"signed in on 2 devices" in home.get("/staff/account").data
    done = home.post("/staff/sign-out-everywhere")
    assert done.status_code == 303 and done.location == "/staff/sign-in"
    assert office.get("/staff/").status_code == 302 and home.get("/staff/").status_code == 302
