""""不要了", "算了", the "不预约了" button: the reader declines what the previous answer
offered. Inside verification the form's own rule leaves it (actions/login.py); after
"还有其他问题吗" the reader is saying goodbye (nlu_data/rules.yml)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.catalogue import held_title, show_results
from actions.context import previous
from actions.holds import clear_hold_slots
from actions.library import LibraryAction
from bot.outcome import outcome


class ActionDecline(LibraryAction):
    action_name = "action_decline"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
        text = tracker.latest_message.get("text", "")
        # "大卫不可以" reads like a no to the NLU: a title the library holds is no answer
        if not text.startswith("/") and (found := held_title(text)):
            return show_results(dispatcher, *found, offset=0)
        if previous(tracker, "hold_confirm") or tracker.get_slot("bib_id"):
            dispatcher.utter_message(text="好的，不预约了。还有其他可以帮您的吗？",
                                     **outcome("cancelled"))
            return clear_hold_slots()
        dispatcher.utter_message(text="好的。有需要随时找我。", **outcome("declined"))
        return []
