"""The embeddable web widget (`<script src=".../webhooks/widget/widget.js">`), a Rasa
input channel with the library's guard. Routes under /webhooks/widget/:

- GET  widget.js, widget.css: the widget itself (bot/web/widget/), no CDN;
- POST session: a new conversation, {"session_id", "token", "idle_seconds"} (token =
  HMAC of the id; after idle_seconds without a message the widget starts afresh);
- POST message {"session_id", "token", "text"}: {"messages": [Rasa replies]};
- POST logout {"session_id", "token"}: signs the reader out of the conversation (the
  widget's 退出登录, and what it does itself after WIDGET_IDLE_MINUTES without use);
- GET  updates?session_id&token&after=N: messages queued since (staff replies, the rating
  prompt, late assistant replies), {"messages": [{"id", ...}], "last_id": M}; asking with
  after=M acknowledges everything up to M;
- GET  events?session_id&token&after=N: the same messages as Server-Sent Events
  ("message", id = the message id), pushed within CHECK_SECONDS; a reconnecting browser's
  Last-Event-ID (or after) acknowledges what it has; at most MAX_STREAMS per session
  (429 beyond). The widget polls updates only when the stream fails.

Refusals: a missing, malformed or forged session → 403, a page of another origin → 403,
bad JSON → 400, a body over 16 KB → 413; each is logged with its reason.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import wiring
from bot.channels.guard import CLIENT_ADDRESS, guarded, reader_login
from bot.channels.widget_cors import OriginPolicy
from bot.channels.widget_session import SessionRefusedError, checked_session, new_session
from bot.live_stream import Event, StreamSlots, TooManyStreamsError, resume_point, serve_events
from bot.services.handoff_model import OutboxItem
from bot.services.interface import ServiceUnavailableError
from bot.settings import load_settings

logger = logging.getLogger(__name__)

CHANNEL = "widget"
BLUEPRINT = "library_widget"
STATIC_DIR = Path(__file__).resolve().parent.parent / "web" / "widget"
STATIC_TYPES = {
    "widget.js": "application/javascript; charset=utf-8",
    "widget.css": "text/css; charset=utf-8",
}
STATIC_MAX_AGE_SECONDS = 300
MAX_BODY_BYTES = 16 * 1024
REPLY_FIELDS = ("text", "buttons", "custom")
#: open event streams per widget session (a few tabs of the same page)
MAX_STREAMS = 4

Handler = Callable[..., Coroutine[Any, Any, HTTPResponse | None]]


class RefusedError(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


def json_body(request: Request) -> dict[str, Any]:
    if len(request.body or b"") > MAX_BODY_BYTES:
        raise RefusedError(413, f"body of {len(request.body)} bytes")
    try:
        body = json.loads(request.body or b"")
    except (ValueError, UnicodeDecodeError):
        raise RefusedError(400, "body is not JSON") from None
    if not isinstance(body, dict):
        raise RefusedError(400, "body is not a JSON object")
    return body


def reply_of(message: dict[str, Any]) -> dict[str, Any]:
    """A Rasa reply as the widget gets it (no recipient id)."""
    return {key: message[key] for key in REPLY_FIELDS if key in message}


def update_of(item: OutboxItem) -> dict[str, Any]:
    return {"id": item.outbox_id, "text": item.text, "buttons": item.buttons,
            "sender": item.sender, "staff_name": item.staff_name}


class WidgetInput(InputChannel):
    """The reader widget on the library's web pages."""

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    def __init__(self) -> None:
        settings = load_settings()
        self.secret = settings.widget_secret
        self.idle_seconds = settings.widget_idle_minutes * 60
        self.policy = OriginPolicy(settings.widget_origins, BLUEPRINT)
        self.outbox = wiring.outbox(settings)
        self.streams = StreamSlots(MAX_STREAMS)

    def session_of(self, session_id: object, token: object) -> str:
        try:
            return checked_session(self.secret, session_id, token)
        except SessionRefusedError as refused:
            raise RefusedError(403, str(refused)) from None

    def answering(self, handler: Handler) -> Handler:
        """Runs a route: origin check, refusals as logged JSON errors, CORS headers."""
        async def route(request: Request, **path: str) -> HTTPResponse | None:
            try:
                refused = self.policy.refusal(request)
                if refused:
                    raise RefusedError(403, refused)
                answer = await handler(request, **path)
                if answer is None:  # streamed, with its headers
                    return None
            except RefusedError as refusal:
                logger.warning("Widget request refused with %d: %s (%s %s)", refusal.status,
                               refusal, request.method, request.path)
                answer = response.json({"error": str(refusal)}, status=refusal.status)
            except ServiceUnavailableError:
                logger.warning("Library database unavailable for the widget")
                answer = response.json({"error": "unavailable"}, status=503)
            answer.headers.update(self.policy.headers(request))
            return answer

        route.__name__ = handler.__name__
        return route

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[None]]
    ) -> Blueprint:
        handle = guarded(on_new_message)
        widget = Blueprint(BLUEPRINT, __name__)

        @widget.listener("before_server_start")
        async def install_cors(app: Any, _loop: Any) -> None:
            self.policy.install(app)

        async def static(request: Request, filename: str) -> HTTPResponse:
            if filename not in STATIC_TYPES:
                raise RefusedError(404, f"no static file {filename[:50]!r}")
            body = await asyncio.to_thread((STATIC_DIR / filename).read_bytes)
            return response.raw(body, content_type=STATIC_TYPES[filename], headers={
                "Cache-Control": f"public, max-age={STATIC_MAX_AGE_SECONDS}"})

        async def session(request: Request) -> HTTPResponse:
            if len(request.body or b"") > MAX_BODY_BYTES:
                raise RefusedError(413, f"body of {len(request.body)} bytes")
            return response.json({**new_session(self.secret), "idle_seconds": self.idle_seconds})

        async def message(request: Request) -> HTTPResponse:
            body = json_body(request)
            sender = self.session_of(body.get("session_id"), body.get("token"))
            text = body.get("text")
            if not isinstance(text, str):
                raise RefusedError(400, "text is not a string")
            collector = CollectingOutputChannel()
            await handle(UserMessage(text, collector, sender, input_channel=CHANNEL,
                                     metadata={CLIENT_ADDRESS: request.remote_addr or request.ip}))
            return response.json({"messages": [reply_of(m) for m in collector.messages]},
                                 ensure_ascii=False)

        async def logout(request: Request) -> HTTPResponse:
            body = json_body(request)
            sender = self.session_of(body.get("session_id"), body.get("token"))
            ended = await asyncio.to_thread(reader_login().end_reader_session, CHANNEL, sender)
            return response.json({"signed_out": ended})

        async def updates(request: Request) -> HTTPResponse:
            args = request.args
            sender = self.session_of(args.get("session_id"), args.get("token"))
            after = args.get("after", "0")
            if not after.isdigit() or len(after) > 18:
                raise RefusedError(400, "after is not a message id")
            items = await asyncio.to_thread(self.outbox.pull, CHANNEL, sender, int(after))
            return response.json(
                {"messages": [update_of(item) for item in items],
                 "last_id": max([int(after), *(item.outbox_id for item in items)])},
                ensure_ascii=False,
            )

        async def events(request: Request) -> None:
            args = request.args
            sender = self.session_of(args.get("session_id"), args.get("token"))
            after = resume_point(request, args.get("after"))
            if after is None:
                raise RefusedError(400, "after is not a message id")
            await asyncio.to_thread(self.outbox.pull, CHANNEL, sender, after)  # acknowledged

            async def fetch(cursor: int) -> tuple[list[Event], int]:
                try:
                    items = await asyncio.to_thread(self.outbox.waiting, CHANNEL, sender, cursor)
                except ServiceUnavailableError:
                    return [], cursor  # the next check tries again
                return ([(item.outbox_id, "message", update_of(item)) for item in items],
                        max([cursor, *(item.outbox_id for item in items)]))

            try:
                async with self.streams.slot(sender):
                    await serve_events(request, fetch, after, self.policy.headers(request))
            except TooManyStreamsError:
                raise RefusedError(429, "too many open streams") from None

        widget.add_route(self.answering(static), "/<filename:str>", methods=["GET", "OPTIONS"])
        for handler, method in ((session, "POST"), (message, "POST"), (logout, "POST"),
                                (updates, "GET"), (events, "GET")):
            widget.add_route(self.answering(handler), f"/{handler.__name__}",
                             methods=[method, "OPTIONS"])
        return widget
