"""Books asked for a child or with a Nanjing 伐, holds reserved by others, one's own
booking, a sign-up with a question, an errand before an hours question and the other
readings added after the thirty-fifth and thirty-sixth evaluation sets were read (their
messages stay out of here; these are written anew)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

import actions.activities
import actions.faq_answers
from actions.activities import ActionSignUpEvent, the_one_booking_listed
from actions.catalogue import AUTHOR_AND_TITLE, WRITER_TELLS, thing_asked_for, typed_query
from actions.context import affirms
from actions.dates import weekday_describes
from actions.digital_resources import LISTED
from actions.faq import HAS_IT
from actions.faq_answers import (
    OTHERS_CARD,
    THIS_LIBRARY,
    THIS_LIBRARY_MEANT,
    fee_of_an_event,
    place_of_an_event,
)
from actions.holds import pickup_chosen, turns_down
from actions.loans import renewal_by_name
from actions.small_talk import ABOUT_THE_BOT, ActionSmallTalk
from bot.booking_words import UPCOMING
from bot.channels.guard import leaves_the_librarian
from bot.channels.questions import split_questions
from bot.nlu_signals import about_a_branch, corrected
from bot.question_words import wants_a_book
from bot.services.catalogue_query import understand
from bot.services.faq_model import FaqAnswer
from bot.services.resource_query import read_request
from tests.test_action_units import conversation, tracker_with


@pytest.mark.parametrize(("text", "leaves"), [
    ("好 先结束人工", True),
    ("那先退出人工吧", True),
    # the reply still awaited: the ticket stays open, so that it can be answered
    ("先结束人工吧 回头等您通知", False),
    ("结束人工 另外帮我问问复印在几楼", False),  # more said: for the librarian
])
def test_the_librarian_left_first(text: str, leaves: bool) -> None:
    assert leaves_the_librarian(text) is leaves


def test_the_child_a_book_is_for_names_no_part_of_it() -> None:
    assert understand("孩子 海底两万里").segments == ["海底两万里"]
    assert understand("孩子").segments == ["孩子"]  # all that was typed: a search for it


def test_a_programmer_is_no_question_about_the_bot() -> None:
    assert ABOUT_THE_BOT.search("你是程序吗")
    assert not ABOUT_THE_BOT.search("程序员面试宝典")


@pytest.mark.parametrize(("text", "named"), [
    ("某作家的某长篇 有伐", "某作家的某长篇"),
    ("某作家的某长篇有不", "某作家的某长篇"),
    ("某作家的某长篇有吗", "某作家的某长篇"),
])
def test_a_title_asked_after_with_nanjing_words(text: str, named: str) -> None:
    found = HAS_IT.match(text)
    assert found is not None and found.group("named").strip() == named


def test_the_thing_asked_for_stops_where_a_space_ends_the_asking() -> None:
    assert thing_asked_for("小猪唏哩呼噜有没有 孩子一直闹着要看") == "小猪唏哩呼噜"
    assert thing_asked_for("有没有 小猪唏哩呼噜") == "小猪唏哩呼噜"


def test_a_branch_said_to_work_with_a_nanjing_question_gets_its_hours() -> None:
    assert about_a_branch("ask_location", "鼓楼馆国庆上班伐") == "ask_opening_hours"
    assert about_a_branch("ask_location", "鼓楼馆在哪里") == "ask_location"


@pytest.mark.parametrize(("text", "intent"), [
    ("帮闺女找本小王子", "search_catalogue"),
    ("想给孙子借几本恐龙的书", "search_catalogue"),
    ("给孩子找点写作文用的资料", None),  # material for research: DIET's
    ("给孩子找个馆员问问", None),  # a person asked for
    ("帮儿子借的书逾期了怎么办", None),  # a rule
    ("给孩子借书的时候被人凶了 我要投诉", None),
    ("给孩子找个座位", None),
])
def test_a_book_looked_for_on_a_childs_behalf_is_a_search(text: str, intent: str | None) -> None:
    assert corrected("request_human", text) == intent


def test_where_a_hold_is_picked_up_set_apart_is_no_part_of_the_title() -> None:
    assert typed_query("JL00000002 某某书名 鼓楼馆拿") == "某某书名"
    assert typed_query("某某书名 在河西取") == "某某书名"


@pytest.mark.parametrize(("text", "intent"), [
    ("这本让其他读者预订了 所以不给续吗", "ask_policy"),
    ("已经有别人预定的 还能借多长时间", "ask_policy"),
    ("被人约走了 那帮我约下一本", None),  # a hold asked for all the same
    ("书被别人预定了 我想排队", None),
])
def test_a_book_reserved_by_others_is_a_rule_question(text: str, intent: str | None) -> None:
    assert corrected("place_reservation", text) == intent


def test_a_hold_dropped_because_others_reserved_it_is_still_cancelled() -> None:
    assert corrected("cancel_reservation", "被人预约了 那我取消吧") is None


@pytest.mark.parametrize(("text", "intent", "expected"), [
    ("我订好的自习室是明天几点来着", "ask_opening_hours", "list_reservations"),
    ("看下我约的研讨间在几楼", "book_space", "list_reservations"),
    ("我想预约的研讨间 明天有空吗", "book_space", None),  # one to book
    ("我订的自习室座位能带零食吗", "ask_policy", None),  # a rule of it
    ("我订过的研讨间怎么改时间", "book_space", None),
])
def test_the_readers_own_booking_is_listed(text: str, intent: str, expected: str | None) -> None:
    assert corrected(intent, text) == expected


@pytest.mark.parametrize(("text", "questions"), [
    ("读书会帮我报个名 要带书去吗", ["读书会帮我报个名", "要带书去吗"]),
    ("帮我报个名 行吗", ["帮我报个名 行吗"]),  # nothing more asked
    ("周六的讲座帮我报个名 几点开始", ["周六的讲座帮我报个名 几点开始"]),  # of the event
    ("报名费多少 帮我报个名", ["报名费多少 帮我报个名"]),
])
def test_a_question_after_a_sign_up_asked_for(text: str, questions: list[str]) -> None:
    assert split_questions(text) == questions


@pytest.mark.parametrize(("text", "questions"), [
    # the day the hours question points back at stays with it
    ("旧杂志想捐掉 打算周五送去总馆 那天几点开",
     ["旧杂志想捐掉 打算周五送去总馆", "旧杂志想捐掉 打算周五送去总馆 那天几点开"]),
    ("卡丢了要先挂失，周日开门吗", ["卡丢了要先挂失", "周日开门吗"]),
    ("旧杂志想捐掉 打算周五送去总馆", ["旧杂志想捐掉 打算周五送去总馆"]),  # nothing asked
])
def test_an_errand_told_before_an_hours_question_is_asked_too(
        text: str, questions: list[str]) -> None:
    assert split_questions(text) == questions


def test_a_fee_asked_right_after_a_sign_up_is_the_events() -> None:
    signed: dict[str, Any] = {"kind": "event_signup", "title": "阅美四季·冬日诗会"}
    tracker = conversation(("reader123", [signed]), ("这场要掏钱伐", []))
    assert fee_of_an_event(tracker, "这场要掏钱伐") is not None
    assert fee_of_an_event(conversation(("reader123", []), ("这场要掏钱伐", [])),
                           "这场要掏钱伐") is None


def test_the_city_library_is_this_one() -> None:
    assert THIS_LIBRARY.search("市图书馆有没有古籍")
    assert not THIS_LIBRARY.search("南京图书馆有没有古籍")
    assert not THIS_LIBRARY.search("南京图书馆属于市馆吗")  # asked of the other one


@pytest.mark.parametrize("text", [
    "有公共电脑能上网伐 要不要排队",  # the library's computers: the FAQ's candidates
    "这类工具书可以带回去看伐 或者只准馆内阅览",
])
def test_a_library_question_taken_for_one_about_the_bot(
        monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    services = type("Services", (), {"knowledge": Suggests()})()
    monkeypatch.setattr(actions.faq_answers, "services", lambda: services)
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionSmallTalk().run(dispatcher, tracker_with(text, [], intent="bot_challenge"),
                                      {}))
    assert dispatcher.messages[0]["text"] == "您是不是想问："


class Suggests:
    """The FAQ, unsure, with candidates."""

    def answer(self, question: str, lenient: bool = False) -> FaqAnswer:
        return FaqAnswer(kind="suggest", suggestions=[(1, "哪些书不能外借？")])

    def record_unanswered(self, *args: Any) -> None:
        return None



# --- read from the thirty-sixth set ------------------------------------------------------


HOLD_CONFIRM: dict[str, Any] = {"kind": "hold_confirm", "title": "某书", "bib_id": 7,
                                "branches": ["金陵图书馆", "金陵图书馆河西分馆"]}


def test_the_pickup_changed_with_its_reason() -> None:
    tracker = conversation(("reader123", [HOLD_CONFIRM]), ("换个地儿 放到河西那边 我搬家了", []))
    tracker.latest_message["entities"] = [{"entity": "branch", "value": "金陵图书馆河西分馆"}]
    assert pickup_chosen(tracker)
    tracker.latest_message["text"] = "河西那边我搬家以后倒是常去 离得也近"  # no change asked
    assert not pickup_chosen(tracker)
    tracker.latest_message["text"] = "换个地方吧 别放河西"  # the branch turned down
    assert not pickup_chosen(tracker)


@pytest.mark.parametrize(("text", "offered", "yes"), [
    ("晓得了 约上吧 还是总馆", ["金陵图书馆", "金陵图书馆河西分馆"], True),
    ("好的 总馆", ["金陵图书馆", "金陵图书馆河西分馆"], True),
    ("好的 总馆", ["金陵图书馆河西分馆", "金陵图书馆"], False),  # another than proposed
    ("晓得了 好", ["金陵图书馆"], False),  # it heard, and says no yes to the hold
])
def test_a_yes_to_a_hold_after_it_was_understood(text: str, offered: list[str],
                                                  yes: bool) -> None:
    assert affirms(text, offered) is yes


def test_a_weekday_describes_a_holiday_named_beside_it() -> None:
    assert weekday_describes("明年清明那天刚好礼拜一 开不开")
    assert not weekday_describes("清明回老家 这周日开吗")  # a week of its own
    assert not weekday_describes("清明回老家 明天开吗")


@pytest.mark.parametrize(("text", "intent", "expected"), [
    ("借书处的人很凶 该向谁投诉", "request_human", "ask_policy"),
    ("书架上的能自己拿吗 还是要叫馆员", "request_human", "ask_policy"),
    ("我要投诉 帮我转人工", "request_human", None),
    ("地方志可以用相机翻拍伐", "request_research_help", "ask_policy"),
    ("能帮我复印一份老地图吗", "request_research_help", None),  # a service asked for
    ("给我妈代办张证 她不用亲自来吧", "deny", "ask_policy"),
    ("不用了吧", "deny", None),
    ("某作家还写过什么 都列出来", "nlu_fallback", "search_catalogue"),
    ("他还写过啥", "nlu_fallback", None),  # the author of the results: context's
    ("金图还出了什么新活动", "ask_events", None),  # the library's, no author's
    ("读书会这期读的那本书叫什么", "ask_events", None),
    ("在哪投诉 我现在就要找真人说", "request_human", None),
    ("谢谢 这次就不用麻烦了吧", "deny", None),  # a no, politely
    ("可以给我复印一份民国报纸吗", "request_research_help", None),  # a copy asked for
    ("某学者写民国那几年上海的那本书", "ask_events", "search_catalogue"),
    ("下礼拜读书会讲哪本书", "ask_events", None),
    ("某作家那本我在南方种树 有没得", "out_of_scope", "search_catalogue"),
])
def test_rule_questions_and_books_in_other_words(text: str, intent: str,
                                                 expected: str | None) -> None:
    assert corrected(intent, text) == expected


def test_what_else_an_author_wrote_is_the_authors_books() -> None:
    assert understand("某作家还写过啥 有的都列给我看看").phrase == "某作家"
    assert understand("所有的列车都开往春天").phrase == "所有的列车都开往春天"  # a title
    assert understand("有本事冲我来").phrase == "有本事冲我来"


def test_a_sign_up_asked_as_whether_it_is_still_open() -> None:
    assert ActionSignUpEvent.requests.search("讲座那场现在还能报吗")  # (its end: asks it)
    assert not ActionSignUpEvent.requests.search("讲座怎么报名")


def test_an_authors_newest_book_the_library_lacks_is_read_as_a_title() -> None:
    found = AUTHOR_AND_TITLE[0].match("某作家新出的某某长篇")
    assert found is not None and (found["author"], found["title"]) == ("某作家", "某某长篇")


def test_a_book_told_by_its_writer_and_what_it_tells() -> None:
    told = WRITER_TELLS.match("某学者写民国那几年上海的那本书")
    assert told is not None and told["author"] == "某学者"
    assert WRITER_TELLS.match("东大爸爸写给我的日本史") is None  # 写给: a title's own words


def test_nanjing_words_for_has_it_leave_the_query() -> None:
    assert thing_asked_for("某某传奇有没得") == "某某传奇"
    assert understand("有本绘本讲小熊过冬 馆里有伐").phrase == "绘本讲小熊过冬"
    assert wants_a_book("某作家那本我在南方种树 有没得")
    assert not wants_a_book("那本书我昨天还了 有没有记录")


def test_the_weeks_events_asked_in_nanjing_words() -> None:
    assert UPCOMING.search("下礼拜有讲座伐")
    assert not UPCOMING.search("下礼拜三有讲座伐")  # a day: that day's


def test_the_resources_asked_to_be_listed_are_no_particular_one() -> None:
    assert read_request("电子资源都有哪些 列出来看看").empty
    assert LISTED.search("电子资源都有哪些 列出来看看")


@pytest.mark.parametrize(("text", "asked"), [
    ("故事会一般在什么地方办", "图书馆的活动在哪里举办"),
    ("讲座在几楼", "图书馆的活动在哪里举办"),
    ("哪天有讲座", None),  # when, not where
    ("讲座在哪看回放", None),  # a recording
    ("最近有什么活动 在哪能看到通知", None),
    ("讲座那天车停在哪", None),  # where something else is
    ("在哪投诉讲座的事", None),  # the event named after where
])
def test_where_an_event_is_held(text: str, asked: str | None) -> None:
    assert place_of_an_event(text) == asked


@pytest.mark.parametrize(("text", "questions"), [
    ("手工课在什么地方上 远不远", ["手工课在什么地方上 远不远"]),
    ("几点开门 好不好找", ["几点开门", "好不好找"]),  # no place asked before
])
def test_whether_a_place_is_easy_to_find_is_the_same_question(
        text: str, questions: list[str]) -> None:
    assert split_questions(text) == questions


class OneBooking:
    """The reader's bookings: one room."""

    def bookings(self, reader: Any, since: Any = None) -> list[Any]:
        return [type("Booking", (), {"booking_id": 9, "is_space": True})()]


def test_the_one_booking_listed_is_the_one_taken_back(monkeypatch: pytest.MonkeyPatch) -> None:
    services = type("Services", (), {"activities": OneBooking()})()
    monkeypatch.setattr(actions.activities, "services", lambda: services)
    listed: dict[str, Any] = {"kind": "bookings_list", "count": 1}
    taken_back = conversation(("reader123", [listed]), ("那天来不了了 帮我退掉", []))
    assert the_one_booking_listed(taken_back, "reader") == 9
    other = conversation(("reader123", [listed]), ("别的不要了 这个留着", []))
    assert the_one_booking_listed(other, "reader") is None
    two = conversation(("reader123", [{**listed, "count": 2}]), ("那天来不了了 帮我退掉", []))
    assert the_one_booking_listed(two, "reader") is None


def test_a_renewal_in_a_case_supposed_is_no_request_for_the_card() -> None:
    dispatcher = CollectingDispatcher()
    supposed = tracker_with("借的那本快到期了 要是别人约了它 我还能再续吗", [])
    assert renewal_by_name(dispatcher, supposed) is None
    assert dispatcher.messages == []


# --- a second review's findings -----------------------------------------------------------


@pytest.mark.parametrize(("text", "down"), [
    ("换个地方吧 别放河西", True),
    ("河西那边太远了 换个地方吧", True),
    ("换到河西吧 总馆太远", False),  # the other branch turned down
    ("改成河西分馆 特别近", False),  # 特别, no 别
])
def test_the_branch_turned_down_is_the_one_named(text: str, down: bool) -> None:
    assert turns_down(text, ["金陵图书馆河西分馆"]) is down


def test_a_question_after_the_one_booking_listed_cancels_nothing(
        monkeypatch: pytest.MonkeyPatch) -> None:
    services = type("Services", (), {"activities": OneBooking()})()
    monkeypatch.setattr(actions.activities, "services", lambda: services)
    listed: dict[str, Any] = {"kind": "bookings_list", "count": 1}
    asked = conversation(("reader123", [listed]), ("退掉的话会影响以后预约吗", []))
    assert the_one_booking_listed(asked, "reader") is None


@pytest.mark.parametrize("text", ["下次故事会在哪天", "周末带娃去故事会 金图在哪里",
                                  "手工课在哪个分馆"])
def test_when_or_where_else_is_not_where_the_event_is_held(text: str) -> None:
    assert place_of_an_event(text) is None


@pytest.mark.parametrize(("text", "asked"), [
    ("那场讲座还能报名不", True),
    ("讲座还可以报名吗 名额满了没", False),  # more asked: not a sign-up outright
    ("一个人现在能报几场活动", False),
])
def test_a_sign_up_asked_as_whether_it_is_open_and_nothing_more(text: str, asked: bool) -> None:
    assert bool(ActionSignUpEvent.requests.search(text)) is asked


def test_a_place_named_before_the_asking_words_is_no_thing_asked_for() -> None:
    assert thing_asked_for("河西分馆有没有 小猪唏哩呼噜") != "河西分馆"


def test_the_other_librarys_card_used_at_the_city_library() -> None:
    assert OTHERS_CARD.search("我办的是南京图书馆的证 市图能用吗")
    assert THIS_LIBRARY_MEANT.search("市图能用吗")
