"""The handoff action with in-memory trackers: what the reader is told, what the ticket
holds, and when a reader who is not understood is handed over."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.faq
import actions.faq_answers
import actions.handoff
from actions.faq import ActionRephrase
from actions.handoff import ActionHandoffToStaff
from bot.services.faq_model import FaqAnswer
from bot.services.handoff_model import DutyStatus
from bot.services.interface import ReaderRef


class FakeDesk:
    def __init__(self, on_duty: bool) -> None:
        self.on_duty = on_duty
        self.opened: list[dict[str, Any]] = []

    def open_ticket(self, channel: str, sender_id: str, topic: str, summary: str,
                    history: list[str], reader_card: str | None = None) -> Any:
        self.opened.append({"channel": channel, "topic": topic, "summary": summary,
                            "history": history, "card": reader_card})
        return type("Ticket", (), {"ticket_id": 7})()

    def duty_status(self) -> DutyStatus:
        return DutyStatus(self.on_duty, None if self.on_duty else datetime(2026, 11, 26, 9),
                          4, "周一至周日 9:00–17:00")


def user(text: str, intent: str) -> dict[str, Any]:
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}}


def tracker(events: list[dict[str, Any]]) -> Tracker:
    latest = events[-1]
    return Tracker(
        sender_id="reader-9", slots={}, events=events, paused=False, followup_action=None,
        latest_message={"text": latest["text"], "intent": latest["parse_data"]["intent"],
                        "entities": []},
        active_loop={}, latest_action_name=None,
    )


def run(action: Any, events: list[dict[str, Any]]) -> str:
    dispatcher = CollectingDispatcher()
    asyncio.run(action.run(dispatcher, tracker(events), {}))
    return "\n".join(message.get("text") or message.get("response") or ""
                     for message in dispatcher.messages)


@pytest.fixture
def desk(monkeypatch: pytest.MonkeyPatch) -> FakeDesk:
    fake = FakeDesk(on_duty=True)
    monkeypatch.setattr(actions.handoff, "desk", lambda: fake)
    monkeypatch.setattr(actions.handoff, "verified_reader", lambda tracker: None)
    return fake


def test_on_duty_the_reader_hears_the_typical_wait(desk: FakeDesk) -> None:
    reply = run(ActionHandoffToStaff(), [
        user("古籍能外借吗", "ask_policy"), {"event": "bot", "text": "古籍不外借。"},
        user("转人工", "request_human"),
    ])
    assert "工单 #7" in reply and "4 分钟" in reply
    [ticket] = desk.opened
    assert ticket["summary"] == "古籍能外借吗" and ticket["topic"] == "reference"
    assert ticket["history"] == ["读者：古籍能外借吗", "助手：古籍不外借。", "读者：转人工"]


def test_off_duty_the_reader_hears_when_staff_are_back(desk: FakeDesk) -> None:
    desk.on_duty = False
    reply = run(ActionHandoffToStaff(), [user("我要投诉，态度太差", "request_human")])
    assert "不是人工服务时间" in reply and "周四 9:00" in reply and "工单 #7" in reply
    assert desk.opened[0]["topic"] == "complaint"


def test_a_verified_reader_is_named_and_no_password_is_shown(
    desk: FakeDesk, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(actions.handoff, "verified_reader",
                        lambda tracker: ReaderRef(1, "JL00000001", "张三"))
    run(ActionHandoffToStaff(), [
        user('/password_checked{"verification": "ok"}', "password_checked"),
        user("转人工", "request_human"),
    ])
    assert desk.opened[0]["card"] == "JL00000001"
    assert desk.opened[0]["history"][0] == "读者：（输入了读者证密码）"


def test_a_second_unclear_message_in_a_row_goes_to_a_librarian(
    desk: FakeDesk, monkeypatch: pytest.MonkeyPatch,
) -> None:
    class UnsureKnowledge:
        def answer(self, question: str, lenient: bool = False) -> FaqAnswer:
            return FaqAnswer(kind="none")

        def record_unanswered(self, text: str, channel: str, reason: str) -> None:
            pass

    monkeypatch.setattr(actions.faq, "services",
                        lambda: type("Services", (), {"knowledge": UnsureKnowledge()})())
    first = [user("嗯嗯那个东西", "nlu_fallback")]
    assert run(ActionRephrase(), first) and desk.opened == []
    run(ActionRephrase(), [*first, {"event": "bot", "text": "换个说法？"},
                           user("就是那个啊", "nlu_fallback")])
    assert desk.opened[0]["topic"] == "fallback"


@pytest.fixture
def sure_faq(monkeypatch: pytest.MonkeyPatch) -> None:
    """An FAQ sure of one answer, "（答案）", to anything."""
    class SureKnowledge:
        def answer(self, question: str, lenient: bool = False) -> FaqAnswer:
            return FaqAnswer(kind="answer", entry_id=2, key="contact-002",
                             question="人工咨询电话是多少", answer="（答案）")

    monkeypatch.setattr(actions.faq_answers, "services",
                        lambda: type("Services", (), {"knowledge": SureKnowledge()})())


@pytest.mark.usefixtures("sure_faq")
def test_a_question_gets_the_faqs_sure_answer_and_a_request_gets_a_person(
    desk: FakeDesk,
) -> None:
    assert run(ActionHandoffToStaff(), [user("咨询电话", "request_human")]) == "（答案）"
    assert desk.opened == []
    run(ActionHandoffToStaff(), [user("转人工，我想问一下咨询电话", "request_human")])
    assert len(desk.opened) == 1


def test_asking_a_question_politely_is_no_request_for_a_person() -> None:
    assert ActionHandoffToStaff.explicit.search("麻烦请个馆员过来")
    assert not ActionHandoffToStaff.explicit.search("请问馆员能帮忙复印吗")


@pytest.mark.parametrize(("text", "intent", "answered"), [
    ("人工服务礼拜天几点有人", "request_human", True),  # when the people are there
    ("转人工，几点有人", "request_human", False),  # a person now
    ("我想叫个管理员，你们那边是不是电脑", "request_human", False),  # a person, in other words
    ("复印机是自助的吗，或者只能去找管理员弄", "request_human", True),  # whether one must
    ("帮我联系下工作人员，落了把伞在阅览室，有人捡到吗", "request_human", False),
    ("我要投诉，排队的时候几点都没人管", "request_human", False),  # a complaint
    ("做课题要用地方志，馆里有没有", "request_research_help", True),  # does it have
    ("做课题要用地方志，请老师帮忙找找", "request_research_help", False),  # help asked for
])
@pytest.mark.usefixtures("sure_faq")
def test_asking_about_the_people_or_what_the_library_has_gets_the_faqs_sure_answer(
    desk: FakeDesk, text: str, intent: str, answered: bool,
) -> None:
    assert (run(ActionHandoffToStaff(), [user(text, intent)]) == "（答案）") is answered
    assert (desk.opened == []) is answered
