"""Cards said to be the reader's, kinds of books named by examples, second questions and
the readings added after the thirty-third evaluation set was read (its messages stay out
of here; these are written anew)."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.activities import ActionBookSpace
from actions.catalogue import (
    A_KIND_OF_BOOK,
    show_results,
    thing_the_faq_lacks,
    title_the_author_lacks,
    typed_query,
)
from actions.context import branch_spoken_of
from actions.faq_answers import LIBRARY_NAMES, fee_of_an_event
from actions.library import services
from actions.loans import title_asked_to_renew, wants_all
from actions.notices import TURN_OFF
from bot.booking_words import EVENT_WORDS, SPACE_WORDS
from bot.channels.guard import leaves_the_librarian
from bot.channels.questions import split_questions
from bot.nlu_signals import corrected, signals
from bot.question_words import ASKS, wants_a_book
from bot.spelling import corrected as spelt_right
from tests.test_action_units import conversation, tracker_with

EVENTS: dict[str, Any] = {"kind": "events", "titles": ["阅美四季·绘本故事会"]}


@pytest.mark.parametrize(("text", "leaves"), [
    ("结束人工", True),
    ("行 结束人工吧", True),
    ("結束人工，謝謝", True),
    ("那就退出人工", True),
    ("结束人工吧谢谢", True),
    ("好的谢谢 结束人工", True),
    ("我想结束人工", True),
    ("感谢您 结束人工", True),
    ("结束人工 我还有个借书的事要问馆员", False),  # more said: for the librarian
    ("谢谢", False),
])
def test_the_librarian_left_with_words_of_courtesy(text: str, leaves: bool) -> None:
    assert leaves_the_librarian(text) is leaves


@pytest.mark.parametrize(("text", "intent"), [
    ("JL00000006是我的借书证 登录一下", "list_reservations"),
    ("我的证号 JL00000002", "list_reservations"),
    ("jl 0000 0006 这是我的卡 帮我登一下", "list_reservations"),
    ("我的证号JL00000002 看看我的借阅", None),  # a request of its own: DIET's
    ("我的证号JL00000002 卡丢了", None),
    ("我的证JL00000001", "list_reservations"),
])
def test_a_card_said_to_be_the_readers_own(text: str, intent: str | None) -> None:
    assert signals(text)[0] == intent


@pytest.mark.parametrize(("text", "title"), [
    ("白鹿原也一起延一下吧", "白鹿原"),
    ("我借的白鹿原想在续个两周 行吗", "白鹿原"),
    ("白鹿原还能再续一下吗", "白鹿原"),
    ("白鹿原和别的一起续吗", None),  # how renewals go together: asked, not asked for
])
def test_a_loan_renewed_by_name_in_more_words(text: str, title: str | None) -> None:
    assert title_asked_to_renew(tracker_with(text, [])) == title


def test_the_rest_renewed_together_is_still_every_loan() -> None:
    assert wants_all(tracker_with("剩下的也一起续上吧", []))
    assert not wants_all(tracker_with("白鹿原也一起续上吧", []))  # that one as well


def test_a_hold_for_someone_and_where_it_is_picked_up() -> None:
    assert corrected("place_reservation", "再替她约一套白鹿原 还是河西拿") is None
    assert typed_query("再替她约一套白鹿原 还是在河西取") == "白鹿原"
    assert typed_query("在逆境中进取") == "在逆境中进取"
    assert typed_query("时间简史帮我约 用JL00000002这张") == "时间简史"
    assert typed_query("那张脸") == "那张脸"


@pytest.mark.parametrize(("typed", "meant"), [
    ("南京市江宁区图书管几点开", "南京市江宁区图书馆几点开"),  # a long branch name with 管
    ("借书证阿能补办", "借书证能不能补办"),  # Nanjing's question
    ("周末阿有讲座", "周末有没有讲座"),
    ("阿姨在服务台吗", "阿姨在服务台吗"),
    ("少儿管弦乐团的演出在哪看", "少儿管弦乐团的演出在哪看"),  # short names: the rule above
    ("想找讲阿是穴的书", "想找讲阿是穴的书"),
])
def test_branches_typed_with_guan_and_nanjing_questions(typed: str, meant: str) -> None:
    assert spelt_right(typed) == meant


@pytest.mark.parametrize(("intent", "text", "expected"), [
    # where news of a closure is to be had, not a day's hours
    ("ask_opening_hours", "要是哪天突然闭馆 去哪里能提前知道", "ask_policy"),
    ("ask_opening_hours", "停馆公告通常在哪儿贴", "ask_policy"),
    ("ask_opening_hours", "周六几点闭馆 哪儿可以看到", None),
    ("ask_opening_hours", "哪天开馆想知道下", None),
    ("ask_opening_hours", "哪里可以知道今天开不开门", None),
    # the number of seats, no seat to book
    ("book_space", "河西那边座位一共才几百个吧", "ask_policy"),
    ("book_space", "想订个座位", None),
    ("book_space", "自习室座位还剩多少", None),  # the seats left: to book
    ("book_space", "明天自习室座位够不够", None),
    # a piece of writing asked to be written
    ("ask_policy", "替我写个三体的读书心得", "out_of_scope"),
    ("search_catalogue", "帮我写篇围城的作文 老师布置的", "out_of_scope"),
    ("ask_policy", "帮我写论文要用的文献找一下", None),  # sources sought: research
    # a branch said to work on a day
    ("nlu_fallback", "12月3号 江宁馆上班吗", "ask_opening_hours"),
    # a request asked as whether the library can
    ("request_research_help", "可不可以替我瞧瞧我在金图借的两本啥时候该还", "list_loans"),
    # a kind of book named by examples: whether it is lent
    ("search_catalogue", "期刊能借回家吗 比如读者文摘", "ask_policy"),
    ("search_catalogue", "读者文摘能借回家吗", None),
    ("search_catalogue", "有没有类似三体那类的小说 能借回家的", None),  # books like it
    ("search_catalogue", "像三体这种书有吗 能借回家吗", None),
    # a how asked after a polite request is still a how
    ("ask_policy", "能不能帮我看看怎么续借", None),
])
def test_requests_read_by_their_words(intent: str, text: str, expected: str | None) -> None:
    assert corrected(intent, text) == expected


@pytest.mark.parametrize(("text", "asks"), [
    ("我们二十几个人想来参观", False),
    ("七几年出的老版本", False),
    ("几十本书", False),
    ("20几个人想来参观", False),
    ("星期一几个座位还空着", True),
    ("有个朋友说没得", False),
    ("几点开门", True),
    ("周6几点开门", True),
    ("馆里有wifi伐", True),
    ("座位边有充电口没得", True),
    ("我没得时间", False),
])
def test_rough_numbers_and_the_last_words_that_ask(text: str, asks: bool) -> None:
    assert bool(ASKS.search(text)) is asks


def test_the_training_area_is_a_space() -> None:
    assert SPACE_WORDS.search("借培训区") and not EVENT_WORDS.search("借培训区")
    assert EVENT_WORDS.search("数据库培训")
    assert ActionBookSpace.own_questions.search("这周哪天空着")
    assert ActionBookSpace.requests.search("想借培训区开个分享会")
    assert not ActionBookSpace.own_questions.search("自习室空着的座位能随便坐吗")
    assert not ActionBookSpace.requests.search("想借三体")


def _said(*messages: tuple[str, list[str]]) -> Tracker:
    events = [{"event": "user", "text": text,
               "parse_data": {"entities": [{"entity": "branch", "value": name}
                                           for name in branches]}}
              for text, branches in messages]
    return Tracker(sender_id="unit-test", slots={}, events=events, paused=False,
                   followup_action=None, active_loop={}, latest_action_name=None,
                   latest_message={"text": messages[-1][0], "entities": []})


def test_a_branch_pointed_back_at_after_another_question() -> None:
    tracker = _said(("江宁馆和金图算一家吗", ["江宁区图书馆", "金陵图书馆"]),
                    ("书从金图带过去还可以吗", ["金陵图书馆"]), ("那边周五几点关", []))
    assert branch_spoken_of(tracker, LIBRARY_NAMES) == "江宁区图书馆"
    far = _said(("江宁馆在哪", ["江宁区图书馆"]), ("办证要钱吗", []), ("押金多少", []),
                ("能续几次", []), ("那边周五几点关", []))
    assert branch_spoken_of(far, LIBRARY_NAMES) is None  # too long ago
    # the library itself asked about since: there
    turned = _said(("江宁馆周六开吗", ["江宁区图书馆"]), ("金图能停车吗", ["金陵图书馆"]),
                   ("那边几点关门", []))
    assert branch_spoken_of(turned, LIBRARY_NAMES) is None


def test_a_bare_fee_after_the_events() -> None:
    tracker = conversation(("儿童馆近期办啥活动", [EVENTS]), ("收费伐", []))
    assert fee_of_an_event(tracker, "收费伐") is not None
    assert fee_of_an_event(tracker, "办证收费伐") is None  # a fee of something else
    assert fee_of_an_event(tracker, "wifi收费吗") is None
    assert fee_of_an_event(conversation(("收费伐", [])), "收费伐") is None  # no events


@pytest.mark.parametrize(("text", "questions"), [
    ("卡掉了得先去挂失吗 还有一本借的书也不见了",
     ["卡掉了得先去挂失吗", "还有一本借的书也不见了"]),
    ("自习室要订一个 里头可以喝水吗", ["自习室要订一个", "里头可以喝水吗"]),
    ("要订一间研讨间 周六上午还空吗", ["要订一间研讨间 周六上午还空吗"]),  # of the booking
    ("要订一间研讨间 怎么订", ["要订一间研讨间 怎么订"]),
    ("想约研讨间 得办什么手续", ["想约研讨间 得办什么手续"]),
    ("想订间研讨室 平板能带进去吗", ["想订间研讨室", "平板能带进去吗"]),
    ("自习室想订一个 可以吗", ["自习室想订一个 可以吗"]),
    ("研讨室想订一间 需要提前吗", ["研讨室想订一间 需要提前吗"]),
])
def test_a_second_matter_after_a_question_or_a_space(text: str, questions: list[str]) -> None:
    assert split_questions(text) == questions


def test_an_authors_title_the_library_lacks_whatever_searched_it() -> None:
    dispatcher = CollectingDispatcher()
    show_results(dispatcher, "东野圭吾的秘密",
                 services().catalogue.search("东野圭吾的秘密", limit=3), offset=0)
    said = next(m["outcome"] for m in dispatcher.messages if m.get("outcome"))
    assert said["no_match"] and "秘密" in dispatcher.messages[0]["text"]
    # which of the author's books is best is no title
    found = services().catalogue.search("东野圭吾 最好看的 是哪本", limit=3)
    assert title_the_author_lacks("东野圭吾 最好看的 是哪本", found) is None
    assert not A_KIND_OF_BOOK.search("最后一课")  # a title, though it begins with 最


def test_a_book_someone_wants_to_read() -> None:
    assert thing_the_faq_lacks("闺女想看小狗汪汪队 有没有") == "小狗汪汪队"
    assert thing_the_faq_lacks("你好，闺女想看小狗汪汪队 有没有") == "小狗汪汪队"
    assert thing_the_faq_lacks("想看电子书 有没有") is None  # a kind the FAQ tells of
    assert thing_the_faq_lacks("我想看展览 有吗") is None  # the FAQ is sure of it


def test_a_book_found_for_the_reader_told_is_no_book_asked_for() -> None:
    assert not wants_a_book("那天有位工作人员帮我找本旧字典 人特别好 咋表扬她")
    assert wants_a_book("帮我找本旧字典")
    assert wants_a_book("老师帮我找本讲恐龙的绘本")


def test_a_librarian_asked_to_look_into_something() -> None:
    assert signals("这事能不能让工作人员帮忙找找")[0] == "request_human"
    # what to look up named: a research request, as before
    assert signals("请馆员帮忙查一下民国时期南京的地方志")[0] != "request_human"


@pytest.mark.parametrize("text", ["以后不用给我发提醒", "别给我推送了"])
def test_notices_turned_off_in_more_words(text: str) -> None:
    assert TURN_OFF.search(text)

