"""Shared headless Chromium for browser tests: Debian's /usr/bin/chromium driven by the
Python Playwright package (no browser download).

tests/conftest.py registers this module as a plugin, so any test can take the
``browser`` fixture. It is module-scoped: Playwright's sync API runs an event loop
while the browser is open, which must be gone before tests that use asyncio run.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Playwright, sync_playwright

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def launch(playwright: Playwright) -> Browser:
    """A headless Chromium; fails clearly when the system browser is missing."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} not found: install it with "
                    "`apt-get install -y chromium` (or set CHROMIUM_PATH)")
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                      args=CHROMIUM_ARGS)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = launch(playwright)
        try:
            yield chromium
        finally:
            chromium.close()
