"""The request Rasa posts to the action server (`POST /webhook`) to run one action:
lets benchmarks and tests call the real action server without the NLU in between."""

from __future__ import annotations

import uuid
from typing import Any

import rasa_sdk


def action_request(
    action: str, text: str, intent: str, entities: list[dict[str, Any]] | None = None,
    slots: dict[str, Any] | None = None,
) -> dict[str, Any]:
    sender = f"direct-{uuid.uuid4().hex[:8]}"
    slots = slots or {}
    return {
        "next_action": action,
        "sender_id": sender,
        "version": rasa_sdk.__version__,
        "tracker": {
            "sender_id": sender,
            "slots": slots,
            "latest_message": {
                "text": text,
                "intent": {"name": intent, "confidence": 1.0},
                "entities": entities or [],
            },
            "events": [],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        },
        "domain": {"slots": {name: {"type": "text"} for name in slots}},
    }
