"""Error pages: the title, status and next step a person sees; JSON for scripts; never a traceback."""

from __future__ import annotations

import pytest
from flask import abort, request
from flask_wtf.csrf import generate_csrf

from pages import page_of
from portal.extensions import db
from portal.web.errors import duration_in_words, size_in_mb

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
JSON_CLIENT = {"Accept": "application/json"}


def test_a_missing_page_says_page_not_found(client):
    response = client.get("/no-such-page", headers=BROWSER)

    seen = page_of(response, 404)
    assert seen.title == "Page not found – Attendance portal"
    assert seen.h1 == "Page not found"
    assert "If you typed the web address, check it is correct." in seen.main


@pytest.mark.parametrize(
    ("status", "title", "next_step"),
    [
        (400, "Sorry, there is a problem with your request", "Go back, check your answers and try again."),
        (403, "You do not have permission to see this page", "contact your school office"),
        (429, "Too many attempts", "Wait a few minutes, then try again."),
    ],
)
def test_each_error_has_a_plain_title_and_a_next_step(make_app, status, title, next_step):
    app = make_app()
    app.add_url_rule("/fail", "fail", lambda: abort(status))

    response = app.test_client().get("/fail", headers=BROWSER)

    seen = page_of(response, status)
    assert seen.title == f"{title} – Attendance portal"
    assert seen.h1 == title
    assert next_step in seen.main


def test_the_wrong_method_gets_a_405_page_that_says_what_is_allowed(client):
    response = client.post("/", headers=BROWSER)

    assert "GET" in response.headers["Allow"]
    assert page_of(response, 405).h1 == "Sorry, this page cannot do that"


def test_an_unexpected_error_shows_the_500_page_without_a_traceback(make_app, monkeypatch):
    app = make_app(PROPAGATE_EXCEPTIONS=False)  # as in production: TESTING would re-raise instead

    @app.get("/broken")
    def broken():
        raise RuntimeError("connection to db-primary:5432 refused, password=hunter2")

    rollbacks = []
    real_rollback = db.session.rollback
    monkeypatch.setattr(db.session, "rollback", lambda: (rollbacks.append(True), real_rollback()))

    response = app.test_client().get("/broken", headers=BROWSER)

    seen = page_of(response, 500)
    assert seen.title == "Sorry, there is a problem with the service – Attendance portal"
    assert "Try again later." in seen.main
    assert "phone or email your school office" in seen.main
    body = response.get_data(as_text=True)
    for leak in ("Traceback", "RuntimeError", "hunter2", "db-primary", "broken()"):
        assert leak not in body
    assert rollbacks, "the 500 handler rolls the database session back before rendering"


def test_a_request_over_the_size_limit_says_the_file_is_too_big_and_the_limit_in_mb(make_app):
    app = make_app(MAX_CONTENT_LENGTH=2 * 1024 * 1024)

    @app.post("/upload")
    def upload():
        return f"received {len(request.files)} files"

    # A 3 MB photo, as a browser sends it. Built as bytes: with a file object, the test client spools the body to a
    # temporary file that it never closes once the app refuses to read it.
    body = (
        b"--boundary\r\n"
        b'Content-Disposition: form-data; name="evidence"; filename="gp-letter.jpg"\r\n'
        b"Content-Type: image/jpeg\r\n\r\n" + b"\xff\xd8\xff" + b"0" * (3 * 1024 * 1024) + b"\r\n--boundary--\r\n"
    )
    response = app.test_client().post(
        "/upload", data=body, content_type="multipart/form-data; boundary=boundary", headers=BROWSER
    )

    seen = page_of(response, 413)
    assert seen.title == "The file is too big – Attendance portal"
    assert "must add up to less than 2 MB" in seen.main
    assert "choose a smaller file" in seen.main


@pytest.mark.parametrize(
    ("limit", "words"),
    [(55 * 1024 * 1024, "55 MB"), (1536 * 1024, "1.5 MB"), (200_000, "0.2 MB"), (1000, "0.1 MB"), (None, None)],
)
def test_the_size_limit_is_given_in_megabytes(limit, words):
    assert size_in_mb(limit) == words


@pytest.mark.parametrize(
    ("seconds", "words"), [(30, "1 minute"), (60, "1 minute"), (900, "15 minutes"), (3600, "1 hour"), (86400, "1 day")]
)
def test_a_rate_limit_window_is_given_in_words(seconds, words):
    assert duration_in_words(seconds) == words


def test_a_json_client_gets_json_not_a_page(make_app):
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.get("/broken")
    def broken():
        raise RuntimeError("boom")

    client = app.test_client()
    missing = client.get("/no-such-page", headers=JSON_CLIENT)
    failing = client.get("/broken", headers=JSON_CLIENT)

    assert missing.status_code == 404
    assert missing.get_json() == {"error": "Page not found", "status": 404}
    assert failing.status_code == 500
    assert failing.get_json() == {"error": "Sorry, there is a problem with the service", "status": 500}
    assert "boom" not in failing.get_data(as_text=True)


def test_a_browser_that_also_accepts_json_gets_the_page(client):
    response = client.get("/no-such-page", headers={"Accept": "*/*"})

    assert page_of(response, 404).h1 == "Page not found"


def test_a_form_sent_without_its_csrf_token_says_the_page_has_expired(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)

    @app.get("/token")
    def token():
        return generate_csrf()

    @app.post("/send")
    def send():
        return "sent"

    client = app.test_client()
    forged = client.post("/send", data={"reason": "ill"}, headers=BROWSER)

    seen = page_of(forged, 400)
    assert seen.title == "This page has expired – Attendance portal"
    assert "Nothing has been sent." in seen.main and "Go to the start of the portal" in seen.main

    # The same form with the token of this session goes through: the page is about CSRF, not the route.
    genuine = client.post("/send", data={"reason": "ill", "csrf_token": client.get("/token").text})
    assert genuine.status_code == 200
    assert genuine.text == "sent"


def test_a_json_client_without_a_csrf_token_gets_json(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    app.add_url_rule("/send", "send", lambda: "sent", methods=["POST"])

    response = app.test_client().post("/send", headers=JSON_CLIENT)

    assert response.status_code == 400
    assert response.get_json() == {"error": "This page has expired", "status": 400}


def test_too_many_attempts_says_how_long_to_wait(make_app):
    from portal.extensions import limiter

    app = make_app(RATELIMIT_ENABLED=True)

    @app.post("/sign-in-attempt")
    @limiter.limit("2 per 15 minutes")
    def sign_in_attempt():
        return "checked"

    client = app.test_client()
    assert [client.post("/sign-in-attempt").status_code for _ in range(2)] == [200, 200]
    response = client.post("/sign-in-attempt", headers=BROWSER)

    seen = page_of(response, 429)
    assert seen.title == "Too many attempts – Attendance portal"
    assert "Wait up to 15 minutes, then try again." in seen.main
    assert "Retry-After" in response.headers


def test_if_even_the_error_page_fails_a_plain_message_is_shown(make_app, monkeypatch):
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.get("/broken")
    def broken():
        raise RuntimeError("boom")

    def broken_template(*args, **kwargs):
        raise RuntimeError("the template is broken too")

    monkeypatch.setattr("portal.web.errors.render_template", broken_template)

    response = app.test_client().get("/broken", headers=BROWSER)

    assert response.status_code == 500
    assert response.mimetype == "text/plain"
    assert response.text == "Sorry, there is a problem with the service. Try again later."
