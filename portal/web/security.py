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


# Built once: (name, its lower case, value), each added unless the view set its own.
_HEADERS = tuple((name, name.lower(), value) for name, value in (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "no-referrer"),  # sign-in links carry a token in the URL: never pass it on to another site
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
))
_HSTS = ("Strict-Transport-Security", "strict-transport-security", "max-age=63072000; includeSubDomains")
_SECURE_HEADERS = (*_HEADERS, _HSTS)


def add_headers(response, secure: bool):
    headers = response.headers
    present = {name.lower() for name in headers.keys()}  # one pass, not one scan of the headers per default
    for name, lower, value in _SECURE_HEADERS if secure else _HEADERS:
        if lower not in present:
            headers.add(name, value)
    if request.path.startswith(PRIVATE_PREFIXES):
        headers["Cache-Control"] = "private, no-store"
    return response


def register(app: Flask) -> None:
    if app.config["SESSION_COOKIE_SECURE"]:
        app.config["REMEMBER_COOKIE_SECURE"] = True

    @app.after_request
    def security_headers(response):
        return add_headers(response, secure=app.config["SESSION_COOKIE_SECURE"])
