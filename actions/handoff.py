"""Handing the reader to a librarian: a ticket with the conversation so far, and a
plain account of what happens next (a librarian on duty now, or when the desk opens).

While the ticket is open the channel guard routes the reader's messages to it
(bot/channels/guard.py); staff answer at the desk or on Telegram.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.faq_answers import FaqFirst, answer_if_certain
from actions.library import channel_of, desk, verified_reader
from bot.outcome import outcome
from bot.question_words import IN_CHARGE_ASKED
from bot.services.handoff_model import weekday_and_time
from bot.services.search_text import normalise

HISTORY_LINES = 20
TOPIC_WORDS = {
    "complaint": ("投诉", "态度", "意见", "差评", "举报", "不满"),
    "reference": ("查收查引", "文献传递", "古籍", "地方志", "家谱", "族谱", "课题", "查新",
                  "论文"),
}
# Requests for a person as such: the ticket's summary is the question before them.
HANDOFF_INTENTS = ("request_human", "nlu_fallback")


def _reader_line(event: dict[str, Any]) -> str:
    text = event.get("text") or ""
    if text.startswith("/password_checked"):
        return "读者：（输入了读者证密码）"
    if text.startswith("/"):
        return "读者：（点击了按钮）"
    return "读者：" + text


def conversation_so_far(tracker: Tracker) -> list[str]:
    """The last lines of the conversation, as staff will read them."""
    lines = []
    for event in tracker.events:
        if event.get("event") == "user":
            lines.append(_reader_line(event))
        elif event.get("event") == "bot" and event.get("text"):
            lines.append("助手：" + event["text"])
    return lines[-HISTORY_LINES:]


def question_of(tracker: Tracker) -> str:
    """What the reader wants help with: their latest real question."""
    user_events = [e for e in tracker.events if e.get("event") == "user"]
    for event in reversed(user_events):
        text = (event.get("text") or "").strip()
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if text and not text.startswith("/") and intent not in HANDOFF_INTENTS:
            return text
    return (tracker.latest_message.get("text") or "").strip() or "读者请求人工服务"


def topic_of(tracker: Tracker, question: str) -> str:
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    if intent == "request_research_help":
        return "reference"
    text = (tracker.latest_message.get("text") or "") + question
    for topic, words in TOPIC_WORDS.items():
        if any(word in text for word in words):
            return topic
    return "request_human"


def hand_over(dispatcher: CollectingDispatcher, tracker: Tracker, topic: str | None = None) -> None:
    """Opens (or finds) the conversation's ticket and tells the reader what happens next."""
    question = question_of(tracker)
    reader = verified_reader(tracker)
    ticket = desk().open_ticket(
        channel_of(tracker), tracker.sender_id, topic or topic_of(tracker, question), question,
        conversation_so_far(tracker), reader.card_number if reader else None,
    )
    duty = desk().duty_status()
    if duty.on_duty:
        dispatcher.utter_message(
            text=f"好的，已为您转接人工馆员（工单 #{ticket.ticket_id}）。"
            f"馆员通常会在 {duty.typical_wait_minutes} 分钟内回复，请在这里稍候，"
            "您也可以继续补充问题。发送“结束人工”可返回智能助手。",
            **outcome("handoff", ticket=ticket.ticket_id),
        )
        return
    when = "近期"
    if duty.next_shift is not None:
        when = weekday_and_time(duty.next_shift)
    dispatcher.utter_message(
        text=f"现在不是人工服务时间（{duty.schedule_text}）。您的问题已记录"
        f"（工单 #{ticket.ticket_id}），馆员将在{when}上班后尽快回复，回复会发送到这里。"
        "急事请在开馆时间到馆咨询服务台。",
        **outcome("handoff", ticket=ticket.ticket_id),
    )


class ActionHandoffToStaff(FaqFirst):
    """A person, unless the reader asked a question the FAQ is sure about ("咨询电话",
    "人工咨询几点到几点有人"). Reference questions (request_research_help) go to a person
    unless they only ask whether the library has something the FAQ is sure about."""

    action_name = "action_handoff_to_staff"
    requests = re.compile(r"人工|真人|活人|馆员|工作人员|客服|转接|有人吗|我要(投诉|反映|举报)|"
                          r"找.{0,4}(负责人|领导|管事的|主管)")
    #: asking for a person in so many words: never the FAQ's
    explicit = re.compile(r"转人工|找人工|要人工|人工客服|人工服务|真人|活人|转接|"
                          # not whether one must turn to someone ("…还是只能找他们")
                          r"找.{0,2}(馆员|工作人员)|(叫|(?<![申邀聘])请(?![问假]))[^，,。？?！!]{0,5}(馆员|工作人员|管理员)|"
                          r"(帮我|给我)联系.{0,2}(馆员|工作人员|管理员)|"
                          # someone who knows ("找位懂行的专家帮帮我"; not "想找个人少的角落")
                          r"找(个|一?位)[^，,。？?！!]{0,6}的?(老师|专家|人)"
                          r"(?=吧|来|帮|问|跟我|和我|聊|[。！!~\s]*$|"
                          r"[，,。！!](?![^，,。？?！!]*(吗|呢|不|没|[?？])))|"
                          # the automatic replies refused ("别拿机器人应付我")
                          r"(别|不要)(再)?(用|拿)?(自动回复|机器人|程序)|"
                          r"我要(投诉|反映|举报)|找.{0,4}(负责人|领导)|"
                          # someone in charge to talk to ("找管事的出面")
                          f"{IN_CHARGE_ASKED.pattern}")
    #: asking when the people are there ("人工服务几点有人"), not for one now — nor a
    #: complaint that names a time ("我要投诉，几点都没人")
    asks_about_the_service = re.compile(
        r"(人工|客服|馆员|有人).{0,4}(几点|什么时候|哪天|几时|什么时间)|"
        r"(几点|什么时候|哪天|几时|什么时间).{0,4}(有人|上班|在线|接通|服务)")
    complains = re.compile(r"投诉|反映|举报")
    #: a reference question that only asks whether the library has or does something
    #: ("馆里有没有地方志", "写论文，能查外文期刊吗", "是不是得先年审", "有多少年了"),
    #: without asking anyone to help (not whether it can do a service: "查新报告出得了吗"
    #: asks for a librarian's work)
    asks_if_it_has = re.compile(r"有.{0,12}[吗没]|能(查|下|看|借|用).{0,12}[吗么]|"
                                r"是不是|有多少|多少年")
    asks_for_help = re.compile(r"帮|老师|馆员|找找|找一下|指导|麻烦|聊|对接|专家|安排|当面")
    questions_only = False

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
        text = normalise(tracker.latest_message.get("text", ""))
        research = (tracker.latest_message.get("intent") or {}).get("name") \
            == "request_research_help"
        explicit = self.explicit.search(text) is not None
        asks_the_faq = (
            (explicit and self.asks_about_the_service.search(text) is not None
             and "转" not in text and not self.complains.search(text))
            or (research and not explicit and self.asks_if_it_has.search(text) is not None
                and not self.asks_for_help.search(text)))
        if asks_the_faq and answer_if_certain(dispatcher, tracker, text):
            return []
        if research or explicit:
            return self.request(dispatcher, tracker)
        return super().act(dispatcher, tracker)

    def request(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
        hand_over(dispatcher, tracker)
        return []
