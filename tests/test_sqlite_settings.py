"""An SQLite database file runs in WAL mode with every commit synced, in each connection the portal opens."""

from __future__ import annotations

from sqlalchemy import text

from portal.extensions import db


def test_a_database_file_uses_write_ahead_logging_and_full_sync(make_app, tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'portal.sqlite'}")
    with app.app_context():
        with db.engine.connect() as first, db.engine.connect() as second:
            for connection in (first, second):
                assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
                assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
                assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000
            # A reader sees what another connection committed while it was open.
            second.execute(text("SELECT 1"))
            with db.engine.begin() as writer:
                writer.execute(text("CREATE TABLE note (body TEXT)"))
                writer.execute(text("INSERT INTO note VALUES ('kept')"))
            assert second.execute(text("SELECT body FROM note")).scalar() == "kept"
    assert (tmp_path / "portal.sqlite-wal").exists()
