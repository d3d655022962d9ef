"""Actions whose services (the staff desk) are not connected yet.

Each tells the reader plainly that the service is not available yet and what to do
meanwhile; none pretends to have answered or to have found a librarian.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher


class PendingServiceAction(Action):
    """Base class: answer honestly that a service is not connected yet."""

    action_name = ""
    #: what the reader asked for, e.g. "了解图书馆的规定"
    request_label = ""
    #: what the reader can do meanwhile
    meanwhile = ""

    def name(self) -> str:
        return self.action_name

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(
            text=f"收到，您想{self.request_label}。"
            f"抱歉，这项服务还在接入中，暂时无法为您办理。{self.meanwhile}"
        )
        return []


class ActionHandoffToStaff(PendingServiceAction):
    action_name = "action_handoff_to_staff"
    request_label = "找人工馆员"
    meanwhile = "在线人工咨询开通前，请到馆时在服务台咨询馆员。"
