"""The staff page of the half-termly message: the next batch with counts and examples, stopped before it goes,
resumed, and sent now; only the roles that run attendance may act."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import AuditEvent, OutboxMessage, StaffUser

from nudge_world import FIRST_DAY_BACK, at, every_band_and_situation
from parents import sign_in_as
from staff import make_staff

ROUND = "half-term:2025-10-24"


@pytest.fixture
def world(app_ctx):
    return every_band_and_situation()


def as_staff(client, email: str):
    """Signed in on the day the test travels to (a session cookie from the future is refused)."""
    sign_in_as(client, db.session.scalar(select(StaffUser).where(StaffUser.email == email)))
    return client


def queued() -> int:
    return db.session.scalar(select(func.count(OutboxMessage.id)))


def test_staff_see_the_next_batch_before_it_goes_with_counts_and_examples(world, client):
    with at(date(2025, 10, 20)):  # the last week of the first half-term
        as_staff(client, "head@bothal.example.com")
        page = client.get("/staff/messages?school=122239").get_data(as_text=True)
    assert "After Autumn term, first half" in page and "Tuesday 4 November 2025" in page
    assert "as things stand" in page
    assert "Not emailed: held: a decision about the child is open in the queue" in page
    assert "Example, standard version, to" in page and "(Polish)" in page
    assert "Stop this batch" in page and "Send now" not in page  # not due yet: it can only be stopped


def test_a_stopped_batch_sends_nothing_until_resumed_and_each_step_is_audited(world, client):
    with at(date(2025, 10, 20)):
        as_staff(client, "head@bothal.example.com")
        answer = client.post("/staff/messages/122239/stop", data={"round": ROUND})
    assert answer.status_code == 303
    with at(FIRST_DAY_BACK):
        page = client.get("/staff/messages?school=122239").get_data(as_text=True)
        assert "Stopped by Sam Staff" in page and "Resume this batch" in page and "Send now" not in page
        assert "Standard version" in page  # what would go is still shown
        from portal.services import nudges
        assert nudges.send(FIRST_DAY_BACK, "cli:cron").messages == []  # the daily run sends nothing of it
        assert queued() == 0
        client.post("/staff/messages/122239/resume", data={"round": ROUND})
        answer = client.post("/staff/messages/122239/send", data={"round": ROUND})
        assert answer.status_code == 303
        page = client.get("/staff/messages").get_data(as_text=True)
    assert "9 emails queued" in page
    assert queued() == 9
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("nudge.batch%"))).all()
    assert actions == ["nudge.batch_stopped", "nudge.batch_resumed", "nudge.batch_sent"]


def test_a_batch_that_is_no_longer_the_next_one_is_refused_with_a_reason(world, client):
    with at(FIRST_DAY_BACK):
        as_staff(client, "head@bothal.example.com")
        client.post("/staff/messages/122239/stop", data={"round": "half-term:2024-10-25"})
        page = client.get("/staff/messages").get_data(as_text=True)
    assert "That batch is no longer the next one: look at the page again." in page
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action.like("nudge.batch%"))) == 0


def test_only_the_roles_that_run_attendance_may_stop_or_send(world, client):
    make_staff("office@bothal.example.com", "office", "122239")
    with at(FIRST_DAY_BACK):
        as_staff(client, "office@bothal.example.com")
        page = client.get("/staff/messages").get_data(as_text=True)
        assert "Stop this batch" not in page and "can stop or send this batch" in page
        assert client.post("/staff/messages/122239/send", data={"round": ROUND}).status_code == 403
        assert client.post("/staff/messages/122239/stop", data={"round": ROUND}).status_code == 403
    assert queued() == 0
