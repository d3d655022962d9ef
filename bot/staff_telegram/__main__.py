"""`python -m bot.staff_telegram`: the staff bot, until SIGTERM/SIGINT."""

from __future__ import annotations

import asyncio
import logging
import signal

from bot.settings import load_settings
from bot.staff_telegram.bot import StaffBot

logger = logging.getLogger("bot.staff_telegram")


async def main() -> int:
    settings = load_settings()
    if not (settings.telegram_staff_bot_token and settings.telegram_staff_chat_ids):
        logger.error("TELEGRAM_STAFF_BOT_TOKEN and TELEGRAM_STAFF_CHAT_IDS must be set")
        return 2
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    logger.info("Staff bot serving chats %s", ", ".join(settings.telegram_staff_chat_ids))
    await StaffBot(settings).run(stop)
    return 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    raise SystemExit(asyncio.run(main()))
