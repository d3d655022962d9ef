"""What librarians do in the staff chats: the claim button, replies to a ticket's posts,
/reply, /close, /queue (and /help). Updates from other chats are refused."""

from __future__ import annotations

import asyncio
import logging

from telegram import Bot, CallbackQuery, Message, ReplyParameters, Update
from telegram.error import TelegramError

from bot.services.desk_roles import StaffChatBook, StaffDesk
from bot.services.handoff_model import HandoffError, StaffActor
from bot.staff_telegram.texts import (
    CLAIM_PREFIX,
    CLOSE_OUTCOMES,
    CLOSE_USAGE,
    HELP_TEXT,
    NOT_A_TICKET_TEXT,
    REFUSED_TEXT,
    REPLY_USAGE,
    queue_text,
)

logger = logging.getLogger(__name__)


class Commands:
    def __init__(self, bot: Bot, desk: StaffDesk, book: StaffChatBook,
                 chats: tuple[str, ...], written_in: dict[int, str]) -> None:
        self.bot, self.desk, self.book, self.chats = bot, desk, book, chats
        #: shared with the feed: lines written here are not echoed back here
        self.written_in = written_in

    async def handle(self, update: Update) -> None:
        chat = update.effective_chat
        if chat is None:
            return
        chat_id = str(chat.id)
        if chat_id not in self.chats:
            logger.warning("Staff bot: refused update %s from chat %s (not allow-listed)",
                           update.update_id, chat_id)
            await self._refuse(update, chat_id)
        elif update.callback_query is not None:
            await self._on_button(update.callback_query, chat_id)
        elif update.message is not None and update.message.text:
            await self._on_text(update.message, chat_id)

    async def _refuse(self, update: Update, chat_id: str) -> None:
        if update.callback_query is not None:
            await self.bot.answer_callback_query(update.callback_query.id, REFUSED_TEXT,
                                                 show_alert=True)
        elif update.message is not None:
            await self.bot.send_message(chat_id, REFUSED_TEXT)

    async def _actor(self, query_or_message: CallbackQuery | Message) -> StaffActor:
        user = query_or_message.from_user
        return await asyncio.to_thread(self.book.staff_actor, str(user.id), user.full_name)

    async def _on_button(self, query: CallbackQuery, chat_id: str) -> None:
        number = (query.data or "").removeprefix(CLAIM_PREFIX)
        if not (query.data or "").startswith(CLAIM_PREFIX) or not number.isdigit():
            await self.bot.answer_callback_query(query.id)
            return
        try:
            await asyncio.to_thread(self.desk.claim, int(number), await self._actor(query))
        except HandoffError as error:  # someone was quicker, or the ticket is closed
            await self.bot.answer_callback_query(query.id, str(error), show_alert=True)
            return
        await self.bot.answer_callback_query(query.id, f"您已接单：工单 #{number}")
        if query.message is not None:
            try:
                await self.bot.edit_message_reply_markup(chat_id, query.message.message_id)
            except TelegramError as error:
                logger.info("Could not remove the claim button of #%s: %s", number, error)

    async def _on_text(self, message: Message, chat_id: str) -> None:
        word, _, rest = message.text.strip().partition(" ")
        if word.startswith("/"):
            handlers = {"/reply": self._reply, "/close": self._close, "/queue": self._queue,
                        "/start": self._help, "/help": self._help}
            handler = handlers.get(word.split("@")[0].lower())
            if handler is not None:
                await handler(message, chat_id, rest.strip())
            return
        replied = message.reply_to_message
        if replied is None or replied.from_user is None or not replied.from_user.is_bot:
            return  # librarians talking among themselves
        ticket = await asyncio.to_thread(self.book.ticket_of_staff_post, chat_id,
                                         replied.message_id)
        if ticket is None:
            await self._say(chat_id, NOT_A_TICKET_TEXT, message)
        else:
            await self._answer(message, chat_id, ticket, message.text)

    async def _answer(self, message: Message, chat_id: str, ticket: int, text: str) -> None:
        """Sends the librarian's text to the ticket's reader (through the outbox)."""
        try:
            line = await asyncio.to_thread(self.desk.reply, ticket, await self._actor(message),
                                           text)
        except HandoffError as error:
            await self._say(chat_id, str(error), message)
            return
        self.written_in[line.line_id] = chat_id
        await self._say(chat_id, f"已发送给读者（工单 #{ticket}）。", message, ticket)

    async def _reply(self, message: Message, chat_id: str, arguments: str) -> None:
        number, _, text = arguments.partition(" ")
        if not number.isdigit() or not text.strip():
            await self._say(chat_id, REPLY_USAGE, message)
            return
        await self._answer(message, chat_id, int(number), text)

    async def _close(self, message: Message, chat_id: str, arguments: str) -> None:
        words = arguments.split()
        outcome = words[1] if len(words) > 1 else "answered"
        if not words or not words[0].isdigit() or outcome not in CLOSE_OUTCOMES:
            await self._say(chat_id, CLOSE_USAGE, message)
            return
        try:  # the feed posts the closing line into the ticket's thread
            await asyncio.to_thread(self.desk.close, int(words[0]),
                                    await self._actor(message), outcome)
        except HandoffError as error:
            await self._say(chat_id, str(error), message)

    async def _queue(self, message: Message, chat_id: str, _: str) -> None:
        tickets = await asyncio.to_thread(self.desk.queue)
        names = await asyncio.to_thread(self.book.reader_names,
                                        [ticket.ticket_id for ticket in tickets])
        await self._say(chat_id, queue_text(tickets, names), message)

    async def _help(self, message: Message, chat_id: str, _: str) -> None:
        await self._say(chat_id, HELP_TEXT, message)

    async def _say(self, chat_id: str, text: str, to: Message, ticket: int | None = None) -> None:
        """Answers a librarian's message; a post about a ticket is recorded, so replying
        to it answers that ticket's reader too."""
        sent = await self.bot.send_message(
            chat_id, text, reply_parameters=ReplyParameters(to.message_id,
                                                            allow_sending_without_reply=True))
        if ticket is not None:
            await asyncio.to_thread(self.book.record_staff_post, chat_id, sent.message_id,
                                    ticket)
