"""The feed: every new ticket line, posted into each allow-listed staff chat.

Lines are read after the "staff_telegram" cursor, which advances only after a line was
posted, so a restarted bot neither skips nor reposts lines (a crash between posting
and advancing may repeat one line). Each post is recorded (book.record_staff_post), so
replying to it answers the ticket's reader.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, ReplyParameters
from telegram.error import BadRequest, Forbidden

from bot.services.desk_roles import StaffChatBook, StaffDesk
from bot.services.handoff_model import TicketLine
from bot.staff_telegram.texts import CLAIM_PREFIX, line_post, ticket_post

logger = logging.getLogger(__name__)
CURSOR = "staff_telegram"
BATCH = 50
#: how the desk's system line for a new ticket starts
NEW_TICKET_PREFIX = "新工单："


class Feed:
    def __init__(self, bot: Bot, desk: StaffDesk, book: StaffChatBook,
                 chats: tuple[str, ...]) -> None:
        self.bot, self.desk, self.book, self.chats = bot, desk, book, chats
        #: lines librarians wrote on Telegram -> their chat (not echoed back there)
        self.written_in: dict[int, str] = {}

    async def post_new(self) -> int:
        """Posts the lines after the cursor; returns how many lines were read."""
        cursor = await asyncio.to_thread(self.book.cursor, CURSOR)
        lines = await asyncio.to_thread(self.desk.feed, cursor, BATCH)
        for line in lines:
            chats = [chat for chat in self.chats if self.written_in.get(line.line_id) != chat]
            if line.author != "history" and chats:  # history is shown with the new ticket
                text, markup = await self._compose(line)
                for chat in chats:
                    await self._post(chat, line, text, markup)
            await asyncio.to_thread(self.book.advance_cursor, CURSOR, line.line_id)
            self.written_in.pop(line.line_id, None)
        return len(lines)

    async def _compose(self, line: TicketLine) -> tuple[str, InlineKeyboardMarkup | None]:
        """The post of a line: a new ticket (with the claim button), else the line."""
        names = await asyncio.to_thread(self.book.reader_names, [line.ticket_id])
        name = names.get(line.ticket_id)
        ticket = None
        if line.author == "system" and line.text.startswith(NEW_TICKET_PREFIX):
            ticket = await asyncio.to_thread(self.desk.ticket, line.ticket_id)
        if ticket is None:
            return line_post(line, name), None
        lines = await asyncio.to_thread(self.desk.transcript, line.ticket_id)
        return ticket_post(ticket, lines, name), _claim(line)

    async def _post(self, chat: str, line: TicketLine, text: str,
                    markup: InlineKeyboardMarkup | None) -> None:
        """Posts into the chat; a line that is not a new ticket replies to its ticket's
        first post there."""
        reply_to = None
        if markup is None:
            reply_to = await asyncio.to_thread(self.book.first_post, chat, line.ticket_id)
        replying = ReplyParameters(reply_to, allow_sending_without_reply=True) if reply_to else None
        try:
            sent = await self.bot.send_message(chat, text, reply_markup=markup,
                                               reply_parameters=replying)
        except (Forbidden, BadRequest) as error:  # removed from the chat, chat gone …
            logger.warning("Cannot post ticket %s line %s in chat %s: %s", line.ticket_id,
                           line.line_id, chat, error)
            return
        await asyncio.to_thread(self.book.record_staff_post, chat, sent.message_id,
                                line.ticket_id)


def _claim(line: TicketLine) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(
        f"接单 #{line.ticket_id}", callback_data=f"{CLAIM_PREFIX}{line.ticket_id}")]])
