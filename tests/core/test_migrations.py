"""The schema comes only from migrations: they must match the models exactly."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.extensions import db


def test_migrations_match_models(app):
    context = MigrationContext.configure(db.session.connection(), opts={"render_as_batch": True})
    assert compare_metadata(context, db.metadata) == []
