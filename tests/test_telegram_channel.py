"""The readers' Telegram channel and the relay's Telegram sender, against a local
stand-in of the Bot API; one end-to-end turn with the real assistant."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import re
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from rasa.core.channels.channel import UserMessage
from sanic import Sanic

from bot.channels.guard import FORWARDED_TEXT
from bot.channels.telegram import (
    EDITED_TEXT,
    EXPIRED_TEXT,
    SECRET_HEADER,
    UNSUPPORTED_TEXT,
    WELCOME_BUTTONS,
    WELCOME_TEXT,
    TelegramInput,
)
from bot.http_json import free_port
from bot.processes import AssistantProcesses
from bot.relay import DeliveryError, Sender
from bot.relay.dispatcher import answer_stalled, deliver
from bot.relay.telegram import TelegramSender
from bot.services.handoff_model import OutboxItem, StaffActor
from bot.services.sql.handoff import SqlHandoff
from bot.services.sql.session import SqlStore
from bot.settings import Settings
from bot.setup_library import prepare_library
from tests.channel_credentials import TELEGRAM_SECRET as SECRET
from tests.channel_credentials import TELEGRAM_TOKEN as TOKEN
from tests.standins.telegram_api import (
    TelegramApiStandIn,
    callback_update,
    edited_update,
    photo_update,
    text_update,
)

LONG_PAYLOAD = '/place_reservation{"bib_id": "12345", "note": "' + "三体" * 10 + '"}'
HOURS_BUTTON = {"title": "开放时间", "payload": "/ask_opening_hours"}


class FakeRasa:
    """Stands in for Rasa's on_new_message: answers "收到：<text>" with two buttons
    (one with a payload too long for Telegram's callback_data) and custom payloads."""

    def __init__(self) -> None:
        self.seen: list[UserMessage] = []

    async def __call__(self, message: UserMessage) -> None:
        self.seen.append(message)
        output, sender = message.output_channel, message.sender_id
        await output.send_text_with_buttons(
            sender, f"收到：{message.text}",
            [HOURS_BUTTON, {"title": "预约", "payload": LONG_PAYLOAD}],
        )
        await output.send_custom_json(sender, {"text": "自定义消息的文字"})
        await output.send_custom_json(sender, {"map": {"lat": 32.0}})

    def texts(self) -> list[str]:
        return [m.text for m in self.seen]


class ChannelServer:
    """The channel's blueprint on a Sanic server in a background thread."""

    def __init__(self, channel: TelegramInput, rasa: FakeRasa) -> None:
        self.channel = channel
        self.app = Sanic(f"telegram_test_{uuid.uuid4().hex}")
        self.app.blueprint(channel.blueprint(rasa), url_prefix="/webhooks/telegram")
        self.port = free_port()
        self.loop = asyncio.new_event_loop()
        ready = threading.Event()

        def serve() -> None:
            asyncio.set_event_loop(self.loop)
            server = self.loop.run_until_complete(self.app.create_server(
                host="127.0.0.1", port=self.port, return_asyncio_server=True, access_log=False))
            self.loop.run_until_complete(server.startup())
            ready.set()
            self.loop.run_forever()

        threading.Thread(target=serve, daemon=True).start()
        ready.wait(30)

    def post(self, body: bytes | dict, secret: str | None = SECRET) -> httpx.Response:
        content = body if isinstance(body, bytes) else json.dumps(body).encode()
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers[SECRET_HEADER] = secret
        return httpx.post(f"http://127.0.0.1:{self.port}/webhooks/telegram/webhook",
                          content=content, headers=headers, timeout=30)

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('telegram') / 'library.db'}"
    prepare_library(url)
    return url


@pytest.fixture(scope="module")
def api(telegram_api: TelegramApiStandIn) -> TelegramApiStandIn:
    """The session's stand-in, which the session's assistant also talks to."""
    return telegram_api


@pytest.fixture(scope="module")
def settings(test_settings: Settings, database: str, api: TelegramApiStandIn) -> Settings:
    return dataclasses.replace(test_settings, database_url=database, telegram_bot_token=TOKEN,
                               telegram_webhook_secret=SECRET, telegram_api_base=api.base_url)


@pytest.fixture(scope="module")
def rasa() -> FakeRasa:
    return FakeRasa()


@pytest.fixture(scope="module")
def server(settings: Settings, rasa: FakeRasa) -> Iterator[ChannelServer]:
    running = ChannelServer(TelegramInput(settings), rasa)
    yield running
    running.stop()


@pytest.fixture(autouse=True)
def fresh_calls(api: TelegramApiStandIn, rasa: FakeRasa) -> None:
    api.clear()
    rasa.seen.clear()


def keyboard(call: Any) -> list[dict[str, str]]:
    return [row[0] for row in call.params["reply_markup"]["inline_keyboard"]]


# --- refusals ---------------------------------------------------------------------------


def test_missing_or_wrong_secret_is_refused_and_logged(
    server: ChannelServer, rasa: FakeRasa, api: TelegramApiStandIn,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.channels.telegram")
    assert server.post(text_update(501, "你好"), secret=None).status_code == 403
    assert server.post(text_update(501, "你好"), secret="guess").status_code == 403
    assert "wrong secret token" in caplog.text
    assert rasa.seen == [] and api.calls == []


@pytest.mark.parametrize("missing", ["telegram_bot_token", "telegram_webhook_secret"])
def test_unconfigured_channel_answers_503(
    server: ChannelServer, settings: Settings, rasa: FakeRasa, missing: str,
) -> None:
    server.channel.settings = dataclasses.replace(settings, **{missing: ""})
    try:
        response = server.post(text_update(502, "你好"), secret="")
        assert response.status_code == 503 and "not configured" in response.text
    finally:
        server.channel.settings = settings
    assert rasa.seen == []


@pytest.mark.parametrize("body", [
    b"{not json", b"[1, 2]", b'{"update_id": "7"}', b'{"message": {"text": "hi"}}',
    b'{"update_id": 7, "message": {"text": "no chat, no date"}}', "你好".encode("gbk"),
])
def test_malformed_bodies_are_400(server: ChannelServer, rasa: FakeRasa, body: bytes) -> None:
    assert server.post(body).status_code == 400
    assert rasa.seen == []


def test_oversize_body_is_413(server: ChannelServer, rasa: FakeRasa) -> None:
    update = text_update(503, "书" * 10)
    update["padding"] = "x" * (1024 * 1024)
    assert server.post(update).status_code == 413
    assert rasa.seen == []


# --- conversations ------------------------------------------------------------------------


def test_text_goes_to_the_assistant_and_replies_go_out_with_send_message(
    server: ChannelServer, rasa: FakeRasa, api: TelegramApiStandIn,
) -> None:
    response = server.post(text_update(4242, "几点开门"))
    assert response.status_code == 200 and response.text == "ok"
    first, custom = api.wait_for("sendMessage", 2)
    assert [(m.sender_id, m.input_channel, m.text) for m in rasa.seen] == [
        ("4242", "telegram", "几点开门")]
    assert first.params["chat_id"] == 4242 and first.params["text"] == "收到：几点开门"
    assert "parse_mode" not in first.params
    buttons = keyboard(first)
    assert buttons[0] == {"text": "开放时间", "callback_data": "/ask_opening_hours"}
    assert buttons[1]["text"] == "预约"
    assert len(buttons[1]["callback_data"].encode()) <= 64
    # custom payloads: only their text is shown; one without text is not sent at all
    assert custom.params["text"] == "自定义消息的文字"
    server.post(text_update(4242, "再问一个"))
    assert [call.params["text"] for call in api.wait_for("sendMessage", 4)] == [
        "收到：几点开门", "自定义消息的文字", "收到：再问一个", "自定义消息的文字"]


def test_a_redelivered_update_is_processed_once(
    server: ChannelServer, rasa: FakeRasa, api: TelegramApiStandIn,
) -> None:
    update = text_update(4343, "第一次")
    assert server.post(update).status_code == 200
    assert server.post(update).status_code == 200
    api.wait_for("sendMessage", 2)
    server.post(text_update(4343, "第二条"))  # once this is answered, a repeat would be too
    api.wait_for("sendMessage", 4)
    assert rasa.texts() == ["第一次", "第二条"]


def test_start_shows_the_welcome_menu(
    server: ChannelServer, rasa: FakeRasa, api: TelegramApiStandIn,
) -> None:
    server.post(text_update(4444, "/start"))
    (welcome,) = api.wait_for("sendMessage")
    assert welcome.params["text"] == WELCOME_TEXT
    assert [(b["text"], b["callback_data"]) for b in keyboard(welcome)] == [
        (b["title"], b["payload"]) for b in WELCOME_BUTTONS]
    assert [b["title"] for b in WELCOME_BUTTONS] == [
        "开放时间", "查书", "我的预约", "办证", "转人工"]
    assert rasa.seen == []


def test_button_press_is_answered_and_its_payload_goes_to_the_assistant(
    server: ChannelServer, rasa: FakeRasa, api: TelegramApiStandIn,
) -> None:
    update = callback_update(4545, "/ask_opening_hours")
    server.post(update)
    api.wait_for("sendMessage", 2)
    (answered,) = api.sent("answerCallbackQuery")
    assert answered.params["callback_query_id"] == update["callback_query"]["id"]
    assert rasa.texts() == ["/ask_opening_hours"]
    assert rasa.seen[0].sender_id == "4545"


def test_long_payload_travels_as_a_short_key(
    server: ChannelServer, rasa: FakeRasa, api: TelegramApiStandIn,
) -> None:
    server.post(text_update(4646, "查三体"))
    key = keyboard(api.wait_for("sendMessage")[0])[1]["callback_data"]
    assert key != LONG_PAYLOAD
    server.post(callback_update(4646, key))
    api.wait_for("sendMessage", 4)
    assert rasa.texts() == ["查三体", LONG_PAYLOAD]
    # the key belongs to that chat; an unknown one says the button expired
    server.post(callback_update(4747, key))
    assert api.wait_for("sendMessage", 5)[-1].params["text"] == EXPIRED_TEXT
    assert rasa.texts() == ["查三体", LONG_PAYLOAD]


@pytest.mark.parametrize(("update", "reply"), [
    (photo_update(4848), UNSUPPORTED_TEXT), (edited_update(4848, "改一下"), EDITED_TEXT)])
def test_other_update_types_get_a_text_only_reply(
    server: ChannelServer, rasa: FakeRasa, api: TelegramApiStandIn, update: dict, reply: str,
) -> None:
    server.post(update)
    (sent,) = api.wait_for("sendMessage")
    assert sent.params == {"chat_id": 4848, "text": reply}
    assert rasa.seen == []


def test_while_a_librarian_has_the_chat_messages_go_to_the_ticket(
    server: ChannelServer, rasa: FakeRasa, api: TelegramApiStandIn, settings: Settings,
) -> None:
    desk = SqlHandoff(SqlStore(settings.database_url))
    ticket = desk.open_ticket("telegram", "4949", "request_human", "想查家谱", [])
    server.post(text_update(4949, "我姓王，祖籍南京"))
    (ack,) = api.wait_for("sendMessage")
    assert ack.params["text"] == FORWARDED_TEXT.format(ticket=ticket.ticket_id)
    assert rasa.seen == []
    assert desk.transcript(ticket.ticket_id)[-1].text == "我姓王，祖籍南京"


# --- the relay's sender -----------------------------------------------------------------


def outbox_item(**changes: Any) -> OutboxItem:
    item = OutboxItem(1, 9, "telegram", "5050", "您要的书已到馆。", sender="staff",
                      staff_name="王老师")
    return dataclasses.replace(item, **changes)


def test_sender_delivers_staff_replies_with_name_and_buttons(
    settings: Settings, api: TelegramApiStandIn,
) -> None:
    buttons = [{"title": "满意", "payload": "满意"}, {"title": "不满意", "payload": "不满意"}]
    sender = TelegramSender(settings)
    asyncio.run(sender.send(outbox_item()))
    asyncio.run(TelegramSender(settings).send(outbox_item(sender="system", text="请评分",
                                                          buttons=buttons)))
    staff, system = api.sent("sendMessage")
    assert staff.params == {"chat_id": 5050, "text": "【馆员 王老师】您要的书已到馆。"}
    assert system.params["text"] == "请评分"
    assert keyboard(system) == [{"text": "满意", "callback_data": "满意"},
                                {"text": "不满意", "callback_data": "不满意"}]


@pytest.mark.parametrize(("failure", "permanent"), [
    ("blocked", True), ("chat_not_found", True), ("retry_after", False),
    ("server_error", False)])
def test_sender_failures_are_permanent_or_retried(
    settings: Settings, api: TelegramApiStandIn, failure: str, permanent: bool,
) -> None:
    api.fail_next("sendMessage", failure)
    with pytest.raises(DeliveryError) as caught:
        asyncio.run(TelegramSender(settings).send(outbox_item()))
    assert caught.value.permanent is permanent


def test_sender_network_failure_is_retried(settings: Settings) -> None:
    unreachable = dataclasses.replace(settings,
                                      telegram_api_base=f"http://127.0.0.1:{free_port()}/bot")
    with pytest.raises(DeliveryError) as caught:
        asyncio.run(TelegramSender(unreachable).send(outbox_item()))
    assert caught.value.permanent is False


def test_relay_delivers_desk_replies_and_records_what_could_not_be_delivered(
    settings: Settings, api: TelegramApiStandIn,
) -> None:
    desk = SqlHandoff(SqlStore(settings.database_url))
    ticket = desk.open_ticket("telegram", "5151", "request_human", "想借古籍", [])
    librarian = StaffActor(None, "王老师")

    async def scenario() -> None:
        senders: dict[str, Sender] = {"telegram": TelegramSender(settings)}
        desk.reply(ticket.ticket_id, librarian, "古籍需到馆阅览。")
        assert await deliver(desk, senders) == 1
        api.fail_next("sendMessage", "blocked")
        desk.reply(ticket.ticket_id, librarian, "还需要帮助吗？")
        assert await deliver(desk, senders) == 1

    asyncio.run(scenario())
    (sent,) = api.sent("sendMessage")
    assert sent.params == {"chat_id": 5151, "text": "【馆员 王老师】古籍需到馆阅览。"}
    assert "消息未能送达读者" in desk.transcript(ticket.ticket_id)[-1].text
    assert desk.take_due(("telegram",)) == []


def test_an_update_whose_process_died_gets_an_apology_and_answered_ones_do_not(
    server: ChannelServer, settings: Settings, api: TelegramApiStandIn,
) -> None:
    desk = SqlHandoff(SqlStore(settings.database_url))
    start = text_update(5252, "/start")  # answered by the channel itself
    server.post(start)
    api.wait_for("sendMessage")
    while desk.take_in("telegram", str(start["update_id"])).replies is None:
        time.sleep(0.05)  # its outcome is recorded just after the answer
    desk.take_in("telegram", "990001", "5252")  # taken in, then its process stopped

    async def relay_finds_it() -> None:
        senders: dict[str, Sender] = {"telegram": TelegramSender(settings)}
        assert await answer_stalled(desk, senders, timedelta(0)) == 1
        assert await deliver(desk, senders) == 1

    asyncio.run(relay_finds_it())
    _welcome, apology = api.sent("sendMessage")
    assert apology.params["chat_id"] == 5252 and "可能没有得到回复" in apology.params["text"]


# --- end to end ---------------------------------------------------------------------------


@pytest.mark.dates
def test_end_to_end_opening_hours_question(
    assistant: AssistantProcesses, api: TelegramApiStandIn,
) -> None:
    url = assistant.settings.rasa_url + "/webhooks/telegram/webhook"
    response = httpx.post(url, json=text_update(777001, "几点开门"),
                          headers={SECRET_HEADER: SECRET}, timeout=60)
    assert response.status_code == 200
    replies = api.wait_for("sendMessage", timeout=120)
    assert {reply.params["chat_id"] for reply in replies} == {777001}
    text = "\n".join(reply.params["text"] for reply in replies)
    assert "金陵图书馆" in text and re.search(r"\d{1,2}:\d{2}", text), text
