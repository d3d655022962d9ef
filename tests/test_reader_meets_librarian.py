"""A reader on the library's demo page and a librarian at the staff desk, in two browser
contexts of a real headless Chromium, talking through the real Rasa server, action
server, staff console and database: handoff, live messages both ways, close, rating."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from bot.chat_page import demo_page_served
from bot.processes import AssistantProcesses
from bot.services.sql.handoff import SqlHandoff
from bot.services.sql.session import SqlStore
from bot.settings import Settings
from tests.handoff_pages import (
    LIVE_MS,
    librarian_claims,
    reader_asks_for_a_person,
    reader_says,
)


@pytest.fixture(scope="module")
def deployment(assistant: AssistantProcesses, model: Path) -> Iterator[Settings]:
    """The running assistant plus its demo page and staff console (same database)."""
    settings = assistant.settings
    log = (settings.var_dir / "console.log").open("w")
    with demo_page_served(settings), log, AssistantProcesses(settings, model, log) as console:
        console.start_admin_console()
        yield settings


def librarian_page(browser: Browser, deployment: Settings) -> Page:
    return browser.new_context(base_url=deployment.admin_url.rstrip("/")).new_page()


def test_a_reader_and_a_librarian_talk_through_widget_and_desk(
    browser: Browser, deployment: Settings,
) -> None:
    reader = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    ticket_id = reader_asks_for_a_person(reader, deployment)

    librarian = librarian_page(browser, deployment)
    librarian_claims(librarian, ticket_id)

    reader_says(reader, "请问有民国时期的南京地图吗？")
    transcript = librarian.locator("#desk-transcript")
    expect(transcript.locator(".desk-line-reader").filter(has_text="民国时期的南京地图")) \
        .to_be_visible(timeout=LIVE_MS)

    librarian.locator("#desk-reply").fill("有的，请到三楼地方文献阅览室查阅《首都计划》附图。")
    librarian.locator("#desk-send").click()
    answer = reader.locator(".jl-msg-staff").filter(has_text="三楼地方文献阅览室")
    expect(answer).to_be_visible(timeout=LIVE_MS)

    librarian.locator("#desk-outcome").select_option("answered")
    librarian.locator("#desk-close button[type=submit]").click()
    reader.get_by_role("button", name="满意", exact=True).last.click(timeout=LIVE_MS)
    expect(reader.locator(".jl-msg-bot").filter(has_text="感谢您的评价")).to_be_visible(
        timeout=LIVE_MS)
    assert SqlHandoff(SqlStore(deployment.database_url)).ticket(ticket_id).rating == 5

    reader.reload()  # the conversation survives, the librarian's answer shown once
    reader.locator("#jl-widget-button").click()
    expect(reader.locator(".jl-msg-staff").filter(has_text="三楼地方文献阅览室")).to_have_count(1)


def test_an_answer_given_while_the_reader_is_away_shows_on_the_next_visit(
    browser: Browser, deployment: Settings,
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    reader = context.new_page()
    ticket_id = reader_asks_for_a_person(reader, deployment)
    reader.close()  # the reader leaves the site before anyone answers

    librarian = librarian_page(browser, deployment)
    librarian_claims(librarian, ticket_id)
    librarian.locator("#desk-reply").fill("您要的《金陵图征》已为您在地方文献部留存。")
    librarian.locator("#desk-send").click()
    expect(librarian.locator("#desk-transcript").filter(has_text="金陵图征")).to_be_visible(
        timeout=LIVE_MS)

    back = context.new_page()  # the same browser, later
    back.goto(deployment.chat_url)
    back.locator("#jl-widget-button").click()
    expect(back.locator(".jl-msg-staff").filter(has_text="金陵图征")).to_have_count(
        1, timeout=LIVE_MS)
