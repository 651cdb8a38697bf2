"""Logs: JSON lines, each request's with its id, and never a sign-in token or what a search typed (a name)."""

from __future__ import annotations

import io
import json
import logging
import threading
import urllib.error
import urllib.request

import pytest
from werkzeug.serving import make_server

from portal import logs

TOKEN = "Zq3xW9-secret-sign-in-token-4tR"


@pytest.fixture
def log_lines():
    """The process's logs as our JSON handler writes them; read() -> the lines parsed."""
    root = logging.getLogger()
    level = root.level
    stream = io.StringIO()
    handler = logs.install(stream)

    def read() -> list[dict]:
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    yield read
    root.removeHandler(handler)
    root.setLevel(level)


def served(app, path: str) -> tuple[int, str]:
    """A real HTTP request to the app served by werkzeug on 127.0.0.1, as `flask run` serves it."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{server.port}{path}", timeout=10) as response:  # noqa: S310
            return response.status, response.headers["X-Request-Id"]
    except urllib.error.HTTPError as error:
        return error.code, error.headers["X-Request-Id"]
    finally:
        server.shutdown()
        thread.join(timeout=10)


def test_a_sign_in_link_and_a_search_never_reach_the_logs(app, log_lines):
    # Links are /sign-in/link#<token> now (the token never reaches a server); links sent before were
    # /sign-in/<token>, and a parent may still open one.
    status, request_id = served(app, f"/sign-in/{TOKEN}?q=Sam+Ashdown&token={TOKEN}")
    assert status == 404
    lines = log_lines()
    everything = json.dumps(lines)
    assert TOKEN not in everything and "Ashdown" not in everything
    [access] = [line for line in lines if line["logger"] == "portal.access"]
    assert access["message"] == "GET /sign-in/[token] 404"
    assert (access["path"], access["status"], access["request_id"]) == ("/sign-in/[token]", 404, request_id)
    assert access["level"] == "INFO" and "time" in access and access["duration_ms"] >= 0
    [server_line] = [line for line in lines if line["logger"] == "werkzeug"]  # the server's own access log
    assert '"GET /sign-in/[token]?[query] HTTP/1.1" 404' in server_line["message"]


def test_the_portals_own_pages_under_sign_in_stay_readable(app, log_lines):
    status, _ = served(app, "/sign-in/check-your-email")
    assert status == 200
    assert [line["path"] for line in log_lines() if line["logger"] == "portal.access"] == ["/sign-in/check-your-email"]


def test_gunicorns_access_log_is_masked_too(log_lines):
    logging.getLogger("gunicorn.access").info('%(h)s "%(r)s" %(s)s', {
        "h": "10.0.0.7", "r": f"GET /sign-in/{TOKEN} HTTP/1.1", "s": "200"})
    [line] = log_lines()
    assert line["message"] == '10.0.0.7 "GET /sign-in/[token] HTTP/1.1" 200'


def test_each_response_carries_its_request_id(client):
    first, second = client.get("/health"), client.get("/health")
    assert len(first.headers["X-Request-Id"]) == 32
    assert first.headers["X-Request-Id"] != second.headers["X-Request-Id"]
    # Without a trusted proxy in front, anyone could send the header: it is not taken.
    assert client.get("/health", headers={"X-Request-Id": "from-the-client"}).headers["X-Request-Id"] != (
        "from-the-client")


def test_behind_a_trusted_proxy_its_request_id_is_kept(make_app):
    client = make_app(PORTAL_TRUSTED_PROXIES=1).test_client()
    assert client.get("/health", headers={"X-Request-Id": "lb-7f3a.91"}).headers["X-Request-Id"] == "lb-7f3a.91"
    odd = client.get("/health", headers={"X-Request-Id": "bad id\\with spaces"}).headers["X-Request-Id"]
    assert odd != "bad id\\with spaces" and len(odd) == 32
