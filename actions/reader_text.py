"""Safe handling of text that came from the reader and is shown back to them."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker

MAX_QUOTED_LENGTH = 40
_MARKUP = re.compile(r"[<>&\"'`\\{}]")


def quote(value: str) -> str:
    """A reader-supplied value made safe to repeat: no markup characters, bounded length."""
    cleaned = _MARKUP.sub("", value).strip()
    if len(cleaned) > MAX_QUOTED_LENGTH:
        cleaned = cleaned[:MAX_QUOTED_LENGTH] + "…"
    return cleaned


def latest_entity_values(tracker: Tracker, entity: str) -> list[str]:
    """Distinct, sanitised values of one entity in the reader's latest message."""
    return entity_values(tracker.latest_message, entity)


def entity_values(parsed: dict[str, Any], entity: str) -> list[str]:
    """Distinct, sanitised values of one entity in a message as the NLU parsed it."""
    values: list[str] = []
    for item in parsed.get("entities", []):
        if item.get("entity") != entity:
            continue
        value = quote(str(item.get("value", "")))
        if value and value not in values:
            values.append(value)
    return values
