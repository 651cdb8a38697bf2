"""The session cookie is Flask's, byte for byte, though its serializer and signing key are made once
(portal/web/session_cookie.py): a cookie Flask signs is read, a tampered one is not, and a new secret key is
followed at once (the old key opens nothing unless listed in SECRET_KEY_FALLBACKS)."""

from __future__ import annotations

import pytest
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature

DATA = {"_user_id": "token", "csrf_token": "abc"}


def flasks(app):
    return SecureCookieSessionInterface().get_signing_serializer(app)


def test_the_portal_and_flask_read_each_others_cookies(app):
    portal = app.session_interface.get_signing_serializer(app)
    assert portal is app.session_interface.get_signing_serializer(app)  # made once
    assert portal.loads(flasks(app).dumps(DATA)) == DATA
    assert flasks(app).loads(portal.dumps(DATA)) == DATA
    cookie = portal.dumps(DATA)
    with pytest.raises(BadSignature):
        portal.loads(cookie[:-3] + ("AAA" if not cookie.endswith("AAA") else "BBB"))


def test_a_new_secret_key_is_followed_and_the_old_one_opens_only_as_a_fallback(app):
    old_key = app.secret_key
    old = app.session_interface.get_signing_serializer(app).dumps(DATA)
    app.secret_key = app.config["SECRET_KEY"] = "a new secret key for the portal"
    with pytest.raises(BadSignature):
        app.session_interface.get_signing_serializer(app).loads(old)
    app.config["SECRET_KEY_FALLBACKS"] = [old_key]
    assert app.session_interface.get_signing_serializer(app).loads(old) == DATA
