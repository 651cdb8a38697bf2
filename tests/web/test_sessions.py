"""Sessions end on the server (issue 14, items 2 and 9): a cookie copied before signing out, or the "keep me signed
in" cookie alone, used to open /parent/ until the secret key changed; the same for staff. Now each sign-in starts a
session of its own, and signing out, signing out everywhere, being switched off, losing parental responsibility,
a new password and (staff) half an hour idle each end it for good."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from sqlalchemy import select

from portal.clock import utcnow
from portal.extensions import db
from portal.models import AccountSession, AuditEvent, OutboxMessage, ParentAccount, StaffUser
from portal.read_connections import read_engine
from portal.services import staff_accounts
from portal.services.imports import import_contacts

from factories import load_trust, make_pupil
from parents import make_parent, sign_in_as
from staff import make_staff

NOW = datetime(2026, 11, 23, 9, 0)
REMEMBER = "remember_token"


@pytest.fixture
def family(app):
    with app.app_context():
        load_trust()
        sam = make_pupil("122239", forename="Sam")
        make_parent("jo@example.com", sam)
        make_staff("office@bothal.example", "office", "122239")
        make_staff("admin@bothal.example", "admin", "122239")
        return {"upn": sam.upn}


def sign_in_by_link(app, client, email="jo@example.com", keep=True):
    """The parent's whole sign-in: ask for a link, open it, press Sign in. Returns the Set-Cookie headers."""
    client.post("/sign-in", data={"email": email})
    with app.app_context():
        body = db.session.scalars(select(OutboxMessage.body_text).order_by(OutboxMessage.id.desc())).first()
    token = urlsplit(re.search(r"\S+/sign-in/\S+", body).group(0)).fragment
    signed = client.post("/sign-in/link", data={"token": token, **({"keep_signed_in": "y"} if keep else {})})
    assert signed.status_code == 303, signed.data
    return signed.headers.getlist("Set-Cookie")


def cookie(client, name):
    found = client.get_cookie(name, domain=client.application.config["SERVER_NAME"])
    return found.value if found else None


def replay(app, session_cookie=None, remember=None):
    """Another browser holding copies of the cookies."""
    thief = app.test_client()
    for name, value in (("session", session_cookie), (REMEMBER, remember)):
        if value:
            thief.set_cookie(name, value, domain=app.config["SERVER_NAME"])
    return thief


def test_a_session_cookie_copied_before_signing_out_opens_nothing_after(app, client, family):
    sign_in_by_link(app, client, keep=False)
    copied = cookie(client, "session")
    assert replay(app, copied).get("/parent/").status_code == 200
    client.post("/sign-out")
    assert replay(app, copied).get("/parent/").status_code == 302


def test_the_keep_me_signed_in_cookie_alone_opens_nothing_after_signing_out(app, client, family):
    sign_in_by_link(app, client)
    remembered = cookie(client, REMEMBER)
    assert replay(app, remember=remembered).get("/parent/").status_code == 200  # it does what it says...
    client.post("/sign-out")
    assert replay(app, remember=remembered).get("/parent/").status_code == 302  # ...until signing out


def test_each_sign_in_gets_its_own_keep_me_signed_in_cookie_and_only_a_hash_is_stored(app, family):
    first, second = app.test_client(), app.test_client()
    sign_in_by_link(app, first)
    sign_in_by_link(app, second)
    one, two = cookie(first, REMEMBER), cookie(second, REMEMBER)
    assert one != two
    with app.app_context():
        stored = db.session.scalars(select(AccountSession.token_hash)).all()
    assert len(stored) == 2 and not any(h in one or h in two or one.split("|")[0] in h for h in stored)


def test_the_keep_me_signed_in_cookie_is_same_site_http_only_and_lasts_30_days(app, client, family):
    remember = next(c for c in sign_in_by_link(app, client) if c.startswith(REMEMBER))
    assert "SameSite=Lax" in remember and "HttpOnly" in remember
    expires = datetime.strptime(re.search(r"Expires=([^;]+)", remember).group(1), "%a, %d %b %Y %H:%M:%S GMT")
    assert timedelta(days=29) < expires - utcnow() <= timedelta(days=30)  # cookie dates are UTC


def test_a_parent_who_lost_a_phone_signs_out_everywhere(app, family):
    phone, laptop = app.test_client(), app.test_client()
    sign_in_by_link(app, phone)
    sign_in_by_link(app, laptop)
    page = laptop.get("/parent/sign-out-everywhere")
    assert b"signed in on 2 devices" in page.data
    done = laptop.post("/parent/sign-out-everywhere")
    assert done.status_code == 303 and done.location == "/sign-in"
    assert phone.get("/parent/").status_code == 302 and laptop.get("/parent/").status_code == 302
    assert replay(app, remember=cookie(phone, REMEMBER)).get("/parent/").status_code == 302
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "session.ended_all"))
        assert event.after == {"why": "signed out everywhere", "sessions": 2}


def test_signing_out_is_audited(app, client, family):
    sign_in_by_link(app, client)
    client.post("/sign-out")
    with app.app_context():
        ended = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "session.ended"))
        assert ended.after == {"why": "signed out"} and ended.actor.startswith("parent:")


def test_staff_signing_out_ends_the_session_for_any_copy_of_the_cookie(app, client, family):
    client.post("/staff/sign-in", data={"email": "office@bothal.example",
                                        "password": "correct horse battery staple"})
    copied = cookie(client, "session")
    assert replay(app, copied).get("/staff/").status_code == 200
    client.post("/staff/sign-out")
    assert replay(app, copied).get("/staff/").status_code == 302


def test_a_member_of_staff_switched_off_loses_every_session_at_once(app, family):
    office, home = app.test_client(), app.test_client()
    with app.app_context():
        staff = db.session.scalar(select(StaffUser).where(StaffUser.email == "office@bothal.example"))
        sign_in_as(office, staff)
        sign_in_as(home, staff)
        admin = db.session.scalar(select(StaffUser).where(StaffUser.email == "admin@bothal.example"))
        staff_accounts.switch_off(admin, staff)
        staff_id = staff.id
    assert office.get("/staff/").status_code == 302 and home.get("/staff/").status_code == 302
    with app.app_context():
        assert set(db.session.scalars(select(AccountSession.ended_why).where(
            AccountSession.staff_id == staff_id))) == {"account switched off"}
        # Switched on again, the old cookies stay dead: only a new sign-in opens a session.
        staff_accounts.switch_on("cli:test", db.session.get(StaffUser, staff_id))
    assert office.get("/staff/").status_code == 302


def test_a_parent_who_loses_parental_responsibility_loses_every_session(app, family, tmp_path):
    phone = app.test_client()
    sign_in_by_link(app, phone)
    csv = tmp_path / "contacts.csv"
    csv.write_text("upn,contact_name,relationship,email,phone,parental_responsibility,lives_with_pupil,priority\n"
                   f"{family['upn']},Jo Parent,Mother,jo@example.com,,N,Y,1\n")
    with app.app_context():
        import_contacts(csv, actor="cli:test")
    assert phone.get("/parent/").status_code == 302
    with app.app_context():
        account = db.session.scalar(select(ParentAccount).where(ParentAccount.email == "jo@example.com"))
        ended = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "session.ended_all"))
        assert (ended.actor, ended.object_id, ended.after["why"]) == ("cli:test", str(account.id),
                                                                      "no parental responsibility")


def test_a_parent_still_a_parent_after_an_import_stays_signed_in(app, family, tmp_path):
    phone = app.test_client()
    sign_in_by_link(app, phone)
    csv = tmp_path / "contacts.csv"
    csv.write_text("upn,contact_name,relationship,email,phone,parental_responsibility,lives_with_pupil,priority\n"
                   f"{family['upn']},Jo Parent,Mother,jo@example.com,07700900123,Y,Y,1\n")
    with app.app_context():
        import_contacts(csv, actor="cli:test")
    assert phone.get("/parent/").status_code == 200


def test_staff_sessions_end_after_30_minutes_idle_and_parents_do_not(app, family):
    staff_browser, parent_browser = app.test_client(), app.test_client()
    with time_machine.travel(NOW, tick=False) as moment:
        with app.app_context():
            sign_in_as(staff_browser, db.session.scalar(select(StaffUser).where(StaffUser.email == "office@bothal.example")))
            sign_in_as(parent_browser, db.session.scalar(select(ParentAccount)))
        for _ in range(3):  # busy for an hour and a half: never idle long enough
            moment.shift(timedelta(minutes=29))
            assert staff_browser.get("/staff/").status_code == 200
        moment.shift(timedelta(minutes=31))
        assert staff_browser.get("/staff/").status_code == 302
        assert parent_browser.get("/parent/").status_code == 200
        with app.app_context():
            assert db.session.scalar(select(AccountSession.ended_why).where(
                AccountSession.staff_id.is_not(None))) == "idle"


def test_sessions_without_keep_me_signed_in_end_after_8_hours(app, client, family):
    with time_machine.travel(NOW, tick=False) as moment:
        sign_in_by_link(app, client, keep=False)
        moment.shift(timedelta(hours=7, minutes=59))
        assert client.get("/parent/").status_code == 200
        moment.shift(timedelta(minutes=2))
        assert client.get("/parent/").status_code == 302


def test_staff_are_never_kept_signed_in(app, client, family):
    client.post("/staff/sign-in", data={"email": "office@bothal.example", "password": "correct horse battery staple",
                                        "keep_signed_in": "y"})
    assert cookie(client, REMEMBER) is None
    with app.app_context():
        assert db.session.scalar(select(AccountSession.remember)) is False


def test_signing_in_starts_a_fresh_cookie_session(app, client, family):
    with client.session_transaction() as before:
        before["planted"] = "by someone else"  # a session fixed by an attacker before the parent signs in
    sign_in_by_link(app, client)
    with client.session_transaction() as after:
        assert "planted" not in after


def test_signing_in_again_on_the_same_browser_ends_the_session_it_had(app, client, family):
    sign_in_by_link(app, client)
    client.post("/staff/sign-in", data={"email": "office@bothal.example", "password": "correct horse battery staple"})
    with app.app_context():
        rows = db.session.scalars(select(AccountSession).order_by(AccountSession.id)).all()
        assert [(r.parent_account_id is not None, r.ended_why) for r in rows] == [(True, "signed out"), (False, None)]


def test_a_parents_session_is_resumed_in_one_query_and_last_seen_written_at_most_every_5_minutes(app, family):
    from sqlalchemy import event

    from portal.services import sessions

    browser = app.test_client()
    with time_machine.travel(NOW, tick=False) as moment:
        with app.app_context():
            token = sign_in_as(browser, db.session.scalar(select(ParentAccount)))
        seen = []

        def last_seen():
            with app.app_context():
                return db.session.scalar(select(AccountSession.last_seen_at))

        for minutes in (1, 2, 3, 4):
            moment.move_to(NOW + timedelta(minutes=minutes))
            assert browser.get("/parent/").status_code == 200
            seen.append(last_seen())
        moment.move_to(NOW + timedelta(minutes=5, seconds=1))
        assert browser.get("/parent/").status_code == 200
        assert seen == [NOW] * 4 and last_seen() == NOW + timedelta(minutes=5, seconds=1)

        statements = []
        with app.app_context():
            listen = lambda *args: statements.append(args[2])  # noqa: E731
            engines = {db.engine, read_engine()}  # PostgreSQL reads on an engine of their own
            for engine in engines:
                event.listen(engine, "before_cursor_execute", listen)
            try:
                account = sessions.resume(token, now=NOW + timedelta(minutes=6))
                assert account.email == "jo@example.com" and account.kind == "parent"
            finally:
                for engine in engines:
                    event.remove(engine, "before_cursor_execute", listen)
        assert len(statements) == 1 and "token_hash" in statements[0]
