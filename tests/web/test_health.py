"""The health page load balancers and monitoring poll, the admins' system page, and who a session cookie can load."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from sqlalchemy.exc import OperationalError

from portal.extensions import db
from portal.models import JobRun, OutboxMessage, ParentAccount, StaffUser
from portal.services import jobs, sessions
from portal.services.imports.pupils import import_pupils
from portal.web.session import load_user

from factories import ALP, BOTHAL, CENTRAL, EXAMPLES, load_trust
from parents import make_parent, sign_in_as
from staff import make_staff

NOW = datetime(2026, 11, 23, 10, 0)


def all_jobs_ran(at: datetime) -> None:
    for job in jobs.JOBS:
        db.session.add(JobRun(job=job, started_at=at, finished_at=at, result="ok", detail="done"))
    db.session.commit()


def queue_email(at: datetime) -> None:
    db.session.add(OutboxMessage(created_at=at, recipients=["jo@example.com"], subject="Sam Ashdown's absence",
                                 body_text="x", next_attempt_at=at))
    db.session.commit()


def test_a_load_balancer_reads_ok_and_nothing_else(app, client):
    with app.app_context():
        all_jobs_ran(NOW - timedelta(hours=1))
    with time_machine.travel(NOW, tick=False):
        response = client.get("/health")
    assert response.status_code == 200
    assert (response.mimetype, response.get_data(as_text=True)) == ("text/plain", "ok\n")


def test_stuck_email_or_a_failed_job_is_degraded_without_saying_why(app, client):
    with app.app_context():
        all_jobs_ran(NOW - timedelta(hours=1))
        queue_email(NOW - timedelta(hours=2))
    with time_machine.travel(NOW, tick=False):
        response = client.get("/health")
    assert response.status_code == 200  # the portal serves: a load balancer keeps it
    assert response.get_data(as_text=True) == "degraded\n"


def test_503_when_the_database_is_unreachable(client, monkeypatch):
    def unreachable(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(db.session, "execute", unreachable)
    response = client.get("/health")
    assert response.status_code == 503
    assert response.get_data(as_text=True) == "degraded\n"


def test_a_database_without_the_portals_tables_is_503(app, client):
    with app.app_context():
        JobRun.__table__.drop(db.engine)
    response = client.get("/health")
    assert (response.status_code, response.get_data(as_text=True)) == (503, "degraded\n")


def test_monitoring_with_the_token_reads_the_detail(make_app):
    app = make_app(PORTAL_HEALTH_TOKEN="s3cret-monitoring-token")
    with app.app_context(), time_machine.travel(NOW, tick=False):
        all_jobs_ran(NOW - timedelta(hours=30))
        with pytest.raises(RuntimeError), jobs.running("evidence sweep"):
            raise RuntimeError("disk full")
        queue_email(NOW - timedelta(minutes=45))
        load_trust(ALP)
        import_pupils(EXAMPLES / "pupils.csv", actor="cli:test")
    client = app.test_client()
    with time_machine.travel(NOW, tick=False):
        response = client.get("/health", headers={"Authorization": "Bearer s3cret-monitoring-token"})
    assert response.status_code == 200
    detail = response.get_json()
    assert detail["status"] == "degraded" and detail["database"] == "ok"
    assert detail["outbox"] == {"unsent": 1, "oldest_unsent_at": "2026-11-23T09:15:00Z", "oldest_unsent_seconds": 2700}
    # Both of the trust's schools had pupils in the file, and no marks yet: past 9:10 on a Monday they are late.
    assert detail["imports"] == [
        {"school": urn, "last_at": "2026-11-23T10:00:00Z", "last_marks_at": None, "marks_late": True}
        for urn in (BOTHAL, CENTRAL)]
    sweep = next(j for j in detail["jobs"] if j["job"] == "evidence sweep")
    assert sweep == {"job": "evidence sweep", "last_started_at": "2026-11-23T10:00:00Z",
                     "last_finished_at": "2026-11-23T10:00:00Z", "result": "failed", "took_seconds": 0.0,
                     "last_ok_at": "2026-11-22T04:00:00Z", "expected_every_seconds": 10800}
    assert detail["problems"] == [
        "outbox: 1 email(s) unsent, the oldest queued 45 minutes ago",
        "Bothal Primary School: this morning's marks have not arrived from the MIS",
        "Central Primary School: this morning's marks have not arrived from the MIS",
        "attendance refresh: has not run successfully for over 26 hours",
        "retention purge: has not run successfully for over 26 hours",
        "backup nightly: has not run successfully for over 26 hours",
        "evidence sweep: the last run failed",
        "plans remind: has not run successfully for over 26 hours",
        "legal remind: has not run successfully for over 26 hours",
        "nudges send: has not run successfully for over 26 hours",
    ]
    assert "Sam" not in response.get_data(as_text=True)  # the queued email's subject is nobody's business here


def test_a_wrong_token_is_refused(make_app):
    for configured in ("s3cret-monitoring-token", None):
        client = make_app(PORTAL_HEALTH_TOKEN=configured).test_client()
        response = client.get("/health", headers={"Authorization": "Bearer guess"})
        assert response.status_code == 403
        assert response.get_data(as_text=True) == "forbidden\n"


def test_a_signed_in_admin_reads_the_detail_and_other_staff_do_not(app):
    with app.app_context():
        load_trust(ALP)
        accounts = ((StaffUser, make_staff("admin@bothal.example", "admin", school_urn=BOTHAL).id, True),
                    (StaffUser, make_staff("head@bothal.example", "headteacher", school_urn=BOTHAL).id, False),
                    (ParentAccount, make_parent("jo@example.com").id, False))
    for model, account_id, detail in accounts:
        client = app.test_client()
        with app.app_context():
            sign_in_as(client, db.session.get(model, account_id))
        response = client.get("/health")
        assert response.status_code == 200
        assert (response.is_json, response.get_json(silent=True) is not None) == (detail, detail)


def test_the_admins_system_page_shows_each_job_and_what_needs_attention(app):
    with app.app_context(), time_machine.travel(NOW, tick=False):
        load_trust(ALP)
        admin_id = make_staff("admin@bothal.example", "admin", school_urn=BOTHAL).id
        with jobs.running("attendance refresh") as run:
            run.detail = "Figures as of 23 November 2026 kept for 412 pupils."
        with pytest.raises(RuntimeError), jobs.running("evidence sweep"):
            raise RuntimeError("disk full")
    client = app.test_client()
    with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
        with app.app_context():
            sign_in_as(client, db.session.get(StaffUser, admin_id))
        page = client.get("/staff/system").get_data(as_text=True)
    assert "evidence sweep: the last run failed" in page
    assert "RuntimeError: disk full" in page
    assert "Figures as of 23 November 2026 kept for 412 pupils." in page
    assert "23 Nov 2026 10:00" in page  # UK time (GMT in November)
    assert 'href="/staff/system"' in page  # in the admin's navigation


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
