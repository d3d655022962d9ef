"""Consultation statistics at a year's scale, on SQLite and PostgreSQL: a year of
generated consultations (bot/statistics/generate.py, 1,000,000 reader messages), then the
统计 page for the whole year in Chromium until its charts are drawn and the Excel export
of the year through the console, each on the first request and warm.
``python -m bench.statistics [--messages N] [--write]`` (run by `make bench`).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from playwright.sync_api import Page, sync_playwright
from sqlalchemy import func, select

from bench.sections import replace_section
from bot import clock, wiring
from bot.db.migrate import upgrade
from bot.db.models import ConsultationDaily, ConsultationDailyTopic, ConsultationEvent, Ticket
from bot.db.scratch import scratch_postgres_database
from bot.knowledge_cli import setup
from bot.settings import load_settings
from bot.statistics.aggregate import aggregate
from bot.statistics.export import workbook_bytes
from bot.statistics.generate import generate
from bot.statistics.period import checked
from bot.statistics.report import consultation_report
from tests.browser import launch
from tests.test_admin_console import running_console

MESSAGES = 1_000_000
WARM_RUNS = 3
BEGIN = "<!-- statistics: bench/statistics.py -->"
END = "<!-- end of statistics -->"


@dataclass
class Run:
    backend: str
    figures: dict[str, str] = field(default_factory=dict)


def seconds(started: float) -> float:
    return time.perf_counter() - started


def timed_runs(measure: Callable[[], float]) -> str:
    """"first / warm median" of a measurement (seconds)."""
    first = measure()
    warm = statistics.median(measure() for _ in range(WARM_RUNS))
    return f"{first:.2f} / {warm:.2f}"


def signed_in(page: Page) -> None:
    page.goto("/login")
    page.get_by_label("用户名").fill("editor")
    page.get_by_label("密码").fill("editor123")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/entries")


def measure(run: Run, database_url: str, messages: int, log_dir: Path) -> None:
    upgrade(database_url)
    setup(database_url, demo_mode=True)  # the FAQ (topic names) and the demo staff
    store = wiring.statistics_store(load_settings().with_database(database_url))
    today = clock.today()
    started = time.perf_counter()
    generate(database_url, messages, today - timedelta(days=1), days=365)
    run.figures["generating a year and counting its days (s)"] = f"{seconds(started):.0f}"
    first_day = today - timedelta(days=365)
    started = time.perf_counter()
    aggregate(store, first_day, today - timedelta(days=1))
    run.figures["counting a year of events into the daily tables again (s)"] = (
        f"{seconds(started):.1f}")
    with store.session() as session:
        count = {model: session.execute(select(func.count()).select_from(model)).scalar_one()
                 for model in (ConsultationEvent, Ticket, ConsultationDaily,
                               ConsultationDailyTopic)}
    run.figures["reader messages recorded (events)"] = f"{count[ConsultationEvent]:,}"
    run.figures["tickets (handed to a librarian)"] = f"{count[Ticket]:,}"
    run.figures["daily rows (by channel·outcome / by topic)"] = (
        f"{count[ConsultationDaily]:,} / {count[ConsultationDailyTopic]:,}")
    period = checked(first_day, today, today)
    run.figures["report of the year in the server (s, first / warm median)"] = timed_runs(
        lambda: _timed(lambda: consultation_report(store, period, today)))
    report = consultation_report(store, period, today)
    run.figures["Excel workbook of the year in the server (s)"] = (
        f"{_timed(lambda: workbook_bytes(report)):.2f}")
    query = f"from={period.start}&to={period.end}"
    with running_console(database_url, log_dir / f"console-{run.backend}.log") as url, \
            sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_context(base_url=url, viewport={"width": 1366, "height": 900}
                                   ).new_page()
        signed_in(page)

        def page_load() -> float:
            started = time.perf_counter()
            page.goto(f"/statistics?period=custom&{query}")
            page.wait_for_selector("html[data-charts=ready]")
            return seconds(started)

        def export() -> float:
            started = time.perf_counter()
            answer = page.request.get(f"/statistics/export.xlsx?{query}")
            assert answer.ok and len(answer.body()) > 10_000
            return seconds(started)

        run.figures["统计 page of the year in Chromium, until its charts are drawn "
                    "(s, first / warm median)"] = timed_runs(page_load)
        run.figures["Excel export of the year, downloaded (s, first / warm median)"] = (
            timed_runs(export))
        browser.close()


def _timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return seconds(started)


@contextmanager
def database(backend: str, directory: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{directory / 'statistics.db'}"
        return
    with scratch_postgres_database("bench_statistics") as url:
        yield url


def section(runs: list[Run], messages: int) -> str:
    names = list(runs[0].figures)
    lines = [
        BEGIN, "## Consultation statistics at a year's scale", "",
        f"`python -m bench.statistics --messages {messages}` (part of `make bench`), "
        f"{clock.today()}, {platform.machine()}, {os.cpu_count()} cores: a year of "
        f"generated consultations ({messages:,} reader messages on the four channels, "
        "tickets, ratings, unanswered questions; bot/statistics/generate.py), then the "
        "whole year through the staff console (docs/statistics.md). The target is at most "
        "2 s for the page and for the export.", "",
        "| | " + " | ".join(run.backend for run in runs) + " |",
        "|---|" + "---|" * len(runs),
        *(f"| {name} | " + " | ".join(run.figures[name] for run in runs) + " |"
          for name in names),
        "", END,
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=MESSAGES)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    runs = []
    with tempfile.TemporaryDirectory() as directory:
        for backend in ("SQLite", "PostgreSQL"):
            run = Run(backend)
            with database(backend.lower(), Path(directory)) as url:
                measure(run, url, args.messages, Path(directory))
            runs.append(run)
            print(run, flush=True)
    block = section(runs, args.messages)
    print(block)
    if args.write:
        replace_section(BEGIN, END, block)


if __name__ == "__main__":
    main()
