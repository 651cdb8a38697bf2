"""The attendance portal: create_app() is the only way to get an app."""

from __future__ import annotations

import gc
import os
import secrets
from pathlib import Path

from flask import Flask
from flask.logging import default_handler
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from werkzeug.middleware.proxy_fix import ProxyFix

from portal.config import Defaults, finish, from_environment
from portal.extensions import babel, csrf, db, limiter, login_manager, mail, migrate

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_relative_config=True,
        instance_path=os.environ.get("PORTAL_INSTANCE_PATH") or None,
        template_folder=str(ROOT / "templates"),
    )
    app.config.from_object(Defaults)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        from_environment(app)
        if os.environ.get("DATABASE_URL"):
            app.config["SQLALCHEMY_DATABASE_URI"] = database_uri(os.environ["DATABASE_URL"])
    else:
        app.config.from_mapping(test_config)
    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret_key(Path(app.instance_path))
    finish(app)

    proxies = int(app.config["PORTAL_TRUSTED_PROXIES"])
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    register_templates(app)
    register_extensions(app)
    register_blueprints(app)
    register_oversight_lists()
    register_commands(app)
    configure_logging(app)
    if app.config["PORTAL_FREEZE_GC_AT_START"] and not app.testing:
        # What exists now (modules, the app, its extensions) lives as long as the process: later garbage
        # collections skip it. Oversight of a large trust makes many objects in one request, and each full
        # collection walked all of these too (BENCHMARKS.md).
        gc.freeze()
    return app


def database_uri(url: str) -> str:
    """Accept the URLs hosting platforms hand out and use psycopg 3 for PostgreSQL."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def instance_secret_key(instance: Path) -> str:
    """The instance's secret key, created on first start and kept out of the repository."""
    path = instance / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip()


def register_templates(app: Flask) -> None:
    # Our templates first, then the GOV.UK Frontend macros under their own prefixes.
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(ROOT / "templates")),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True


def register_extensions(app: Flask) -> None:
    # Two imports for what loading them does, with no call to make instead (so no name is used):
    # - defining the model classes is what puts their tables on db.metadata, which Flask-Migrate, db.create_all and
    #   the backup's table list read; nothing else imports every model module;
    # - defining throttle.DatabaseStorage is what adds the portal-db:// scheme to the limits library's registry,
    #   where limiter.init_app below looks up RATELIMIT_STORAGE_URI; Flask-Limiter takes a URI, not a storage.
    from portal import models  # noqa: F401
    from portal.services import throttle  # noqa: F401
    from portal import sqlite

    sqlite.init_app(app)  # WAL for SQLite database files, before the first connection
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    mail.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    # Pages: the signed-in parent's language (portal/web/parent/language.py); a message rendered under force_locale
    # is in its recipient's (portal/services/nudges.py).
    from portal.web.parent.language import select_locale

    babel.init_app(app, default_translation_directories=str(ROOT / "portal" / "translations"),
                   locale_selector=select_locale)


def register_blueprints(app: Flask) -> None:
    from portal.web import auth, errors, evidence, health, home, parent, security, session, site, staff, templating

    from portal.web import inputs, mail as web_mail  # ids capped, NUL refused; make run prints queued email
    from portal.web.parent import language
    inputs.register(app)  # first: the blueprints' <int:...> rules take its converter when registered
    web_mail.register(app)
    security.register(app)
    session.register(app)
    templating.register(app)
    language.register(app)  # the language navigation's route and the page's lang and dir
    app.register_blueprint(home.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(parent.bp)
    app.register_blueprint(staff.bp)
    app.register_blueprint(evidence.bp)
    site.register(app)  # the parent site's pages exist only in the app `site build` creates
    errors.register(app)


def register_oversight_lists() -> None:
    """The lists features add to the oversight pages beside the built-in ones (portal/services/oversight.py)."""
    from portal.services import support_plans

    support_plans.register_oversight_list()


def register_commands(app: Flask) -> None:
    from portal.cli import register

    register(app)


def configure_logging(app: Flask) -> None:
    from portal import logs  # request ids, the access line, JSON lines (portal/logs.py)

    logs.register(app)
    if not app.debug and not app.testing:
        app.logger.removeHandler(default_handler)  # its lines reach the JSON handler on the root logger instead
        logs.install()
