"""Fixture ladder: app -> client/runner -> app_ctx. A fresh database per test.

The suite runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set (.ci/run does both).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import MetaData

from portal import create_app, database_uri
from portal.extensions import db

pytest_plugins = ["browser_fixtures"]  # live server, Chromium and axe for tests/e2e and tests/site

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


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
            _drop_everything()
            db.create_all()
        built.append(app)
        return app

    yield make
    for app in built:
        with app.app_context():
            db.session.remove()
            _drop_everything()
            db.engine.dispose()


def _drop_everything() -> None:
    # Reflect, so tables left by a migration test (alembic_version) go too.
    meta = MetaData()
    meta.reflect(bind=db.engine)
    meta.drop_all(bind=db.engine)


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
