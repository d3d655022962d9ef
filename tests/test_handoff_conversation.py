"""Handing a reader to a librarian through the real Rasa and action servers (REST
channel): the ticket, the silence of the bot while staff have the conversation, the
staff reply reaching the reader, the rating, and the bot taking over again."""

from __future__ import annotations

import pytest

from bot.channels.guard import FORWARDED_TEXT, LEFT_TEXT, RATED_TEXT, RECEIPT_TEXT
from bot.processes import AssistantProcesses
from bot.services.handoff_model import StaffActor
from bot.services.sql.handoff import SqlHandoff
from bot.services.sql.session import SqlStore
from tests.conftest import Chat

LIBRARIAN = StaffActor(None, "王馆员")
HANDED_OVER = ("转接人工馆员", "不是人工服务时间")  # on duty or not, by the clock


@pytest.fixture(scope="module")
def desk(assistant: AssistantProcesses) -> SqlHandoff:
    return SqlHandoff(SqlStore(assistant.settings.database_url))


def text_of(replies: list[dict]) -> str:
    return "\n".join(reply.get("text", "") for reply in replies)


def test_a_reader_is_handed_over_with_the_conversation_so_far(chat: Chat,
                                                              desk: SqlHandoff) -> None:
    sender = "handoff-reader-1"
    chat(sender, "明天开门吗")
    answer = text_of(chat(sender, "转人工"))
    assert any(phrase in answer for phrase in HANDED_OVER) and "工单 #" in answer
    ticket = desk.open_ticket_for("rest", f"rest:{sender}")
    assert ticket is not None and ticket.topic == "request_human"
    assert ticket.summary == "明天开门吗"
    history = [line.text for line in desk.transcript(ticket.ticket_id)
               if line.author == "history"]
    assert history[0] == "读者：明天开门吗" and any(line.startswith("助手：") for line in history)

    # While the librarian has the conversation, the bot stays out of it.
    forwarded = text_of(chat(sender, "我想找民国时期的南京地图"))
    assert forwarded == FORWARDED_TEXT.format(ticket=ticket.ticket_id)
    # the whole acknowledgement once, then a short receipt for each line (never silence)
    assert text_of(chat(sender, "最好是1930年代的")) == RECEIPT_TEXT
    readers_lines = [line.text for line in desk.transcript(ticket.ticket_id)
                     if line.author == "reader"]
    assert readers_lines == ["我想找民国时期的南京地图", "最好是1930年代的"]

    desk.reply(ticket.ticket_id, LIBRARIAN, "地方文献阅览室有民国南京地图，请到三楼查阅。")
    [staff_message] = desk.pull("rest", f"rest:{sender}", 0)
    assert staff_message.staff_name == "王馆员" and "三楼" in staff_message.text

    desk.close(ticket.ticket_id, LIBRARIAN, "answered")
    assert "评分" in desk.pull("rest", f"rest:{sender}", staff_message.outbox_id)[0].text
    assert text_of(chat(sender, "5")) == RATED_TEXT
    assert desk.ticket(ticket.ticket_id).rating == 5
    assert "金陵图书馆明天" in text_of(chat(sender, "明天开门吗"))  # the bot again


def test_the_reader_can_go_back_to_the_assistant(chat: Chat, desk: SqlHandoff) -> None:
    sender = "handoff-reader-2"
    chat(sender, "找馆员")
    assert text_of(chat(sender, "结束人工")) == LEFT_TEXT
    assert desk.open_ticket_for("rest", f"rest:{sender}") is None
    assert "金陵图书馆" in text_of(chat(sender, "几点开门"))


def test_in_depth_reference_requests_go_to_a_librarian(chat: Chat, desk: SqlHandoff) -> None:
    sender = "handoff-reader-3"
    answer = text_of(chat(sender, "我需要做一份查收查引报告，评职称用"))
    assert "工单 #" in answer
    assert desk.open_ticket_for("rest", f"rest:{sender}").topic == "reference"


def test_a_hundred_messages_while_waiting_are_all_kept_once(chat: Chat,
                                                            desk: SqlHandoff) -> None:
    sender = "handoff-reader-4"
    chat(sender, "转人工")
    replies = [chat(sender, f"补充说明第 {number} 条") for number in range(100)]
    # one whole acknowledgement, then a short receipt each (never silence, no flood)
    assert [text_of(reply) == RECEIPT_TEXT for reply in replies] == [False] + [True] * 99
    ticket = desk.open_ticket_for("rest", f"rest:{sender}")
    lines = [line.text for line in desk.transcript(ticket.ticket_id) if line.author == "reader"]
    assert lines == [f"补充说明第 {number} 条" for number in range(100)]
