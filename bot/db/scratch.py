"""Throw-away PostgreSQL databases for tests and benchmarks (created, then dropped)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text

from bot.db.engine import session_factory

POSTGRES_SERVER = "postgresql://postgres@127.0.0.1:5432"


@contextmanager
def scratch_postgres_database(prefix: str, server: str = POSTGRES_SERVER,
                              template: str | None = None) -> Iterator[str]:
    """Yields the URL of a new database on `server` (empty, or a copy of the database
    named `template`, which nobody may be connected to); drops it afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT", future=True)
    copied = f' TEMPLATE "{template}"' if template else ""
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"{copied}'))
    url = f"{server}/{name}"
    try:
        yield url
    finally:
        session_factory(url).kw["bind"].dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
