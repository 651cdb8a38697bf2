"""Fixture ladder: app -> client/runner -> app_ctx. A fresh database per test.

The suite runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set (.ci/run does both).

Every test runs on a set date, never the real one (`school_clock`): the example policies' calendars are fixed, so a
test that read the real date would pass in one term and fail in the next. A test that needs another moment moves
the clock itself (`time_machine.travel(...)`, which nests). Tests marked `real_clock` (the browser journeys and the
tests that start other processes, which neither time-machine nor the browser's cookie jar can follow) run on the
machine's clock, against an example policy moved to it (tests/moved_policy.py).
"""

from __future__ import annotations

import contextlib
import os
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from hypothesis import settings
from sqlalchemy import MetaData, text

from portal import create_app, database_uri
from portal.extensions import db

pytest_plugins = ["browser_fixtures"]  # live server, Chromium and axe for tests/e2e and tests/site

# Hypothesis' 200 ms deadline per example fails a property test when a loaded CI machine pauses a worker, which says
# nothing about the rule under test; the examples' count stays as each test sets it.
settings.register_profile("portal", deadline=None)
settings.load_profile("portal")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def pytest_configure(config):
    """Under pytest-xdist (`make test` runs two workers), each worker has a PostgreSQL database of its own: every
    test drops and creates the tables, so two workers sharing one would undo each other's work."""
    worker, url = os.environ.get("PYTEST_XDIST_WORKER"), os.environ.get("TEST_DATABASE_URL")
    if not (worker and url):
        return
    from sqlalchemy import create_engine, make_url, text

    server = make_url(database_uri(url))
    own = server.set(database=f"{server.database}_{worker}")
    engine = create_engine(server, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        exists = connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": own.database})
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{own.database}"'))
    engine.dispose()
    os.environ["TEST_DATABASE_URL"] = own.render_as_string(hide_password=False)


# Thursday 3 December 2026, 2 pm in England: a school day in both example policies' calendars, after the
# registers have closed, with a term of register behind it.
SCHOOL_DAY = datetime.fromisoformat("2026-12-03T14:00:00+00:00")
_STARTED = time.monotonic()


def _on_school_day(node) -> contextlib.AbstractContextManager:
    if node.get_closest_marker("real_clock"):
        return contextlib.nullcontext()
    return time_machine.travel(SCHOOL_DAY + timedelta(seconds=time.monotonic() - _STARTED), tick=True)


@pytest.fixture(scope="module", autouse=True)
def _module_on_school_day(request):
    """The same clock for what a module's fixtures build (a served app, a CSRF token, demo data)."""
    with _on_school_day(request.node):
        yield


@pytest.fixture(autouse=True)
def school_clock(request, _module_on_school_day):
    """The portal's clock on SCHOOL_DAY for the test, ticking; `real_clock` tests keep the machine's.

    Each test starts as long after 2 pm as the run has lasted, so the clock never goes back from one test to the
    next or from a module's fixtures to its tests: a signed token they kept (a CSRF token) would be from the
    future, and refused."""
    with _on_school_day(request.node) as traveller:
        yield traveller


def test_config(**overrides) -> dict:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_uri(os.environ.get("TEST_DATABASE_URL", "sqlite://")),
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "MAIL_SUPPRESS_SEND": True,
        "SERVER_NAME": "portal.test",
        "PORTAL_FREEZE_GC_AT_START": False,  # an app a test: frozen objects would never be freed
        # A real argon2 hash, at a cost that keeps the suite fast; production keeps the library's defaults.
        "PORTAL_ARGON2_TIME_COST": 1,
        "PORTAL_ARGON2_MEMORY_KIB": 1024,
    }
    config.update(overrides)
    return config


@pytest.fixture
def make_app(tmp_path, monkeypatch):
    """Build an app with a fresh, empty schema; tables are dropped afterwards (PostgreSQL is shared)."""
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path / "instance"))
    built = []

    def make(**overrides):
        app = create_app(test_config(**overrides))
        with app.app_context():
            if not _empty_already():
                _drop_everything()
            db.create_all()
        built.append(app)
        return app

    yield make
    for app in built:
        with app.app_context():
            db.session.remove()
            if not _empty_already():
                _drop_everything()
            db.engine.dispose()


def _drop_everything() -> None:
    """Empty the test database, whatever an earlier test left in it (a migration test's alembic_version too).

    PostgreSQL's schema is dropped and made again in one statement, enum types included: cheaper than reflecting
    every table."""
    engine = db.engine
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        return
    meta = MetaData()
    meta.reflect(bind=engine)
    meta.drop_all(bind=engine)


def _empty_already() -> bool:
    """An in-memory SQLite database is new with each app's engine and goes with it: reflecting and dropping its tables
    before and after each test was a third of the suite's time."""
    engine = db.engine
    return engine.dialect.name == "sqlite" and engine.url.database in (None, "", ":memory:")


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
