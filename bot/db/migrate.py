"""Bring a database to the newest schema: ``python -m bot.db.migrate [URL]``.

Without URL, migrates LIBRARY_DATABASE_URL (default: the embedded SQLite file).
"""

from __future__ import annotations

import sys
from pathlib import Path

from alembic import command
from alembic.config import Config

from bot.settings import load_settings

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url)
    return config


def upgrade(url: str) -> None:
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(url), "head")


if __name__ == "__main__":
    upgrade(sys.argv[1] if len(sys.argv) > 1 else load_settings().database_url)
