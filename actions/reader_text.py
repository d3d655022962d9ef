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


def without_branches(tracker: Tracker) -> str:
    """The reader's message less the branches the NLU found in it."""
    text = tracker.latest_message.get("text", "")
    spans = sorted((entity["start"], entity["end"])
                   for entity in tracker.latest_message.get("entities", [])
                   if entity.get("entity") == "branch"
                   and isinstance(entity.get("start"), int) and isinstance(entity.get("end"), int))
    cut = len(text)
    for start, end in reversed(spans):
        if end <= cut:  # two extractors may have found one branch
            text, cut = text[:start] + text[end:], start
    return text
