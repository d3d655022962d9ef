"""Actions whose library services (catalogue, circulation, hours, FAQ, staff desk)
are not connected yet.

Each one tells the reader plainly what it understood and that the service is not
available yet; none of them pretends to have found a book or made a reservation.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.reader_text import latest_entity_values

# Entity name -> how it is described to the reader.
_ENTITY_LABELS = {
    "title": "书名",
    "author": "作者",
    "isbn": "ISBN",
    "subject": "主题",
    "branch": "馆",
    "date": "日期",
    "holiday": "节日",
}


def describe_request(tracker: Tracker, entities: tuple[str, ...]) -> str:
    """'（书名：三体；馆：鼓楼区图书馆）' for the entities found, or '' if none."""
    parts = []
    for entity in entities:
        values = latest_entity_values(tracker, entity)
        if values:
            if entity == "title":
                values = [f"《{value}》" for value in values]
            parts.append(f"{_ENTITY_LABELS[entity]}：{'、'.join(values)}")
    return f"（{'；'.join(parts)}）" if parts else ""


class PendingServiceAction(Action):
    """Base class: answer honestly that a service is not connected yet."""

    action_name = ""
    #: what the reader asked for, e.g. "查询馆藏"
    request_label = ""
    #: entities worth repeating back to the reader
    entities: tuple[str, ...] = ()
    #: what the reader can do meanwhile
    meanwhile = "您可以稍后再试，或到馆向服务台馆员咨询。"

    def name(self) -> str:
        return self.action_name

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[dict[str, Any]]:
        understood = describe_request(tracker, self.entities)
        dispatcher.utter_message(
            text=(
                f"收到，您想{self.request_label}{understood}。"
                f"抱歉，这项服务还在接入中，暂时无法为您办理。{self.meanwhile}"
            )
        )
        return []


class ActionOpeningHours(PendingServiceAction):
    action_name = "action_opening_hours"
    request_label = "了解开放时间"
    entities = ("branch", "date", "holiday")
    meanwhile = "具体开放安排请以金陵图书馆官网和微信公众号的公告为准。"


class ActionLocation(PendingServiceAction):
    action_name = "action_location"
    request_label = "了解地址和交通"
    entities = ("branch",)
    meanwhile = (
        "金陵图书馆总馆位于南京市建邺区乐山路158号（奥体中心附近），各分馆地址请以官网为准。"
    )


class ActionSearchCatalogue(PendingServiceAction):
    action_name = "action_search_catalogue"
    request_label = "查询馆藏"
    entities = ("title", "author", "isbn", "subject")


class ActionPlaceReservation(PendingServiceAction):
    action_name = "action_place_reservation"
    request_label = "预约图书"
    entities = ("title", "branch")


class ActionListReservations(PendingServiceAction):
    action_name = "action_list_reservations"
    request_label = "查看您的预约"


class ActionCancelReservation(PendingServiceAction):
    action_name = "action_cancel_reservation"
    request_label = "取消预约"
    entities = ("title",)


class ActionAnswerPolicy(PendingServiceAction):
    action_name = "action_answer_policy"
    request_label = "了解图书馆的规定"
    meanwhile = "办证、借阅等规定请以金陵图书馆官网公告或服务台馆员的答复为准。"


class ActionHandoffToStaff(PendingServiceAction):
    action_name = "action_handoff_to_staff"
    request_label = "找人工馆员"
    meanwhile = "在线人工咨询开通前，请到馆时在服务台咨询馆员。"
