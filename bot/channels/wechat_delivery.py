"""WeChat's 5-second window and its retries: each message is processed once, and its
reply reaches the reader once.

WeChat waits 5 s for the answer to a message and, getting none, sends the same message
again (3 tries in all); it shows only the answer to the try it is still waiting for.
Each message is recorded with inbound.take_in("wechat", key) and its outcome stored on
that record (inbound.store_replies), which gives these states:

- no record: first delivery → recorded as *in progress*, processed; if the replies are
  ready within PASSIVE_SECONDS of taking the message in, they are the passive answer
  (a text that does not fit into one WeChat message continues through the
  customer-service queue), else the answer is "success" and the replies go to the
  customer-service queue (outbox.queue_reply, sent by the relay) when they are ready;
  either way the outcome below is recorded right after answering;
- *in progress* (record without outcome): a retry never processes the message again;
  it waits up to PASSIVE_SECONDS for the outcome of the first delivery and answers as
  below, or "success" if there is still none (the first delivery then has passed its
  own window and queues its replies);
- *passive* ([{"passive": text}]): WeChat retries only when it did not take the first
  answer, so the same text is the retry's answer (shown once);
- *queued* ([{"queued": true}]): the replies go (or went) through the customer-service
  queue → "success", so nothing is delivered twice;
- *silent* ([]): nothing to say (e.g. unsubscribe) → "success";
- *stalled* ([{"stalled": true}]): the process taking the message stopped before any
  outcome was recorded; the relay has sent the reader an apology (outbox.answer_stalled).

If the database is down, messages are processed without deduplication and late replies
are lost (logged).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from bot.channels.guard import NO_REPLY_TEXT
from bot.channels.wechat_text import render, split_text
from bot.services.desk_roles import InboundLog, Outbox
from bot.services.interface import ServiceUnavailableError

logger = logging.getLogger(__name__)

CHANNEL = "wechat"
#: how long the first delivery waits for the replies before answering "success"
PASSIVE_SECONDS = 4.0
POLL_SECONDS = 0.2
QUEUED: dict = {"queued": True}

Produce = Callable[[], Awaitable[list[dict]]]


def _passive_text(outcome: list[dict]) -> str | None:
    return next((entry["passive"] for entry in outcome if "passive" in entry), None)


class WeChatDelivery:
    def __init__(self, inbound: InboundLog, outbox: Outbox,
                 passive_seconds: float = PASSIVE_SECONDS) -> None:
        self.inbound, self.outbox = inbound, outbox
        self.passive_seconds = passive_seconds
        self._tasks: set[asyncio.Task] = set()

    async def answer(self, key: str, openid: str, produce: Produce) -> str | None:
        """The passive reply to a delivery of a message, or None ("success").

        Runs detached from the request: if WeChat hangs up early (which cancels the
        request), the message is still processed and its replies queued."""
        return await asyncio.shield(self._detached(self._answer(key, openid, produce)))

    def _detached(self, work: Awaitable[str | None]) -> asyncio.Task:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _answer(self, key: str, openid: str, produce: Produce) -> str | None:
        deadline = asyncio.get_running_loop().time() + self.passive_seconds
        try:
            state = await asyncio.to_thread(self.inbound.take_in, CHANNEL, key, openid)
        except ServiceUnavailableError as error:
            logger.warning("WeChat message processed without deduplication: %s", error)
            return await self._process(None, openid, produce, deadline)
        if not state.first_delivery:
            return await self._redelivered(key, deadline)
        return await self._process(key, openid, produce, deadline)

    async def _process(self, key: str | None, openid: str, produce: Produce,
                       deadline: float) -> str | None:
        work = asyncio.create_task(self._replies(produce))
        left = deadline - asyncio.get_running_loop().time()
        try:
            chunks = await asyncio.wait_for(asyncio.shield(work), max(left, 0))
        except asyncio.TimeoutError:
            self._detached(self._queue_when_ready(key, work, openid))
            return None
        # The answer goes out at once; its outcome is recorded after (a retry meanwhile
        # waits for it).
        self._detached(self._settle(key, openid, chunks))
        return chunks[0] if chunks else None

    @staticmethod
    async def _replies(produce: Produce) -> list[str]:
        """The replies as WeChat-sized texts (a failure becomes a clear message)."""
        try:
            messages = await produce()
        except Exception:
            logger.exception("WeChat message could not be processed")
            messages = [{"text": NO_REPLY_TEXT}]
        return split_text(render(messages))

    async def _settle(self, key: str | None, openid: str, chunks: list[str]) -> None:
        """Records a passive answer, after queueing what did not fit into it."""
        await self._queue(openid, chunks[1:])
        await self._store(key, [{"passive": chunks[0]}] if chunks else [])

    async def _queue_when_ready(self, key: str | None, work: asyncio.Task,
                                openid: str) -> None:
        await self._store(key, [QUEUED])
        await self._queue(openid, await work)

    async def _queue(self, openid: str, chunks: list[str]) -> None:
        for chunk in chunks:
            try:
                await asyncio.to_thread(self.outbox.queue_reply, CHANNEL, openid, chunk)
            except ServiceUnavailableError as error:
                logger.error("WeChat reply lost, database unavailable: %s", error)
                return

    async def _store(self, key: str | None, outcome: list[dict]) -> None:
        if key is None:
            return
        try:
            await asyncio.to_thread(self.inbound.store_replies, CHANNEL, key, outcome)
        except ServiceUnavailableError as error:
            logger.warning("WeChat outcome not recorded (a retry may get no answer): %s",
                           error)

    async def _redelivered(self, key: str, deadline: float) -> str | None:
        while True:
            try:
                outcome = (await asyncio.to_thread(self.inbound.take_in, CHANNEL, key)).replies
            except ServiceUnavailableError:
                return None
            if outcome is not None:
                return _passive_text(outcome)
            if asyncio.get_running_loop().time() >= deadline:
                return None
            await asyncio.sleep(POLL_SECONDS)

    async def drain(self) -> None:
        """Waits until every message taken in is answered or its replies are queued
        (at shutdown, and in tests)."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
