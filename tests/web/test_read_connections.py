"""The reads every signed-in request makes first (portal/read_connections.py): on PostgreSQL, planned once per
connection and never left in a transaction, and a parent still gets their page after the database server dropped
its connections (a restart, a failover)."""

from __future__ import annotations

from sqlalchemy import text

from portal.extensions import db
from portal.read_connections import read_first

from web.test_kept_child_page import family, fixed_day, page, signed_in  # noqa: F401  (Sam's family, the day)


def test_a_parent_gets_their_page_after_the_database_server_dropped_every_connection(app, family):
    client, pupil_id = signed_in(app, "jo@example.com"), family["sam"]
    first = page(client, pupil_id)
    assert "Sam" in first
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect() as connection:
                dropped = connection.execute(text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalar()
            assert dropped >= 1  # the reads' own connection among them
        # (SQLite has no server to drop a connection: the page is read again as it was.)
    again = page(client, pupil_id)  # the kept page, read on a new connection
    assert again == first


def test_the_session_and_kept_page_reads_are_planned_once_per_connection_and_hold_no_transaction(app, family):
    client, pupil_id = signed_in(app, "jo@example.com"), family["sam"]
    for _ in range(7):  # psycopg prepares a statement on its fifth run on a connection
        page(client, pupil_id)
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
