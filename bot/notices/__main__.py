"""`python -m bot.notices`: find due notices every NOTICE_INTERVAL_SECONDS until stopped.
Several may run at once (each notice is recorded once)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from bot import clock
from bot.notices import run_pass
from bot.services.interface import ServiceUnavailableError
from bot.settings import load_settings
from bot.wiring import notices

logger = logging.getLogger("bot.notices")


async def main() -> None:
    settings = load_settings()
    service = notices(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    logger.info("Notice scheduler started (every %s s)", settings.notice_interval_seconds)
    while not stop.is_set():
        try:
            report = await asyncio.to_thread(run_pass, service, clock.now())
            if report.handled or report.resent:
                logger.info("Notices: %s, waiting ones sent: %s", report.statuses,
                            report.resent)
        except ServiceUnavailableError as error:
            logger.warning("Notices paused, database unavailable: %s", error)
        except Exception:  # a bug in one pass must not stop the scheduler
            logger.exception("Notice pass failed; trying again next time")
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stop.wait(), settings.notice_interval_seconds)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    asyncio.run(main())
