"""Tickets, the duty schedule and the outbox, on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from bot import clock
from bot.db.engine import session_factory
from bot.db.models import OutboxMessage
from bot.demo.load import load_desk
from bot.relay import DeliveryError
from bot.relay.dispatcher import deliver
from bot.services.handoff_model import HandoffError, OutboxItem, StaffActor
from bot.services.sql.handoff import SqlHandoff, parse_rating
from bot.services.sql.outbox import MAX_DELIVERY_ATTEMPTS
from bot.services.sql.session import SqlStore
from tests.library_db import BACKENDS, fresh_database

WANG = StaffActor(None, "王馆员")
LI = StaffActor(None, "李馆员")


@pytest.fixture(params=BACKENDS)
def desk(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SqlHandoff]:
    with fresh_database(request.param, tmp_path, demo=False) as url:
        load_desk(url)
        yield SqlHandoff(SqlStore(url))


def open_ticket(desk: SqlHandoff, sender: str = "reader-1", channel: str = "rest") -> int:
    return desk.open_ticket(channel, sender, "request_human", "想查民国南京地图",
                            ["读者：你好", "助手：您好，我是咨询助手"]).ticket_id


def authors(desk: SqlHandoff, ticket_id: int) -> list[str]:
    return [line.author for line in desk.transcript(ticket_id)]


def test_a_conversation_has_one_open_ticket_with_its_history(desk: SqlHandoff) -> None:
    first = open_ticket(desk)
    assert open_ticket(desk) == first
    assert desk.open_ticket_for("rest", "reader-1").ticket_id == first
    assert desk.open_ticket_for("widget", "reader-1") is None  # another channel
    assert authors(desk, first) == ["history", "history", "system"]
    assert desk.queue()[0].status == "waiting"


def test_reader_messages_are_kept_once_per_delivery(desk: SqlHandoff) -> None:
    ticket = open_ticket(desk)
    assert desk.seconds_since_reader_wrote(ticket) is None
    assert desk.add_reader_message(ticket, "在吗", delivery_key="msg-1")
    assert not desk.add_reader_message(ticket, "在吗", delivery_key="msg-1")
    for number in range(100):
        desk.add_reader_message(ticket, f"补充 {number}")
    assert authors(desk, ticket).count("reader") == 101
    assert desk.seconds_since_reader_wrote(ticket) < 60


def test_only_the_holder_answers_until_the_ticket_is_transferred(desk: SqlHandoff) -> None:
    ticket = open_ticket(desk)
    desk.claim(ticket, WANG)
    with pytest.raises(HandoffError, match="王馆员"):
        desk.claim(ticket, LI)
    with pytest.raises(HandoffError, match="王馆员"):
        desk.reply(ticket, LI, "我来回答")
    desk.transfer(ticket, WANG, to_staff=LI)
    desk.reply(ticket, LI, "您好，地图在地方文献部")
    desk.transfer(ticket, LI, to_department="地方文献部")
    info = desk.ticket(ticket)
    assert (info.status, info.department, info.staff_name) == ("waiting", "地方文献部", "")


def race_to_claim(desk: SqlHandoff, ticket: int) -> list[str]:
    """Two librarians claim the ticket at the same moment; what each was told."""
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def claim(actor: StaffActor) -> None:
        barrier.wait()
        try:
            desk.claim(ticket, actor)
            outcomes.append("won")
        except HandoffError:
            outcomes.append("told")

    threads = [threading.Thread(target=claim, args=(actor,)) for actor in (WANG, LI)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_two_librarians_racing_for_a_ticket_one_wins(desk: SqlHandoff) -> None:
    for round_number in range(5):
        ticket = open_ticket(desk, sender=f"race-{round_number}")
        assert sorted(race_to_claim(desk, ticket)) == ["told", "won"]


def test_a_reply_is_stored_with_its_outbox_message_and_pulled_once(desk: SqlHandoff) -> None:
    ticket = open_ticket(desk)
    desk.reply(ticket, WANG, "民国地图在三楼地方文献阅览室")
    desk.add_note(ticket, WANG, "读者之前来过")
    [item] = desk.pull("rest", "reader-1", 0)
    assert (item.text, item.sender, item.staff_name) == ("民国地图在三楼地方文献阅览室", "staff",
                                                          "王馆员")
    assert desk.pull("rest", "reader-1", 0) == [item]  # not acknowledged yet: again
    assert desk.pull("rest", "reader-1", item.outbox_id) == []  # acknowledged
    assert desk.pull("rest", "someone-else", 0) == []


def test_closing_asks_for_a_rating_and_refuses_later_replies(desk: SqlHandoff) -> None:
    ticket = open_ticket(desk)
    desk.reply(ticket, WANG, "您好")
    desk.close(ticket, WANG, "answered")
    with pytest.raises(HandoffError, match="已关闭"):
        desk.reply(ticket, WANG, "还有一点")
    prompt = desk.pull("rest", "reader-1", 0)[-1]
    assert "评分" in prompt.text and prompt.buttons
    assert desk.open_ticket_for("rest", "reader-1") is None
    assert desk.record_rating("rest", "reader-1", "满意")
    assert desk.ticket(ticket).rating == 5
    assert not desk.record_rating("rest", "reader-1", "5")  # asked once


def test_a_new_question_instead_of_a_rating_is_not_swallowed(desk: SqlHandoff) -> None:
    ticket = open_ticket(desk)
    desk.close(ticket, WANG, "answered")
    assert not desk.record_rating("rest", "reader-1", "明天开门吗")
    assert desk.ticket(ticket).rating is None
    assert not desk.record_rating("rest", "reader-1", "5")


def test_the_reader_can_leave_the_handoff(desk: SqlHandoff) -> None:
    ticket = open_ticket(desk)
    desk.reader_leaves(ticket)
    assert desk.ticket(ticket).outcome == "reader_left"
    assert desk.pull("rest", "reader-1", 0) == []  # no rating prompt


@pytest.mark.parametrize("text, rating", [("5", 5), ("4分", 4), ("满意", 5), ("不满意", 1),
                                           ("一般", 3), ("6", None), ("还有问题", None)])
def test_ratings_are_read_from_digits_and_words(text: str, rating: int | None) -> None:
    assert parse_rating(text) == rating


def test_duty_status_follows_the_schedule(desk: SqlHandoff) -> None:
    wednesday_morning = datetime(2026, 11, 25, 10, 0)
    assert desk.duty_status(wednesday_morning).on_duty
    evening = desk.duty_status(datetime(2026, 11, 25, 20, 0))
    assert not evening.on_duty and evening.next_shift == datetime(2026, 11, 26, 9, 0)
    assert evening.schedule_text == "周一至周日 9:00–17:00"


class FakeSender:
    channel = "telegram"

    def __init__(self, failure: DeliveryError | None = None) -> None:
        self.failure = failure
        self.sent: list[OutboxItem] = []

    async def send(self, item: OutboxItem) -> None:
        if self.failure:
            raise self.failure
        self.sent.append(item)


def make_due(desk: SqlHandoff) -> None:
    """Pretends the retry delay has passed."""
    with session_factory(desk.store.database_url).begin() as session:
        session.execute(update(OutboxMessage).where(OutboxMessage.status == "pending")
                        .values(next_attempt_at=clock.now() - timedelta(seconds=1)))


def test_the_relay_delivers_push_messages_once(desk: SqlHandoff) -> None:
    ticket = open_ticket(desk, channel="telegram")
    desk.reply(ticket, WANG, "您好")
    sender = FakeSender()
    assert asyncio.run(deliver(desk, {"telegram": sender})) == 1
    assert asyncio.run(deliver(desk, {"telegram": sender})) == 0
    assert [item.text for item in sender.sent] == ["您好"]


def test_failed_deliveries_are_retried_then_shown_to_staff(desk: SqlHandoff) -> None:
    ticket = open_ticket(desk, channel="telegram")
    desk.reply(ticket, WANG, "您好")
    failing = {"telegram": FakeSender(DeliveryError("HTTP 500"))}
    for _ in range(MAX_DELIVERY_ATTEMPTS):
        make_due(desk)
        assert asyncio.run(deliver(desk, failing)) == 1
    assert desk.ticket(ticket).failed_deliveries == 1
    assert "未能送达" in desk.transcript(ticket)[-1].text
    assert desk.retry_failed(ticket) == 1
    working = FakeSender()
    asyncio.run(deliver(desk, {"telegram": working}))
    assert len(working.sent) == 1 and desk.ticket(ticket).failed_deliveries == 0


def test_a_permanent_failure_is_not_retried(desk: SqlHandoff) -> None:
    ticket = open_ticket(desk, channel="telegram")
    desk.reply(ticket, WANG, "您好")
    blocked = {"telegram": FakeSender(DeliveryError("bot blocked", permanent=True))}
    asyncio.run(deliver(desk, blocked))
    make_due(desk)
    assert asyncio.run(deliver(desk, blocked)) == 0
    assert desk.ticket(ticket).failed_deliveries == 1


def test_two_relays_never_send_the_same_message_twice(desk: SqlHandoff) -> None:
    for number in range(40):
        ticket = open_ticket(desk, sender=f"reader-{number}", channel="telegram")
        desk.reply(ticket, WANG, f"回复 {number}")
    senders = [FakeSender(), FakeSender()]
    barrier = threading.Barrier(2)

    def relay(sender: FakeSender) -> None:
        barrier.wait()
        while asyncio.run(deliver(desk, {"telegram": sender}, limit=3)):
            pass

    threads = [threading.Thread(target=relay, args=(sender,)) for sender in senders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    texts = sorted(item.text for sender in senders for item in sender.sent)
    assert texts == sorted(f"回复 {number}" for number in range(40))


def test_a_redelivered_channel_message_is_recognised(desk: SqlHandoff) -> None:
    assert desk.take_in("wechat", "msg-9").first_delivery
    again = desk.take_in("wechat", "msg-9")
    assert not again.first_delivery and again.replies is None  # still in progress
    desk.store_replies("wechat", "msg-9", [{"text": "您好"}])
    assert desk.take_in("wechat", "msg-9").replies == [{"text": "您好"}]


def test_a_message_whose_process_died_gets_one_apology(desk: SqlHandoff) -> None:
    desk.take_in("wechat", "msg-lost", "reader-lost")  # taken in, then the process died
    desk.take_in("wechat", "msg-event")  # nothing owed (e.g. an event)
    desk.take_in("wechat", "msg-done", "reader-done")
    desk.store_replies("wechat", "msg-done", [{"passive": "您好"}])
    desk.take_in("telegram", "update-lost", "4242")  # a channel this relay does not send

    counts: list[int] = []
    racers = [threading.Thread(target=lambda: counts.append(
        desk.answer_stalled(("wechat",), timedelta(0)))) for _ in range(2)]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join()

    assert sorted(counts) == [0, 1]
    assert desk.answer_stalled(("wechat",), timedelta(0)) == 0
    [apology] = desk.take_due(("wechat",))
    assert apology.recipient == "reader-lost" and "可能没有得到回复" in apology.text
    assert desk.take_in("wechat", "msg-lost").replies == [{"stalled": True}]
    desk.take_in("wechat", "msg-new", "reader-new")
    assert desk.answer_stalled(("wechat",), timedelta(minutes=1)) == 0  # still in time
