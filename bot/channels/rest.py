"""The REST channel (`POST /webhooks/rest/webhook`) with the library's guard. Its
conversations are named "rest:<sender>"."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint
from sanic.request import Request

from bot.channels.guard import guarded


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

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[None]]
    ) -> Blueprint:
        return super().blueprint(guarded(on_new_message))
