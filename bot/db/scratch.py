"""Throw-away PostgreSQL databases for tests and benchmarks (created, then dropped)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text

from bot.db.engine import session_factory

POSTGRES_SERVER = "postgresql://postgres@127.0.0.1:5432"


@contextmanager
def scratch_postgres_database(prefix: str, server: str = POSTGRES_SERVER) -> Iterator[str]:
    """Yields the URL of a new, empty database on `server`; drops it afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT", future=True)
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = f"{server}/{name}"
    try:
        yield url
    finally:
        session_factory(url).kw["bind"].dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
