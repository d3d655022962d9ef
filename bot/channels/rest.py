"""The REST channel (`POST /webhooks/rest/webhook`) with the library's guard, for
tools, tests and integrations. Its conversations are named "rest:<sender>".

It shares the port of the reader channels, so it is closed unless configured:
- with REST_CHANNEL_TOKEN set, a request needs "Authorization: Bearer <token>";
- without it, only direct callers on this machine are answered: a loopback address and
  no proxy headers (a reverse proxy in front of the widget must not open it to all);
- `sender` is required (no shared conversation called "default"), the body must be
  JSON (so no cross-origin "simple" text/plain form post is processed) and at most
  64 KB.
Each reply carries its outcome (bot/outcome.py) when there is one.
Refusals are JSON errors (401/403/400/413/415), logged with their reason.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.guard import CLIENT_ADDRESS, guarded, is_loopback
from bot.channels.outcomes import OutcomeCollectingOutputChannel
from bot.settings import load_settings

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 * 1024  # room for JSON with escaped (\\uXXXX) Chinese text
MAX_SENDER_CHARS = 100
PROXY_HEADERS = ("forwarded", "x-forwarded-for", "x-real-ip")


def refusal(request: Request, token: str) -> tuple[int, str] | None:
    """Why this request may not use the REST channel (status, reason), if it may not."""
    if request.method != "POST" or not request.path.endswith("/webhook"):
        return None
    if token:
        given = request.headers.get("authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            return 401, "missing or wrong token"
    elif not is_loopback(request.ip) or any(h in request.headers for h in PROXY_HEADERS):
        return 403, "no REST_CHANNEL_TOKEN configured: local callers only"
    if int(request.headers.get("content-length") or len(request.body or b"")) > MAX_BODY_BYTES:
        return 413, "body too large"
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        return 415, "body is not declared as JSON"
    try:
        body = request.json
    except Exception:  # Sanic raises its own BadRequest for malformed JSON
        return 400, "body is not JSON"
    if not isinstance(body, dict):
        return 400, "body is not a JSON object"
    sender = body.get("sender")
    if not isinstance(sender, str) or not sender.strip() or len(sender) > MAX_SENDER_CHARS:
        return 400, "sender is missing or not a short string"
    if not isinstance(body.get("message"), str):
        return 400, "message is not a string"
    return None


class LibraryRestInput(RestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"

    async def _extract_sender(self, req: Request) -> str | None:
        # REST clients name their conversations themselves: keep those apart from every
        # other channel's readers (a REST client must never write into, or read from, the
        # conversation of a WeChat or Telegram reader whose id it happens to know).
        sender = await super()._extract_sender(req)
        return None if sender is None else f"rest:{sender}"

    def _extract_input_channel(self, req: Request) -> str:
        # A client may not pose as another channel (sessions are per channel).
        return self.name()

    def get_metadata(self, request: Request) -> dict[str, Any] | None:
        # The caller's address, for the guard's login throttling (never client-chosen).
        metadata = super().get_metadata(request)
        return {**(metadata if isinstance(metadata, dict) else {}),
                CLIENT_ADDRESS: request.remote_addr or request.ip}

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[None]]
    ) -> Blueprint:
        token = load_settings().rest_token
        handle = guarded(on_new_message)

        async def with_outcomes(message: UserMessage) -> None:
            # RestInput answers with its collector's messages: collect them with outcomes.
            collector = message.output_channel
            if isinstance(collector, CollectingOutputChannel):
                tagged = OutcomeCollectingOutputChannel()
                tagged.messages = collector.messages
                message.output_channel = tagged
            await handle(message)

        rest = super().blueprint(with_outcomes)

        @rest.middleware("request")
        async def admit(request: Request) -> HTTPResponse | None:
            refused = refusal(request, token)
            if refused is None:
                return None
            status, reason = refused
            logger.warning("REST request refused with %d: %s", status, reason)
            return response.json({"error": reason}, status=status)

        return rest
