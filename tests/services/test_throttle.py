"""Rate-limit counters in the database: limits, windows, keys, concurrency, and Flask-Limiter's storage on top."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from portal.clock import utcnow
from portal.extensions import db, limiter
from portal.models.throttle import ThrottleCounter
from portal.services import throttle

T0 = datetime(2026, 11, 23, 9, 0, 0)


def test_a_key_is_allowed_its_limit_and_refused_after_it(app_ctx):
    answers = [throttle.hit("staff:jo@example.com", 5, 60, now=T0 + timedelta(seconds=n)) for n in range(7)]
    assert answers == [True] * 5 + [False] * 2
    assert throttle.count("staff:jo@example.com", now=T0 + timedelta(seconds=7)) == 7


def test_the_window_starts_at_the_first_hit_and_a_new_one_after_it_ends(app_ctx):
    window = timedelta(minutes=15)
    for n in range(10):
        assert throttle.hit("k", 10, window, now=T0 + timedelta(minutes=n))
    assert not throttle.hit("k", 10, window, now=T0 + timedelta(minutes=14, seconds=59))
    assert throttle.window_end("k", now=T0) == T0 + window  # later hits do not move the end
    # The window ends 15 minutes after its first hit: the next hit starts a new one, counted from 1.
    assert throttle.hit("k", 10, window, now=T0 + window)
    assert throttle.count("k", now=T0 + window) == 1
    assert throttle.window_end("k", now=T0 + window) == T0 + 2 * window


def test_an_ended_window_counts_as_nothing(app_ctx):
    throttle.hit("k", 1, 60, now=T0)
    assert throttle.count("k", now=T0 + timedelta(seconds=59)) == 1
    assert throttle.count("k", now=T0 + timedelta(seconds=60)) == 0
    assert throttle.window_end("k", now=T0 + timedelta(seconds=60)) is None


def test_keys_are_counted_apart(app_ctx):
    for _ in range(3):
        throttle.hit("ip:127.0.0.1", 3, 60, now=T0)
    assert not throttle.hit("ip:127.0.0.1", 3, 60, now=T0)
    assert throttle.hit("ip:127.0.0.2", 3, 60, now=T0)
    assert throttle.hit("email:jo@example.com", 3, 60, now=T0)
    assert throttle.count("ip:127.0.0.2", now=T0) == 1


def test_amounts_and_clearing(app_ctx):
    assert throttle.incr("k", 60, 4, now=T0) == 4
    assert throttle.incr("k", 60, 2, now=T0) == 6
    throttle.clear("k")
    assert throttle.count("k", now=T0) == 0


def test_only_a_digest_of_the_key_is_stored(app_ctx):
    throttle.hit("staff:jo@example.com", 5, 60, now=T0)
    keys = db.session.scalars(select(ThrottleCounter.key)).all()
    assert keys == [throttle.digest("staff:jo@example.com")]
    assert "jo@example.com" not in keys[0]


def test_a_window_must_have_a_length(app_ctx):
    with pytest.raises(ValueError):
        throttle.hit("k", 5, 0, now=T0)


def test_purging_removes_only_ended_windows(app_ctx):
    throttle.hit("old", 5, 60, now=T0)
    throttle.hit("current", 5, 3600, now=T0)
    later = T0 + timedelta(minutes=30)
    assert throttle.purge_expired(now=later, dry_run=True) == 1
    assert db.session.scalar(select(db.func.count()).select_from(ThrottleCounter)) == 2
    assert throttle.purge_expired(now=later) == 1
    assert throttle.count("current", now=later) == 1
    assert throttle.count("old", now=later) == 0


def test_a_hit_is_kept_when_the_request_rolls_back(app_ctx):
    # The counter commits on its own connection: a failed sign-in that rolls back still counts.
    throttle.hit("k", 5, 60, now=T0)
    db.session.rollback()
    assert throttle.count("k", now=T0) == 1


@pytest.fixture
def shared_app(make_app, tmp_path):
    """An app on a database that several connections share for real: a SQLite file, or PostgreSQL in CI."""
    if os.environ.get("TEST_DATABASE_URL"):
        return make_app()
    return make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'shared.sqlite'}")


def test_concurrent_hits_on_one_key_each_get_their_own_count(shared_app):
    def one_hit(_):
        with shared_app.app_context():
            return throttle.incr("staff:jo@example.com", 900, now=T0)

    with ThreadPoolExecutor(max_workers=8) as pool:
        counts = list(pool.map(one_hit, range(40)))
    assert sorted(counts) == list(range(1, 41))


# ------------------------------------------------------------------------------------- as Flask-Limiter's storage
@pytest.fixture
def limited_app(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="portal-db://")

    @app.post("/attempt")
    @limiter.limit("3 per 15 minutes")
    def attempt():
        return "checked"

    return app


def test_flask_limiter_counts_in_the_database_and_shows_the_429_page(limited_app):
    client = limited_app.test_client()
    assert [client.post("/attempt").status_code for _ in range(3)] == [200, 200, 200]
    refused = client.post("/attempt", headers={"Accept": "text/html"})

    assert refused.status_code == 429
    assert "Too many attempts" in refused.text
    assert "Wait up to 15 minutes, then try again." in refused.text
    assert 0 < int(refused.headers["Retry-After"]) <= 900
    with limited_app.app_context():
        rows = db.session.scalars(select(ThrottleCounter)).all()
        assert [row.hits for row in rows] == [4]


def test_the_storage_reports_windows_like_flask_limiter_expects(limited_app):
    storage = throttle.DatabaseStorage("portal-db://")
    with limited_app.app_context():
        assert storage.check()
        assert storage.get("k") == 0
        assert storage.incr("k", 60) == 1
        assert storage.incr("k", 60, amount=2) == 3
        assert storage.get("k") == 3
        now = utcnow().replace(tzinfo=timezone.utc).timestamp()
        assert now < storage.get_expiry("k") <= now + 61
        storage.clear("k")
        assert storage.get("k") == 0
        storage.incr("a", 60)
        storage.incr("b", 60)
        assert storage.reset() == 2
