"""Default settings: safe values, no secrets; and how the environment sets them.

Order of precedence (lowest first): these defaults, `instance/config.py`, then environment variables and
`DATABASE_URL`. A test passes its own mapping instead of the last three.

One scheme for the environment: a setting is `PORTAL_` followed by its name, written once. Flask's and its
extensions' settings keep their own names (`PORTAL_MAIL_SERVER` sets MAIL_SERVER); the portal's own settings are
named with the prefix already (PORTAL_BASE_URL), and `PORTAL_BASE_URL` sets them too, not `PORTAL_PORTAL_BASE_URL`
(which Flask's `from_prefixed_env` alone would ask for; it still works).
"""

from __future__ import annotations

import os
from datetime import timedelta

from flask import Flask

DEVELOPMENT_BASE_URL = "http://127.0.0.1:5000"


class Defaults:
    # SECRET_KEY is deliberately absent: create_app() reads it from the instance folder, creating one there on
    # first start, so sessions survive restarts and several workers agree without a secret in the repository.
    SQLALCHEMY_DATABASE_URI = "sqlite:///portal.sqlite"  # relative to the instance folder
    # hide_parameters: a failed statement's values (a pupil's name, a parent's reason) stay out of errors and logs.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "hide_parameters": True}

    # Email never leaves the machine unless configured: `make run` prints it or hands it to a local aiosmtpd.
    MAIL_SERVER = "127.0.0.1"
    MAIL_PORT = 8025
    MAIL_USE_TLS = False
    MAIL_DEFAULT_SENDER = ("Attendance portal", "no-reply@attendance-portal.invalid")
    MAIL_TO_CONSOLE = False  # `make run` sets PORTAL_MAIL_TO_CONSOLE=true: email is printed, never sent
    # The portal's public address, for links in emails (there is no request to take it from, and a Host header is
    # the sender's to choose). Required when served in production; http://127.0.0.1:5000 in development.
    PORTAL_BASE_URL: str | None = None
    PORTAL_SIGN_IN_LINK_MINUTES = 20
    PORTAL_PASSWORD_RESET_MINUTES = 60  # a staff password-reset link

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False  # on by itself when PORTAL_BASE_URL is https (finish() below)
    REMEMBER_COOKIE_DURATION = timedelta(days=30)  # "keep me signed in" (parents)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=8)  # the longest any session lasts without "keep me signed in"
    # A staff session ends after this long without a request (a school office PC is shared).
    PORTAL_STAFF_IDLE_MINUTES = 30

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

    # Monitoring that sends `Authorization: Bearer <this>` to /health gets the detail (portal/web/health.py);
    # without it only a signed-in admin does.
    PORTAL_HEALTH_TOKEN: str | None = None

    # `backup nightly` (a scheduled job, portal/services/schedule.py): where its dated backups go, and how many of
    # them stay there (copies off the server are kept longer: README, Backups).
    PORTAL_BACKUP_DIR: str | None = None
    PORTAL_BACKUPS_KEPT = 7

    # A served app moves what it starts with out of the garbage collector's way (portal/__init__.py). The tests
    # turn it off: they make an app for each test, and frozen objects are never freed.
    PORTAL_FREEZE_GC_AT_START = True

    # Said outright: Flask-Limiter keeps the last app's choice for an app that does not say (one limiter, many apps).
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "portal-db://"  # counters in the database, shared by every gunicorn worker (services/throttle.py)
    RATELIMIT_HEADERS_ENABLED = True


OWN = frozenset(name for name in vars(Defaults) if name.startswith("PORTAL_"))


def from_environment(app: Flask) -> None:
    """PORTAL_<NAME> variables into the config, each under the name the code reads."""
    app.config.from_prefixed_env("PORTAL")
    for name in OWN:
        short = name.removeprefix("PORTAL_")
        if short in app.config:  # PORTAL_BASE_URL arrived as BASE_URL: the portal reads PORTAL_BASE_URL
            app.config[name] = app.config.pop(short)


class ConfigurationError(RuntimeError):
    """A setting the portal cannot run without, or cannot read: the message says which and how to set it."""


def finish(app: Flask) -> None:
    """Check and complete the settings once they are all read."""
    config = app.config
    for name in ("PORTAL_SIGN_IN_LINK_MINUTES", "PORTAL_PASSWORD_RESET_MINUTES", "PORTAL_STAFF_IDLE_MINUTES",
                 "PORTAL_TRUSTED_PROXIES", "PORTAL_BACKUPS_KEPT"):
        value = config[name]
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ConfigurationError(f"{name} must be a whole number (it is {value!r})")
    if not config.get("PORTAL_BASE_URL"):
        if served_in_production(app):
            raise ConfigurationError(
                "PORTAL_BASE_URL is not set: emailed sign-in links would lead nowhere. Set it to the portal's "
                "public address, e.g. PORTAL_BASE_URL=https://attendance.example.org")
        config["PORTAL_BASE_URL"] = DEVELOPMENT_BASE_URL
    base = config["PORTAL_BASE_URL"]
    if not base.startswith(("https://", "http://")):
        raise ConfigurationError(f"PORTAL_BASE_URL must start with https:// (it is {base!r})")
    if base.startswith("https://"):  # served over HTTPS: no cookie of the portal ever travels in clear
        config["SESSION_COOKIE_SECURE"] = True
    config["REMEMBER_COOKIE_SECURE"] = config["SESSION_COOKIE_SECURE"]


def served_in_production(app: Flask) -> bool:
    """Loaded by a WSGI server (gunicorn), not in debug or test mode. The `flask` command (its development
    server, `make run`, and commands such as `db upgrade`) may go without a base URL."""
    return not (app.debug or app.testing or os.environ.get("FLASK_RUN_FROM_CLI") == "true")
