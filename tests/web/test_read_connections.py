"""The reads every signed-in request makes first (portal/read_connections.py): on PostgreSQL, planned once per
connection and never left in a transaction, and a parent still gets their page after the database server dropped
its connections (a restart, a failover)."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from sqlalchemy import select, text

from portal.extensions import db
from portal.models import ParentAccount
from portal.read_connections import read_first

from factories import BOTHAL, in_england, load_trust, make_pupil
from parents import make_parent, sign_in_as

AS_OF = date(2025, 9, 8)


@pytest.fixture(autouse=True)
def fixed_day(school_clock):
    school_clock.move_to(in_england(datetime.combine(AS_OF, time(18, 0))))


@pytest.fixture
def parent(app):
    with app.app_context():
        load_trust()
        sam = make_pupil(BOTHAL, forename="Sam", surname="Taylor")
        make_parent("jo@example.com", sam)
        client = app.test_client()
        sign_in_as(client, db.session.scalar(select(ParentAccount).where(ParentAccount.email == "jo@example.com")))
        return client, sam.id


def sams_page(client, pupil_id: int) -> str:
    response = client.get(f"/parent/children/{pupil_id}", headers={"Accept": "text/html"})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_parent_gets_their_page_after_the_database_server_dropped_every_connection(app, parent):
    client, pupil_id = parent
    first = sams_page(client, pupil_id)
    assert "Sam" in first
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect() as connection:
                dropped = connection.execute(text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalar()
            assert dropped >= 1  # the reads' own connection among them
        # (SQLite has no server to drop a connection: the page is read again as it was.)
    again = sams_page(client, pupil_id)  # the kept page, read on a new connection
    assert again == first


def test_the_session_and_kept_page_reads_are_planned_once_per_connection_and_hold_no_transaction(app, parent):
    client, pupil_id = parent
    for _ in range(7):  # psycopg prepares a statement on its fifth run on a connection
        sams_page(client, pupil_id)
    with app.test_request_context():
        if db.engine.dialect.name != "postgresql":
            # SQLite: a read has no round trip to save, and the app's engine is the only one that sees an
            # in-memory database.
            assert read_first(text("SELECT count(*) FROM child_page WHERE pupil_id = :id"), {"id": pupil_id})[0] == 1
            return
        prepared = read_first(text(
            "SELECT string_agg(statement, ' ') FROM pg_prepared_statements"), {})[0] or ""
        assert "FROM account_session" in prepared and "FROM child_page" in prepared
        # Autocommit: each read is its own transaction, so none began before it (nor is left open after it).
        assert read_first(text("SELECT now() = statement_timestamp()"), {})[0] is True
