"""Fresh, migrated demo databases on SQLite and on PostgreSQL (127.0.0.1:5432)."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.db.engine import session_factory
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


@contextmanager
def copy_of(url: str, directory: Path) -> Iterator[str]:
    """Yields the URL of a copy of a prepared database (a file copy on SQLite, CREATE
    DATABASE … TEMPLATE on PostgreSQL), dropped afterwards: cheaper than loading the
    demo library again for every test that changes it."""
    session_factory(url).kw["bind"].dispose()  # a template must have no connections
    database = make_url(url).database or ""
    if url.startswith("sqlite"):
        target = directory / f"copy-{uuid.uuid4().hex[:8]}.db"
        shutil.copyfile(database, target)
        yield f"sqlite:///{target}"
        return
    with scratch_postgres_database("library_copy", template=database) as copied:
        yield copied
