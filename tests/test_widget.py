"""The embeddable web widget end to end: the demo page in headless Chromium, the widget
channel of the real Rasa server and action server, and the handoff desk's database."""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from email.message import Message

import pytest
from playwright.sync_api import Browser, Page, expect

from bot.channels.guard import MAX_MESSAGE_CHARS
from bot.channels.widget_session import SessionRefusedError, checked_session, new_session
from bot.chat_page import demo_page_served
from bot.http_json import post_json
from bot.processes import AssistantProcesses
from bot.services.handoff_model import StaffActor
from bot.services.sql.handoff import SqlHandoff
from bot.services.sql.session import SqlStore
from bot.settings import PROJECT_ROOT, Settings

SCREENSHOTS = PROJECT_ROOT / "docs" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
QUICK_REPLIES = ["开放时间", "查书", "我的预约", "我的借阅", "办证", "转人工"]
MESSAGES = "#jl-widget-messages .jl-msg"
LIVE_TIMEOUT_MS = 15_000


@pytest.fixture(scope="module")
def demo_page(assistant: AssistantProcesses) -> Iterator[Settings]:
    """The demo page on the port whose origin the assistant's widget accepts."""
    with demo_page_served(assistant.settings):
        yield assistant.settings


@pytest.fixture
def page(browser: Browser, demo_page: Settings) -> Iterator[Page]:
    """A fresh reader (empty localStorage) on the demo page, desktop size."""
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.goto(demo_page.chat_url)
    yield tab
    context.close()
    assert not errors, errors


def api(settings: Settings, route: str) -> str:
    return f"{settings.rasa_url}/webhooks/widget/{route}"


def open_widget(page: Page) -> None:
    page.click("#jl-widget-button")
    expect(page.locator("#jl-widget-panel")).to_be_visible()
    expect(page.locator(".jl-msg-bot").first).to_contain_text("金陵图书馆")


def type_message(page: Page, text: str) -> None:
    page.fill("#jl-widget-input", text)
    page.press("#jl-widget-input", "Enter")


def say(page: Page, text: str) -> None:
    """Types a message and waits for the assistant's answer to it."""
    answers = page.locator(".jl-msg-bot, .jl-msg-system").count()
    type_message(page, text)
    expect(page.locator(".jl-msg-bot, .jl-msg-system")).not_to_have_count(answers)
    expect(page.locator(".jl-typing")).to_be_hidden()


def reader_lines(desk: SqlHandoff, ticket_id: int) -> list[str]:
    return [line.text for line in desk.transcript(ticket_id) if line.author == "reader"]


def wait_for(condition: Callable[[], bool], timeout: float = 15) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def transcript(page: Page) -> list[str]:
    return page.locator(MESSAGES).all_inner_texts()


def session_of(page: Page) -> str:
    stored = page.evaluate(
        "() => Object.keys(localStorage).filter(k => k.startsWith('jl-widget:'))"
        ".map(k => JSON.parse(localStorage.getItem(k)))[0]")
    return stored["session"]["session_id"]


def status_of(request: urllib.request.Request) -> tuple[int, Message]:
    """The status and the (case-insensitive) headers of the answer."""
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.headers


def post(url: str, body: bytes, origin: str | None = None) -> tuple[int, Message]:
    headers = {"Content-Type": "application/json", **({"Origin": origin} if origin else {})}
    return status_of(urllib.request.Request(url, data=body, headers=headers))


# --- in the browser -------------------------------------------------------------------


def test_opens_by_click_with_welcome_and_quick_replies(page: Page) -> None:
    expect(page.locator("#jl-widget-panel")).to_be_hidden()
    open_widget(page)
    expect(page.locator("#jl-widget-button")).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#jl-widget-input")).to_be_focused()
    assert page.locator("button.jl-quick-reply").all_inner_texts() == QUICK_REPLIES
    assert page.locator(".jl-msg-user").count() == 0  # the greeting request is not shown
    page.get_by_role("button", name="开放时间").click()
    expect(page.locator(".jl-msg-user").last).to_have_text("我：开放时间")
    expect(page.locator(".jl-msg-bot").nth(1)).to_contain_text(re.compile("开放|闭馆"))


def test_works_by_keyboard_alone(page: Page) -> None:
    page.focus("#jl-widget-button")
    page.keyboard.press("Enter")
    expect(page.locator("#jl-widget-panel")).to_be_visible()
    expect(page.locator("#jl-widget-input")).to_be_focused()
    expect(page.locator(".jl-quick-reply").first).to_be_visible()
    page.keyboard.type("金陵图书馆在哪里")
    page.keyboard.press("Enter")
    expect(page.locator(".jl-msg-bot").last).to_contain_text("乐山路158号")
    page.keyboard.press("Tab")
    expect(page.locator("#jl-widget-send")).to_be_focused()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")  # back into the conversation: its last quick reply
    assert page.evaluate("document.activeElement.closest('#jl-widget-panel') !== null")
    page.keyboard.press("Escape")
    expect(page.locator("#jl-widget-panel")).to_be_hidden()
    expect(page.locator("#jl-widget-button")).to_be_focused()
    expect(page.locator("#jl-widget-button")).to_have_attribute("aria-expanded", "false")


def test_search_shows_book_cards_and_hold_starts_the_form(page: Page) -> None:
    open_widget(page)
    say(page, "三体")
    cards = page.locator(".jl-book-card")
    expect(cards.first).to_be_visible()
    first = cards.first
    expect(first.locator(".jl-book-title")).to_have_text("《三体》")
    expect(first).to_contain_text("刘慈欣")
    expect(first).to_contain_text("索书号：")
    expect(first.locator(".jl-book-branches li").first).to_contain_text("册")
    assert first.locator(".jl-available").count() >= 1
    # The text version of each card (for text-only channels) is not shown twice.
    assert page.locator(".jl-msg-text", has_text="索书号").count() == 0
    first.locator("button.jl-book-hold").click()
    expect(page.locator(".jl-msg-user").last).to_have_text("我：预约《三体》")
    expect(page.locator(".jl-msg-bot").last).to_contain_text("读者证")
    say(page, "JL00000001")
    expect(page.locator(".jl-msg-bot").last).to_contain_text("密码")
    expect(page.locator("#jl-widget-input")).to_have_attribute("type", "password")
    say(page, "取消")  # typed where the password goes: masked, never stored
    expect(page.locator(".jl-msg-user").last).to_have_text("我：••••••")
    expect(page.locator(".jl-msg-bot").last).to_contain_text("已取消")
    expect(page.locator("#jl-widget-input")).to_have_attribute("type", "text")


def test_digital_resources_show_as_cards(page: Page) -> None:
    open_widget(page)
    say(page, "有没有外文期刊数据库")
    card = page.locator(".jl-resource-card").first
    expect(card).to_be_visible()
    expect(card.locator(".jl-resource-name")).to_contain_text("外文期刊")
    expect(card).to_contain_text("待图书馆确认")
    # Only checked http(s) addresses become links, opened apart from the chat.
    for link in card.locator("a").all():
        assert re.match(r"https?://", link.get_attribute("href") or "")
        assert "noopener" in (link.get_attribute("rel") or "")


def test_markup_in_messages_is_shown_as_text(page: Page) -> None:
    attack = '<img src=x onerror="window.jlPwned=1"><b>粗体</b>'
    open_widget(page)
    say(page, attack)
    expect(page.locator(".jl-msg-user").last).to_have_text("我：" + attack)
    assert page.locator("#jl-widget img, #jl-widget b").count() == 0
    assert page.evaluate("window.jlPwned") is None


def test_reload_keeps_the_conversation(page: Page) -> None:
    open_widget(page)
    say(page, "怎么办读者证")
    before = transcript(page)
    page.reload()
    expect(page.locator("#jl-widget-panel")).to_be_hidden()
    page.click("#jl-widget-button")
    expect(page.locator(MESSAGES)).to_have_count(len(before))
    assert transcript(page) == before  # no second welcome either


STORED_STATE = ("() => JSON.parse(localStorage.getItem(Object.keys(localStorage)"
                ".find(k => k.startsWith('jl-widget:'))))")


def test_sign_out_forgets_the_conversation_on_this_computer(page: Page) -> None:
    open_widget(page)
    say(page, "怎么办读者证")
    page.click(".jl-logout")
    expect(page.locator(MESSAGES)).to_have_count(1)
    expect(page.locator(".jl-msg-system")).to_contain_text("已退出登录")
    stored = page.evaluate(STORED_STATE)
    assert stored["session"] is None and stored["entries"] == []


def test_an_idle_conversation_is_forgotten(page: Page) -> None:
    open_widget(page)
    say(page, "怎么办读者证")
    page.evaluate("""() => {
        const key = Object.keys(localStorage).find(k => k.startsWith('jl-widget:'));
        const state = JSON.parse(localStorage.getItem(key));
        state.lastActive = Date.now() - (state.session.idle_seconds + 60) * 1000;
        localStorage.setItem(key, JSON.stringify(state));
    }""")
    page.reload()
    open_widget(page)
    assert not any("怎么办读者证" in line for line in transcript(page))


def test_staff_replies_arrive_live_and_once(page: Page, demo_page: Settings) -> None:
    open_widget(page)
    say(page, "转人工")
    expect(page.locator(".jl-msg-bot").last).to_contain_text("工单")
    desk = SqlHandoff(SqlStore(demo_page.database_url))
    ticket = desk.open_ticket_for("widget", session_of(page))
    assert ticket is not None
    staff = StaffActor(None, "王老师")
    desk.reply(ticket.ticket_id, staff, "<b>您好</b>，我是馆员，请问要查哪方面的资料？")
    reply = page.locator(".jl-msg-staff")
    expect(reply).to_have_count(1, timeout=LIVE_TIMEOUT_MS)
    expect(reply.locator(".jl-msg-author")).to_have_text("馆员 王老师")
    expect(reply.locator(".jl-msg-text")).to_have_text(
        "<b>您好</b>，我是馆员，请问要查哪方面的资料？")
    type_message(page, "南京城墙的历史资料")  # goes to the librarian, not to the assistant
    assert wait_for(lambda: "南京城墙的历史资料" in reader_lines(desk, ticket.ticket_id))
    desk.close(ticket.ticket_id, staff, "answered")
    rating = page.locator(".jl-msg-system", has_text="评分")
    expect(rating).to_have_count(1, timeout=LIVE_TIMEOUT_MS)
    rating.get_by_role("button", name="满意", exact=True).click()
    expect(page.locator(".jl-msg-bot").last).to_contain_text("感谢您的评价")
    assert desk.ticket(ticket.ticket_id).rating == 5
    page.reload()  # acknowledged messages are not fetched again
    page.click("#jl-widget-button")
    page.wait_for_timeout(2500)  # at least one poll
    expect(page.locator(".jl-msg-staff")).to_have_count(1)
    expect(page.locator(".jl-msg-system", has_text="评分")).to_have_count(1)


def test_desktop_layout_screenshot(page: Page) -> None:
    open_widget(page)
    say(page, "三体")
    box = page.locator("#jl-widget-panel").bounding_box()
    assert box is not None
    assert box["x"] + box["width"] <= DESKTOP["width"] and box["y"] >= 0
    page.locator(".jl-book-card").first.scroll_into_view_if_needed()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "widget-desktop.png"))


def test_phone_layout_fits_the_screen(browser: Browser, demo_page: Settings) -> None:
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True,
                                  has_touch=True, locale="zh-CN")
    try:
        phone = context.new_page()
        phone.goto(demo_page.chat_url)
        launcher = phone.locator("#jl-widget-button").bounding_box()
        assert launcher is not None and launcher["x"] + launcher["width"] <= PHONE["width"]
        phone.tap("#jl-widget-button")
        expect(phone.locator(".jl-msg-bot").first).to_contain_text("金陵图书馆")
        say(phone, "三体")
        box = phone.locator("#jl-widget-panel").bounding_box()
        assert box == {"x": 0, "y": 0, "width": PHONE["width"], "height": PHONE["height"]}
        for part in ("#jl-widget-input", "#jl-widget-send", ".jl-close"):
            part_box = phone.locator(part).bounding_box()
            assert part_box is not None
            assert part_box["x"] >= 0 and part_box["x"] + part_box["width"] <= PHONE["width"]
            assert part_box["y"] >= 0 and part_box["y"] + part_box["height"] <= PHONE["height"]
        wide = phone.evaluate("[...document.querySelectorAll('#jl-widget *:not(.jl-sr-only)')]"
                              ".filter(e => e.scrollWidth > e.clientWidth + 1"
                              " && getComputedStyle(e).overflowX !== 'visible').length")
        assert wide == 0  # nothing needs horizontal scrolling
        phone.locator(".jl-book-card").first.scroll_into_view_if_needed()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        phone.screenshot(path=str(SCREENSHOTS / "widget-phone.png"))
    finally:
        context.close()


CONTRAST = """(selector) => {
  const rgb = (c) => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = (c) => { const v = rgb(c).map(x => { x /= 255;
    return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };
  const background = (e) => { for (; e; e = e.parentElement) {
    const c = getComputedStyle(e).backgroundColor;
    if (!c.startsWith('rgba(0, 0, 0, 0)') && c !== 'transparent') { return c; } }
    return 'rgb(255, 255, 255)'; };
  const e = document.querySelector(selector);
  const [a, b] = [lum(getComputedStyle(e).color), lum(background(e))];
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""


def test_labels_roles_and_contrast(page: Page) -> None:
    launcher = page.get_by_role("button", name="在线咨询")
    expect(launcher).to_be_visible()
    launcher.click()
    dialog = page.get_by_role("dialog", name="金陵图书馆在线咨询")
    expect(dialog).to_be_visible()
    expect(page.locator("#jl-widget-messages")).to_have_attribute("aria-live", "polite")
    expect(page.get_by_label("输入您的问题")).to_have_id("jl-widget-input")
    say(page, "三体")
    unnamed = page.evaluate("""() => [...document.querySelectorAll('#jl-widget button')]
        .filter(b => !(b.getAttribute('aria-label') || b.textContent).trim()).length""")
    assert unnamed == 0
    unlabelled = page.evaluate("""() => [...document.querySelectorAll('#jl-widget input')]
        .filter(i => !i.labels.length && !i.getAttribute('aria-label')).length""")
    assert unlabelled == 0
    expect(page.get_by_role("button", name="预约《三体》", exact=True)).to_be_visible()
    for selector in (".jl-title", ".jl-msg-user .jl-msg-text", ".jl-msg-bot .jl-msg-text",
                     ".jl-quick-reply", ".jl-book-meta", ".jl-available .jl-shelf",
                     ".jl-book-hold", "#jl-widget-send", "#jl-widget-input"):
        assert page.evaluate(CONTRAST, selector) >= 4.5, selector


def test_pages_of_other_origins_are_refused(browser: Browser, demo_page: Settings) -> None:
    context = browser.new_context(viewport=DESKTOP)
    try:
        other = context.new_page()  # same page, but "localhost" is another origin
        other.goto(f"http://localhost:{demo_page.chat_port}/")
        other.click("#jl-widget-button")
        expect(other.locator(".jl-msg-system")).to_contain_text("网络异常")
        assert other.locator(".jl-msg-bot").count() == 0
    finally:
        context.close()


# --- the channel's HTTP interface ----------------------------------------------------------


def test_serves_the_widget_files(demo_page: Settings) -> None:
    for name, content_type in (("widget.js", "application/javascript"),
                               ("widget.css", "text/css")):
        status, headers = status_of(urllib.request.Request(api(demo_page, name)))
        assert status == 200 and headers["Content-Type"].startswith(content_type)
    assert status_of(urllib.request.Request(api(demo_page, "secret.py")))[0] == 404
    with urllib.request.urlopen(demo_page.chat_url) as response:
        page_html = response.read().decode()
    assert "金陵图书馆" in page_html and "演示" in page_html
    assert f'<script src="{api(demo_page, "widget.js")}"' in page_html


def test_forged_and_malformed_sessions_are_refused(demo_page: Settings) -> None:
    mine, theirs = (post_json(api(demo_page, "session"), {}) for _ in range(2))
    assert isinstance(mine, dict) and isinstance(theirs, dict)
    url = api(demo_page, "message")
    refused = [
        {"session_id": theirs["session_id"], "token": mine["token"], "text": "我的预约"},
        {"session_id": theirs["session_id"], "token": "0" * 64, "text": "你好"},
        {"session_id": theirs["session_id"], "text": "你好"},
        {"session_id": "../etc/passwd", "token": mine["token"], "text": "你好"},
    ]
    for body in refused:
        assert post(url, json.dumps(body).encode())[0] == 403, body
    updates = (f"{api(demo_page, 'updates')}?session_id={theirs['session_id']}"
               f"&token={mine['token']}&after=0")
    assert status_of(urllib.request.Request(updates))[0] == 403
    logs = [demo_page.var_dir / name for name in ("widget_servers.log", "servers.log")]
    assert any("refused with 403: forged token" in log.read_text()
               for log in logs if log.exists())


def test_bad_bodies_are_refused(demo_page: Settings) -> None:
    session = post_json(api(demo_page, "session"), {})
    assert isinstance(session, dict)
    url = api(demo_page, "message")
    assert post(url, b"not json")[0] == 400
    assert post(url, b"[1, 2]")[0] == 400
    assert post(url, json.dumps({**session, "text": 5}).encode())[0] == 400
    oversized = json.dumps({**session, "text": "书" * 6000}).encode()
    assert post(url, oversized)[0] == 413
    bad_after = f"{api(demo_page, 'updates')}?session_id={session['session_id']}" \
                f"&token={session['token']}&after=-1"
    assert status_of(urllib.request.Request(bad_after))[0] == 400


def test_long_text_is_cut_by_the_guard(demo_page: Settings) -> None:
    session = post_json(api(demo_page, "session"), {})
    assert isinstance(session, dict)
    body = json.dumps({**session, "text": "书" * 5000}, ensure_ascii=False).encode()
    assert len(body) <= 16 * 1024 and post(api(demo_page, "message"), body)[0] == 200
    with urllib.request.urlopen(
        demo_page.rasa_api_url(f"/conversations/{session['session_id']}/tracker")
    ) as response:
        tracker = json.load(response)
    assert len(tracker["latest_message"]["text"]) == MAX_MESSAGE_CHARS


def test_cors_only_for_the_library_pages(demo_page: Settings) -> None:
    url = api(demo_page, "message")

    def preflight(origin: str) -> tuple[int, Message]:
        return status_of(urllib.request.Request(url, method="OPTIONS", headers={
            "Origin": origin, "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type"}))

    status, headers = preflight(demo_page.chat_origin)
    assert status == 204
    assert headers["Access-Control-Allow-Origin"] == demo_page.chat_origin
    assert "POST" in headers["Access-Control-Allow-Methods"]
    status, headers = preflight("https://evil.example")
    assert status == 403 and "Access-Control-Allow-Origin" not in headers
    session = json.dumps(post_json(api(demo_page, "session"), {})).encode()
    status, headers = post(api(demo_page, "session"), b"{}", origin=demo_page.chat_origin)
    assert status == 200 and headers["Access-Control-Allow-Origin"] == demo_page.chat_origin
    status, headers = post(url, session, origin="https://evil.example")
    assert status == 403 and "Access-Control-Allow-Origin" not in headers


def test_session_tokens() -> None:
    session = new_session("secret")
    assert checked_session("secret", session["session_id"], session["token"]) \
        == session["session_id"]
    for session_id, token, secret in ((session["session_id"], session["token"], "other"),
                                      ("short", session["token"], "secret"),
                                      (session["session_id"], None, "secret"),
                                      (None, session["token"], "secret")):
        with pytest.raises(SessionRefusedError):
            checked_session(secret, session_id, token)
