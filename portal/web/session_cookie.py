"""Flask's signed session cookie, with what is the same for every request worked out once.

Flask makes a new serializer for every request (`get_signing_serializer`), and itsdangerous derives the signing
key from the secret key (an HMAC) for every cookie it reads or writes: about a tenth of a kept child page's time
(BENCHMARKS.md). Here the serializer is kept for as long as the app's secret keys are the same, and each derived key
is worked out once. The cookie, its signature and its checks are Flask's, byte for byte.
"""

from __future__ import annotations

from functools import lru_cache

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import TimestampSigner, URLSafeTimedSerializer


class KeyDerivedOnce(TimestampSigner):
    def derive_key(self, secret_key: str | bytes | None = None) -> bytes:
        key = self.secret_keys[-1] if secret_key is None else secret_key
        return _derived(key if isinstance(key, bytes) else key.encode(), self.salt, self.key_derivation,
                        self.digest_method)


@lru_cache(maxsize=64)
def _derived(secret_key: bytes, salt: bytes, key_derivation: str, digest_method) -> bytes:
    signer = TimestampSigner(secret_key, salt=salt, key_derivation=key_derivation, digest_method=digest_method)
    return TimestampSigner.derive_key(signer)


class SessionCookie(SecureCookieSessionInterface):
    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        if not app.secret_key:
            return None
        keys = (*(app.config["SECRET_KEY_FALLBACKS"] or ()), app.secret_key)  # itsdangerous expects the current key last
        kept = app.extensions.get("portal_session_serializer")
        if kept is None or kept[0] != keys:
            serializer = URLSafeTimedSerializer(
                list(keys), salt=self.salt, serializer=self.serializer, signer=KeyDerivedOnce,
                signer_kwargs={"key_derivation": self.key_derivation, "digest_method": self.digest_method})
            kept = app.extensions["portal_session_serializer"] = (keys, serializer)
        return kept[1]


def register(app: Flask) -> None:
    app.session_interface = SessionCookie()
