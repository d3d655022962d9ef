"""The WeChat channel under load: readers writing at once to a running assistant.

Messages are signed (and in safe mode encrypted) exactly as WeChat's servers do it
(tests/standins/wechat.py). WeChat waits 5 s for an answer; the channel answers within
its passive window or says "success" and sends the reply later through the
customer-service queue, so the share answered passively is what readers feel.
"""

from __future__ import annotations

import asyncio
import statistics
import time
import uuid

import httpx

from bench.messages import MESSAGE_MIX
from bench.stats import percentile
from bot.settings import Settings
from tests.standins.wechat import WeChatPush, message_xml

WECHAT_WINDOW_SECONDS = 5.0
# A handoff would send the reader's next messages to staff instead of the assistant.
WECHAT_MIX = [text for text in MESSAGE_MIX if text != "转人工"]


async def _reader(push: WeChatPush, client: httpx.AsyncClient, index: int, rounds: int,
                  timings: list[float], passive: list[bool], errors: list[str]) -> None:
    """One reader (OpenID) sending `rounds` messages, each after the previous answer."""
    reader = f"oBench{uuid.uuid4().hex[:22]}"
    for turn in range(rounds):
        delivery = push.delivery(message_xml(
            reader, "text", Content=WECHAT_MIX[(index + turn) % len(WECHAT_MIX)]))
        started = time.perf_counter()
        try:
            answer = await push.post(client, delivery)
            seconds = time.perf_counter() - started
            reply = push.reply_content(answer, delivery)
        except (httpx.HTTPError, AssertionError) as error:
            errors.append(f"{type(error).__name__}: {str(error)[:200]}")
            continue
        timings.append(seconds * 1000)
        passive.append(reply is not None and seconds <= WECHAT_WINDOW_SECONDS)


def measure_wechat(settings: Settings, users: int = 50, rounds: int = 4) -> dict:
    """`users` readers at once, `rounds` messages each, against the WeChat webhook of
    the assistant running with these settings (WECHAT_TOKEN etc. set).

    Returns reply times of the webhook (ms: p50, p95, max), the share of messages
    answered passively within WeChat's 5 s, and the errors (refusals, timeouts)."""
    push = WeChatPush(settings.wechat_token, settings.wechat_app_id, settings.wechat_aes_key,
                      settings.rasa_url + "/webhooks/wechat/webhook")
    timings: list[float] = []
    passive: list[bool] = []
    errors: list[str] = []

    async def run() -> None:
        limits = httpx.Limits(max_connections=users)
        async with httpx.AsyncClient(timeout=30, limits=limits) as client:
            await asyncio.gather(*(_reader(push, client, index, rounds, timings, passive,
                                           errors) for index in range(users)))

    asyncio.run(run())
    return {
        "users": users,
        "messages": users * rounds,
        "p50_ms": round(statistics.median(timings)) if timings else None,
        "p95_ms": round(percentile(timings, 0.95)) if timings else None,
        "max_ms": round(max(timings)) if timings else None,
        "passive_within_5s": round(sum(passive) / (users * rounds), 3),
        "errors": len(errors),
        "error_examples": errors[:3],
    }
