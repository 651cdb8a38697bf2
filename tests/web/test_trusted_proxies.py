"""Behind a proxy the portal believes X-Forwarded-For only from as many proxies as it is told: rate limits then
count each parent's own address, and a client cannot pick its own key by sending the header itself."""

from __future__ import annotations

import pytest
from flask import request


def sign_in_attempts(client, n: int, forwarded_for: str, start: int = 0) -> list[int]:
    return [client.post("/sign-in", data={"email": f"p{start + i}@example.com"},
                        headers={"X-Forwarded-For": forwarded_for}).status_code for i in range(n)]


@pytest.fixture
def behind_one_proxy(make_app):
    return make_app(RATELIMIT_ENABLED=True, PORTAL_TRUSTED_PROXIES=1)


def test_behind_a_trusted_proxy_each_parent_has_their_own_limit(behind_one_proxy):
    client = behind_one_proxy.test_client()
    assert sign_in_attempts(client, 10, "203.0.113.7") == [303] * 10
    assert sign_in_attempts(client, 1, "203.0.113.7", start=10) == [429]
    # Another parent behind the same proxy is not held back by the first one's attempts.
    assert sign_in_attempts(client, 1, "198.51.100.4", start=11) == [303]


def test_without_trusted_proxies_the_header_is_ignored(make_app):
    client = make_app(RATELIMIT_ENABLED=True).test_client()
    assert sign_in_attempts(client, 10, "203.0.113.7") == [303] * 10
    # A client changing the header does not get a fresh limit: the connection's own address counts.
    assert sign_in_attempts(client, 1, "198.51.100.4", start=10) == [429]


def test_the_scheme_the_proxy_saw_is_the_one_links_use(behind_one_proxy):
    behind_one_proxy.add_url_rule("/_scheme", "scheme_probe", lambda: request.url)
    answer = behind_one_proxy.test_client().get("/_scheme", headers={"X-Forwarded-Proto": "https"})
    assert answer.get_data(as_text=True).startswith("https://")
