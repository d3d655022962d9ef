"""The digital-resource directory of knowledge/resources/ into an empty database at
setup, published (as the FAQ is); staff maintain it in the console afterwards."""

from __future__ import annotations

import sys
from typing import Any

import yaml

from bot import wiring
from bot.settings import PROJECT_ROOT, load_settings

RESOURCES_DIR = PROJECT_ROOT / "knowledge" / "resources"


def resource_rows() -> list[dict[str, Any]]:
    return [row for path in sorted(RESOURCES_DIR.glob("*.yml"))
            for row in yaml.safe_load(path.read_text(encoding="utf-8"))]


def load_resources(database_url: str) -> None:
    directory = wiring.resources_admin(load_settings().with_database(database_url))
    if not directory.is_empty():
        return
    report = directory.import_rows(resource_rows(), user=None, publish=True)
    if report.errors:
        sys.exit("knowledge/resources/ has errors:\n" + "\n".join(report.errors))
    print(f"Loaded {report.imported} digital resources.", file=sys.stderr)
