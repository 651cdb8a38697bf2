"""Extensions, created unbound: create_app() binds them to each app."""

from flask import request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mail import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    # Named constraints, so Alembic can alter and drop them on SQLite and PostgreSQL alike.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
mail = Mail()
csrf = CSRFProtect()
login_manager = LoginManager()
limiter = Limiter(key_func=get_remote_address)


@limiter.request_filter
def _reading_is_not_limited() -> bool:
    """Every rate limit here is on a form's POST (`methods=["POST"]`: signing in, passwords), so a page read
    skips Flask-Limiter's look-up of the view's limits: a cost every signed-in page paid for nothing (BENCHMARKS.md).
    tests/web/test_rate_limits_on_posts.py checks every limit says so."""
    return request.method in ("GET", "HEAD")
babel = Babel()  # translations: portal/translations (docs/translation.md)
