"""What every reader channel does around Rasa, whatever the channel:

- while a librarian has the conversation (an open ticket), the reader's messages go to
  the ticket and Rasa does not see them (Rasa would only log them: a paused
  conversation predicts nothing); "结束人工" hands the reader back to the assistant;
- after a ticket is closed, the reader's rating (1-5, 满意/不满意) is taken here;
- a reader-card password typed after the assistant asked for it is checked here and
  replaced by the outcome (`/password_checked{"verification": ...}`), so the password
  never reaches Rasa's conversation store or logs;
- incoming text is cleaned (control characters) and bounded in length;
- a turn that produced no reply at all (the action server or Rasa's tracker store is
  down) gets a clear "please try again" instead of silence.
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
from bot.services.sql import handoff_desk, sql_services
from bot.services.sql.handoff import SqlHandoff
from bot.settings import load_settings

logger = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 2000
NO_REPLY_TEXT = "抱歉，系统暂时无法处理您的消息，请稍后再试。如需帮助，也可以到馆咨询服务台。"
# Words that abandon the password prompt instead of being tried as a password.
CANCEL_WORDS = {"取消", "算了", "不要了", "不用了", "退出", "不预约了", "cancel", "/deny"}
# Words that end a handoff while a librarian has the conversation.
LEAVE_WORDS = {"结束人工", "退出人工", "结束人工服务", "不用人工了", "返回机器人", "返回助手"}
LEFT_TEXT = "已结束人工服务，您可以继续向我（智能助手）提问。"
FORWARDED_TEXT = (
    "您的消息已转给馆员（工单 #{ticket}），请稍候。如需结束人工服务，请发送“结束人工”。"
)
RATED_TEXT = "感谢您的评价！还有其他问题可以随时问我。"
# While a reader writes in quick succession, acknowledge only the first message.
ACK_QUIET_SECONDS = 30
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u2028-\u202e\ufeff]")

Handler = Callable[[UserMessage], Awaitable[None]]


@cache
def circulation() -> Circulation:
    return sql_services(load_settings().database_url).circulation


def desk() -> SqlHandoff:
    return handoff_desk(load_settings().database_url)


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


async def answered_by_desk(message: UserMessage, desk: SqlHandoff) -> bool:
    """Routes the message to an open ticket or takes it as a rating; True if so."""
    channel, sender, text = message.input_channel, message.sender_id, message.text or ""
    ticket = await asyncio.to_thread(desk.open_ticket_for, channel, sender)
    output = message.output_channel
    if ticket is not None:
        if text.strip() in LEAVE_WORDS:
            await asyncio.to_thread(desk.reader_leaves, ticket.ticket_id)
            await output.send_text_message(sender, LEFT_TEXT)
            return True
        quiet = await asyncio.to_thread(desk.seconds_since_reader_wrote, ticket.ticket_id)
        await asyncio.to_thread(desk.add_reader_message, ticket.ticket_id, text)
        if quiet is None or quiet >= ACK_QUIET_SECONDS:
            await output.send_text_message(sender, FORWARDED_TEXT.format(ticket=ticket.ticket_id))
        return True
    if await asyncio.to_thread(desk.record_rating, channel, sender, text):
        await output.send_text_message(sender, RATED_TEXT)
        return True
    return False


def guarded(
    on_new_message: Handler,
    service: Callable[[], Circulation] = circulation,
    handoff: Callable[[], SqlHandoff] = desk,
) -> Handler:
    async def handle(message: UserMessage) -> None:
        message.text = clean_text(message.text)
        try:
            if await answered_by_desk(message, handoff()):
                return
        except ServiceUnavailableError:
            logger.warning("Library database unavailable while checking for a handoff")
        try:
            message.text = await replace_password(message, service())
        except ServiceUnavailableError:
            logger.warning("Library database unavailable while checking for a password prompt")
        try:
            await on_new_message(message)
        except Exception:  # e.g. the tracker store's database is down: answer anyway
            logger.exception("Rasa could not process a message on %s", message.input_channel)
        output = message.output_channel
        if isinstance(output, CollectingOutputChannel) and not output.messages:
            await output.send_text_message(message.sender_id, NO_REPLY_TEXT)

    return handle
