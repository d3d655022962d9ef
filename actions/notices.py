"""A reader turns the notices they did not ask for off ("退订提醒") or on ("开启提醒");
a question about notices that the FAQ is sure of ("到了会通知我吗") is the FAQ's."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.faq_answers import FaqFirst
from actions.library import notices, verified_reader
from actions.login import ask_login
from bot.outcome import outcome
from bot.services.search_text import normalise

TURN_ON = re.compile(r"开启|打开|开通|恢复|重新|订阅提醒|想收到|要收到")
TURN_OFF = re.compile(r"退订|关闭|关掉|取消|停止|(?<!要)不要|别再|不想|太多|"
                      r"别(给我)?再?(发|推)|不用再?(给我)?(发|推)")
ON, OFF = "notices_on", "notices_off"


class ActionNoticeSettings(FaqFirst):
    action_name = "action_notice_settings"
    personal = True
    requests = re.compile(f"{TURN_ON.pattern}|{TURN_OFF.pattern}")
    about_a_title = re.compile(r"提醒|通知|短信|消息|推送")
    #: where the library's notices are read ("通知在哪能看到"): the FAQ's, not the reader's
    rule_words = re.compile(r"(上|去|在|从)?(哪里?|哪儿|哪块|什么地方)(能|可以)?(看|查|找|知道)")

    def request(self, dispatcher: CollectingDispatcher, tracker: Tracker
                ) -> list[dict[str, Any]]:
        text = normalise(tracker.latest_message.get("text", ""))  # 關閉提醒 as 关闭提醒
        pending = tracker.get_slot("pending_request")
        turned_off = TURN_OFF.search(text) and not TURN_ON.search(text)
        wanted = pending if pending in (ON, OFF) else (OFF if turned_off else ON)
        reader = verified_reader(tracker)
        if reader is None:
            dispatcher.utter_message(text="设置提醒需要先验证您的读者证。")
            return ask_login(wanted, tracker)
        notices().set_subscribed(reader, wanted == ON)
        if wanted == ON:
            dispatcher.utter_message(
                text="已开启提醒：预约的书到馆、借的书 3 天内到期或已逾期时，我会在这里通知您"
                     "（21:00 至次日 8:00 不发送）。",
                **outcome("notices", enabled=True))
        else:
            dispatcher.utter_message(
                text="已为您退订提醒，之后不再主动发送到书、到期和逾期通知。"
                     "想恢复时说“开启提醒”即可。",
                **outcome("notices", enabled=False))
        return [SlotSet("pending_request", None)]
