"""Sign-in limits hold across gunicorn workers: real gunicorn, 3 workers, one database, real HTTP.

With Flask-Limiter's `memory://` storage each worker counted on its own, so three workers let an attacker try a
staff password 30 times in 15 minutes instead of 10. The counters now live in the database (portal-db://), so the
11th attempt for an address is refused whichever worker answers it. Every attempt is a real form post: the page
is fetched first for its CSRF token and session cookie, as a browser would. Attempts come from different
loopback addresses (127.0.0.x), so the per-address limit and the per-network-address limit can be seen apart.

On SQLite the database is a file in a temporary folder; in CI's PostgreSQL run (TEST_DATABASE_URL) it is that
server. The schema is made by `flask db upgrade`, as in production.
"""

from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

import pytest
from sqlalchemy import MetaData, create_engine

from portal import database_uri

ROOT = Path(__file__).resolve().parents[2]
WORKERS = 3
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Browser:
    """One visitor from one network address: fetches the sign-in page, then posts the form with its token."""

    def __init__(self, port: int, address: str):
        self.port, self.address, self.cookie = port, address, None

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30,
                                                source_address=(self.address, 0))
        headers = {"Accept": "text/html"}
        if self.cookie:
            headers["Cookie"] = self.cookie
        data = None
        if body is not None:
            data = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=data, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            cookie = response.getheader("Set-Cookie")
            if cookie:
                self.cookie = cookie.split(";", 1)[0]
            return response.status, text
        finally:
            connection.close()

    def sign_in(self, email: str, password: str = "not-the-password") -> tuple[int, str]:
        status, page = self.request("GET", "/staff/sign-in")
        assert status == 200, page[:500]
        token = TOKEN.search(page).group(1)
        return self.request("POST", "/staff/sign-in", {"csrf_token": token, "email": email, "password": password})


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("workers")
    database = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{folder / 'portal.sqlite'}"
    _drop_everything(database)
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "PORTAL_INSTANCE_PATH": str(folder / "instance"),
        "DATABASE_URL": database,
        "PORTAL_SECRET_KEY": "workers-test-secret",
        "PORTAL_BASE_URL": "http://127.0.0.1",  # served as in production, which needs it  # the same in every worker: their session cookies agree
        "PORTAL_RATELIMIT_STORAGE_URI": "portal-db://",
        "PORTAL_RATELIMIT_ENABLED": "true",
        # A cheap password hash, as in the rest of the suite: the attempts still overlap across the workers.
        "PORTAL_ARGON2_TIME_COST": "1",
        "PORTAL_ARGON2_MEMORY_KIB": "1024",
    }
    subprocess.run([sys.executable, "-m", "flask", "--app", "portal", "db", "upgrade"], cwd=ROOT, env=env,
                   check=True, capture_output=True)
    port = free_port()
    access_log, error_log = folder / "access.log", folder / "error.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", str(WORKERS), "-b", f"127.0.0.1:{port}",
         "--access-logfile", str(access_log), "--access-logformat", "%(p)s %(h)s %(m)s %(U)s %(s)s",
         "--error-logfile", str(error_log), "portal:create_app()"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_workers(port, access_log, process, error_log)
        yield port, access_log
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        _drop_everything(database)


def _wait_for_workers(port: int, access_log: Path, process: subprocess.Popen, error_log: Path) -> None:
    """Until every worker has answered a request (each loads the app after the fork)."""
    deadline = time.monotonic() + 60
    with ThreadPoolExecutor(max_workers=WORKERS * 2) as pool:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(f"gunicorn stopped: {error_log.read_text()}")
            try:
                list(pool.map(lambda _: Browser(port, "127.0.0.1").request("GET", "/health"), range(WORKERS * 2)))
            except OSError:
                time.sleep(0.2)
                continue
            if len(served_by(access_log, "GET", "/health")) == WORKERS:
                return
    pytest.fail(f"the {WORKERS} workers did not all start: {error_log.read_text()}")


def served_by(access_log: Path, method: str, path: str, status: str | None = None, at_least: int = 0) -> set[str]:
    """The process ids of the workers that answered these requests (waiting a moment for `at_least` of them to
    be logged: a worker writes its log line just after sending the response)."""
    deadline = time.monotonic() + 5
    while True:
        lines = [line.split() for line in access_log.read_text().splitlines()]
        answered = [pid for pid, _, m, p, s in lines if (m, p) == (method, path) and status in (None, s)]
        if len(answered) >= at_least or time.monotonic() > deadline:
            return set(answered)
        time.sleep(0.05)


def _drop_everything(url: str) -> None:
    engine = create_engine(database_uri(url))
    try:
        meta = MetaData()
        meta.reflect(bind=engine)
        meta.drop_all(bind=engine)
    finally:
        engine.dispose()


def test_the_eleventh_attempt_for_an_address_is_refused_whichever_worker_answers(server):
    port, access_log = server
    email = "head@bothal.example"
    # Ten attempts, each from its own network address and, several at a time, spread over the workers.
    with ThreadPoolExecutor(max_workers=5) as pool:
        first_ten = list(pool.map(lambda n: Browser(port, f"127.0.0.{10 + n}").sign_in(email), range(10)))
    assert [status for status, _ in first_ten] == [200] * 10
    assert all("The email address or password is not right" in page for _, page in first_ten)

    # The 11th, and every attempt after it, from fresh addresses and whichever worker takes it: refused.
    with ThreadPoolExecutor(max_workers=5) as pool:
        later = list(pool.map(lambda n: Browser(port, f"127.0.0.{30 + n}").sign_in(email), range(10)))
    assert [status for status, _ in later] == [429] * 10
    assert all("Too many attempts" in page and "Wait up to 15 minutes" in page for _, page in later)

    refused_by = served_by(access_log, "POST", "/staff/sign-in", status="429", at_least=10)
    assert len(refused_by) >= 2, f"one worker answered every refused attempt ({refused_by}): the test proves nothing"
    # Another address is not affected.
    assert Browser(port, "127.0.0.60").sign_in("office@bothal.example")[0] == 200


def test_simultaneous_attempts_are_counted_exactly(server):
    port, _ = server
    # Twenty attempts at once for one address from twenty network addresses: exactly ten are let through.
    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(pool.map(lambda n: Browser(port, f"127.0.1.{10 + n}").sign_in("teacher@central.example")[0],
                                 range(20)))
    assert sorted(statuses) == [200] * 10 + [429] * 10


def test_one_network_address_is_limited_across_workers_too(server):
    port, _ = server
    browser = Browser(port, "127.0.2.1")
    # Ten a minute from one network address, each for a different account, then refused.
    statuses = [browser.sign_in(f"guess{n}@example.com")[0] for n in range(11)]
    assert statuses == [200] * 10 + [429]
