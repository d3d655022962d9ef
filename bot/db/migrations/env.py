"""Alembic environment: migrates the database named by the `url` option
(set by bot.db.migrate from LIBRARY_DATABASE_URL)."""

from alembic import context

from bot.db.engine import make_engine
from bot.db.models import Base

config = context.config
engine = make_engine(config.get_main_option("sqlalchemy.url"))

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
