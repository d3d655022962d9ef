"""A reader and a librarian in two browser contexts: how long a reader's message takes
to appear on the staff desk, and a librarian's answer to appear in the reader's widget
(both pages get new messages pushed as Server-Sent Events; the server checks its
database every 0.2 s, so this includes up to that much waiting)."""

from __future__ import annotations

import statistics
import time

from playwright.sync_api import Browser, Page

from bench.stats import percentile
from bot.chat_page import demo_page_served
from bot.settings import Settings
from tests.handoff_pages import librarian_claims, reader_asks_for_a_person, reader_says

ROUNDS = 20
TIMEOUT_MS = 20_000
SHOWN = """([selector, text]) => [...document.querySelectorAll(selector)]
  .some((element) => element.textContent.includes(text))"""


def _wait_until_shown(page: Page, selector: str, text: str) -> None:
    page.wait_for_function(SHOWN, arg=[selector, text], polling="raf", timeout=TIMEOUT_MS)


def _summary(values: list[float]) -> dict:
    return {"p50_ms": round(statistics.median(values)),
            "p95_ms": round(percentile(values, 0.95)), "max_ms": round(max(values))}


def measure_handoff(settings: Settings, browser: Browser, rounds: int = ROUNDS) -> dict:
    """Needs the assistant and the staff console running with these settings."""
    with demo_page_served(settings):
        reader_context = browser.new_context()
        staff_context = browser.new_context(base_url=settings.admin_url.rstrip("/"))
        try:
            reader = reader_context.new_page()
            ticket_id = reader_asks_for_a_person(reader, settings)
            librarian = staff_context.new_page()
            librarian_claims(librarian, ticket_id)

            to_staff: list[float] = []
            to_reader: list[float] = []
            for number in range(rounds):
                started = time.perf_counter()
                reader_says(reader, f"第 {number} 个问题")
                _wait_until_shown(librarian, "#desk-transcript .desk-line-reader",
                                  f"第 {number} 个问题")
                to_staff.append((time.perf_counter() - started) * 1000)

                started = time.perf_counter()
                librarian.locator("#desk-reply").fill(f"第 {number} 个回答")
                librarian.locator("#desk-send").click()
                _wait_until_shown(reader, ".jl-msg-staff", f"第 {number} 个回答")
                to_reader.append((time.perf_counter() - started) * 1000)
            return {"rounds": rounds, "reader_to_staff": _summary(to_staff),
                    "staff_to_reader": _summary(to_reader)}
        finally:
            reader_context.close()
            staff_context.close()
