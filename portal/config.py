"""Default settings: safe values, no secrets.

Order of precedence (lowest first): these defaults, `instance/config.py`, then `PORTAL_<KEY>` environment
variables (Flask's `from_prefixed_env`) and `DATABASE_URL`. A test passes its own mapping instead of the last three.
"""

from datetime import timedelta


class Defaults:
    # SECRET_KEY is deliberately absent: create_app() reads it from the instance folder, creating one there on
    # first start, so sessions survive restarts and several workers agree without a secret in the repository.
    SQLALCHEMY_DATABASE_URI = "sqlite:///portal.sqlite"  # relative to the instance folder
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    # Email never leaves the machine unless configured: `make run` prints it or hands it to a local aiosmtpd.
    MAIL_SERVER = "127.0.0.1"
    MAIL_PORT = 8025
    MAIL_USE_TLS = False
    MAIL_DEFAULT_SENDER = ("Attendance portal", "no-reply@attendance-portal.invalid")
    MAIL_TO_CONSOLE = False  # `make run` sets PORTAL_MAIL_TO_CONSOLE=true: email is printed, never sent
    PORTAL_BASE_URL = "http://127.0.0.1:5000"
    PORTAL_SIGN_IN_LINK_MINUTES = 20

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False  # production: PORTAL_SESSION_COOKIE_SECURE=true
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    REMEMBER_COOKIE_HTTPONLY = True
    PERMANENT_SESSION_LIFETIME = timedelta(hours=8)

    # argon2-cffi's defaults (RFC 9106 "low memory"): about half a second a hash on a small server.
    PORTAL_ARGON2_TIME_COST = 3
    PORTAL_ARGON2_MEMORY_KIB = 65536

    WTF_CSRF_TIME_LIMIT = 8 * 3600  # a parent filling in a leave request over a lunch break keeps their token
    # Five evidence files of 10 MB each, plus the form itself; above this the request gets a 413 page.
    MAX_CONTENT_LENGTH = 55 * 1024 * 1024
    PORTAL_EVIDENCE_MAX_BYTES = 10 * 1024 * 1024  # each evidence file
    PORTAL_EVIDENCE_MAX_PIXELS = 40_000_000  # a bigger picture is refused from its header (services/evidence_images.py)
    PORTAL_UPLOADS_PER_HOUR = 30  # evidence files each parent account may send an hour (services/uploads.py)

    SITE_BUILD = False  # True only in the app that `site build` creates (portal/web/site.py)

    # Behind a reverse proxy (nginx, a load balancer), how many proxies in front of the portal to believe about the
    # client's address and scheme (X-Forwarded-For, -Proto, -Host). 0: believe none, as a client can send these
    # headers itself and would choose its own rate-limit key. Production behind one proxy:
    # PORTAL_TRUSTED_PROXIES=1.
    PORTAL_TRUSTED_PROXIES = 0

    # A served app moves what it starts with out of the garbage collector's way (portal/__init__.py). The tests
    # turn it off: they make an app for each test, and frozen objects are never freed.
    PORTAL_FREEZE_GC_AT_START = True

    RATELIMIT_STORAGE_URI = "portal-db://"  # counters in the database, shared by every gunicorn worker (services/throttle.py)
    RATELIMIT_HEADERS_ENABLED = True
