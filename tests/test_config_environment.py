"""Configuration the way a deployment sets it: environment variables read by create_app() (issue 14, item 1).

Flask's from_prefixed_env("PORTAL") strips the prefix, so PORTAL_TRUSTED_PROXIES=1, as the README writes it, used to
land in TRUSTED_PROXIES while the code read PORTAL_TRUSTED_PROXIES: the proxy setting, the sign-in link's lifetime
and the base URL changed nothing, and every parent was emailed links to http://127.0.0.1:5000. Each variable the
README names is set here as the README writes it, and what it should change is checked.
"""

from __future__ import annotations

import os
import re
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import time_machine
from sqlalchemy import select

from portal import create_app
from portal.config import ConfigurationError
from portal.extensions import db
from portal.models import OutboxMessage, PasswordReset, SignInLink
from portal.services import notify
from portal.services import staff_accounts

from factories import load_trust, make_pupil
from parents import make_parent, sign_in_as
from staff import make_staff

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()
NOW = datetime(2026, 11, 23, 9, 0)


@pytest.fixture
def deploy(tmp_path, monkeypatch):
    """create_app() as gunicorn calls it, with the environment given; the tables made, and dropped after."""
    for name in list(os.environ):
        if name.startswith(("PORTAL_", "FLASK_")) or name == "DATABASE_URL":
            monkeypatch.delenv(name)
    built = []

    def make(**environment):
        base = {"PORTAL_INSTANCE_PATH": str(tmp_path / "instance"), "DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}",
                "PORTAL_FREEZE_GC_AT_START": "false", "PORTAL_MAIL_SUPPRESS_SEND": "true",
                "PORTAL_BASE_URL": "https://attendance.example.org",
                "PORTAL_PORTAL_ARGON2_TIME_COST": "1", "PORTAL_PORTAL_ARGON2_MEMORY_KIB": "1024"}
        for name, value in {**base, **environment}.items():
            if value is None:
                monkeypatch.delenv(name, raising=False)
            else:
                monkeypatch.setenv(name, value)
        app = create_app()
        with app.app_context():
            db.create_all()
        built.append(app)
        return app

    yield make
    for app in built:
        with app.app_context():
            db.session.remove()
            db.drop_all()
            db.engine.dispose()


def sign_in_email(app, address="jo@example.com") -> OutboxMessage:
    with app.app_context():
        load_trust()
        make_parent(address, make_pupil("122239"))
    assert app.test_client().post("/sign-in", data={"email": address}).status_code == 303
    with app.app_context():
        return db.session.scalars(select(OutboxMessage)).all()[-1]


# ------------------------------------------------------------------------------------------ the portal's own

def test_base_url_is_where_emailed_links_lead(deploy):
    app = deploy(PORTAL_BASE_URL="https://attendance.example.org", PORTAL_WTF_CSRF_ENABLED="false")
    link = re.search(r"\S+/sign-in/\S+", sign_in_email(app).body_text).group(0)
    assert link.startswith("https://attendance.example.org/sign-in/link#")


def test_served_in_production_without_a_base_url_the_portal_will_not_start(deploy):
    with pytest.raises(ConfigurationError, match="PORTAL_BASE_URL is not set"):
        deploy(PORTAL_BASE_URL=None)
    # Under the `flask` command (db upgrade, imports, the development server of `make run`) it may go without.
    assert deploy(PORTAL_BASE_URL=None, FLASK_RUN_FROM_CLI="true").config["PORTAL_BASE_URL"] == \
        "http://127.0.0.1:5000"


def test_an_https_base_url_makes_every_cookie_secure(deploy):
    app = deploy(PORTAL_BASE_URL="https://attendance.example.org", PORTAL_WTF_CSRF_ENABLED="false")
    with app.app_context():
        load_trust()
        make_parent("jo@example.com", make_pupil("122239"))
    client = app.test_client()
    client.post("/sign-in", data={"email": "jo@example.com"})
    with app.app_context():
        token = urlsplit(re.search(r"\S+/sign-in/\S+", db.session.scalar(select(OutboxMessage.body_text)))
                         .group(0)).fragment
    signed = client.post("/sign-in/link", data={"token": token, "keep_signed_in": "y"})
    cookies = signed.headers.getlist("Set-Cookie")
    assert len(cookies) == 2 and all("Secure" in c and "HttpOnly" in c and "SameSite=Lax" in c for c in cookies)


def test_sign_in_link_minutes(deploy):
    app = deploy(PORTAL_SIGN_IN_LINK_MINUTES="30", PORTAL_WTF_CSRF_ENABLED="false")
    message = sign_in_email(app)
    assert "for the next 30 minutes" in message.body_text
    with app.app_context():
        link = db.session.scalar(select(SignInLink))
        assert link.expires_at - link.created_at == timedelta(minutes=30)


def test_trusted_proxies_count_each_parent_behind_the_proxy_on_their_own(deploy):
    app = deploy(PORTAL_TRUSTED_PROXIES="1", PORTAL_WTF_CSRF_ENABLED="false")
    client = app.test_client()

    def attempts(n, address, start):
        return [client.post("/sign-in", data={"email": f"p{start + i}@example.com"},
                            headers={"X-Forwarded-For": address}).status_code for i in range(n)]

    with time_machine.travel(NOW, tick=False):  # all in one minute's window, however slow the machine
        assert attempts(10, "203.0.113.7", 0) == [303] * 10
        assert attempts(1, "203.0.113.7", 10) == [429]
        assert attempts(1, "198.51.100.4", 11) == [303]  # another parent behind the same proxy


def test_staff_idle_minutes(deploy):
    app = deploy(PORTAL_STAFF_IDLE_MINUTES="5")
    client = app.test_client()
    with time_machine.travel(NOW, tick=False) as moment:
        with app.app_context():
            load_trust()
            sign_in_as(client, make_staff("office@bothal.example", "office", "122239"))
        moment.shift(timedelta(minutes=4))
        assert client.get("/staff/").status_code == 200
        moment.shift(timedelta(minutes=5, seconds=1))
        assert client.get("/staff/").status_code == 302


def test_password_reset_minutes(deploy):
    app = deploy(PORTAL_PASSWORD_RESET_MINUTES="15")
    with app.app_context():
        load_trust()
        staff = make_staff("office@bothal.example", "office", "122239")
        staff_accounts.send_password_reset("cli:test", staff)
        reset = db.session.scalar(select(PasswordReset))
        assert reset.expires_at - reset.created_at == timedelta(minutes=15)


# ------------------------------------------------------------------------------------------ Flask's and its extensions'

def test_mail_settings(deploy):
    app = deploy(PORTAL_MAIL_SERVER="smtp.example.org", PORTAL_MAIL_PORT="587", PORTAL_MAIL_USE_TLS="true",
                 PORTAL_MAIL_USERNAME="portal", PORTAL_MAIL_PASSWORD="s3cret-for-smtp",
                 PORTAL_MAIL_DEFAULT_SENDER="Bothal Primary <attendance@bothal.example.org>")
    state = app.extensions["mail"]
    assert (state.server, state.port, state.use_tls, state.username, state.password) == \
        ("smtp.example.org", 587, True, "portal", "s3cret-for-smtp")
    assert state.default_sender == "Bothal Primary <attendance@bothal.example.org>"


def test_mail_to_console(deploy, capsys):
    app = deploy(PORTAL_MAIL_TO_CONSOLE="true", PORTAL_MAIL_SUPPRESS_SEND=None)
    with app.app_context():
        notify.queue(["jo@example.com"], "Hello", "sign_in_link", link="https://x/sign-in/link#t", minutes=20)
        db.session.commit()
        assert notify.deliver_due() == (1, 0)
    assert "email to jo@example.com: Hello" in capsys.readouterr().out


def test_session_cookie_secure(deploy):
    app = deploy(PORTAL_BASE_URL="http://attendance.internal", PORTAL_SESSION_COOKIE_SECURE="true")
    with app.test_request_context():
        from flask import session
        session["x"] = 1
        response = app.make_response("")
        app.session_interface.save_session(app, session, response)
    assert "Secure" in response.headers["Set-Cookie"]
    assert app.config["REMEMBER_COOKIE_SECURE"] is True


def test_secret_key(deploy, tmp_path):
    app = deploy(PORTAL_SECRET_KEY="a-long-random-string-from-the-environment")
    assert app.secret_key == "a-long-random-string-from-the-environment"
    assert not (tmp_path / "instance" / "secret_key").exists()


def test_database_url_and_instance_path(deploy, tmp_path):
    app = deploy(DATABASE_URL=f"sqlite:///{tmp_path / 'elsewhere.db'}",
                 PORTAL_INSTANCE_PATH=str(tmp_path / "second-instance"))
    assert app.instance_path == str(tmp_path / "second-instance")
    with app.app_context():
        assert db.engine.url.database == str(tmp_path / "elsewhere.db")
    assert (tmp_path / "elsewhere.db").exists()


def test_health_token(deploy):
    client = deploy(PORTAL_HEALTH_TOKEN="monitoring-token-from-the-environment").test_client()
    assert client.get("/health").get_data(as_text=True).strip() in ("ok", "degraded")  # a load balancer: one word
    detailed = client.get("/health", headers={"Authorization": "Bearer monitoring-token-from-the-environment"})
    assert detailed.is_json and "database" in detailed.get_json()
    assert client.get("/health", headers={"Authorization": "Bearer a-guess"}).status_code == 403


def test_evidence_max_pixels(deploy):
    import io

    from PIL import Image

    from portal.domain import file_types
    from portal.services import evidence_images

    picture = io.BytesIO()
    Image.new("RGB", (1200, 1000), "white").save(picture, "PNG")
    app = deploy(PORTAL_EVIDENCE_MAX_PIXELS="1000000")
    with app.app_context():
        assert evidence_images.problem(picture.getvalue(), file_types.PNG) == file_types.TOO_MANY_PIXELS


def test_uploads_per_hour_and_mail_timeout(deploy):
    app = deploy(PORTAL_UPLOADS_PER_HOUR="4", PORTAL_MAIL_TIMEOUT="3")
    assert app.config["PORTAL_UPLOADS_PER_HOUR"] == 4  # read by services/uploads.py
    assert app.config["MAIL_TIMEOUT"] == 3  # read by services/notify.py for each SMTP conversation


def test_backup_dir_and_backups_kept(deploy, tmp_path):
    app = deploy(PORTAL_BACKUP_DIR=str(tmp_path / "backups"), PORTAL_BACKUPS_KEPT="2")
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "stamp", "head"]).exit_code == 0
    for _ in range(3):
        assert runner.invoke(args=["backup", "nightly"]).exit_code == 0
    assert len(list((tmp_path / "backups").iterdir())) == 2


# Read by the recipe's processes, not by the app: the Procfile's `imports` command and deploy/gunicorn.conf.py.
# tests/ops/test_recipe.py sets both in its environment file and serves and imports through them.
RECIPE = {"PORTAL_IMPORT_DIR", "PORTAL_BIND"}

TESTED = RECIPE | {"PORTAL_BASE_URL", "PORTAL_HEALTH_TOKEN", "PORTAL_EVIDENCE_MAX_PIXELS", "PORTAL_UPLOADS_PER_HOUR",
          "PORTAL_MAIL_TIMEOUT", "PORTAL_SIGN_IN_LINK_MINUTES", "PORTAL_TRUSTED_PROXIES", "PORTAL_STAFF_IDLE_MINUTES",
          "PORTAL_PASSWORD_RESET_MINUTES", "PORTAL_MAIL_SERVER", "PORTAL_MAIL_PORT", "PORTAL_MAIL_USE_TLS",
          "PORTAL_MAIL_USERNAME", "PORTAL_MAIL_PASSWORD", "PORTAL_MAIL_DEFAULT_SENDER", "PORTAL_MAIL_TO_CONSOLE",
          "PORTAL_SESSION_COOKIE_SECURE", "PORTAL_SECRET_KEY", "DATABASE_URL", "PORTAL_INSTANCE_PATH",
          "PORTAL_BACKUP_DIR", "PORTAL_BACKUPS_KEPT"}


def test_every_variable_the_readme_names_is_tested_here():
    named = set(re.findall(r"\b(?:PORTAL_[A-Z0-9_]+|DATABASE_URL)\b", README))
    assert named - TESTED == set(), "add a test above setting each of these as the README writes it"
