"""Running staff accounts (issue 14, item 6): who may run whose, switching off, roles, and passwords by emailed
single-use link or by the member of staff themselves, each change audited."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import AccountSession, AuditEvent, OutboxMessage, PasswordReset, StaffUser
from portal.services import NotFound, sessions
from portal.services import staff_accounts as accounts
from portal.services.parent_access import LinkNotValid
from portal.services.permissions import NotPermitted, PasswordRefused, add_staff, authenticate

from factories import ALP, BOTHAL, CENTRAL, RISE_PARK, RISE_PARK_URN, get_school, load_trust
from staff import make_staff

NOW = datetime(2026, 11, 23, 9, 0)
GOOD = "tuesday kettle orbit"


@pytest.fixture
def school(app_ctx):
    load_trust(ALP)
    load_trust(RISE_PARK)
    return {
        "admin": make_staff("admin@bothal.example", "admin", BOTHAL, name="Ada Admin"),
        "office": make_staff("office@bothal.example", "office", BOTHAL, name="Olu Office"),
        "both": make_staff("both@alp.example", "teacher", BOTHAL, name="Bo Both"),
        "central": make_staff("head@central.example", "headteacher", CENTRAL, name="Cy Central"),
        "risepark": make_staff("head@risepark.example", "headteacher", RISE_PARK_URN, name="Ro Rise"),
    } | {"_": make_staff("both@alp.example", "teacher", CENTRAL)}


def events(action: str) -> list[AuditEvent]:
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_an_admin_sees_the_staff_of_their_school_only(school):
    assert {s.email for s in accounts.staff_list(school["admin"])} == {
        "admin@bothal.example", "office@bothal.example", "both@alp.example"}
    with pytest.raises(NotFound):
        accounts.member(school["admin"], school["risepark"].id)
    assert len(accounts.staff_list("cli:someone")) == 5  # the server's command line runs every account


def test_switching_off_a_leaver_ends_their_sessions_and_is_audited(school):
    office = school["office"]
    sessions.start(office, now=NOW)
    sessions.start(office, now=NOW)
    accounts.switch_off(school["admin"], office, now=NOW)
    assert office.active is False and authenticate("office@bothal.example", "correct horse battery staple") is None
    assert db.session.scalars(select(AccountSession.ended_why)).all() == ["account switched off"] * 2
    [event] = events("staff.switched_off")
    assert (event.actor, event.object_id, event.after) == (f"staff:{school['admin'].id}", str(office.id),
                                                            {"active": False})
    accounts.switch_on(school["admin"], office)
    assert office.active and events("staff.switched_on")


def test_an_admin_cannot_switch_off_someone_who_also_works_elsewhere_or_themselves(school):
    with pytest.raises(NotPermitted, match="also has a role outside"):
        accounts.switch_off(school["admin"], school["both"])
    with pytest.raises(NotPermitted, match="your own account"):
        accounts.switch_off(school["admin"], school["admin"])
    assert school["both"].active and school["admin"].active and not events("staff.switched_off")


def test_roles_are_given_and_taken_away_only_where_the_admin_is_one(school):
    admin, office = school["admin"], school["office"]
    accounts.add_role(admin, office, "attendance_officer", school=get_school(BOTHAL))
    assert {r.role for r in office.roles} == {"office", "attendance_officer"}
    with pytest.raises(NotPermitted):
        accounts.add_role(admin, office, "headteacher", school=get_school(CENTRAL))
    central_role = next(r for r in school["both"].roles if r.school_id == get_school(CENTRAL).id)
    with pytest.raises(NotPermitted):
        accounts.remove_role(admin, school["both"], central_role.id)
    role = next(r for r in office.roles if r.role == "office")
    accounts.remove_role(admin, office, role.id)
    assert {r.role for r in office.roles} == {"attendance_officer"}
    [removed] = events("staff.role_removed")
    assert removed.before == {"role": "office", "school": BOTHAL, "trust": "alp"}


def reset_token(staff: StaffUser) -> str:
    message = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    assert message.recipients == [staff.email]
    link = urlsplit(re.search(r"https?://\S+/staff/reset-password\S*", message.body_text).group(0))
    assert link.query == "" and len(link.fragment) >= 40  # the token never in a URL a log keeps
    return link.fragment


def test_a_password_reset_link_works_once_within_the_hour_and_ends_every_session(school):
    office = school["office"]
    sessions.start(office, now=NOW)
    accounts.send_password_reset(school["admin"], office, now=NOW)
    token = reset_token(office)
    assert token not in db.session.scalar(select(PasswordReset.token_hash))
    with pytest.raises(PasswordRefused, match="at least 12 characters"):
        accounts.reset_password(token, "short", now=NOW + timedelta(minutes=5))
    accounts.reset_password(token, GOOD, now=NOW + timedelta(minutes=5))
    assert authenticate(office.email, GOOD) == office
    assert db.session.scalar(select(AccountSession.ended_why)) == "password changed"
    with pytest.raises(LinkNotValid, match="used"):
        accounts.reset_password(token, "another kettle orbit", now=NOW + timedelta(minutes=6))
    accounts.send_password_reset("cli:someone", office, now=NOW)
    with pytest.raises(LinkNotValid, match="expired"):
        accounts.reset_password(reset_token(office), GOOD, now=NOW + timedelta(minutes=60))
    assert [e.actor for e in events("staff.password_reset_sent")] == [f"staff:{school['admin'].id}", "cli:someone"]
    assert len(events("staff.password_reset")) == 1


def test_a_forgotten_password_link_goes_only_to_a_working_member_of_staff(school):
    assert accounts.request_password_reset("nobody@bothal.example") is False
    accounts.switch_off(school["admin"], school["office"])
    assert accounts.request_password_reset("office@bothal.example") is False
    assert db.session.scalars(select(OutboxMessage)).all() == []
    assert accounts.request_password_reset("Admin@Bothal.example ") is True
    reset_token(school["admin"])


def test_a_member_of_staff_changes_their_password_and_their_other_sessions_end(school):
    office = school["office"]
    other = sessions.start(office, now=NOW)
    here = sessions.start(office, now=NOW)
    with pytest.raises(accounts.WrongPassword):
        accounts.change_password(office, "not my password", GOOD)
    with pytest.raises(PasswordRefused, match="name, email address or school"):
        accounts.change_password(office, "correct horse battery staple", "olu office bothal")
    assert accounts.change_password(office, "correct horse battery staple", GOOD) == 1
    assert sessions.resume(here, now=NOW) == office and sessions.resume(other, now=NOW) is None
    assert authenticate(office.email, GOOD) == office
    [event] = events("staff.password_changed")
    assert event.after == {"other_sessions_ended": 1}


def test_a_first_password_given_must_meet_the_rule(school):
    with pytest.raises(PasswordRefused, match="at least 12 characters"):
        add_staff("new@bothal.example", "New Person", "office", "cli:someone", school_urn=BOTHAL, password="a")
    with pytest.raises(PasswordRefused, match="school"):
        add_staff("new@bothal.example", "New Person", "office", "cli:someone", school_urn=BOTHAL,
                  password="bothal primary 2026")
    assert db.session.scalar(select(StaffUser).where(StaffUser.email == "new@bothal.example")) is None
    staff, shown = add_staff("new@bothal.example", "New Person", "office", "cli:someone", school_urn=BOTHAL,
                             password=GOOD)
    assert shown is None and authenticate("new@bothal.example", GOOD) == staff
