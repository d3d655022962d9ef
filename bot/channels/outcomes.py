"""The REST channel's replies carry their outcome (bot/outcome.py): `"outcome": {"kind":
..., ...}` next to the text; the other channels do not show it."""

from __future__ import annotations

from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel

from bot.outcome import UTTERED


class OutcomeCollectingOutputChannel(CollectingOutputChannel):
    """Rasa's collecting channel, keeping each reply's outcome in the reply."""

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        start = len(self.messages)
        await super().send_text_message(recipient_id, text, **kwargs)
        self._tag(start, kwargs)

    async def send_text_with_buttons(self, recipient_id: str, text: str,
                                     buttons: list[dict[str, Any]], **kwargs: Any) -> None:
        start = len(self.messages)
        await super().send_text_with_buttons(recipient_id, text, buttons, **kwargs)
        self._tag(start, kwargs)

    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any],
                               **kwargs: Any) -> None:
        start = len(self.messages)
        await super().send_custom_json(recipient_id, json_message, **kwargs)
        self._tag(start, kwargs)

    def _tag(self, start: int, kwargs: dict[str, Any]) -> None:
        found = kwargs.get("outcome")
        if found is None and kwargs.get("utter_action") in UTTERED:
            found = {"kind": UTTERED[kwargs["utter_action"]]}
        if found:
            for message in self.messages[start:]:
                message["outcome"] = found
