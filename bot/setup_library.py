"""Prepare a library database: migrate it, then load the demo library, the FAQ and the
digital-resource directory into it if they are not there yet.
``python -m bot.setup_library [URL]`` (what `make run` does; default LIBRARY_DATABASE_URL)."""

from __future__ import annotations

import sys

from bot.db.migrate import upgrade
from bot.demo.load import load_demo, load_desk
from bot.knowledge_cli import setup as load_knowledge
from bot.private_files import make_private
from bot.resource_setup import load_resources
from bot.settings import load_settings


def prepare_library(database_url: str) -> None:
    upgrade(database_url)
    load_demo(database_url)
    load_desk(database_url)
    load_knowledge(database_url)
    load_resources(database_url)


if __name__ == "__main__":
    make_private(load_settings().var_dir)
    prepare_library(sys.argv[1] if len(sys.argv) > 1 else load_settings().database_url)
