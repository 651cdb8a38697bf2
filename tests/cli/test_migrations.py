"""The migrations build the schema the models describe, on an empty database."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from portal.extensions import db


def test_upgrade_from_empty_matches_the_models(make_app):
    app = make_app()
    with app.app_context():
        db.drop_all()
        upgrade()
        with db.engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert diff == [], f"the models differ from the migrations: run `flask db migrate`. {diff}"
