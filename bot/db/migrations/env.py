"""Alembic environment: migrates the database named by the `url` option
(set by bot.db.migrate from LIBRARY_DATABASE_URL)."""

from alembic import context

from bot.db.engine import make_engine
from bot.db.models import Base

config = context.config


def include_object(obj: object, name: str, type_: str, reflected: bool, compare_to: object) -> bool:
    """Autogenerate ignores the full-text index objects made by hand in 0002."""
    return not (name or "").startswith("bib_fts")

engine = make_engine(config.get_main_option("sqlalchemy.url"))

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
