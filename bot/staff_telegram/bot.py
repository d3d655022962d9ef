"""The staff bot's two loops: polling Telegram for librarians' actions, and the feed."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from telegram.error import RetryAfter, TelegramError

from bot import wiring
from bot.relay.telegram import new_bot
from bot.services.interface import ServiceUnavailableError
from bot.settings import Settings
from bot.staff_telegram.commands import Commands
from bot.staff_telegram.feed import Feed

logger = logging.getLogger(__name__)
#: getUpdates long-polling timeout
POLL_SECONDS = 20
FEED_IDLE_SECONDS = 1.0
ERROR_PAUSE_SECONDS = 5.0
#: dedupe key space of updates taken in (a restart may get unconfirmed updates again)
INBOUND = "staff_telegram"


class StaffBot:
    def __init__(self, settings: Settings) -> None:
        self.bot = new_bot(settings.telegram_staff_bot_token, settings.telegram_api_base)
        self.inbound = wiring.inbound_log(settings)
        desk, book = wiring.staff_desk(settings), wiring.staff_chat_book(settings)
        chats = settings.telegram_staff_chat_ids
        self.feed = Feed(self.bot, desk, book, chats)
        self.commands = Commands(self.bot, desk, book, chats, self.feed.written_in)
        self.offset: int | None = None

    async def poll_once(self, timeout: float = POLL_SECONDS) -> int:
        """Takes the pending updates (waiting up to timeout); returns how many came."""
        updates = await self.bot.get_updates(offset=self.offset, timeout=timeout,
                                             allowed_updates=["message", "callback_query"])
        for update in updates:
            self.offset = update.update_id + 1
            taken = await asyncio.to_thread(self.inbound.take_in, INBOUND, str(update.update_id))
            if not taken.first_delivery:
                continue
            try:
                await self.commands.handle(update)
            except TelegramError as error:
                logger.warning("Staff update %s: %s", update.update_id, error)
            except Exception:  # one bad update must not stop the bot
                logger.exception("Staff update %s failed", update.update_id)
        return len(updates)

    async def run(self, stop: asyncio.Event) -> None:
        """Polls and posts until stop is set."""
        await self.bot.initialize()
        await self.bot.delete_webhook()
        loops = [asyncio.create_task(_repeat(self.poll_once, 0)),
                 asyncio.create_task(_repeat(self.feed.post_new, FEED_IDLE_SECONDS))]
        await stop.wait()
        for loop in loops:
            loop.cancel()
        await asyncio.gather(*loops, return_exceptions=True)
        await self.bot.shutdown()


async def _repeat(step: Callable[[], Awaitable[int]], idle: float) -> None:
    """Runs step until cancelled, pausing when it had nothing to do or failed."""
    while True:
        try:
            pause = 0.0 if await step() else idle
        except RetryAfter as error:
            wait = error.retry_after
            pause = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
            logger.warning("Telegram rate limit: waiting %s s", pause)
        except (TelegramError, ServiceUnavailableError) as error:
            logger.warning("Staff bot: %s; retrying in %s s", error, ERROR_PAUSE_SECONDS)
            pause = ERROR_PAUSE_SECONDS
        if pause:
            await asyncio.sleep(pause)
