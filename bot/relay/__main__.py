"""`python -m bot.relay`: deliver staff replies to readers on push channels until stopped.

Runs only the senders whose channel is configured (WeChat, Telegram); several relay
processes may run at once (each outbox message is leased to one of them).
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable

from bot import wiring
from bot.relay import Sender
from bot.relay.dispatcher import relay_forever
from bot.relay.telegram import TelegramSender
from bot.relay.wechat import WeChatCustomerService
from bot.settings import Settings, load_settings

SENDERS: dict[str, Callable[[Settings], Sender]] = {
    "wechat": WeChatCustomerService, "telegram": TelegramSender,
}


def configured_senders(settings: Settings) -> dict[str, Sender]:
    return {channel: SENDERS[channel](settings) for channel in settings.push_channels}


async def main() -> None:
    settings = load_settings()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    senders = configured_senders(settings)
    logging.getLogger(__name__).info("Relay started for: %s", ", ".join(senders) or "nothing")
    await relay_forever(wiring.outbox(settings), senders, stop)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    asyncio.run(main())
