"""The 统计 page and knowledge health in a real headless Chromium against `python -m
bot.admin`, on four months of generated consultations: charts drawn (screenshots in
docs/screenshots/), the period picker and its bad input, the downloads."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, expect

from bot.db.migrate import upgrade
from bot.knowledge_cli import setup
from bot.services.sql.faq import SqlKnowledge
from bot.services.sql.session import SqlStore
from bot.settings import PROJECT_ROOT
from bot.statistics.generate import generate
from bot.statistics.period import checked
from bot.statistics.report import consultation_report
from tests.test_admin_console import running_console

SCREENSHOTS = PROJECT_ROOT / "docs" / "screenshots"
TODAY = date(2026, 10, 28)  # the session's pinned Wednesday (tests/conftest.py)
LAST_DAY = date(2026, 10, 27)


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """The console on a database with the FAQ, the demo staff and 120 days of
    generated consultations; (console URL, database URL)."""
    var_dir = tmp_path_factory.mktemp("statistics")
    database_url = f"sqlite:///{var_dir / 'library.db'}"
    upgrade(database_url)
    setup(database_url, demo_mode=True)
    generate(database_url, 12_000, LAST_DAY, days=120, seed=3)
    with running_console(database_url, var_dir / "console.log") as url:
        yield url, database_url


@pytest.fixture(scope="module")
def page(browser: Browser, console: tuple[str, str]) -> Iterator[Page]:
    """The demo editor, signed in once for the module."""
    context = browser.new_context(base_url=console[0], accept_downloads=True,
                                  viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("用户名").fill("editor")
    page.get_by_label("密码").fill("editor123")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="条目列表")).to_be_visible()
    yield page
    context.close()


def charts_ready(page: Page) -> None:
    expect(page.locator("html")).to_have_attribute("data-charts", "ready")


def test_the_page_draws_every_chart(page: Page, console: tuple[str, str]) -> None:
    refused: list[str] = []
    page.on("console", lambda line: refused.append(line.text)
            if "Content Security Policy" in line.text else None)
    page.get_by_role("link", name="统计", exact=True).click()
    charts_ready(page)  # this month so far
    expect(page.locator(".stats-period")).to_contain_text("2026-10-01 至 2026-10-28")
    page.get_by_label("统计周期").select_option(label="年")
    page.get_by_role("button", name="统计").click()
    charts_ready(page)
    expect(page.locator(".stats-period")).to_contain_text("2026-01-01 至 2026-10-28")
    for chart in ("days", "results", "topics", "faq", "waits", "ratings", "helpful", "busy"):
        expect(page.locator(f"#chart-{chart} canvas").first).to_be_visible()
    year = consultation_report(SqlStore(console[1]), checked(date(2026, 1, 1), TODAY, TODAY),
                               TODAY)
    expect(page.locator(".stats-card-value").first).to_have_text(f"{year.questions:,}")
    expect(page.locator("table.stats-unanswered tbody tr")).to_have_count(20)
    assert refused == []
    page.screenshot(path=str(SCREENSHOTS / "statistics.png"), full_page=True)
    page.set_viewport_size({"width": 900, "height": 1200})  # A4 width at 96 dpi, roughly
    page.emulate_media(media="print")
    expect(page.locator("header.top")).to_be_hidden()
    page.screenshot(path=str(SCREENSHOTS / "statistics-print.png"), full_page=True)
    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 1366, "height": 900})


def test_bad_periods_get_a_clear_answer(page: Page) -> None:
    page.goto("/statistics?period=custom&from=2026-10-01&to=2026-10-02")
    page.get_by_label("自定义：从").fill("2016-01-01")  # ten years, picked in the form
    page.get_by_label("至", exact=True).fill("2026-10-27")
    with page.expect_response(lambda r: "/statistics?" in r.url) as answer:
        page.get_by_role("button", name="统计").click()
    assert answer.value.status == 400
    expect(page.get_by_role("alert")).to_contain_text("超过一年")
    for start, end, says in [("2026-10-01", "2026-12-31", "在未来"),  # the future
                             ("2026-10-20", "2026-10-10", "统计时段为空")]:  # empty
        assert page.goto(f"/statistics?period=custom&from={start}&to={end}").status == 400
        expect(page.get_by_role("alert")).to_contain_text(says)
        expect(page.locator(".stats-chart")).to_have_count(0)
    page.goto("/statistics?period=day&date=2026-01-05")  # before the generated months
    expect(page.locator(".stats-empty")).to_contain_text("没有咨询记录")
    page.goto("/statistics/export.xlsx?from=2016-01-01&to=2026-10-27")
    expect(page.get_by_role("alert")).to_contain_text("超过一年")


def test_downloads_match_the_page(page: Page) -> None:
    page.goto("/statistics?period=month&date=2026-09-10")
    charts_ready(page)
    total = page.locator(".stats-card-value").first.inner_text().replace(",", "")
    with page.expect_download() as info:
        page.get_by_role("link", name="Excel 报表").click()
    assert info.value.suggested_filename == (
        "consultation-statistics-2026-09-01_2026-09-30.xlsx")
    book = load_workbook(io.BytesIO(Path(info.value.path()).read_bytes()))
    first = {row[0]: row[1] for row in book["评估汇总"].iter_rows(min_row=2, values_only=True)}
    assert first["统计时段"] == "2026-09-01 至 2026-09-30"
    assert str(first["咨询总量（次）"]) == total
    assert book.sheetnames[:3] == ["评估汇总", "按主题", "按日"]
    assert book["按日"].max_row == 31  # a header and 30 days
    with page.expect_download() as info:
        page.get_by_role("link", name="CSV · 按日").click()
    lines = Path(info.value.path()).read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("日期,星期,网页,微信,Telegram,人工") and len(lines) == 31


def test_knowledge_health_on_the_home_page(page: Page, console: tuple[str, str]) -> None:
    page.goto("/entries")
    knowledge = SqlKnowledge(SqlStore(console[1]))
    placeholders = sum(1 for row in knowledge.export_rows() if row["placeholder"])
    health = page.locator("section.knowledge-health")
    expect(health.get_by_role("heading", name="知识库健康")).to_be_visible()
    section = health.locator("details", has_text="仍标记为待确认")
    expect(section.locator("summary")).to_contain_text(f"{placeholders} 条")
    expect(health.locator("details", has_text="评价差").locator("li").first).to_be_visible()
    health.screenshot(path=str(SCREENSHOTS / "knowledge-health.png"))
    section.locator("summary").click()
    link = section.locator("li a").first
    key = link.inner_text()
    link.click()
    expect(page).to_have_url(re.compile(r"/entries/\d+/edit$"))
    expect(page.locator("body")).to_contain_text(key)
