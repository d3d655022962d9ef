"""The readers' Telegram bot as a Rasa input channel (name "telegram").

Telegram POSTs each Update to `/webhooks/telegram/webhook` (register it with setWebhook
and the secret_token TELEGRAM_WEBHOOK_SECRET). Without both TELEGRAM_BOT_TOKEN and
TELEGRAM_WEBHOOK_SECRET the channel answers 503: it never runs without the secret.
The webhook is answered at once; the conversation turn runs in the background and its
replies go out with sendMessage (plain text; buttons as an inline keyboard). Each
update_id is taken in once (inbound.take_in), so an update Telegram redelivers is never
processed twice; an update whose processing dies with its process gets an apology from
the relay instead of silence (outbox.answer_stalled).

What readers can send: text (to the assistant, sender id = the chat id), inline button
presses (their payload goes to the assistant), /start or /help (the welcome menu).
Anything else in a private chat (photos, stickers, voice, edited messages …) gets a
clear "text only" reply.

Button payloads longer than Telegram's 64-byte callback_data are replaced by short keys
kept per chat in this process (the latest KEYS_PER_CHAT of each chat); in the
scale-out setup HAProxy sends a chat to the same process (deploy/haproxy/). After a
restart such an old button answers that it has expired.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from functools import cached_property

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from telegram import Bot, Update
from telegram.error import TelegramError

from bot import wiring
from bot.channels.guard import Handler, guarded
from bot.relay.telegram import Button, fits_callback, new_bot, send_text
from bot.services.desk_roles import InboundLog, ReaderDesk
from bot.services.interface import ReaderLogin, ServiceUnavailableError
from bot.settings import Settings, load_settings

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
KEYS_PER_CHAT = 50
MAX_CHATS_WITH_KEYS = 10_000
KEY_PREFIX = "#k"
WELCOME_COMMANDS = {"/start", "/help"}
WELCOME_TEXT = (
    "您好！欢迎使用金陵图书馆智能咨询助手。"
    "我可以帮您查询开放时间、查找和预约图书、了解办证与借阅规则，"
    "也可以为您转接人工馆员。请点击下方按钮，或直接输入您的问题。"
)
WELCOME_BUTTONS = [
    {"title": "开放时间", "payload": "/ask_opening_hours"},
    {"title": "查书", "payload": "/search_catalogue"},
    {"title": "我的预约", "payload": "/list_reservations"},
    {"title": "办证", "payload": "怎么办读者证"},
    {"title": "转人工", "payload": "/request_human"},
]
UNSUPPORTED_TEXT = (
    "抱歉，目前只能处理文字消息（图片、语音、贴纸、文件等暂不支持）。"
    "请用文字输入您的问题。"
)
EDITED_TEXT = "修改后的消息我无法处理，请重新发送您的问题。"
EXPIRED_TEXT = "这个按钮已失效，请重新提问或发送 /start 查看菜单。"


class ButtonKeys:
    """Short callback_data keys for payloads longer than Telegram's 64 bytes."""

    def __init__(self) -> None:
        self.chats: OrderedDict[str, OrderedDict[str, str]] = OrderedDict()

    def data(self, chat_id: str, button: Button) -> str:
        payload = button.get("payload") or button.get("title", "")
        if fits_callback(payload) and not payload.startswith(KEY_PREFIX):
            return payload
        key = KEY_PREFIX + hashlib.sha256(payload.encode()).hexdigest()[:16]
        keys = self.chats.setdefault(chat_id, OrderedDict())
        self.chats.move_to_end(chat_id)
        keys[key] = payload
        keys.move_to_end(key)
        while len(keys) > KEYS_PER_CHAT:
            keys.popitem(last=False)
        while len(self.chats) > MAX_CHATS_WITH_KEYS:
            self.chats.popitem(last=False)
        return key

    def resolve(self, chat_id: str, data: str) -> str | None:
        """The payload a button press stands for (None: an unknown or expired key)."""
        if not data.startswith(KEY_PREFIX):
            return data
        return self.chats.get(chat_id, {}).get(data)


def parse_update(body: bytes) -> Update | None:
    """The Update in a webhook body, or None if it is not one."""
    try:
        data = json.loads(body)
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            return None
        return Update.de_json(data, None)
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


def reply_text(reply: dict) -> str:
    """The text of a Rasa reply; custom payloads count only for their "text"."""
    custom = reply.get("custom")
    fallback = custom.get("text", "") if isinstance(custom, dict) else ""
    return reply.get("text") or (fallback if isinstance(fallback, str) else "")


class TelegramInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "telegram"

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or load_settings()
        self.keys = ButtonKeys()
        self.in_flight: set[asyncio.Task] = set()

    @cached_property
    def bot(self) -> Bot:
        return new_bot(self.settings.telegram_bot_token, self.settings.telegram_api_base)

    @cached_property
    def desk(self) -> ReaderDesk:
        return wiring.reader_desk(self.settings)

    @cached_property
    def inbound(self) -> InboundLog:
        return wiring.inbound_log(self.settings)

    @cached_property
    def reader_login(self) -> ReaderLogin:
        return wiring.reader_login(self.settings)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        handle = guarded(on_new_message, lambda: self.reader_login, lambda: self.desk)
        webhook = Blueprint("telegram_webhook", __name__)

        @webhook.get("/")
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.post("/webhook")
        async def receive(request: Request) -> HTTPResponse:
            return await self.receive(request, handle)

        return webhook

    def refusal(self, request: Request) -> HTTPResponse | None:
        if not (self.settings.telegram_bot_token and self.settings.telegram_webhook_secret):
            return response.text("Telegram channel not configured", status=503)
        secret = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(secret.encode(), self.settings.telegram_webhook_secret.encode()):
            logger.warning("Telegram webhook refused: wrong secret token (from %s)", request.ip)
            return response.text("forbidden", status=403)
        if len(request.body or b"") > MAX_BODY_BYTES:
            logger.warning("Telegram webhook refused: body of %s bytes", len(request.body))
            return response.text("request too large", status=413)
        return None

    async def receive(self, request: Request, handle: Handler) -> HTTPResponse:
        refused = self.refusal(request)
        if refused is not None:
            return refused
        update = parse_update(request.body or b"")
        if update is None:
            logger.warning("Telegram webhook refused: the body is not an Update")
            return response.text("not a Telegram update", status=400)
        for_us = self._for_us(update)
        owed = str(update.effective_chat.id) if for_us else None  # who gets an answer
        try:
            state = await asyncio.to_thread(self.inbound.take_in, self.name(),
                                            str(update.update_id), owed)
            first = state.first_delivery
        except ServiceUnavailableError:
            logger.warning("Database unavailable: update %s taken without deduplication",
                           update.update_id)
            first = True
        if not first:
            logger.info("Telegram update %s redelivered: already taken", update.update_id)
        elif for_us:
            task = asyncio.create_task(self._process(update, handle))
            self.in_flight.add(task)
            task.add_done_callback(self.in_flight.discard)
        return response.text("ok")

    @staticmethod
    def _for_us(update: Update) -> bool:
        """Updates a reader should get an answer to."""
        if update.callback_query is not None:
            return update.effective_chat is not None
        message = update.message or update.edited_message
        if message is None:
            return False
        return message.text is not None or message.chat.type == "private"

    async def _process(self, update: Update, handle: Handler) -> None:
        chat_id = str(update.effective_chat.id)
        replies: list[dict] = []  # none when answered here (welcome, "text only" …)
        try:
            text = await self._reader_text(update, chat_id)
            if text is not None:
                collector = CollectingOutputChannel()
                await handle(UserMessage(text, collector, chat_id, input_channel=self.name()))
                replies = collector.messages
            for reply in replies:
                await self._send(chat_id, reply_text(reply), reply.get("buttons") or [])
            await asyncio.to_thread(self.inbound.store_replies, self.name(),
                                    str(update.update_id), replies)
        except (TelegramError, ServiceUnavailableError) as error:
            logger.warning("Telegram update %s for chat %s: %s", update.update_id, chat_id,
                           error)
        except Exception:  # a background task has no one else to report to
            logger.exception("Telegram update %s failed", update.update_id)

    async def _reader_text(self, update: Update, chat_id: str) -> str | None:
        """What goes to the assistant; None when the update was answered here."""
        query = update.callback_query
        if query is not None:
            try:
                await self.bot.answer_callback_query(query.id)
            except TelegramError as error:
                logger.info("answerCallbackQuery %s: %s", query.id, error)
            text = self.keys.resolve(chat_id, query.data or "")
            if text is None:
                await self._send(chat_id, EXPIRED_TEXT)
            return text
        message = update.message
        if message is None or message.text is None:
            await self._send(chat_id, EDITED_TEXT if update.edited_message else UNSUPPORTED_TEXT)
            return None
        if (message.text.split() or [""])[0].split("@")[0] in WELCOME_COMMANDS:
            await self._send(chat_id, WELCOME_TEXT, WELCOME_BUTTONS)
            return None
        return message.text

    async def _send(self, chat_id: str, text: str, buttons: list[Button] | None = None) -> None:
        await send_text(self.bot, chat_id, text, buttons,
                        lambda button: self.keys.data(chat_id, button))
