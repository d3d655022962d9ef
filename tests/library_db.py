"""Fresh, migrated demo databases on SQLite and on PostgreSQL (127.0.0.1:5432)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.db.migrate import upgrade
from bot.db.scratch import scratch_postgres_database
from bot.demo.load import load_demo

BACKENDS = ["sqlite", "postgresql"]


def _prepare(url: str, demo: bool) -> str:
    upgrade(url)
    if demo:
        load_demo(url)
    return url


@contextmanager
def fresh_database(backend: str, directory: Path, demo: bool = True) -> Iterator[str]:
    """Yields the URL of a new migrated database (with demo data), dropped afterwards."""
    if backend == "sqlite":
        yield _prepare(f"sqlite:///{directory / f'library-{uuid.uuid4().hex[:8]}.db'}", demo)
        return
    with scratch_postgres_database("library_test") as url:
        yield _prepare(url, demo)
