"""What the reader got, as structured metadata on a reply: `{"kind": ..., ...}` — the
FAQ entry answered, the branch and day of the hours given, the books found, the hold
placed … The REST channel returns it with each reply (bot/channels/outcomes.py); the
reader evaluation (bench/reader_eval.py) grades on it.

Actions attach it (`dispatcher.utter_message(..., **outcome("hours", branch=...))`,
which Rasa keeps as the reply's metadata), domain responses get it from their name
(UTTERED), the channel guard names its own answers.
"""

from __future__ import annotations

from typing import Any

UTTERED = {
    "utter_greet": "greet",
    "utter_goodbye": "goodbye",
    "utter_youre_welcome": "thanks",
    "utter_iamabot": "bot_identity",
    "utter_out_of_scope": "out_of_scope",
    "utter_please_rephrase": "clarify",
    "utter_ask_what_else": "ask_what_else",
    "utter_default": "clarify",
    "utter_ask_card_number": "login_card",
}


def outcome(kind: str, **fields: Any) -> dict[str, dict[str, Any]]:
    """Keyword arguments for utter_message / send_text_message naming the outcome."""
    return {"outcome": {"kind": kind, **{k: v for k, v in fields.items() if v is not None}}}
