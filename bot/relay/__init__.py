"""The relay: sends what staff wrote (stored in the outbox) to readers on push channels
(WeChat customer-service messages, Telegram), retrying until delivered or given up.

Pull channels (the web widget) fetch their messages themselves (Outbox.pull in
bot.services.desk_roles).
"""

from __future__ import annotations

from typing import Protocol

from bot.services.handoff_model import OutboxItem


class DeliveryError(Exception):
    """A message could not be delivered. permanent: retrying cannot help (e.g. WeChat's
    48-hour customer-service window has closed, the reader blocked the bot)."""

    def __init__(self, reason: str, permanent: bool = False) -> None:
        super().__init__(reason)
        self.permanent = permanent


class Sender(Protocol):
    """Delivers outbox messages of one channel."""

    channel: str

    async def send(self, item: OutboxItem) -> None:
        """Delivers the message or raises DeliveryError."""
        ...
