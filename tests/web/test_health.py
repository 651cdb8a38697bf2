"""The health page monitoring polls, and who a session cookie can load."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import OperationalError

from portal.extensions import db
from portal.models import ParentAccount, StaffUser
from portal.services import sessions
from portal.web.session import load_user


def test_health_reports_ok_when_the_database_answers(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_health_reports_503_when_the_database_is_unreachable(client, monkeypatch):
    def unreachable(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(db.session, "execute", unreachable)
    response = client.get("/health")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"


def test_a_session_id_loads_only_its_own_kind_of_user(app_ctx):
    parent = ParentAccount(email="jane@example.com", created_at=datetime(2026, 9, 1))
    staff = StaffUser(email="office@example.com", name="Office", created_at=datetime(2026, 9, 1))
    db.session.add_all([parent, staff])
    db.session.commit()
    assert load_user(sessions.start(parent)) == parent
    assert load_user(sessions.start(staff)) == staff
    # An account's id (what the cookie held before sessions were kept on the server), or a forged value, loads
    # nobody.
    assert load_user(f"staff:{staff.id}") is None
    assert load_user(f"parent:{parent.id}") is None
    assert load_user(str(parent.id)) is None
    assert load_user("admin:1") is None


def test_a_deactivated_member_of_staff_is_not_active(app_ctx):
    staff = StaffUser(email="left@example.com", name="Left", created_at=datetime(2026, 9, 1), active=False)
    assert not staff.is_active
