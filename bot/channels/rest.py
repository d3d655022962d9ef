"""The REST channel (`POST /webhooks/rest/webhook`) with the library's guard."""

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

    def _extract_input_channel(self, req: Request) -> str:
        # A client may not pose as another channel (sessions are per channel).
        return self.name()

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[None]]
    ) -> Blueprint:
        return super().blueprint(guarded(on_new_message))
