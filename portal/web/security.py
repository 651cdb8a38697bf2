"""Security headers on every response.

The CSP allows no inline script or style: pages load only the portal's own files. Pages showing a child's data
are never cached, so a shared family computer does not keep them. HSTS is sent once cookies are marked secure,
which is how production runs (behind HTTPS).
"""

from flask import Flask, request

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
PRIVATE_PREFIXES = ("/parent", "/staff", "/sign-in", "/evidence")


def add_headers(response, secure: bool):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    # Sign-in links carry a token in the URL: never pass it on to another site.
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.path.startswith(PRIVATE_PREFIXES):
        headers["Cache-Control"] = "private, no-store"
    if secure:
        headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
    return response


def register(app: Flask) -> None:
    if app.config["SESSION_COOKIE_SECURE"]:
        app.config["REMEMBER_COOKIE_SECURE"] = True

    @app.after_request
    def security_headers(response):
        return add_headers(response, secure=app.config["SESSION_COOKIE_SECURE"])
