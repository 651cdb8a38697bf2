"""`staff ...` as a school's IT person runs it (issue 14, item 6): `--password-stdin` used to accept "a"."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import AccountSession, AuditEvent, OutboxMessage, StaffUser
from portal.services import sessions
from portal.services.permissions import authenticate

from factories import ALP, BOTHAL, load_trust
from staff import make_staff


@pytest.fixture
def trust(app):
    with app.app_context():
        load_trust(ALP)
        make_staff("office@bothal.example", "office", BOTHAL, name="Olu Office")
        make_staff("leader@alp.example", "senior_leader", trust="alp", name="Lee Leader")


def staff(email: str) -> StaffUser:
    return db.session.scalar(select(StaffUser).where(StaffUser.email == email))


def test_password_stdin_must_meet_the_password_rule(app, runner, trust):
    add = ["staff", "add", "new@bothal.example", "--name", "New Person", "--role", "office", "--school", BOTHAL,
           "--password-stdin"]
    refused = runner.invoke(args=add, input="a\n")
    assert refused.exit_code == 1 and "Use at least 12 characters" in refused.output
    common = runner.invoke(args=add, input="password1234\n")
    assert common.exit_code == 1 and "most common passwords" in common.output
    with app.app_context():
        assert staff("new@bothal.example") is None
    done = runner.invoke(args=add, input="tuesday kettle orbit\n")
    assert done.exit_code == 0, done.output
    with app.app_context():
        assert authenticate("new@bothal.example", "tuesday kettle orbit") is not None


def test_list_shows_every_member_of_staff_with_roles(runner, trust):
    listed = runner.invoke(args=["staff", "list", "--json"])
    assert listed.exit_code == 0, listed.output
    assert json.loads(listed.output) == [
        {"email": "leader@alp.example", "name": "Lee Leader", "active": True, "roles": ["senior_leader@trust:alp"]},
        {"email": "office@bothal.example", "name": "Olu Office", "active": True, "roles": [f"office@{BOTHAL}"]},
    ]


def test_switching_off_a_leaver_signs_them_out_and_switching_on_lets_them_back(app, runner, trust):
    with app.app_context():
        sessions.start(staff("office@bothal.example"))
    off = runner.invoke(args=["staff", "switch-off", "Office@Bothal.example"])
    assert off.exit_code == 0 and "switched off and signed out everywhere" in off.output
    with app.app_context():
        assert db.session.scalar(select(AccountSession.ended_why)) == "account switched off"
        assert authenticate("office@bothal.example", "correct horse battery staple") is None
        assert db.session.scalar(select(AuditEvent.actor).where(AuditEvent.action == "staff.switched_off")) \
            .startswith("cli:")
    assert "[switched off]" in runner.invoke(args=["staff", "list"]).output
    assert runner.invoke(args=["staff", "switch-on", "office@bothal.example"]).exit_code == 0
    with app.app_context():
        assert authenticate("office@bothal.example", "correct horse battery staple") is not None


def test_a_role_is_taken_away(app, runner, trust):
    wrong = runner.invoke(args=["staff", "remove-role", "office@bothal.example", "--role", "admin",
                                "--school", BOTHAL])
    assert wrong.exit_code == 1 and "is not admin at school" in wrong.output
    done = runner.invoke(args=["staff", "remove-role", "office@bothal.example", "--role", "office",
                               "--school", BOTHAL])
    assert done.exit_code == 0, done.output
    with app.app_context():
        assert staff("office@bothal.example").roles == []


def test_reset_password_queues_a_link_and_sign_out_ends_every_session(app, runner, trust):
    sent = runner.invoke(args=["staff", "reset-password", "office@bothal.example"])
    assert sent.exit_code == 0 and "outbox send" in sent.output
    with app.app_context():
        message = db.session.scalar(select(OutboxMessage))
        assert message.recipients == ["office@bothal.example"] and "/staff/reset-password#" in message.body_text
        for _ in range(2):
            sessions.start(staff("office@bothal.example"))
    out = runner.invoke(args=["staff", "sign-out", "office@bothal.example"])
    assert out.exit_code == 0 and "2 sessions ended" in out.output
    unknown = runner.invoke(args=["staff", "switch-off", "nobody@bothal.example"])
    assert unknown.exit_code == 1 and "no member of staff has the email address" in unknown.output
