"""The outbox: email queued with the change it reports, delivered after commit, retried until it goes, once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.clock import utcnow
from portal.extensions import db
from portal.models import OutboxMessage
from portal.services import notify, parent_access

from factories import load_trust, make_pupil
from parents import make_parent
from smtp import SmtpServer


def queue_one(key=None):
    message = notify.queue(["jo@example.com"], "Test", "sign_in_link", key=key, link="http://x/sign-in/abc",
                           minutes=20, schools=["Bothal Primary School"])
    db.session.commit()
    return message


def test_a_keyed_message_is_queued_once(app_ctx):
    first, second = queue_one("report:1"), queue_one("report:1")
    assert first.id == second.id
    assert db.session.query(OutboxMessage).count() == 1


@pytest.fixture
def smtp_app(make_app):
    server = SmtpServer()
    app = make_app(MAIL_SUPPRESS_SEND=False, MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port)
    yield app, server
    server.stop()


def test_a_sign_in_link_is_delivered_through_a_real_smtp_server_and_works(smtp_app):
    app, server = smtp_app
    server.start()
    with app.app_context():
        load_trust()
        make_parent("jo@example.com", make_pupil("122239"))
        parent_access.request_sign_in_link("jo@example.com")
        assert notify.deliver_due() == (1, 0)
        [delivered] = server.inbox.messages
        assert delivered["To"] == "jo@example.com"
        body = delivered.get_body(preferencelist=("plain",)).get_content()
        token = next(line for line in body.splitlines() if "/sign-in/" in line).strip().rsplit("#", 1)[1]
        assert parent_access.use_link(token).email == "jo@example.com"


def test_mail_queued_while_the_server_is_down_is_delivered_exactly_once_when_it_is_back(smtp_app):
    app, server = smtp_app
    with app.app_context():
        for n in range(3):
            queue_one(f"report:{n}")
        now = utcnow()  # the messages were queued at this moment, so they are due from it
        assert notify.deliver_due(now=now) == (0, 3)  # refused: nothing is lost
        message = db.session.scalar(select(OutboxMessage))
        assert message.attempts == 1 and "ConnectionRefusedError" in message.last_error
        assert message.next_attempt_at == now + timedelta(minutes=1)
        assert notify.deliver_due(now=now + timedelta(seconds=30)) == (0, 0)  # backing off
        server.start()
        assert notify.deliver_due(now=now + timedelta(minutes=2)) == (3, 0)
        assert notify.deliver_due(now=now + timedelta(hours=1)) == (0, 0)
        assert sorted(m["Subject"] for m in server.inbox.messages) == ["Test", "Test", "Test"]
        assert all(m.sent_at for m in db.session.scalars(select(OutboxMessage)))


def test_outbox_send_retries_everything_from_the_command_line(smtp_app):
    app, server = smtp_app
    with app.app_context():
        queue_one()
        notify.deliver_due()  # fails: the server is not up
    server.start()
    result = app.test_cli_runner().invoke(args=["outbox", "send", "--all"])
    assert result.exit_code == 0, result.output
    assert "1 sent, 0 failed" in result.output
    assert len(server.inbox.messages) == 1


def test_in_development_email_is_printed_not_sent(make_app, capsys):
    app = make_app(MAIL_TO_CONSOLE=True, MAIL_SUPPRESS_SEND=False, MAIL_PORT=1)  # nothing listens on port 1
    with app.app_context():
        queue_one()
        assert notify.deliver_due() == (1, 0)
    printed = capsys.readouterr().out
    assert "email to jo@example.com: Test" in printed and "http://x/sign-in/abc" in printed
