"""What every reader channel does around Rasa, whatever the channel:

- a reader-card password typed after the assistant asked for it is checked here and
  replaced by the outcome (`/password_checked{"verification": ...}`), so the password
  never reaches Rasa's conversation store or logs;
- incoming text is cleaned (control characters) and bounded in length;
- a turn that produced no reply at all (e.g. the action server is down) gets a clear
  "please try again" instead of silence.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Awaitable, Callable
from functools import cache

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from bot.services.interface import Circulation, ServiceUnavailableError
from bot.services.sql import sql_services
from bot.settings import load_settings

logger = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 2000
NO_REPLY_TEXT = "抱歉，系统暂时无法处理您的消息，请稍后再试。如需帮助，也可以到馆咨询服务台。"
# Words that abandon the password prompt instead of being tried as a password.
CANCEL_WORDS = {"取消", "算了", "不要了", "不用了", "退出", "不预约了", "cancel", "/deny"}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u2028-\u202e\ufeff]")

Handler = Callable[[UserMessage], Awaitable[None]]


@cache
def circulation() -> Circulation:
    return sql_services(load_settings().database_url).circulation


def clean_text(text: str | None) -> str:
    return _CONTROL.sub("", text or "").strip()[:MAX_MESSAGE_CHARS]


async def replace_password(message: UserMessage, service: Circulation) -> str:
    """The text Rasa should see for this message."""
    text = message.text or ""
    card = await asyncio.to_thread(
        service.take_password_prompt, message.input_channel, message.sender_id
    )
    if card is None:
        return text
    if text.strip().casefold() in CANCEL_WORDS:
        return "/deny"
    outcome = await asyncio.to_thread(
        service.verify_reader, card, text, message.input_channel, message.sender_id
    )
    logger.info("Reader card %s verification on %s: %s", card, message.input_channel,
                outcome.value)
    return "/password_checked" + json.dumps({"verification": outcome.value})


def guarded(on_new_message: Handler, service: Callable[[], Circulation] = circulation) -> Handler:
    async def handle(message: UserMessage) -> None:
        message.text = clean_text(message.text)
        try:
            message.text = await replace_password(message, service())
        except ServiceUnavailableError:
            logger.warning("Library database unavailable while checking for a password prompt")
        await on_new_message(message)
        output = message.output_channel
        if isinstance(output, CollectingOutputChannel) and not output.messages:
            await output.send_text_message(message.sender_id, NO_REPLY_TEXT)

    return handle
