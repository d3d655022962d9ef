"""What the thirty-eighth evaluation set's failures taught (docs/conversation-design.md,
"Read from the thirty-eighth set"): holds asked for someone or "也约一本" with the card
after them, loans to keep and fines of a loan gone late, books told of by what they are
about or by their author's last name, the FAQ read on after the answer just given, where
alone after a branch's hours, the main library's bus and metro entries, and a message's
next question at the card step. Examples are written for these tests."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.catalogue import ActionSearchCatalogue, typed_query
from actions.faq_answers import answer_in_context
from actions.holds import ActionPlaceReservation
from actions.library import services
from actions.login import ValidateLoginForm
from actions.visiting import ActionLocation, asks_where_it_is
from bot.card_numbers import CARD_GIVEN
from bot.channels.questions import CONTINUES_MESSAGE
from bot.nlu_signals import corrected
from bot.question_words import wants_a_book
from bot.services.catalogue_query import understand
from bot.services.catalogue_ranking import names_readers_use
from tests.test_action_units import conversation, tracker_with


def replies(action: Action, text: str, intent: str) -> list[dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    asyncio.run(action.run(dispatcher, tracker_with(text, [], intent=intent), {}))
    return dispatcher.messages


@pytest.mark.parametrize(("text", "words"), [
    ("JL00000001 给外孙女约本小王子 少儿馆取", ("小王子",)),
    ("那围城也约一本 我的证JL00000002 总馆拿", ("围城",)),
    ("帮我约本鼠疫", ("鼠疫",)),
])
def test_a_hold_asked_for_someone_or_also_leaves_the_title(text: str,
                                                           words: tuple[str, ...]) -> None:
    assert understand(typed_query(text)).words == words


def test_a_long_hold_request_with_the_card_finds_the_title_in_its_clause() -> None:
    messages = replies(ActionPlaceReservation(),
                       "早上好 证号JL00000001 想给外孙约本小王子 到了放江宁 我周末去拿",
                       "place_reservation")
    assert messages[0]["text"].startswith("预约《小王子》需要先验证")


def test_a_title_that_begins_with_the_hold_verb_keeps_it() -> None:
    assert "约翰" in understand(typed_query("约翰·克利斯朵夫")).words
    assert typed_query("契约一部") == "契约一部"
    assert "围城" in understand(typed_query("能预约本馆的围城吗")).words  # (预约本 is no 约本)


def test_the_reader_card_given_as_mine() -> None:
    assert CARD_GIVEN.fullmatch("我的证JL00000002")


@pytest.mark.parametrize(("intent", "text", "expected"), [
    # a loan the reader wants to keep, not how renewing works
    ("nlu_fallback", "围城月底就到期了 想续一下", "renew_loan"),
    ("nlu_fallback", "想续借的话怎么弄", None),
    # no word of cancelling nor of a hold: what it asks (退休 drops nothing)
    ("cancel_reservation", "我退休好几年了 这把年纪还收伐", "ask_policy"),
    ("cancel_reservation", "我退休好几年了 会不会嫌我年纪大", "ask_policy"),
    ("cancel_reservation", "约的那一本不要了", None),
    ("cancel_booking", "研讨间那个就去掉吧", None),
    # a book told of, its name forgotten; a book sought, no way to a place
    ("nlu_fallback", "前年读过一本讲鲸鱼迁徙的 名字忘了", "search_catalogue"),
    ("ask_location", "想找本讲长城怎么修起来的书", "search_catalogue"),
    # a question about a loan is no chat
    ("out_of_scope", "借的绘本被狗啃了 怎么弄", "ask_policy"),
    ("out_of_scope", "附近有啥好吃的", None),
    # the fine of a loan gone late is the reader's own
    ("nlu_fallback", "白鹿原逾期了 我该交多少", "ask_account"),
    # found by the review: each stays as it was
    ("cancel_booking", "后天那个读书会我不参加了", None),
    ("cancel_reservation", "约的那本书名字忘了 帮我取消", None),
    ("ask_policy", "借过一本书 书名忘了 有办法查到吗", None),
    ("ask_policy", "要是逾期了 我该交多少", None),
    ("ask_policy", "借书证过期了 我要交多少钱", None),
    ("ask_policy", "读者证快过期了 想续期", None),
    ("ask_policy", "想续一下 需要带证吗", None),
    ("out_of_scope", "朋友借的钱本来说好月底还 咋办", None),
    ("ask_location", "找不到自助还书机在哪", None),
    ("ask_location", "想借书 离我最近的分馆在哪", None),
])
def test_signals_read_from_the_thirty_eighth_set(intent: str, text: str,
                                                 expected: str | None) -> None:
    assert corrected(intent, text) == expected


def test_books_asked_for_by_what_they_tell() -> None:
    assert wants_a_book("有没有讲恐龙灭绝的绘本")
    assert not wants_a_book("有没有讲座的书单")
    assert not wants_a_book("有没有写作业的书桌")


def test_a_foreign_author_by_the_last_part_of_the_name() -> None:
    assert names_readers_use("[美] 鲁思·本尼迪克特 著；吕万和 译") == [
        "鲁思本尼迪克特", "吕万和", "本尼迪克特"]
    assert names_readers_use("萨拉·罗斯") == ["萨拉罗斯"]  # (罗斯 of 俄罗斯)
    assert services().catalogue.author_named("有没有本尼迪克特的 日本文化方面") == "本尼迪克特"
    # the last part alone is an author's only as one ("某某的"), not a place told of
    assert services().catalogue.author_named("有没有介绍卢森堡的旅游书") is None


def test_a_long_telling_of_a_book_is_searched_by_its_words() -> None:
    query = understand("讲一个人把木头从山里运到镇上去卖掉再换成米和盐的")
    assert len(query.words) > 8
    assert all(len(word) > 1 for word in query.on_topic()[0])


@pytest.mark.parametrize("text", [
    "以前读过一本讲一个人在湖畔独居了两年 过简朴生活的 书名忘了",
    "有没有讲在湖畔独居了两年 过简朴生活的书",
])
def test_a_book_told_of_is_offered_by_what_it_tells(text: str) -> None:
    messages = replies(ActionSearchCatalogue(), text, "search_catalogue")
    titles = [title for message in messages
              for title in ((message.get("outcome") or {}).get("titles") or [])]
    assert "瓦尔登湖" in titles
    # offered by what the reader told, not by words quoted back as a title
    assert messages[0]["text"].startswith("按您说的内容")


@pytest.mark.parametrize(("before", "question", "key"), [
    # read on after the volunteers' entry: their requirements, not a menu
    ("金图招不招志愿者", "我退休好几年了 六十八了 年纪这么大还要不要", "events-007"),
    # the entry itself, asked again in its own words
    ("金图招不招志愿者", "怎么报名当志愿者", "events-006"),
])
def test_a_question_read_on_after_the_answer_given(before: str, question: str,
                                                   key: str) -> None:
    tracker = conversation((before, [{"kind": "faq", "id": "events-006"}]), (question, []))
    answer = answer_in_context(tracker, question, lenient=True)
    assert (answer.kind, answer.key) == ("answer", key)


def test_a_question_that_names_its_own_subject_of_the_topic_is_not_read_on() -> None:
    tracker = conversation(("金图总馆是在中山东路那块吧", [{"kind": "faq", "id": "location-008"}]),
                           ("那乐山路那头坐地铁咋去", []))
    answer = answer_in_context(tracker, "那乐山路那头坐地铁咋去")
    assert answer.kind != "answer"  # its own candidates (the metro first), not location-009


def test_a_remark_after_an_answer_is_no_question_read_on() -> None:
    tracker = conversation(("怎么办读者证", [{"kind": "faq", "id": "reader_card-001"}]),
                           ("好 我明天就去办", []))
    assert answer_in_context(tracker, "好 我明天就去办", lenient=True).kind != "answer"


@pytest.mark.parametrize(("text", "where"), [
    ("现在在哪块", True), ("具体在哪呢", True), ("借的书在哪还", False)])
def test_where_alone_after_a_branchs_hours(text: str, where: bool) -> None:
    hours = {"kind": "hours", "branch": "NJ-JIANGNING", "date": "2026-11-01"}
    assert asks_where_it_is(conversation(("江宁馆周日开吗", [hours]), (text, []))) is where


def test_the_main_library_by_bus_gets_the_address_and_the_bus_entry() -> None:
    messages = replies(ActionLocation(), "搭公交去金图总馆 要坐哪路", "ask_location")
    outcomes = [message.get("outcome") for message in messages]
    assert {"kind": "location", "branch": "JL-MAIN"} in outcomes
    assert any(o and o.get("kind") == "faq" and o.get("id") == "location-003" for o in outcomes)
    card = next(m["text"] for m in messages if (m.get("outcome") or {}).get("kind") == "location")
    assert "交通：" not in card  # the bus entry says how, in the staff's words
    # both ways asked: the card's line, which tells of both
    messages = replies(ActionLocation(), "总馆在哪 坐地铁还是公交方便", "ask_location")
    assert "交通：" in messages[0]["text"]


def continued(text: str) -> Tracker:
    """A tracker whose latest message is a question cut from the reader's message."""
    return Tracker(
        sender_id="unit-test", slots={}, paused=False, followup_action=None, active_loop={},
        latest_action_name=None, events=[
            {"event": "user", "text": text, "metadata": {CONTINUES_MESSAGE: True}}],
        latest_message={"text": text, "intent": {"name": "x"}, "entities": []})


def test_a_messages_next_question_at_the_card_step_is_no_card_in_the_wrong_format() -> None:
    text = "另外干一次能算几个钟头"
    dispatcher = CollectingDispatcher()
    assert ValidateLoginForm().validate_card_number(text, dispatcher, continued(text), {}) == {
        "card_number": None}
    assert not any("格式不对" in (m.get("text") or "") for m in dispatcher.messages)
    # a card number mistyped is one, wherever it is typed
    mistyped = "证号是JL 0000 001"
    dispatcher = CollectingDispatcher()
    ValidateLoginForm().validate_card_number(mistyped, dispatcher, continued(mistyped), {})
    assert "格式不对" in dispatcher.messages[0]["text"]
    # typed at the card prompt, it is a card number in the wrong format
    dispatcher = CollectingDispatcher()
    ValidateLoginForm().validate_card_number(text, dispatcher, tracker_with(text, []), {})
    assert "格式不对" in dispatcher.messages[0]["text"]
