"""Engines and sessions (SQLAlchemy 1.4 in 2.0 style: `future=True`)."""

from __future__ import annotations

from functools import cache

from sqlalchemy import event
from sqlalchemy.engine import Engine, create_engine
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_SECONDS = 30


def _configure_sqlite(dbapi_connection, _record) -> None:
    # WAL lets readers go on while one writer writes; foreign keys are off by default.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for a database URL (sqlite:///... or postgresql://...)."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url, future=True, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS}
        )
        event.listen(engine, "connect", _configure_sqlite)
        return engine
    return create_engine(url, future=True, pool_pre_ping=True, pool_size=10)


@cache
def session_factory(url: str) -> sessionmaker:
    """One engine and session factory per URL and process."""
    return sessionmaker(make_engine(url), class_=Session, future=True, expire_on_commit=False)
