"""Takes due outbox messages and hands each to its channel's sender; now and then,
apologises to readers whose message was taken in by a process that then died."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta

from bot.relay import DeliveryError, Sender
from bot.services.desk_roles import Outbox
from bot.services.interface import ServiceUnavailableError

logger = logging.getLogger(__name__)
POLL_SECONDS = 0.5
#: a message still without any outcome after this long lost its process (a reply
#: normally takes seconds; WeChat's replies are queued after its 5-second window)
STALLED_AFTER = timedelta(seconds=60)
STALLED_CHECK_SECONDS = 10.0


async def deliver(outbox: Outbox, senders: dict[str, Sender], limit: int = 20) -> int:
    """Sends the messages that are due now; returns how many were attempted."""
    items = await asyncio.to_thread(outbox.take_due, tuple(senders), limit)
    for item in items:
        try:
            await senders[item.channel].send(item)
        except DeliveryError as error:
            logger.warning("Outbox %s to %s failed (attempt %s): %s", item.outbox_id,
                           item.channel, item.attempts, error)
            await asyncio.to_thread(outbox.mark_failed, item.outbox_id, str(error),
                                    error.permanent)
        except Exception as error:  # an unexpected sender bug must not stop the relay
            logger.exception("Outbox %s: unexpected error", item.outbox_id)
            await asyncio.to_thread(outbox.mark_failed, item.outbox_id, repr(error))
        else:
            await asyncio.to_thread(outbox.mark_sent, item.outbox_id)
    return len(items)


async def answer_stalled(outbox: Outbox, senders: dict[str, Sender],
                         older_than: timedelta = STALLED_AFTER) -> int:
    """Queues an apology for each stalled message on these channels (sent like any
    outbox message); returns how many."""
    count = await asyncio.to_thread(outbox.answer_stalled, tuple(senders), older_than)
    if count:
        logger.warning("%s reader message(s) lost their process; apology queued", count)
    return count


async def relay_forever(outbox: Outbox, senders: dict[str, Sender],
                        stop: asyncio.Event) -> None:
    """Delivers until stop is set; a database outage only pauses it."""
    loop = asyncio.get_running_loop()
    next_stall_check = loop.time()
    while not stop.is_set():
        try:
            if loop.time() >= next_stall_check:
                next_stall_check = loop.time() + STALLED_CHECK_SECONDS
                await answer_stalled(outbox, senders)
            busy = await deliver(outbox, senders)
        except ServiceUnavailableError as error:
            logger.warning("Relay paused, database unavailable: %s", error)
            busy = 0
        if not busy:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(stop.wait(), POLL_SECONDS)
