"""Sending to readers' Telegram chats with the Bot API (python-telegram-bot, plain text,
no parse_mode): the relay's sender, and the helpers the reader channel sends with.

Buttons become an inline keyboard whose callback_data is the button's payload (a button
with a "url" instead, e.g. a digital resource's address, opens it). Telegram limits
callback_data to 64 bytes: a longer payload is replaced by the button's title (a
click then reads as if the reader had typed the title) unless the caller maps it to a
short key it can resolve (the reader channel does).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.request import HTTPXRequest

from bot.relay import DeliveryError
from bot.services.handoff_model import OutboxItem
from bot.settings import Settings

MAX_TEXT_CHARS = 4096
CALLBACK_DATA_BYTES = 64
#: shown when a reply has buttons but no text (Telegram refuses empty messages)
CHOOSE_TEXT = "请选择："

# httpx logs every request URL at INFO, and Bot API URLs contain the bot's token.
logging.getLogger("httpx").setLevel(logging.WARNING)

Button = dict[str, str]
CallbackData = Callable[[Button], str]


def new_bot(token: str, api_base: str) -> Bot:
    """A Bot API client (several requests at once, bounded waits)."""
    request = HTTPXRequest(connection_pool_size=8, connect_timeout=5.0, read_timeout=15.0,
                           write_timeout=15.0, pool_timeout=5.0)
    return Bot(token, base_url=api_base, request=request)


def fits_callback(data: str) -> bool:
    return 0 < len(data.encode()) <= CALLBACK_DATA_BYTES


def _clip_utf8(text: str, limit: int) -> str:
    return text.encode()[:limit].decode(errors="ignore")


def payload_or_title(button: Button) -> str:
    """The payload if Telegram can carry it, else the title (cut to 64 bytes)."""
    payload = button.get("payload") or button.get("title", "")
    return payload if fits_callback(payload) else _clip_utf8(button.get("title", ""), 64)


def keyboard_button(button: Button, callback_data: CallbackData) -> InlineKeyboardButton:
    title = button.get("title") or button.get("payload", "")
    if button.get("url"):
        return InlineKeyboardButton(title, url=button["url"])
    return InlineKeyboardButton(title, callback_data=callback_data(button))


def inline_keyboard(buttons: list[Button],
                    callback_data: CallbackData = payload_or_title) -> InlineKeyboardMarkup | None:
    """One button per row (titles can be long, e.g. FAQ questions)."""
    if not buttons:
        return None
    return InlineKeyboardMarkup([[keyboard_button(b, callback_data)] for b in buttons])


def text_parts(text: str) -> list[str]:
    """Text cut into Telegram-sized messages, at line breaks where possible."""
    parts = []
    while len(text) > MAX_TEXT_CHARS:
        cut = text.rfind("\n", 0, MAX_TEXT_CHARS)
        cut = cut if cut > MAX_TEXT_CHARS // 2 else MAX_TEXT_CHARS
        parts.append(text[:cut])
        text = text[cut:].lstrip("\n")
    return [*parts, text] if text.strip() else parts


async def send_text(bot: Bot, chat_id: str, text: str, buttons: list[Button] | None = None,
                    callback_data: CallbackData = payload_or_title) -> None:
    """Sends text as plain-text message(s); buttons go with the last one."""
    buttons = buttons or []
    parts = text_parts(text) or ([CHOOSE_TEXT] if buttons else [])
    for number, part in enumerate(parts, 1):
        markup = inline_keyboard(buttons, callback_data) if number == len(parts) else None
        await bot.send_message(chat_id, part, reply_markup=markup)


def delivery_error(error: TelegramError) -> DeliveryError:
    """Blocked by the reader (403) or a refused request such as "chat not found" (400)
    cannot succeed later; rate limits (429), server errors and network trouble can."""
    if isinstance(error, RetryAfter):
        return DeliveryError(f"Telegram rate limit: {error}")
    permanent = isinstance(error, Forbidden | BadRequest)
    return DeliveryError(f"Telegram: {error}", permanent=permanent)


class TelegramSender:
    """The relay's sender for the readers' Telegram bot."""

    channel = "telegram"

    def __init__(self, settings: Settings) -> None:
        self.bot = new_bot(settings.telegram_bot_token, settings.telegram_api_base)

    async def send(self, item: OutboxItem) -> None:
        try:
            await send_text(self.bot, item.recipient, item.signed_text, item.buttons)
        except TelegramError as error:
            raise delivery_error(error) from error
