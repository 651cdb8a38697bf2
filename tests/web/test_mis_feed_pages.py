"""The staff pages say when the MIS's data last arrived and warn when a morning's marks are late; the parent's page
says how current the register is."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine

import portal.web.staff.oversight  # noqa: F401  (registers the oversight view)
from portal.extensions import db
from portal.models import ParentAccount
from portal.services import imports

from factories import BOTHAL, load_trust, make_pupil
from parents import make_parent, sign_in_as
from staff import make_staff

MONDAY = "2025-11-10"  # a school day at Bothal; in November UK time is UTC


@pytest.fixture
def school(app, tmp_path):
    with app.app_context():
        load_trust()
        sam = make_pupil(BOTHAL, forename="Sam", surname="Taylor")
        parent = make_parent("jo@example.com", sam)
        make_staff("head@bothal.example", "headteacher", BOTHAL, password="head-password")
        return {"sam": sam.id, "upn": sam.upn, "parent": parent.id, "tmp": tmp_path}


def marks_arrive(app, school, at: str) -> None:
    path = school["tmp"] / "marks.csv"
    path.write_text(f"upn,date,session,code\n{school['upn']},{MONDAY},AM,/\n")
    with app.app_context(), time_machine.travel(datetime.fromisoformat(at), tick=False):
        imports.import_marks(path, actor="test")


def staff_page(client, url: str, at: str) -> str:
    with time_machine.travel(datetime.fromisoformat(at), tick=False):
        assert client.post("/staff/sign-in", data={"email": "head@bothal.example",
                                                   "password": "head-password"}).status_code == 303
        response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/staff/", "/staff/oversight"])
def test_staff_see_when_the_register_data_last_arrived(client, app, school, url):
    marks_arrive(app, school, f"{MONDAY}T09:42:00")
    page = staff_page(client, url, f"{MONDAY}T10:15:00")
    assert "Register data from the MIS last arrived 09:42 today." in page
    assert "have not arrived" not in page


def test_staff_are_warned_when_the_mornings_marks_are_late(client, app, school):
    marks_arrive(app, school, f"{MONDAY}T08:15:00")  # before the register closed at 09:30
    assert "have not arrived" not in staff_page(client, "/staff/", f"{MONDAY}T09:55:00")  # within the margin
    page = staff_page(client, "/staff/", f"{MONDAY}T10:05:00")
    assert "This morning&#39;s marks have not arrived: the register closed at 09:30." in page
    assert "Register data from the MIS last arrived 08:15 today." in page


def test_no_warning_on_a_day_without_a_morning_session(client, app, school):
    marks_arrive(app, school, "2025-11-07T16:00:00")
    page = staff_page(client, "/staff/", "2025-11-08T11:00:00")  # a Saturday
    assert "Register data from the MIS last arrived 16:00 yesterday." in page and "have not arrived" not in page


def test_before_any_data_the_page_says_so(client, school):
    assert "No register data has arrived from the MIS yet." in staff_page(client, "/staff/", f"{MONDAY}T10:15:00")


def test_the_parent_page_says_how_current_the_register_is(client, app, school):
    marks_arrive(app, school, f"{MONDAY}T09:42:00")
    with time_machine.travel(datetime.fromisoformat(f"{MONDAY}T12:00:00"), tick=False):
        with app.app_context():
            sign_in_as(client, db.session.get(ParentAccount, school["parent"]))
        page = client.get(f"/parent/children/{school['sam']}").get_data(as_text=True)
    assert "Register as of 09:42 today." in page
