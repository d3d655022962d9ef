"""Server-Sent Events for the pages that show messages as they arrive (the reader widget,
the staff desk), instead of the browser asking every 2 s.

The processes that write messages (Rasa, the action server, the console) are separate,
so a stream notices new rows itself: every CHECK_SECONDS it runs one cheap indexed query
for rows newer than the last id it sent (SQLite and PostgreSQL alike). Each event carries
that id, so a browser that reconnects sends Last-Event-ID and gets exactly what it has not
seen. A comment line every HEARTBEAT_SECONDS keeps proxies from closing a quiet stream;
after MAX_STREAM_SECONDS the stream ends and the browser reconnects (nothing is lost), and
a stream ends as soon as its client goes (Sanic cancels the handler).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from sanic.request import Request

CHECK_SECONDS = 0.2
HEARTBEAT_SECONDS = 15.0
MAX_STREAM_SECONDS = 300.0
#: the browser waits this long before reconnecting after a dropped stream
RETRY_MS = 1000
CONTENT_TYPE = "text/event-stream; charset=utf-8"
HEADERS = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
MAX_ID_DIGITS = 18

#: (event id, event name, data) — the id is the client's resume point
Event = tuple[int, str, Any]
#: events after a resume point (and the new resume point)
Fetch = Callable[[int], Awaitable[tuple[list[Event], int]]]


class TooManyStreamsError(Exception):
    """The client already has as many open streams as allowed."""


def event_text(event_id: int, name: str, data: Any) -> str:
    return (f"id: {event_id}\nevent: {name}\n"
            f"data: {json.dumps(data, ensure_ascii=False)}\n\n")


def resume_point(request: Request, after: str | None = None) -> int | None:
    """The id the client has seen: the Last-Event-ID header of a reconnecting EventSource,
    else the `after` query value of a new one; None if either is not an id."""
    value = request.headers.get("last-event-id") or after or "0"
    if not value.isdigit() or len(value) > MAX_ID_DIGITS:
        return None
    return int(value)


class StreamSlots:
    """Open streams per client (a widget session, a staff member), at most `limit`."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.open: Counter[str] = Counter()

    @asynccontextmanager
    async def slot(self, key: str) -> AsyncIterator[None]:
        if self.open[key] >= self.limit:
            raise TooManyStreamsError(key)
        self.open[key] += 1
        try:
            yield
        finally:
            self.open[key] -= 1
            if not self.open[key]:
                del self.open[key]


async def serve_events(
    request: Request, fetch: Fetch, cursor: int, headers: dict[str, str] | None = None,
    still_allowed: Callable[[], Awaitable[bool]] | None = None,
    check_seconds: float = CHECK_SECONDS, heartbeat_seconds: float = HEARTBEAT_SECONDS,
    max_seconds: float = MAX_STREAM_SECONDS,
) -> None:
    """Streams fetch's events until the client goes or max_seconds have passed.

    still_allowed: asked at every heartbeat; the stream ends when it says no (e.g. the
    staff member signed out)."""
    response = await request.respond(content_type=CONTENT_TYPE,
                                     headers={**HEADERS, **(headers or {})})
    await response.send(f"retry: {RETRY_MS}\n\n")
    started = last_write = time.monotonic()
    while time.monotonic() - started < max_seconds:
        events, cursor = await fetch(cursor)
        if events:
            await response.send("".join(event_text(*event) for event in events))
            last_write = time.monotonic()
        elif time.monotonic() - last_write >= heartbeat_seconds:
            if still_allowed is not None and not await still_allowed():
                break
            await response.send(": heartbeat\n\n")
            last_write = time.monotonic()
        await asyncio.sleep(check_seconds)
    await response.eof()
