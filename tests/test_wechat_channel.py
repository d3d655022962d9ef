"""The WeChat official-account channel on the wire: WeChat's signed (and encrypted)
pushes against the channel's webhook on a real Sanic server, with a fake Rasa; the
customer-service sender against a fake api.weixin.qq.com; and one conversation with
the real assistant."""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import logging
import os
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from datetime import timedelta

import httpx
import pytest
from rasa.core.channels.channel import UserMessage
from sanic import Sanic
from sqlalchemy import update

from bot import clock
from bot.channels.wechat import WeChatInput
from bot.channels.wechat_messages import (
    MENU_UNAVAILABLE_TEXT,
    UNSUPPORTED_TEXT,
    VOICE_NOT_RECOGNISED_TEXT,
    WELCOME_TEXT,
)
from bot.channels.wechat_text import split_text
from bot.db.models import OutboxMessage
from bot.http_json import free_port
from bot.processes import AssistantProcesses
from bot.relay import DeliveryError
from bot.relay.dispatcher import answer_stalled, deliver
from bot.relay.wechat import WeChatCustomerService
from bot.services.handoff_model import OutboxItem, StaffActor
from bot.services.sql.handoff import RATING_PROMPT, SqlHandoff
from bot.services.sql.session import SqlStore
from bot.settings import Settings, load_settings
from tests.channel_credentials import WECHAT_AES_KEY as AES_KEY
from tests.channel_credentials import WECHAT_APP_ID as APP_ID
from tests.channel_credentials import WECHAT_SECRET as SECRET
from tests.channel_credentials import WECHAT_TOKEN as TOKEN
from tests.library_db import fresh_database
from tests.standins.wechat import FakeWeChatApi, WeChatPush, message_xml, sign

# Several Sanic apps in one process (otherwise Sanic rewrites its handlers per app).
Sanic.test_mode = True


def openid() -> str:
    return "oJL" + uuid.uuid4().hex[:25]


@pytest.fixture(scope="module")
def api(wechat_api: FakeWeChatApi) -> FakeWeChatApi:
    """The session's stand-in, which the session's assistant also talks to."""
    return wechat_api


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with fresh_database("sqlite", tmp_path_factory.mktemp("wechat"), demo=False) as url:
        yield url


def wechat_settings(base: Settings, api: FakeWeChatApi, aes: bool = False) -> Settings:
    return dataclasses.replace(
        base, wechat_token=TOKEN, wechat_app_id=APP_ID, wechat_app_secret=SECRET,
        wechat_aes_key=AES_KEY if aes else "", wechat_api_base=api.url,
    )


@pytest.fixture(scope="module")
def plain(database: str, api: FakeWeChatApi) -> Settings:
    return wechat_settings(dataclasses.replace(load_settings(), database_url=database), api)


@pytest.fixture(scope="module")
def safe(plain: Settings, api: FakeWeChatApi) -> Settings:
    return wechat_settings(plain, api, aes=True)


class FakeRasa:
    """Rasa's on_new_message: records what it was asked, answers from `replies`, and
    (if `hold`) waits until released."""

    def __init__(self, replies: Callable[[str], list[dict]] | None = None,
                 hold: bool = False) -> None:
        self.seen: list[tuple[str, str, str]] = []
        self.replies = replies or (lambda text: [{"text": f"您问的是：{text}"}])
        self.hold = hold
        self.released: asyncio.Event | None = None

    async def __call__(self, message: UserMessage) -> None:
        self.seen.append((message.sender_id, message.text or "", message.input_channel))
        if self.hold:
            self.released = self.released or asyncio.Event()
            await self.released.wait()
        for reply in self.replies(message.text or ""):
            await message.output_channel.send_response(message.sender_id, reply)

    def release(self) -> None:
        self.released = self.released or asyncio.Event()
        self.released.set()


Scenario = Callable[[WeChatPush, httpx.AsyncClient], Awaitable[None]]


@asynccontextmanager
async def webhook(settings: Settings, rasa: FakeRasa, passive_seconds: float = 3.0,
                  ) -> AsyncIterator[tuple[WeChatPush, httpx.AsyncClient]]:
    """The channel's blueprint on a Sanic server, as Rasa mounts it; leaving stops the
    server the way Rasa does (which waits for replies still being queued)."""
    app = Sanic(f"wechat_{uuid.uuid4().hex[:10]}")
    channel = WeChatInput(settings, passive_seconds)
    app.blueprint(channel.blueprint(rasa), url_prefix=f"/webhooks/{channel.url_prefix()}")
    port = free_port()
    server = await app.create_server(host="127.0.0.1", port=port, access_log=False,
                                     return_asyncio_server=True)
    await server.startup()
    await server.after_start()
    push = WeChatPush(settings.wechat_token, settings.wechat_app_id, settings.wechat_aes_key,
                      f"http://127.0.0.1:{port}/webhooks/wechat/webhook")
    try:
        async with httpx.AsyncClient(timeout=30) as client:
            yield push, client
    finally:
        await server.before_stop()
        await server.close()
        await server.after_stop()


def run(settings: Settings, scenario: Scenario, rasa: FakeRasa | None = None,
        passive_seconds: float = 3.0) -> None:
    async def main() -> None:
        async with webhook(settings, rasa or FakeRasa(), passive_seconds) as (push, client):
            await scenario(push, client)

    asyncio.run(main())


async def ask(push: WeChatPush, client: httpx.AsyncClient, xml: str) -> str | None:
    """Posts one message as WeChat does; the passive reply's text (None: "success")."""
    delivery = push.delivery(xml)
    return push.reply_content(await push.post(client, delivery), delivery)


def desk_of(settings: Settings) -> SqlHandoff:
    return SqlHandoff(SqlStore(settings.database_url))


LIBRARIAN = StaffActor(None, "王老师")


def ticket_for(settings: Settings, reader: str) -> int:
    ticket = desk_of(settings).open_ticket("wechat", reader, "request_human", "读者要求人工", [])
    return ticket.ticket_id


def relay_once(settings: Settings) -> None:
    """One pass of the relay with the WeChat sender."""
    async def one_pass() -> None:
        sender = WeChatCustomerService(settings)
        await deliver(desk_of(settings), {"wechat": sender})
        await sender.aclose()

    asyncio.run(one_pass())


def make_due_now(settings: Settings, ticket: int) -> None:
    """Skips the relay's back-off before the next attempt."""
    with desk_of(settings).store.session() as session:
        session.execute(update(OutboxMessage).where(OutboxMessage.ticket_id == ticket)
                        .values(next_attempt_at=clock.now() - timedelta(seconds=1)))


# --- server URL check, configuration, signatures ---------------------------------------


def test_server_url_check_echoes_echostr_only_when_signed(plain: Settings) -> None:
    async def scenario(push: WeChatPush, client: httpx.AsyncClient) -> None:
        good = await client.get(push.url, params=push.verification("echo-58213"))
        assert (good.status_code, good.text) == (200, "echo-58213")
        forged = {**push.verification(), "signature": "0" * 40}
        assert (await client.get(push.url, params=forged)).status_code == 403
        stale = push.verification(timestamp=int(time.time()) - 3600)
        assert (await client.get(push.url, params=stale)).status_code == 403

    run(plain, scenario)


def test_unconfigured_channel_answers_503(plain: Settings) -> None:
    rasa = FakeRasa()

    async def scenario(push: WeChatPush, client: httpx.AsyncClient) -> None:
        checked = await client.get(push.url, params=push.verification())
        delivery = push.delivery(message_xml(openid(), "text", Content="你好"))
        posted = await push.post(client, delivery)
        assert checked.status_code == posted.status == 503
        assert "未配置" in posted.body and "WECHAT_TOKEN" in posted.body

    run(dataclasses.replace(plain, wechat_token=""), scenario, rasa)
    assert rasa.seen == []


def test_forged_signature_is_refused_and_logged_without_content(
    plain: Settings, caplog: pytest.LogCaptureFixture,
) -> None:
    rasa = FakeRasa()

    async def scenario(push: WeChatPush, client: httpx.AsyncClient) -> None:
        delivery = push.delivery(message_xml(openid(), "text", Content="我的秘密问题"))
        forged = delivery.forged(signature=sign("not-the-token", delivery.query["timestamp"],
                                                delivery.query["nonce"]))
        assert (await push.post(client, forged)).status == 403
        for junk in ("", "签名"):
            assert (await push.post(client, delivery.forged(signature=junk))).status == 403

    with caplog.at_level(logging.WARNING, logger="bot.channels.wechat"):
        run(plain, scenario, rasa)
    assert rasa.seen == []
    refusals = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
    assert len(refusals) == 3 and all("bad signature" in line for line in refusals)
    assert "我的秘密问题" not in caplog.text


def test_timestamps_more_than_five_minutes_away_are_refused(plain: Settings) -> None:
    rasa = FakeRasa()

    async def scenario(push: WeChatPush, client: httpx.AsyncClient) -> None:
        now = int(time.time())
        # a minute's margin past the five: on a loaded machine seconds pass between
        # taking `now` and the channel reading its clock (301 once passed as 300)
        for skew, status in ((-360, 403), (360, 403), (-200, 200)):
            xml = message_xml(openid(), "text", Content="几点开门")
            answer = await push.post(client, push.delivery(xml, timestamp=now + skew))
            assert answer.status == status, skew

    run(plain, scenario, rasa)
    assert len(rasa.seen) == 1


# --- plain and safe mode -----------------------------------------------------------------


def test_text_gets_a_passive_reply_in_the_readers_conversation(plain: Settings) -> None:
    rasa = FakeRasa()
    reader = openid()

    async def scenario(push: WeChatPush, client: httpx.AsyncClient) -> None:
        reply = await ask(push, client, message_xml(reader, "text", Content="几点开门"))
        assert reply == "您问的是：几点开门"

    run(plain, scenario, rasa)
    assert rasa.seen == [(reader, "几点开门", "wechat")]


def test_safe_mode_round_trip_is_encrypted_both_ways(safe: Settings) -> None:
    rasa = FakeRasa()
    reader = openid()

    async def scenario(push: WeChatPush, client: httpx.AsyncClient) -> None:
        delivery = push.delivery(message_xml(reader, "text", Content="有没有《三体》"))
        assert "三体".encode() not in delivery.body
        answer = await push.post(client, delivery)
        assert "<Encrypt>" in answer.body and "三体" not in answer.body
        assert push.reply_content(answer, delivery) == "您问的是：有没有《三体》"

    run(safe, scenario, rasa)
    assert rasa.seen == [(reader, "有没有《三体》", "wechat")]


def test_safe_mode_refuses_wrong_appid_bad_signature_garbage_and_plain_text(
    safe: Settings,
) -> None:
    rasa = FakeRasa()

    async def scenario(push: WeChatPush, client: httpx.AsyncClient) -> None:
        xml = message_xml(openid(), "text", Content="几点开门")
        other_account = push.delivery(xml, app_id="wx0000000000000000")
        assert (await push.post(client, other_account)).status == 403
        bad_signature = push.delivery(xml).forged(msg_signature="f" * 40)
        assert (await push.post(client, bad_signature)).status == 403
        # Correctly signed, but not encrypted with the account's key.
        garbage = base64.b64encode(os.urandom(96)).decode()
        query = push.query(encrypt_type="aes")
        query["msg_signature"] = sign(TOKEN, query["timestamp"], query["nonce"], garbage)
        body = f"<xml><Encrypt><![CDATA[{garbage}]]></Encrypt></xml>".encode()
        answer = await client.post(push.url, params=query, content=body)
        assert answer.status_code == 400
        unencrypted = await client.post(push.url, params=push.query(), content=xml.encode())
        assert unencrypted.status_code == 400

    run(safe, scenario, rasa)
    assert rasa.seen == []


# --- hostile bodies ----------------------------------------------------------------------

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE xml [<!ENTITY a "哈哈哈哈哈哈哈哈哈哈">
<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
<!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;"><!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">]>
<xml><ToUserName>gh_x</ToUserName><FromUserName>oX</FromUserName><CreateTime>1</CreateTime>
<MsgType>text</MsgType><Content>&g;</Content><MsgId>1</MsgId></xml>"""
EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE xml [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<xml><ToUserName>gh_x</ToUserName><FromUserName>oX</FromUserName><CreateTime>1</CreateTime>
<MsgType>text</MsgType><Content>&secret;</Content><MsgId>2</MsgId></xml>"""


def test_hostile_and_broken_bodies_are_refused_without_processing(
    plain: Settings, safe: Settings,
) -> None:
    rasa = FakeRasa()
    reader = openid()
    text = message_xml(reader, "text", Content="几点开门")
    bodies = {
        "oversize": (text[:-6] + "<Pad>" + "x" * 65536 + "</Pad></xml>").encode(),
        "huge": b"<xml>" + b"x" * (8 * 2**20) + b"</xml>",
        "billion laughs": BILLION_LAUGHS.encode(),
        "external entity": EXTERNAL_ENTITY.encode(),
        "malformed": text[:-8].encode(),
        "not UTF-8": text.encode("gbk"),
        "not WeChat's root": text.replace("xml>", "msg>").encode(),
        "no sender": message_xml("", "text", Content="几点开门").encode(),
    }
    expected = {"oversize": 413, "huge": 413}

    async def plain_mode(push: WeChatPush, client: httpx.AsyncClient) -> None:
        for name, body in bodies.items():
            answer = await client.post(push.url, params=push.query(), content=body)
            assert answer.status_code == expected.get(name, 400), name

    async def safe_mode(push: WeChatPush, client: httpx.AsyncClient) -> None:
        # The same attacks inside a correctly encrypted and signed envelope.
        for name in ("billion laughs", "external entity"):
            envelope = push.delivery(bodies[name].decode())
            assert (await push.post(client, envelope)).status == 400, name

    run(plain, plain_mode, rasa)
    run(safe, safe_mode, rasa)
    assert rasa.seen == []


# --- message types -----------------------------------------------------------------------


def test_voice_uses_wechats_recognition_or_asks_again(plain: Settings) -> None:
    rasa = FakeRasa()
    reader = openid()

    async def scenario(push: WeChatPush, client: httpx.AsyncClient) -> None:
        recognised = message_xml(reader, "voice", MediaId="m1", Format="amr",
                                 Recognition="明天开门吗")
        assert await ask(push, client, recognised) == "您问的是：明天开门吗"
        silent = message_xml(reader, "voice", MediaId="m2", Format="amr", Recognition="")
        assert await ask(push, client, silent) == VOICE_NOT_RECOGNISED_TEXT

    run(plain, scenario, rasa)
    assert rasa.seen == [(reader, "明天开门吗", "wechat")]


def test_subscribe_menu_clicks_and_other_events(plain: Settings) -> None:
    rasa = FakeRasa()
    reader = openid()

    def event(name: str, key: str = "", created: int = 0) -> str:
        return message_xml(reader, "event", Event=name, EventKey=key,
                           CreateTime=created or int(time.time()))

    async def scenario(push: WeChatPush, client: httpx.AsyncClient) -> None:
        welcome = await ask(push, client, event("subscribe"))
        assert welcome == WELCOME_TEXT and "转人工" in welcome
        stamp = int(time.time())
        for offset, (key, question) in enumerate([("OPENING_HOURS", "开放时间"),
                                                   ("HUMAN", "转人工")]):
            reply = await ask(push, client, event("CLICK", key, stamp + offset))
            assert reply == f"您问的是：{question}"
        assert await ask(push, client, event("CLICK", "NO_SUCH_ITEM")) == MENU_UNAVAILABLE_TEXT
        assert await ask(push, client, event("VIEW", "https://www.jllib.cn")) is None
        assert await ask(push, client, event("unsubscribe")) is None

    run(plain, scenario, rasa)
    assert [text for _, text, _ in rasa.seen] == ["开放时间", "转人工"]


def test_other_message_types_are_told_only_text_and_voice_work(plain: Settings) -> None:
    rasa = FakeRasa()
    reader = openid()
    others = [
        message_xml(reader, "image", PicUrl="http://mmbiz.qpic.cn/x", MediaId="m"),
        message_xml(reader, "location", Location_X="32.04", Location_Y="118.78",
                    Scale="15", Label="南京市秦淮区"),
        message_xml(reader, "link", Title="文章", Description="d", Url="https://a.b/c"),
        message_xml(reader, "video", MediaId="m", ThumbMediaId="t"),
        message_xml(reader, "shortvideo", MediaId="m", ThumbMediaId="t"),
        message_xml(reader, "file", Title="a.pdf", FileKey="k", FileMd5="0", FileTotalLen=9),
    ]

    async def scenario(push: WeChatPush, client: httpx.AsyncClient) -> None:
        for xml in others:
            assert await ask(push, client, xml) == UNSUPPORTED_TEXT

    run(plain, scenario, rasa)
    assert rasa.seen == []


def test_buttons_become_typeable_options_and_custom_payloads_are_ignored(
    plain: Settings,
) -> None:
    rasa = FakeRasa(lambda text: [
        {"text": "找到 2 本《三体》。"},
        {"text": "想预约哪一本？", "buttons": [{"title": "第一本", "payload": "/choose{\"n\":1}"},
                                                {"title": "第二本", "payload": "/choose"}]},
        {"custom": {"kind": "card", "text": "馆藏位置：总馆三楼"}},
        {"custom": {"kind": "map"}},
    ])

    async def scenario(push: WeChatPush, client: httpx.AsyncClient) -> None:
        reply = await ask(push, client, message_xml(openid(), "text", Content="有没有三体"))
        assert reply == ("找到 2 本《三体》。\n\n想预约哪一本？\n您可以回复：第一本 / 第二本"
                         "\n\n馆藏位置：总馆三楼")

    run(plain, scenario, rasa)


def test_a_reply_over_2048_bytes_continues_through_customer_service(
    plain: Settings, api: FakeWeChatApi,
) -> None:
    paragraphs = [f"第{n}段：" + "图书馆开放时间说明。" * 20 for n in range(1, 7)]
    rasa = FakeRasa(lambda text: [{"text": "\n\n".join(paragraphs)}])
    reader = openid()
    passive: list[str | None] = []

    async def scenario(push: WeChatPush, client: httpx.AsyncClient) -> None:
        passive.append(await ask(push, client, message_xml(reader, "text", Content="规定")))

    run(plain, scenario, rasa)
    relay_once(plain)
    rest = api.texts_to(reader)
    assert passive[0] is not None and passive[0].startswith("第1段")
    assert rest and all(len(text.encode()) <= 2048 for text in rest)
    assert "\n\n".join([passive[0], *rest]) == "\n\n".join(paragraphs)


def test_long_texts_split_within_wechats_limit_without_losing_characters() -> None:
    text = "金陵图书馆😀" * 400 + "\n" + "开放时间。" * 300
    pieces = split_text(text)
    assert len(pieces) > 1 and all(len(piece.encode()) <= 2048 for piece in pieces)
    assert "".join(pieces).replace("\n", "") == text.replace("\n", "")


def test_without_the_database_messages_are_still_answered(plain: Settings) -> None:
    rasa = FakeRasa()
    down = dataclasses.replace(plain, database_url=f"postgresql://postgres@127.0.0.1:"
                                                   f"{free_port()}/library")

    async def scenario(push: WeChatPush, client: httpx.AsyncClient) -> None:
        reply = await ask(push, client, message_xml(openid(), "text", Content="几点开门"))
        assert reply == "您问的是：几点开门"

    run(down, scenario, rasa)
    assert len(rasa.seen) == 1


# --- WeChat's retries and the 5-second window --------------------------------------------


def test_a_retried_message_is_processed_once_and_answered_alike(plain: Settings) -> None:
    rasa = FakeRasa()
    reader = openid()

    async def scenario(push: WeChatPush, client: httpx.AsyncClient) -> None:
        xml = message_xml(reader, "text", Content="几点开门")
        first = await ask(push, client, xml)
        # WeChat's retry: same MsgId, freshly signed.
        assert await ask(push, client, xml) == first == "您问的是：几点开门"
        subscribe = message_xml(reader, "event", Event="subscribe")
        assert await ask(push, client, subscribe) == await ask(push, client, subscribe)

    run(plain, scenario, rasa)
    assert rasa.seen == [(reader, "几点开门", "wechat")]


def test_a_retry_during_processing_waits_for_the_first_answer(plain: Settings) -> None:
    rasa = FakeRasa(hold=True)
    reader = openid()

    async def scenario(push: WeChatPush, client: httpx.AsyncClient) -> None:
        xml = message_xml(reader, "text", Content="几点开门")
        first = asyncio.create_task(ask(push, client, xml))
        while not rasa.seen:
            await asyncio.sleep(0.02)
        retry = asyncio.create_task(ask(push, client, xml))
        await asyncio.sleep(0.5)  # the retry is now waiting for the first delivery
        rasa.release()
        assert await first == await retry == "您问的是：几点开门"

    run(plain, scenario, rasa)
    assert len(rasa.seen) == 1


def test_a_slow_reply_is_sent_once_through_customer_service(
    plain: Settings, api: FakeWeChatApi,
) -> None:
    rasa = FakeRasa(hold=True)
    reader = openid()
    xml = message_xml(reader, "text", Content="帮我查一下所有分馆的活动")
    answers: list[str | None] = []

    async def window_passes(push: WeChatPush, client: httpx.AsyncClient) -> None:
        answers.append(await ask(push, client, xml))  # no reply within the window
        answers.append(await ask(push, client, xml))  # WeChat's retry
        rasa.release()

    async def late_retry(push: WeChatPush, client: httpx.AsyncClient) -> None:
        answers.append(await ask(push, client, xml))

    run(plain, window_passes, rasa, passive_seconds=0.3)  # stopping waits for the reply
    relay_once(plain)
    relay_once(plain)
    run(plain, late_retry, rasa, passive_seconds=0.3)
    assert answers == [None, None, None]
    assert len(rasa.seen) == 1
    assert api.texts_to(reader) == ["您问的是：帮我查一下所有分馆的活动"]


def test_a_message_whose_process_died_gets_an_apology_instead_of_silence(
    plain: Settings, api: FakeWeChatApi,
) -> None:
    rasa = FakeRasa()
    reader = openid()
    xml = message_xml(reader, "text", Content="帮我续借", MsgId=880001)
    desk_of(plain).take_in("wechat", "880001", reader)  # its process then stopped
    answers: list[str | None] = []

    async def retry(push: WeChatPush, client: httpx.AsyncClient) -> None:
        answers.append(await ask(push, client, xml))

    async def relay_finds_it() -> None:
        sender = WeChatCustomerService(plain)
        assert await answer_stalled(desk_of(plain), {"wechat": sender}, timedelta(0)) == 1
        await deliver(desk_of(plain), {"wechat": sender})
        await sender.aclose()

    run(plain, retry, rasa, passive_seconds=0.3)  # in progress elsewhere: "success"
    asyncio.run(relay_finds_it())
    run(plain, retry, rasa, passive_seconds=0.3)  # a late retry: still not processed
    assert answers == [None, None] and rasa.seen == []
    [apology] = api.texts_to(reader)
    assert "可能没有得到回复" in apology and "请再发送一次" in apology


# --- the customer-service sender (relay) ------------------------------------------------


def test_staff_replies_and_the_rating_prompt_reach_the_reader(
    plain: Settings, api: FakeWeChatApi,
) -> None:
    reader = openid()
    ticket = ticket_for(plain, reader)
    desk_of(plain).reply(ticket, LIBRARIAN, "您要的地方志在总馆四楼地方文献部。")
    desk_of(plain).close(ticket, LIBRARIAN, "answered")
    relay_once(plain)
    assert api.texts_to(reader) == [
        "【馆员 王老师】您要的地方志在总馆四楼地方文献部。",
        RATING_PROMPT + "\n您可以回复：满意 / 不满意",
    ]


def test_an_invalid_access_token_is_renewed_and_the_send_retried_once(
    plain: Settings, api: FakeWeChatApi,
) -> None:
    reader = openid()

    async def relay() -> None:
        sender = WeChatCustomerService(plain)
        desk_of(plain).queue_reply("wechat", reader, "第一条")
        await deliver(desk_of(plain), {"wechat": sender})
        issued = api.tokens_issued
        api.expire_tokens()  # WeChat answers 40001 to the cached token
        desk_of(plain).queue_reply("wechat", reader, "第二条")
        await deliver(desk_of(plain), {"wechat": sender})
        assert api.tokens_issued == issued + 1

    asyncio.run(relay())
    assert api.texts_to(reader) == ["第一条", "第二条"]


@pytest.mark.parametrize("errcode", [45015, 43004, 43019])
def test_closed_window_or_lost_reader_fails_permanently_and_staff_see_it(
    plain: Settings, api: FakeWeChatApi, errcode: int,
) -> None:
    reader = openid()
    ticket = ticket_for(plain, reader)
    desk_of(plain).reply(ticket, LIBRARIAN, "您好，请问还需要帮助吗？")
    api.fail_next_sends(errcode)
    relay_once(plain)
    make_due_now(plain, ticket)
    relay_once(plain)  # not tried again
    assert api.texts_to(reader) == []
    assert desk_of(plain).ticket(ticket).failed_deliveries == 1
    notes = [line.text for line in desk_of(plain).transcript(ticket) if line.author == "system"]
    assert any("未能送达" in note and str(errcode) in note for note in notes)


def test_server_errors_and_busy_answers_are_retried_until_delivered(
    plain: Settings, api: FakeWeChatApi,
) -> None:
    reader = openid()
    ticket = ticket_for(plain, reader)
    desk_of(plain).reply(ticket, LIBRARIAN, "稍等，我帮您查一下。")
    api.fail_next_sends(status=500)
    relay_once(plain)
    api.fail_next_sends(errcode=-1)  # "system busy"
    make_due_now(plain, ticket)
    relay_once(plain)
    assert api.texts_to(reader) == []
    assert desk_of(plain).ticket(ticket).failed_deliveries == 0
    make_due_now(plain, ticket)
    relay_once(plain)
    assert api.texts_to(reader) == ["【馆员 王老师】稍等，我帮您查一下。"]


def test_an_unreachable_api_is_a_retryable_failure(plain: Settings) -> None:
    down = dataclasses.replace(plain, wechat_api_base=f"http://127.0.0.1:{free_port()}")
    item = OutboxItem(1, None, "wechat", openid(), "你好", sender="assistant")
    with pytest.raises(DeliveryError) as failure:
        asyncio.run(WeChatCustomerService(down).send(item))
    assert not failure.value.permanent and SECRET not in str(failure.value)


# --- end to end: the real assistant -----------------------------------------------------


@pytest.fixture(scope="module")
def wechat_assistant(assistant: AssistantProcesses) -> Settings:
    """The session's Rasa and action servers: their WeChat channel is in safe mode."""
    return assistant.settings


async def answer_of(push: WeChatPush, client: httpx.AsyncClient, reader: str, text: str,
                    api: FakeWeChatApi, sender: WeChatCustomerService, desk: SqlHandoff) -> str:
    """The assistant's answer: passive, or (if it took longer than the window) the
    customer-service message the relay sends."""
    before = len(api.texts_to(reader))
    passive = await ask(push, client, message_xml(reader, "text", Content=text))
    for _ in range(120):
        if passive is not None:
            return passive
        await deliver(desk, {"wechat": sender})
        if len(api.texts_to(reader)) > before:
            return api.texts_to(reader)[-1]
        await asyncio.sleep(0.5)
    raise AssertionError(f"no answer to {text}")


@pytest.mark.dates
def test_a_wechat_reader_talks_to_the_assistant_and_then_a_librarian(
    wechat_assistant: Settings, api: FakeWeChatApi,
) -> None:
    settings, reader = wechat_assistant, openid()
    desk = desk_of(settings)
    push = WeChatPush(TOKEN, APP_ID, AES_KEY, settings.rasa_url + "/webhooks/wechat/webhook")

    async def conversation() -> None:
        sender = WeChatCustomerService(settings)
        async with httpx.AsyncClient(timeout=30) as client:
            hours = await answer_of(push, client, reader, "几点开门", api, sender, desk)
            assert "开放" in hours or "开馆" in hours, hours
            await answer_of(push, client, reader, "转人工", api, sender, desk)
            ticket = desk.open_ticket_for("wechat", reader)
            assert ticket is not None
            desk.reply(ticket.ticket_id, LIBRARIAN, "您好，我是馆员，请讲。")
            await deliver(desk, {"wechat": sender})

    asyncio.run(conversation())
    assert api.texts_to(reader)[-1] == "【馆员 王老师】您好，我是馆员，请讲。"
