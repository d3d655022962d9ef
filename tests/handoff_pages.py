"""Browser steps shared by the widget ↔ staff-desk test and benchmark: a reader asks
for a person in the widget on the demo page, a librarian claims the ticket."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from bot.settings import Settings

LIVE_MS = 15_000


def reader_says(reader: Page, text: str) -> None:
    reader.locator("#jl-widget-input").fill(text)
    reader.locator("#jl-widget-input").press("Enter")


def reader_asks_for_a_person(reader: Page, settings: Settings) -> int:
    """Opens the widget on the demo page, asks for a person; the new ticket's id."""
    reader.goto(settings.chat_url)
    reader.locator("#jl-widget-button").click()
    reader_says(reader, "转人工")
    handed_over = reader.locator(".jl-msg-bot").filter(has_text="工单 #").last
    expect(handed_over).to_be_visible(timeout=LIVE_MS)
    return int(re.search(r"工单 #(\d+)", handed_over.inner_text()).group(1))


def librarian_claims(librarian: Page, ticket_id: int) -> None:
    """Signs in to the staff console (page with the console as base URL) as the demo
    editor and claims the ticket; the page is left on the ticket."""
    librarian.goto("/login")
    librarian.get_by_label("用户名").fill("editor")
    librarian.get_by_label("密码").fill("editor123")
    librarian.get_by_role("button", name="登录").click()
    librarian.goto("/desk")
    row = librarian.locator(f"tr.desk-ticket[data-ticket-id='{ticket_id}']")
    row.locator("button.desk-claim").click()
    expect(librarian).to_have_url(re.compile(rf"/desk/tickets/{ticket_id}(\?|$)"))
