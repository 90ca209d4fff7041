"""The migrations build exactly the schema the models describe, on both databases."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.core.db import include_in_schema_comparison
from app.extensions import db


def test_models_and_migrations_agree(app):
    # The `app` fixture migrated an empty database from nothing to head.
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={
            "compare_type": True, "render_as_batch": True, "include_name": include_in_schema_comparison,
        })
        diff = compare_metadata(context, db.metadata)
    assert diff == [], f"models and migrations differ: {diff}"


def test_database_is_at_the_single_head(app):
    from alembic.script import ScriptDirectory
    from flask_migrate import Config

    with app.app_context(), db.engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_heads()
        config = Config(str(app.config["MIGRATIONS_DIR"] / "alembic.ini"))
        config.set_main_option("script_location", str(app.config["MIGRATIONS_DIR"]))
        heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1
    assert set(current) == set(heads)
