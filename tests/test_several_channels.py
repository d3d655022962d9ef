"""One reader on two channels (REST and the web widget): each channel keeps its own
conversation and verification, and the reader's card shows the same reservations."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.http_json import post_json
from bot.processes import AssistantProcesses
from tests.conftest import Chat

PASSWORD = "reader123"


def texts(replies: list[dict]) -> str:
    return "\n".join(reply.get("text") or "" for reply in replies)


@pytest.fixture
def widget_chat(assistant: AssistantProcesses) -> Callable[[str], list[dict]]:
    """A new widget session; sends messages the way the widget does."""
    base = assistant.settings.rasa_url + "/webhooks/widget/"
    session = post_json(base + "session", {})

    def send(text: str) -> list[dict]:
        return post_json(base + "message", {**session, "text": text})["messages"]

    return send


def test_a_card_verified_on_each_channel_shows_the_same_reservations(
    chat: Chat, widget_chat: Callable[[str], list[dict]],
) -> None:
    rest_reader = "two-channels-reader"
    chat(rest_reader, "帮我预约《围城》")
    chat(rest_reader, "JL00000002")
    assert "确认预约《围城》" in texts(chat(rest_reader, PASSWORD))
    assert "预约成功" in texts(chat(rest_reader, "在金陵图书馆取"))

    # The widget is another conversation: verified on REST is not verified here.
    asked = texts(widget_chat("我的预约"))
    assert "读者证号" in asked
    widget_chat("JL00000002")
    assert "《围城》" in texts(widget_chat(PASSWORD))
