"""The staff desk (/desk of bot.admin) in a real headless Chromium against a real console
process, with tickets created directly through the handoff service in the console's
database: live queue, claiming (and a race between two staff), the live transcript,
replies into the outbox, canned replies, internal notes, transfer, closing, failed
deliveries, FAQ drafts from staff answers, CSRF and sign-in."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from bot.admin.desk_view import duty_json, waited_text
from bot.demo.load import load_desk
from bot.services.handoff_model import DutyStatus, StaffActor, TicketInfo
from bot.services.sql.handoff import RATING_PROMPT, SqlHandoff
from bot.services.sql.session import SqlStore
from bot.settings import PROJECT_ROOT
from tests.test_admin_console import Console, console, csrf_token, signed_in

__all__ = ["console"]  # the console fixture, shared with the console's own tests
SCREENSHOT = PROJECT_ROOT / "docs" / "screenshots" / "staff-desk.png"
HISTORY = ["读者：你好", "助手：您好，我是金陵图书馆智能助手。", "读者：转人工"]
readers = itertools.count(1)


@pytest.fixture(scope="module")
def desk(console: Console) -> SqlHandoff:
    """The console database's handoff service, with the demo duty schedule and canned
    replies."""
    url = console.knowledge.store.database_url
    load_desk(url)
    return SqlHandoff(SqlStore(url))


def new_ticket(desk: SqlHandoff, summary: str, channel: str = "rest",
               card: str | None = None) -> TicketInfo:
    """A waiting ticket of a new reader (each call a different conversation)."""
    return desk.open_ticket(channel, f"desk-reader-{next(readers)}", "reference", summary,
                            HISTORY, reader_card=card)


def actor(console: Console, username: str) -> StaffActor:
    user = console.user(username)
    return StaffActor(user.user_id, user.display_name)


@pytest.fixture
def editor(browser: Browser, console: Console) -> Iterator[tuple[BrowserContext, Page]]:
    context, page = signed_in(browser, console, "editor")
    yield context, page
    context.close()


def open_ticket_page(page: Page, ticket: TicketInfo) -> None:
    page.goto(f"/desk/tickets/{ticket.ticket_id}")
    expect(page.locator("#desk-transcript .desk-line-system").first).to_be_visible()
    page.evaluate("window.deskMarker = 'not reloaded'")


def not_reloaded(page: Page) -> None:
    assert page.evaluate("window.deskMarker") == "not reloaded"


def row(page: Page, ticket: TicketInfo) -> Locator:
    return page.locator(f"tr.desk-ticket[data-ticket-id='{ticket.ticket_id}']")


def test_not_signed_in_is_redirected_to_login(
    browser: Browser, console: Console, desk: SqlHandoff
) -> None:
    ticket = new_ticket(desk, "未登录测试")
    context = browser.new_context(base_url=console.url)
    page = context.new_page()
    page.goto("/desk")
    expect(page).to_have_url(f"{console.url}/login")
    base = f"/desk/tickets/{ticket.ticket_id}"
    for path in ("/desk/queue.json", base, f"{base}/lines.json"):
        response = context.request.get(path, max_redirects=0)
        assert (response.status, response.headers["location"]) == (303, "/login"), path
    for path in (f"{base}/claim", f"{base}/reply"):
        response = context.request.post(path, form={"text": "你好"}, max_redirects=0)
        assert (response.status, response.headers["location"]) == (303, "/login"), path
    assert desk.ticket(ticket.ticket_id).status == "waiting"
    context.close()


def test_queue_shows_new_tickets_live_and_claim(
    editor: tuple[BrowserContext, Page], console: Console, desk: SqlHandoff
) -> None:
    _context, page = editor
    page.get_by_role("link", name="人工咨询", exact=True).click()
    expect(page.locator("#desk-duty")).to_contain_text("周一至周日 9:00–17:00")
    page.evaluate("window.deskMarker = 'not reloaded'")

    earlier = new_ticket(desk, "排队测试：已被接待的工单")
    desk.claim(earlier.ticket_id, actor(console, "reviewer"))
    ticket = new_ticket(desk, "排队测试：<b>民国南京地方志</b>", channel="wechat")
    new_row = row(page, ticket)
    expect(new_row).to_contain_text("已等待")
    expect(new_row).to_contain_text("深度参考咨询")
    expect(new_row).to_contain_text("排队测试：<b>民国南京地方志</b>")
    expect(new_row).to_contain_text("微信")
    expect(new_row).to_contain_text("咨询部")
    expect(row(page, earlier)).to_contain_text("审核员老李")
    ids = page.locator("tr.desk-ticket").evaluate_all(
        "rows => rows.map(r => Number(r.dataset.ticketId))")
    assert ids.index(ticket.ticket_id) < ids.index(earlier.ticket_id)  # waiting first
    not_reloaded(page)

    new_row.locator("button.desk-claim").click()
    expect(page).to_have_url(f"{console.url}/desk/tickets/{ticket.ticket_id}?done=claimed")
    expect(page.get_by_role("status")).to_contain_text("已接单")
    expect(page.locator("#desk-owner")).to_have_text("编辑小王")
    expect(page.locator("#desk-status")).to_have_text("接待中")
    assert desk.ticket(ticket.ticket_id).staff_name == "编辑小王"


def test_two_staff_race_to_claim(browser: Browser, console: Console, desk: SqlHandoff) -> None:
    ticket = new_ticket(desk, "抢单测试")
    pages = []
    for username in ("editor", "reviewer"):
        _context, page = signed_in(browser, console, username)
        page.goto("/desk")
        expect(row(page, ticket).locator("button.desk-claim")).to_be_visible()
        pages.append(page)
    # Both press 接单 at (almost) the same moment: the two POSTs are in flight together.
    for page in pages:
        row(page, ticket).locator("button.desk-claim").evaluate("button => button.click()")

    for page in pages:
        expect(page.locator("#desk-owner, #desk-error").first).to_be_visible()
    winner = next(p for p in pages if "/desk/tickets/" in p.url)
    loser = next(p for p in pages if p is not winner)
    won = desk.ticket(ticket.ticket_id)
    assert won.status == "claimed" and won.staff_name in ("编辑小王", "审核员老李")
    expect(winner.locator("#desk-owner")).to_have_text(won.staff_name)
    expect(loser.locator("#desk-error")).to_have_text(
        f"工单 #{ticket.ticket_id} 已由{won.staff_name}接待。")
    expect(row(loser, ticket)).to_contain_text(won.staff_name)
    expect(row(loser, ticket).locator("button.desk-claim")).to_have_count(0)
    claims = [line for line in desk.transcript(ticket.ticket_id) if "接待了此工单" in line.text]
    assert len(claims) == 1
    for page in pages:
        page.context.close()


def test_transcript_live_reply_canned_reply_and_note(
    editor: tuple[BrowserContext, Page], console: Console, desk: SqlHandoff
) -> None:
    ticket = new_ticket(desk, "想查民国时期南京的地方志", channel="widget", card="JL00000001")
    desk.claim(ticket.ticket_id, actor(console, "editor"))
    _context, page = editor
    open_ticket_page(page, ticket)
    transcript = page.locator("#desk-transcript")
    expect(transcript.locator(".desk-line-history")).to_have_count(3)
    expect(transcript.locator(".desk-line-history").nth(1)).to_contain_text("智能助手")
    expect(transcript.locator(".desk-line-system").first).to_contain_text("新工单")
    expect(page.locator("#desk-card")).to_have_text("已验证：JL00000001")
    expect(page.locator("#desk-channel")).to_have_text("网页咨询")

    hostile = "<img src=x onerror=\"window.pwned=1\">有民国的《首都志》吗？"
    desk.add_reader_message(ticket.ticket_id, hostile)
    expect(transcript.locator(".desk-line-reader .desk-text")).to_have_text(hostile)
    assert page.evaluate("window.pwned") is None
    not_reloaded(page)

    # A canned reply is inserted at the cursor; Shift+Enter is a new line, Enter sends.
    reply = page.locator("#desk-reply")
    reply.fill("有的。")
    reply.press("Shift+Enter")
    page.locator(".desk-canned-reply", has_text="稍等").click()
    canned = dict(desk.canned_replies())["稍等"]
    expect(reply).to_have_value(f"有的。\n{canned}")
    reply.press("Enter")
    staff_line = transcript.locator(".desk-line-staff")
    expect(staff_line.locator(".desk-text")).to_have_text(f"有的。\n{canned}")
    expect(staff_line.locator(".desk-who")).to_have_text("编辑小王")
    expect(reply).to_have_value("")
    [sent] = desk.pull("widget", ticket.sender_id, 0)
    assert (sent.text, sent.sender, sent.staff_name) == (f"有的。\n{canned}", "staff",
                                                          "编辑小王")

    note = "读者可能需要到馆查阅原件"
    page.get_by_label("内部备注（读者看不到）").fill(note)
    page.get_by_role("button", name="添加备注").click()
    expect(transcript.locator(".desk-line-note .desk-text")).to_have_text(note)
    expect(transcript.locator(".desk-line-note .desk-who")).to_have_text("内部备注 · 编辑小王")
    assert desk.pull("widget", ticket.sender_id, sent.outbox_id) == []
    not_reloaded(page)

    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(SCREENSHOT), full_page=True)


def test_transfer_to_colleague_then_department(
    browser: Browser, editor: tuple[BrowserContext, Page], console: Console, desk: SqlHandoff
) -> None:
    ticket = new_ticket(desk, "转交测试：家谱查询")
    desk.claim(ticket.ticket_id, actor(console, "editor"))
    _context, page = editor
    open_ticket_page(page, ticket)
    page.get_by_label("转交").select_option(label="审核员老李")
    page.get_by_role("button", name="转交").click()
    expect(page).to_have_url(f"{console.url}/desk?done=transferred")
    expect(page.get_by_role("status")).to_contain_text("工单已转交")
    expect(row(page, ticket)).to_contain_text("审核员老李")
    moved = desk.ticket(ticket.ticket_id)
    assert (moved.status, moved.staff_name) == ("claimed", "审核员老李")

    context, reviewer = signed_in(browser, console, "reviewer")
    open_ticket_page(reviewer, ticket)
    expect(reviewer.locator("#desk-transcript")).to_contain_text("编辑小王 将工单转交给 审核员老李")
    reviewer.get_by_label("转交").select_option(label="地方文献部")
    reviewer.get_by_role("button", name="转交").click()
    expect(reviewer).to_have_url(f"{console.url}/desk?done=transferred")
    waiting = row(reviewer, ticket)
    expect(waiting).to_contain_text("地方文献部")
    expect(waiting.locator("button.desk-claim")).to_be_visible()
    moved = desk.ticket(ticket.ticket_id)
    assert (moved.status, moved.department, moved.staff_id) == ("waiting", "地方文献部", None)
    context.close()


def test_close_queues_rating_and_later_reply_is_refused(
    editor: tuple[BrowserContext, Page], console: Console, desk: SqlHandoff
) -> None:
    ticket = new_ticket(desk, "关闭测试：办证需要什么")
    desk.claim(ticket.ticket_id, actor(console, "editor"))
    _context, page = editor
    open_ticket_page(page, ticket)
    expect(page.locator("#desk-closed")).to_be_hidden()
    close = page.locator("#desk-close")
    close.locator("select[name=outcome]").select_option(label="已解答")
    close.get_by_role("button", name="关闭工单").click()
    expect(page.get_by_role("status")).to_contain_text("工单已关闭")
    expect(page.locator("#desk-status")).to_have_text("已关闭")
    expect(page.locator("#desk-closed")).to_be_visible()
    expect(page.locator("#desk-transcript")).to_contain_text("编辑小王 关闭了工单（已解答）")
    closed = desk.ticket(ticket.ticket_id)
    assert (closed.status, closed.outcome) == ("closed", "answered")
    [prompt] = desk.pull("rest", ticket.sender_id, 0)
    assert prompt.text == RATING_PROMPT and prompt.buttons

    page.locator("#desk-reply").fill("还有一点补充")
    page.locator("#desk-send").click()
    expect(page.locator("#desk-error")).to_have_text(
        f"工单 #{ticket.ticket_id} 已关闭，读者不会再收到回复。")
    expect(page.locator("#desk-reply")).to_have_value("还有一点补充")  # not lost
    expect(page.locator("#desk-transcript .desk-line-staff")).to_have_count(0)
    assert desk.pull("rest", ticket.sender_id, prompt.outbox_id) == []


def test_failed_delivery_is_shown_and_resent(
    editor: tuple[BrowserContext, Page], console: Console, desk: SqlHandoff
) -> None:
    ticket = new_ticket(desk, "送达测试", channel="wechat")
    desk.reply(ticket.ticket_id, actor(console, "editor"), "您好，请问具体想查哪一年？")
    _context, page = editor
    open_ticket_page(page, ticket)
    expect(page.locator("#desk-failed")).to_be_hidden()

    [item] = desk.take_due(("wechat",))
    desk.mark_failed(item.outbox_id, "errcode 45015: response out of time limit", permanent=True)
    banner = page.locator("#desk-failed")
    expect(banner).to_be_visible()  # without reloading
    expect(banner).to_contain_text("有 1 条消息未能送达读者")
    expect(page.locator("#desk-transcript .desk-line-system").last).to_contain_text(
        "消息未能送达读者")
    not_reloaded(page)

    banner.get_by_role("button", name="重新发送").click()
    expect(page.get_by_role("status")).to_contain_text("未送达的消息已重新排队发送")
    expect(banner).to_be_hidden()
    [again] = desk.take_due(("wechat",))
    assert (again.outbox_id, again.text) == (item.outbox_id, "您好，请问具体想查哪一年？")
    desk.mark_sent(again.outbox_id)


def test_staff_answer_becomes_faq_draft_for_review(
    browser: Browser, editor: tuple[BrowserContext, Page], console: Console, desk: SqlHandoff
) -> None:
    question = "古籍阅览室周末开放吗"
    answer = "古籍阅览室周六 9:00–17:00 开放，周日闭馆，需提前一天预约。"
    ticket = new_ticket(desk, "读者询问古籍阅览")
    desk.add_reader_message(ticket.ticket_id, question)
    desk.reply(ticket.ticket_id, actor(console, "editor"), answer)
    _context, page = editor
    open_ticket_page(page, ticket)
    page.locator(".desk-line-staff").get_by_role("link", name="转为常见问题草稿").click()
    expect(page.get_by_role("status")).to_contain_text("已用读者的问题和馆员的回答预填")
    expect(page.get_by_label("问题", exact=True)).to_have_value(question)
    expect(page.get_by_label("答案", exact=True)).to_have_value(answer)
    page.get_by_label("分类").select_option(label="设施服务")
    page.get_by_role("button", name="保存并提交审核").click()
    expect(page.get_by_role("status")).to_contain_text("已提交审核")
    [entry] = console.knowledge.entries(question)
    assert entry.pending_state == "in_review" and not entry.published
    [version] = [v for v in console.knowledge.review_queue() if v.entry_id == entry.entry_id]
    assert version.content.source == f"人工咨询工单 #{ticket.ticket_id}"

    context, reviewer = signed_in(browser, console, "reviewer")
    reviewer.goto("/review")
    section = reviewer.locator("section.review", has_text=question)
    expect(section).to_contain_text(answer)
    expect(section.get_by_role("button", name="通过并发布")).to_be_visible()
    context.close()


def test_posts_without_csrf_token_are_refused(
    editor: tuple[BrowserContext, Page], console: Console, desk: SqlHandoff
) -> None:
    ticket = new_ticket(desk, "校验码测试")
    context, page = editor
    base = f"/desk/tickets/{ticket.ticket_id}"
    json_headers = {"Accept": "application/json"}
    for token in (None, "wrong-token"):
        form = {"text": "不应发送"} if token is None else {"text": "不应发送", "csrf_token": token}
        for action in ("claim", "reply", "note", "close", "retry"):
            response = context.request.post(f"{base}/{action}", form=form, headers=json_headers)
            assert response.status == 403, action
            assert "请求被拒绝" in response.text()
    assert desk.ticket(ticket.ticket_id).status == "waiting"
    assert [line.author for line in desk.transcript(ticket.ticket_id)] == [
        "history", "history", "history", "system"]

    # The right token works (so the refusals above were about the token).
    page.goto("/desk")
    response = context.request.post(f"{base}/claim", form={"csrf_token": csrf_token(page)},
                                    headers=json_headers)
    assert response.ok and response.json() == {"redirect": f"{base}?done=claimed"}


def test_bad_requests_are_refused_clearly(
    editor: tuple[BrowserContext, Page], console: Console, desk: SqlHandoff
) -> None:
    ticket = new_ticket(desk, "参数测试")
    context, page = editor
    page.goto("/desk")
    token, base = csrf_token(page), f"/desk/tickets/{ticket.ticket_id}"
    json_headers = {"Accept": "application/json"}
    assert context.request.get("/desk/tickets/999999").status == 404
    assert context.request.get(f"{base}/lines.json?after=x").status == 400
    too_long = context.request.post(f"{base}/reply", headers=json_headers,
                                    form={"csrf_token": token, "text": "长" * 2001})
    assert too_long.status == 409
    assert too_long.json() == {"error": "回复不能超过 2000 字。"}
    for choice in ("department:不存在的部门", "staff:999999", "nonsense"):
        response = context.request.post(f"{base}/transfer", headers=json_headers,
                                        form={"csrf_token": token, "to": choice})
        assert response.status in (400, 409), choice
    response = context.request.post(f"{base}/close", headers=json_headers,
                                    form={"csrf_token": token, "outcome": "reader_left"})
    assert response.json() == {"error": "请选择处理结果。"}
    assert desk.ticket(ticket.ticket_id).status == "waiting"


def test_duty_and_waiting_texts() -> None:
    monday_9 = datetime(2026, 11, 30, 9, 0)
    off = duty_json(DutyStatus(False, monday_9, 5, "周一至周日 9:00–17:00"))
    assert off == {"on_duty": False, "text": "当前为非值班时间（周一至周日 9:00–17:00），"
                   "下一班：周一 9:00。读者已被告知回复会稍晚。"}
    assert duty_json(DutyStatus(True, None, 5, "周一至周日 9:00–17:00"))["on_duty"]
    ticket = TicketInfo(1, "rest", "r", None, "fallback", "问题", "咨询部", "waiting", None, "",
                        monday_9, None, None, None, None)
    assert waited_text(ticket, monday_9 + timedelta(seconds=30)) == "已等待 不到 1 分钟"
    assert waited_text(ticket, monday_9 + timedelta(minutes=5, seconds=59)) == "已等待 5 分钟"
    claimed = dataclasses.replace(ticket, status="claimed",
                                  claimed_at=monday_9 + timedelta(minutes=2))
    assert waited_text(claimed, monday_9 + timedelta(minutes=12)) == "已接待 10 分钟"
