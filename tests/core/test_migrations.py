"""The schema comes only from migrations: they must match the models exactly."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.extensions import db


def test_migrations_match_models(app):
    context = MigrationContext.configure(db.session.connection(), opts={"render_as_batch": True})
    assert compare_metadata(context, db.metadata) == []


def test_0019_adds_and_removes_the_address_and_dress_code(backend, tmp_path):
    """Upgrade and downgrade both run, and an existing plan gets empty texts."""
    import sqlalchemy as sa
    from flask_migrate import downgrade, upgrade

    from app import create_app
    from tests.conftest import app_config

    app = create_app(app_config(backend, tmp_path, "migration_0019"))
    directory = app.extensions["migrate"].directory
    columns = {"address", "address_en", "dress_code", "dress_code_en"}
    with app.app_context():
        try:
            upgrade(directory=directory, revision="0018")
            assert not columns & {column["name"] for column in sa.inspect(db.engine).get_columns("plans")}
            upgrade(directory=directory, revision="0019")
            assert columns <= {column["name"] for column in sa.inspect(db.engine).get_columns("plans")}
            downgrade(directory=directory, revision="0018")
            assert not columns & {column["name"] for column in sa.inspect(db.engine).get_columns("plans")}
        finally:
            db.session.remove()
            db.engine.dispose()
