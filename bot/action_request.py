"""The request Rasa posts to the action server (`POST /webhook`) to run one action:
lets benchmarks and tests call the real action server without the NLU in between,
with the secret the action server requires (bot/action_server.py)."""

from __future__ import annotations

import uuid
from typing import Any

import rasa_sdk

from bot.http_json import post_json
from bot.settings import Settings

TOKEN_HEADER = "X-Action-Token"


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


def run_action(settings: Settings, request: dict[str, Any]) -> Any:
    """Posts one action request to the settings' action server, as Rasa does."""
    return post_json(settings.action_server_url, request,
                     headers={TOKEN_HEADER: settings.action_server_token})
