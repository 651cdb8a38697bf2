"""Every response carries the security headers; private pages are never cached; HSTS in production."""

from __future__ import annotations

import pytest

from web.test_csrf import dummy_arguments


def get_routes(app):
    return [r for r in app.url_map.iter_rules() if "GET" in r.methods and r.endpoint != "static"]


def test_every_page_has_a_csp_without_inline_script_and_the_other_headers(app, client):
    routes = get_routes(app)
    assert len(routes) >= 8
    for rule in routes:
        response = client.get(rule.build(dummy_arguments(rule))[1])
        csp = response.headers.get("Content-Security-Policy", "")
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp, rule.rule
        assert "frame-ancestors 'none'" in csp, rule.rule
        assert response.headers["X-Content-Type-Options"] == "nosniff", rule.rule
        assert response.headers["Referrer-Policy"] == "no-referrer", rule.rule
        assert response.headers["X-Frame-Options"] == "DENY", rule.rule
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP in development


@pytest.mark.parametrize("path", ["/sign-in", "/parent/", "/staff/sign-in"])
def test_private_pages_are_not_cached(client, path):
    assert client.get(path).headers["Cache-Control"] == "private, no-store"


def test_production_settings_send_hsts_and_secure_cookies(make_app):
    app = make_app(SESSION_COOKIE_SECURE=True)
    response = app.test_client().get("/health")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=63072000")
    assert app.config["REMEMBER_COOKIE_SECURE"] is True


def test_no_page_carries_inline_script_or_style(app, client):
    for path in ("/", "/sign-in", "/staff/sign-in", "/sign-in/check-your-email"):
        html = client.get(path).get_data(as_text=True)
        assert "<script>" not in html and " style=" not in html and "<style" not in html, path
