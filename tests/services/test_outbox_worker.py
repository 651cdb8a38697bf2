"""A mail server that accepts connections and never answers (issue 14, 3) costs no web request anything: requests
only queue email, `flask outbox work` delivers it in a process of its own, and each SMTP conversation times out, so
the message waits and goes out once, later, when the server answers again."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from portal.clock import utcnow
from portal.extensions import db
from portal.models import OutboxMessage
from portal.services import notify

from factories import load_trust, make_pupil
from parents import make_parent
from smtp import SilentServer, SmtpServer, wait_for_mail

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def silent():
    server = SilentServer(hold=4).start()
    yield server
    server.stop()


@pytest.fixture
def hung_app(make_app, silent):
    app = make_app(MAIL_SUPPRESS_SEND=False, MAIL_SERVER="127.0.0.1", MAIL_PORT=silent.port, MAIL_TIMEOUT=0.5)
    with app.app_context():
        load_trust()
        make_parent("jo@example.com", make_pupil("122239"))
    return app


def test_asking_for_a_sign_in_link_never_waits_for_the_mail_server(hung_app, silent):
    client = hung_app.test_client()
    started = time.monotonic()
    response = client.post("/sign-in", data={"email": "jo@example.com"})
    response.close()  # what the server does once the body is sent: after-response work runs here
    took = time.monotonic() - started
    assert response.status_code == 303
    assert took < 1.5, f"the request took {took:.1f} s: it waited on the mail server"
    assert silent.connections == 0  # the web request did not even connect
    with hung_app.app_context():
        [queued] = db.session.scalars(select(OutboxMessage)).all()
        assert queued.sent_at is None and queued.attempts == 0


def test_the_worker_times_out_and_delivers_once_when_the_server_answers_again(hung_app, silent):
    with hung_app.app_context():
        notify.queue(["jo@example.com"], "Test", "sign_in_link", key="k1", link="http://x/sign-in/abc", minutes=20,
                     schools=["Bothal Primary School"])
        db.session.commit()
        now = utcnow()
        started = time.monotonic()
        assert notify.deliver_due(now=now) == (0, 1)
        assert time.monotonic() - started < 2.5  # MAIL_TIMEOUT (0.5 s), not the server's 4 s silence
        message = db.session.scalar(select(OutboxMessage))
        assert message.attempts == 1 and message.sent_at is None
        assert "timed out" in message.last_error.lower() or "Timeout" in message.last_error
        assert message.next_attempt_at == now + timedelta(minutes=1)
        assert notify.deliver_due(now=now + timedelta(seconds=30)) == (0, 0)  # backing off: no second try yet

        silent.stop()
        answering = SmtpServer(port=silent.port).start()
        try:
            assert notify.deliver_due(now=now + timedelta(minutes=2)) == (1, 0)
            assert notify.deliver_due(now=now + timedelta(hours=5), even_if_not_due=True) == (0, 0)
            assert [m["Subject"] for m in answering.inbox.messages] == ["Test"]  # once: not lost, not twice
            assert db.session.scalar(select(OutboxMessage)).sent_at is not None
        finally:
            answering.stop()


def test_outbox_work_delivers_as_a_process_of_its_own_and_stops_cleanly_on_sigterm(make_app, tmp_path):
    database = f"sqlite:///{tmp_path / 'portal.sqlite'}"
    smtp = SmtpServer().start()
    app = make_app(SQLALCHEMY_DATABASE_URI=database)
    with app.app_context():
        notify.queue(["jo@example.com"], "From the worker", "sign_in_link", link="http://x/sign-in/abc", minutes=20,
                     schools=["Bothal Primary School"])
        db.session.commit()
    env = dict(os.environ, DATABASE_URL=database, PORTAL_INSTANCE_PATH=str(tmp_path / "instance"),
               PORTAL_MAIL_SERVER="127.0.0.1", PORTAL_MAIL_PORT=str(smtp.port), PORTAL_SECRET_KEY="worker-test",
               PYTHONWARNINGS="ignore")
    worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "portal", "outbox", "work", "--interval",
                               "0.2"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True)
    try:
        delivered = wait_for_mail(smtp.inbox, 1, timeout=30)
        assert delivered["Subject"] == "From the worker"
        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=15)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
        smtp.stop()
    assert worker.returncode == 0, output
    assert "Stopped: 1 sent while running." in output
    assert len(smtp.inbox.messages) == 1
    with app.app_context():
        assert db.session.scalar(select(OutboxMessage)).sent_at is not None


def test_make_run_still_prints_the_sign_in_email_at_once(make_app, capsys):
    app = make_app(MAIL_TO_CONSOLE=True, MAIL_SUPPRESS_SEND=False, MAIL_PORT=1)  # nothing listens on port 1
    with app.app_context():
        load_trust()
        make_parent("jo@example.com", make_pupil("122239"))
    response = app.test_client().post("/sign-in", data={"email": "jo@example.com"})
    assert response.status_code == 303
    printed = capsys.readouterr().out
    assert "email to jo@example.com: Your sign-in link for the attendance portal" in printed


def test_a_stopped_worker_starts_no_further_message(hung_app):
    import threading

    with hung_app.app_context():
        for n in range(3):
            notify.queue(["jo@example.com"], "Test", "sign_in_link", key=f"stop:{n}", link="http://x/sign-in/abc",
                         minutes=20, schools=["Bothal Primary School"])
        db.session.commit()
        stop = threading.Event()
        stop.set()  # SIGTERM arrived: the pass ends before the next message, not after all of them
        assert notify.deliver_due(stop=stop) == (0, 0)
        assert all(m.attempts == 0 for m in db.session.scalars(select(OutboxMessage)))
