"""Opening hours (date- and holiday-aware) and how to get to a branch."""

from __future__ import annotations

from datetime import date
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.dates import describe_day, parse_day
from actions.library import LibraryAction, services
from actions.reader_text import latest_entity_values, quote
from bot import clock
from bot.services.interface import BranchInfo, DayHours

MAIN_BRANCH = "JL-MAIN"
UNCONFIRMED_NOTE = "（以上为示例数据，图书馆尚未确认，请以金陵图书馆官网和公众号公告为准。）"


def requested_branch(dispatcher: CollectingDispatcher, tracker: Tracker) -> BranchInfo | None:
    """The branch the reader named (or the main library); None, after telling the
    reader which branches there are, if the name is unknown."""
    info = services().info
    for name in latest_entity_values(tracker, "branch"):
        branch = info.find_branch(name)
        if branch is None:
            names = "、".join(b.name for b in info.branches())
            dispatcher.utter_message(
                text=f"抱歉，没有找到“{quote(name)}”。目前可以查询的馆有：{names}。"
            )
        return branch
    return info.find_branch(MAIN_BRANCH) or info.branches()[0]


def hours_text(hours: DayHours, today: date) -> str:
    when = describe_day(hours.day, today)
    reason = f"（{hours.reason}）" if hours.reason else ""
    if hours.opens is None:
        return f"{hours.branch}{when}闭馆{reason}。"
    return f"{hours.branch}{when}开放{reason}，时间 {hours.opens:%H:%M}–{hours.closes:%H:%M}。"


class ActionOpeningHours(LibraryAction):
    action_name = "action_opening_hours"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
        branch = requested_branch(dispatcher, tracker)
        if branch is None:
            return []
        today = clock.today()
        lines = []
        day = None
        for holiday in latest_entity_values(tracker, "holiday"):
            day = services().info.holiday_date(holiday, today)
            if day is None:
                lines.append(f"图书馆还没有公布{holiday}期间的开放安排，届时请关注官网公告。")
        if day is None:
            spoken = " ".join(latest_entity_values(tracker, "date"))
            text = tracker.latest_message.get("text", "")
            day = parse_day(spoken, today) or parse_day(text, today)
        if day is None:
            day = today
        if day < today:
            lines.append("这个日期已经过去了，下面是今天的开放情况。")
            day = today
        lines.append(hours_text(services().info.hours_on(branch.code, day), today))
        if not branch.confirmed:
            lines.append(UNCONFIRMED_NOTE)
        dispatcher.utter_message(text="\n".join(lines))
        return []


class ActionLocation(LibraryAction):
    action_name = "action_location"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
        branch = requested_branch(dispatcher, tracker)
        if branch is None:
            return []
        lines = [f"{branch.name}地址：{branch.address}", f"交通：{branch.transport}"]
        if branch.phone:
            lines.append(f"电话：{branch.phone}")
        if not branch.confirmed:
            lines.append(UNCONFIRMED_NOTE)
        dispatcher.utter_message(text="\n".join(lines))
        return []
