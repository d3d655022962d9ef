"""The staff bot against a local stand-in of the Bot API and a fresh SQLite library."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update
from telegram import Update

from bot.admin.desk_view import line_json
from bot.db.engine import session_factory
from bot.db.models import StaffUser
from bot.services.handoff_model import StaffActor, TicketInfo
from bot.services.sql.handoff import RATING_BUTTONS, RATING_PROMPT, SqlHandoff
from bot.services.sql.session import SqlStore
from bot.settings import Settings
from bot.setup_library import prepare_library
from bot.staff_telegram.bot import StaffBot
from bot.staff_telegram.feed import CURSOR
from bot.staff_telegram.texts import CLOSE_USAGE, REFUSED_TEXT
from tests.standins.telegram_api import ApiCall, TelegramApiStandIn, callback_update, text_update
from tests.standins.telegram_api import user as tg_user

TOKEN = "222:staff-token"
GROUP, OTHER_GROUP, STRANGERS = -1001, -1002, -1999
EDITOR = tg_user(8001, "王老师")  # linked to the desk account "editor" below
COLLEAGUE = tg_user(8002, "李", "li_librarian") | {"last_name": "老师"}


@pytest.fixture(scope="module")
def api() -> Iterator[TelegramApiStandIn]:
    with TelegramApiStandIn({TOKEN: "jinling_staff_bot"}) as standin:
        yield standin


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A prepared library whose editor account is linked to the Telegram user EDITOR."""
    path = tmp_path_factory.mktemp("staff-telegram") / "template.db"
    url = f"sqlite:///{path}"
    prepare_library(url)
    with session_factory(url).begin() as session:
        session.execute(update(StaffUser).where(StaffUser.username == "editor")
                        .values(telegram_user_id=str(EDITOR["id"])))
    session_factory(url).kw["bind"].dispose()  # checkpoints the WAL into the file
    return path


@pytest.fixture
def settings(test_settings: Settings, template: Path, tmp_path: Path,
             api: TelegramApiStandIn) -> Settings:
    api.clear(updates=True)
    shutil.copy(template, tmp_path / "library.db")
    return dataclasses.replace(
        test_settings, database_url=f"sqlite:///{tmp_path / 'library.db'}",
        telegram_staff_bot_token=TOKEN, telegram_api_base=api.base_url,
        telegram_staff_chat_ids=(str(GROUP), str(OTHER_GROUP)))


@pytest.fixture
def desk(settings: Settings) -> SqlHandoff:
    return SqlHandoff(SqlStore(settings.database_url))


def editor_account(settings: Settings) -> tuple[int, str]:
    with session_factory(settings.database_url).begin() as session:
        editor = session.execute(select(StaffUser).where(StaffUser.username == "editor"))
        account = editor.scalar_one()
        return account.id, account.display_name


def new_ticket(desk: SqlHandoff, sender: str = "9001") -> TicketInfo:
    history = ["读者：南京民国地图有吗", "助手：抱歉，我没有理解您的问题。", "读者：转人工"]
    return desk.open_ticket("telegram", sender, "request_human", "南京民国地图有吗", history,
                            reader_card="JL00000001")


def posts(api: TelegramApiStandIn, chat: int) -> list[ApiCall]:
    return [c for c in api.sent("sendMessage", TOKEN) if c.params["chat_id"] == chat]


async def deliver(api: TelegramApiStandIn, bot: StaffBot, *updates: dict[str, Any]) -> None:
    """Telegram delivers the updates; the bot takes them with getUpdates."""
    for item in updates:
        api.push_update(TOKEN, item)
    await bot.poll_once(timeout=0)


async def posted_ticket(api: TelegramApiStandIn, bot: StaffBot, desk: SqlHandoff,
                        sender: str = "9001") -> tuple[TicketInfo, dict[str, Any]]:
    """A new ticket, posted by the feed: the ticket and its message in GROUP."""
    ticket = new_ticket(desk, sender)
    await bot.feed.post_new()
    return ticket, posts(api, GROUP)[-1].result


def test_new_ticket_is_posted_in_every_staff_chat_with_a_claim_button(
    settings: Settings, desk: SqlHandoff, api: TelegramApiStandIn,
) -> None:
    ticket = new_ticket(desk)
    asyncio.run(StaffBot(settings).feed.post_new())
    for chat in (GROUP, OTHER_GROUP):
        (post,) = posts(api, chat)
        text = post.params["text"]
        assert f"新工单 #{ticket.ticket_id}" in text and "Telegram" in text
        assert "读者要求人工服务" in text and "读者证：JL******01" in text
        assert "JL00000001" not in text
        assert "读者：南京民国地图有吗\n助手：抱歉，我没有理解您的问题。\n读者：转人工" in text
        (button,) = post.params["reply_markup"]["inline_keyboard"][0]
        assert button["callback_data"] == f"claim:{ticket.ticket_id}"
        posted = desk.ticket_of_staff_post(str(chat), post.result["message_id"])
        assert posted == ticket.ticket_id
    assert desk.cursor(CURSOR) == desk.transcript(ticket.ticket_id)[-1].line_id


def test_two_librarians_race_to_claim_and_exactly_one_wins(
    settings: Settings, desk: SqlHandoff, api: TelegramApiStandIn,
) -> None:
    async def scenario() -> None:
        bot = StaffBot(settings)
        ticket, post = await posted_ticket(api, bot, desk)
        data = f"claim:{ticket.ticket_id}"
        presses = [callback_update(GROUP, data, who, post) for who in (EDITOR, COLLEAGUE)]
        await asyncio.gather(*(bot.commands.handle(Update.de_json(p, bot.bot))
                               for p in presses))
        answers = {c.params["callback_query_id"]: c.params
                   for c in api.sent("answerCallbackQuery", TOKEN)}
        won = [p for p in presses
               if answers[p["callback_query"]["id"]]["text"].startswith("您已接单")]
        assert len(won) == 1
        (lost,) = [p for p in presses if p is not won[0]]
        holder = desk.ticket(ticket.ticket_id)
        told = answers[lost["callback_query"]["id"]]
        assert told["text"] == f"工单 #{ticket.ticket_id} 已由{holder.staff_name}接待。"
        assert told["show_alert"] is True
        if won[0]["callback_query"]["from"] == EDITOR:  # the linked desk account
            assert (holder.staff_id, holder.staff_name) == editor_account(settings)
        else:  # no desk account: the Telegram name
            assert (holder.staff_id, holder.staff_name) == (None, "李 老师")
        # the claim button is gone from the pressed message
        (edited,) = api.sent("editMessageReplyMarkup", TOKEN)
        assert edited.params["message_id"] == post["message_id"]
        assert "reply_markup" not in edited.result

    asyncio.run(scenario())


def test_replying_to_a_ticket_post_answers_the_reader(
    settings: Settings, desk: SqlHandoff, api: TelegramApiStandIn,
) -> None:
    async def scenario() -> None:
        bot = StaffBot(settings)
        ticket, post = await posted_ticket(api, bot, desk, sender="9101")
        await deliver(api, bot, text_update(GROUP, "请问您需要哪一年的地图？", EDITOR,
                                            reply_to=post))
        (item,) = desk.take_due(("telegram",))
        assert (item.recipient, item.text, item.sender) == ("9101", "请问您需要哪一年的地图？",
                                                            "staff")
        assert item.staff_name == desk.ticket(ticket.ticket_id).staff_name
        confirmation = posts(api, GROUP)[-1]
        assert confirmation.params["text"] == f"已发送给读者（工单 #{ticket.ticket_id}）。"
        # the staff line is not echoed back into the chat it came from, only elsewhere
        api.clear()
        await bot.feed.post_new()
        texts = {chat: [c.params["text"] for c in posts(api, chat)]
                 for chat in (GROUP, OTHER_GROUP)}
        assert not any("请问您需要哪一年的地图" in text for text in texts[GROUP])
        assert any("请问您需要哪一年的地图" in text for text in texts[OTHER_GROUP])
        # replying to the confirmation works as well
        await deliver(api, bot, text_update(GROUP, "民国二十六年的也有。", EDITOR,
                                            reply_to=confirmation.result))
        assert [i.text for i in desk.take_due(("telegram",))] == ["民国二十六年的也有。"]

    asyncio.run(scenario())


def test_reply_command_and_what_the_desk_refuses(
    settings: Settings, desk: SqlHandoff, api: TelegramApiStandIn,
) -> None:
    async def scenario() -> None:
        bot = StaffBot(settings)
        ticket, _ = await posted_ticket(api, bot, desk, sender="9201")
        number = ticket.ticket_id
        await deliver(api, bot, text_update(GROUP, f"/reply {number} 已为您预留。", EDITOR))
        assert [i.text for i in desk.take_due(("telegram",))] == ["已为您预留。"]
        # a colleague cannot answer a ticket someone else holds
        await deliver(api, bot, text_update(GROUP, f"/reply {number} 我来吧", COLLEAGUE))
        assert "请先转交" in posts(api, GROUP)[-1].params["text"]
        await deliver(api, bot, text_update(GROUP, "/reply 没有工单号", EDITOR))
        assert posts(api, GROUP)[-1].params["text"] == "用法：/reply 工单号 内容"
        desk.close(number, StaffActor(*editor_account(settings)), "spam")
        await deliver(api, bot, text_update(GROUP, f"/reply {number} 还在吗", EDITOR))
        assert "已关闭" in posts(api, GROUP)[-1].params["text"]
        assert desk.take_due(("telegram",)) == []

    asyncio.run(scenario())


def test_close_asks_the_reader_for_a_rating(
    settings: Settings, desk: SqlHandoff, api: TelegramApiStandIn,
) -> None:
    async def scenario() -> None:
        bot = StaffBot(settings)
        ticket, _ = await posted_ticket(api, bot, desk, sender="9301")
        await deliver(api, bot, text_update(GROUP, f"/close {ticket.ticket_id} maybe", EDITOR))
        assert posts(api, GROUP)[-1].params["text"] == CLOSE_USAGE
        assert desk.ticket(ticket.ticket_id).status == "waiting"
        await deliver(api, bot, text_update(GROUP, f"/close@jinling_staff_bot "
                                                   f"{ticket.ticket_id} referred", EDITOR))
        closed = desk.ticket(ticket.ticket_id)
        assert (closed.status, closed.outcome) == ("closed", "referred")
        (prompt,) = desk.take_due(("telegram",))
        assert (prompt.recipient, prompt.text, prompt.buttons) == ("9301", RATING_PROMPT,
                                                                   RATING_BUTTONS)
        await bot.feed.post_new()  # the closing shows in the ticket's thread
        assert "关闭了工单（已转介" in posts(api, GROUP)[-1].params["text"]

    asyncio.run(scenario())


def test_queue_lists_open_tickets(
    settings: Settings, desk: SqlHandoff, api: TelegramApiStandIn,
) -> None:
    first, second = new_ticket(desk, "9401"), new_ticket(desk, "9402")

    async def scenario() -> None:
        await deliver(api, StaffBot(settings), text_update(GROUP, "/queue", COLLEAGUE))

    asyncio.run(scenario())
    listing = posts(api, GROUP)[-1].params["text"]
    assert f"#{first.ticket_id} 等待接单" in listing and f"#{second.ticket_id}" in listing


def test_chats_not_on_the_allow_list_are_refused(
    settings: Settings, desk: SqlHandoff, api: TelegramApiStandIn,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.staff_telegram")
    ticket = new_ticket(desk, "9501")

    async def scenario() -> None:
        bot = StaffBot(settings)
        await deliver(api, bot, text_update(STRANGERS, f"/close {ticket.ticket_id}", EDITOR),
                      callback_update(STRANGERS, f"claim:{ticket.ticket_id}", EDITOR))

    asyncio.run(scenario())
    assert [c.params["text"] for c in posts(api, STRANGERS)] == [REFUSED_TEXT]
    (answer,) = api.sent("answerCallbackQuery", TOKEN)
    assert answer.params["text"] == REFUSED_TEXT
    assert desk.ticket(ticket.ticket_id).status == "waiting"
    assert f"chat {STRANGERS} (not allow-listed)" in caplog.text


def test_staff_chats_see_readers_personal_data_masked_the_web_desk_in_full(
    settings: Settings, desk: SqlHandoff, api: TelegramApiStandIn,
) -> None:
    """A verified reader (JL00000002, 李雨桐) typed their card, phone, ID and e-mail."""
    history = ["读者：我叫李雨桐，读者证 jl 0000 0002", "助手：李雨桐，您目前没有进行中的预约。",
               "读者：手机 138-1234-5678，身份证 320102199001011234"]
    ticket = desk.open_ticket("telegram", "9801", "request_human", "请回电 13812345678",
                              history, reader_card="JL00000002")
    desk.add_reader_message(ticket.ticket_id, "邮箱 liyutong@example.com，或 +86 139 1234 5678")
    desk.reply(ticket.ticket_id, StaffActor(None, "赵老师"), "是 138-1234-5678 吗？")  # web desk

    async def scenario() -> None:
        bot = StaffBot(settings)
        await bot.feed.post_new()
        await deliver(api, bot, text_update(GROUP, "/queue", COLLEAGUE))

    asyncio.run(scenario())
    posted = "\n".join(c.params["text"] for c in posts(api, GROUP))
    assert "读者要求人工服务：请回电 138****5678" in posts(api, GROUP)[-1].params["text"]
    full = ["李雨桐", "jl 0000 0002", "JL00000002", "138-1234-5678", "13812345678",
            "320102199001011234", "liyutong@example.com", "139 1234 5678"]
    assert [value for value in full if value in posted] == []
    for masked in ("我叫**，读者证 JL******02", "助手：**，", "读者证：JL******02",
                   "手机 138****5678，身份证 320*************34", "请回电 138****5678",
                   "读者：邮箱 l***@example.com，或 +86 139****5678",
                   "馆员 赵老师：是 138****5678 吗？"):
        assert masked in posted
    # the web desk: the ticket's card and summary, and its transcript as desk.js gets it
    shown = "\n".join([desk.ticket(ticket.ticket_id).reader_card, ticket.summary]
                      + [line_json(line)["text"] for line in desk.transcript(ticket.ticket_id)])
    assert [value for value in full if value not in shown] == []


def test_a_restarted_bot_resumes_from_the_cursor(
    settings: Settings, desk: SqlHandoff, api: TelegramApiStandIn,
) -> None:
    async def scenario() -> None:
        ticket, post = await posted_ticket(api, StaffBot(settings), desk, sender="9601")
        api.clear()
        restarted = StaffBot(settings)
        assert await restarted.feed.post_new() == 0
        assert api.sent("sendMessage", TOKEN) == []
        desk.add_reader_message(ticket.ticket_id, "是1937年的")
        desk.reply(ticket.ticket_id, StaffActor(None, "赵老师"), "好的，我查一下。")  # web desk
        await restarted.feed.post_new()
        reader, claimed, staff = (c.params for c in posts(api, GROUP))
        assert reader["text"] == f"工单 #{ticket.ticket_id} 读者：是1937年的"
        assert claimed["text"] == f"工单 #{ticket.ticket_id}：赵老师 接待了此工单"
        assert staff["text"] == f"工单 #{ticket.ticket_id} 馆员 赵老师：好的，我查一下。"
        assert reader["reply_parameters"]["message_id"] == post["message_id"]
        assert await restarted.feed.post_new() == 0

    asyncio.run(scenario())


def test_run_polls_and_posts_until_stopped(
    settings: Settings, desk: SqlHandoff, api: TelegramApiStandIn,
) -> None:
    ticket = new_ticket(desk, "9701")

    async def scenario() -> None:
        stop = asyncio.Event()
        running = asyncio.create_task(StaffBot(settings).run(stop))
        api.push_update(TOKEN, text_update(GROUP, "/queue", COLLEAGUE))
        await asyncio.to_thread(api.wait_for, "sendMessage", 3, TOKEN)
        stop.set()
        await running

    asyncio.run(scenario())
    texts = [c.params["text"] for c in posts(api, GROUP)]
    assert any(t.startswith(f"新工单 #{ticket.ticket_id}") for t in texts)
    assert any(t.startswith("未关闭的工单") for t in texts)
    assert [c.method for c in api.calls[:2]] == ["getMe", "deleteWebhook"]
