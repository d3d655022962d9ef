"""Titles typed whole or nearly, offers given up, accounts looked at and rules asked of a
case supposed: the readings added after the thirty-second evaluation set was read (its
messages stay out of here; these are written anew)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.catalogue import books_described, searched, show_results, title_beside_author
from actions.context import affirms
from actions.dates import counted_from
from actions.decline import gives_up_the_offer
from actions.faq_answers import answer_in_context
from actions.handoff import ActionHandoffToStaff
from actions.holds import typed_nearly_whole
from actions.library import services
from actions.visiting import ActionLocation
from bot.channels.questions import split_questions
from bot.nlu_signals import about_a_branch, corrected
from bot.question_words import A_NOT_A, OPENING
from bot.services.catalogue_ranking import author_names
from bot.services.interface import SearchResult
from bot.services.search_text import normalise
from tests.test_action_units import conversation, tracker_with

SLOTS: dict[str, Any] = {"kind": "space_slots", "slot_ids": [1, 2]}
SIDE_ANSWER: dict[str, Any] = {"kind": "faq", "id": "facilities-011"}


@pytest.mark.parametrize(("text", "asks"), [
    ("儿童部周五开不", True),
    ("明天河西开没", True),
    ("下周二开伐 要去还书", True),
    ("储物柜打开不方便", False),
    ("大门开不了", False),
])
def test_open_asked_with_a_last_word(text: str, asks: bool) -> None:
    assert bool(re.search(OPENING, text)) is asks


def test_a_branch_and_a_day_asked_open_are_its_hours() -> None:
    assert about_a_branch("search_catalogue", normalise("少儿部下周五开不")) \
        == "ask_opening_hours"


def test_a_title_typed_whole_around_the_part_tagged() -> None:
    tagged = [{"entity": "title", "value": "兄弟"}]
    query, result = searched(tracker_with("帮我留本卡拉马佐夫兄弟，鼓楼拿", tagged),
                             "兄弟", 3, for_a_hold=True)
    assert result.hits[0].title == "卡拉马佐夫兄弟"
    query, result = searched(tracker_with("兄弟 余华那本 帮我约", tagged), "兄弟", 3,
                             for_a_hold=True)
    assert query == "兄弟"
    tagged = [{"entity": "title", "value": "孙子兵法"}]
    query, result = searched(tracker_with("华杉讲透孙子兵法 留一本", tagged), "孙子兵法", 3,
                             for_a_hold=True)
    assert result.hits[0].title.startswith("华杉讲透孙子兵法")


@pytest.mark.parametrize(("text", "nearly"), [
    ("留一本撒哈拉的古事", True),  # one character mistyped
    ("留一本撒哈拉故事", False),  # one left out: no longer the same length
    ("帮我约兄第", False),  # too short a title to guess
])
def test_a_title_nearly_typed_whole(text: str, nearly: bool) -> None:
    title = "兄弟" if "兄" in text else "撒哈拉的故事"
    assert typed_nearly_whole(title, text) is nearly


def test_a_misremembered_title_beside_its_author() -> None:
    found = title_beside_author("嫌疑人x的献生 东野圭吾", "东野圭吾", 3)
    assert found is not None and found[1].hits[0].title.startswith("嫌疑人X的献身")
    assert title_beside_author("东野圭吾都写过哪些", "东野圭吾", 3) is None


def test_a_book_told_by_what_happens_in_it_when_its_name_is_asked() -> None:
    found = books_described("河岸 老獾 鼹鼠的那本书叫什么")
    assert found is not None and found[1].hits[0].title == "柳林风声"
    assert books_described("河岸 老獾 鼹鼠") is None  # no name asked, no book word


@pytest.mark.parametrize(("intent", "text", "expected"), [
    # a book named, no cancelling words: searched or held as asked
    ("cancel_reservation", "许三观卖血记那本 替我约上", "place_reservation"),
    ("cancel_reservation", "围城那本有吗", "search_catalogue"),
    # the card's trouble, and the reader asks to look at it
    ("nlu_fallback", "证扫了没反应 麻烦给我看下是不是停用了", "ask_account"),
    # the reader's own holds and card, in other words
    ("ask_policy", "把我约过的书列个清单", "list_reservations"),
    ("ask_policy", "机器上刷卡说证异常 是不是停用了 帮查下", "ask_account"),
    ("search_catalogue", "帮查下活着在几楼", None),
    # a book sought, not a librarian's research
    ("request_research_help", "想找本讲城市规划的书 给孩子看", "search_catalogue"),
    ("request_research_help", "给闺女找本注音版的小王子", "search_catalogue"),
    ("request_research_help", "想找清末南京城的老照片", None),  # no book asked for
    ("request_research_help", "帮我找一下祖父在南京工作时的记录", None),
    ("request_research_help", "想找清末南京城的老地图", None),
    ("request_research_help", "写课题要找些清代的档案", None),
    ("request_research_help", "请馆员帮忙选几本书", None),
    # a rule in a case supposed, not the reader's loans
    ("list_loans", "假如遇上停馆 借期刚好到头 会被罚吗", "ask_policy"),
    ("list_loans", "假如手上哪本快到期 帮我查下", None),
    # a guess about the collection, no search asked for
    ("request_research_help", "馆里多半没收民国报纸吧", "ask_policy"),
    ("request_research_help", "馆里多半收了民国报纸吧 替我查查", None),
    ("request_research_help", "还是得麻烦老师吧", None),  # help asked, not a guess
    ("request_research_help", "能不能帮我做个文献检索吧", None),
    ("request_research_help", "借的几本都替我延长一阵吧", "renew_loan"),
])
def test_requests_read_by_their_words(intent: str, text: str, expected: str | None) -> None:
    assert corrected(intent, text) == expected


@pytest.mark.parametrize(("turns", "gives_up"), [
    ([("鼓楼研讨间周五有空吗", [SLOTS]), ("哎 还是不订了 改天再说", [])], True),
    # after a question on the side
    ([("鼓楼研讨间周五有空吗", [SLOTS]), ("里面能喝水吗", [SIDE_ANSWER]),
      ("算了 不订了", [])], True),
    ([("鼓楼研讨间周五有空吗", [SLOTS]), ("算了 那研讨间几点关", [])], False),  # asks
    ([("馆里能喝水吗", [SIDE_ANSWER]), ("哦 那不用了", [])], False),  # nothing offered
    ([("鼓楼研讨间周五有空吗", [SLOTS]), ("人太少 先放一放", [])], True),
    ([("鼓楼研讨间周五有空吗", [SLOTS]), ("这几个不订了 周六的呢", [])], False),  # another time
])
def test_an_offer_given_up(turns: list[tuple[str, list[dict[str, Any]]]],
                           gives_up: bool) -> None:
    assert gives_up_the_offer(conversation(*turns)) is gives_up


@pytest.mark.parametrize(("text", "yes"), [
    ("是的 江宁馆 没错", True),
    ("对 河西取", True),
    ("是的 鼓楼", False),  # another branch: a change, not a yes
    ("对 金陵图书馆", False),  # the main library, also offered
    ("河西", False),  # no yes
])
def test_a_yes_that_names_the_pickup_offered(text: str, yes: bool) -> None:
    first = "江宁区图书馆" if "江宁" in text else "金陵图书馆河西分馆"
    offered = [first, "金陵图书馆"]
    assert affirms(text, offered=offered) is yes


@pytest.mark.parametrize(("text", "asks"), [
    ("里头让不让带零食", True), ("收不收押金", True), ("一不小心弄丢了", False),
    ("时不时去看看", False), ("有没有演出", False),  # 有没有 also asks what there is
])
def test_a_not_a_asks(text: str, asks: bool) -> None:
    assert bool(A_NOT_A.search(text)) is asks


@pytest.mark.parametrize(("text", "only_asks"), [
    ("那类库 馆里有没有开通", True),
    ("查了好几个库都没有", False),  # the search failed: a librarian's help
    ("这个课题比较复杂 还是当面聊吧", False),
    ("写课题要看外文期刊 金图能下全文吗", True),
    ("那种老照片 馆里是不是也收", True),
    ("项目结题要查新 馆里给出报告不", False),  # a librarian's work asked for
    ("要一份收录引用证明 馆里可以开吗", False),
])
def test_a_reference_question_that_only_asks_whether(text: str, only_asks: bool) -> None:
    asks = ActionHandoffToStaff.asks_if_it_has.search(text) is not None \
        and ActionHandoffToStaff.asks_for_help.search(text) is None
    assert asks is only_asks


@pytest.mark.parametrize(("text", "questions"), [
    ("那个系列办些啥 想替外孙报那个手工坊", ["那个系列办些啥", "想替外孙报那个手工坊"]),
    ("讲坛收费吗 替我报名周六那场", ["讲坛收费吗", "替我报名周六那场"]),
    ("诗会几点开始？我想参加", ["诗会几点开始？我想参加"]),  # nothing named to sign up for
])
def test_a_sign_up_after_a_question(text: str, questions: list[str]) -> None:
    assert split_questions(text) == questions


def test_an_authors_books_when_words_naming_the_author_find_nothing() -> None:
    assert services().catalogue.author_named("鲁敏那部写家族企业的小说") == "鲁敏"
    assert services().catalogue.author_named("南京城墙志") is None
    dispatcher = CollectingDispatcher()
    show_results(dispatcher, "高居翰那本画史 插图多的", SearchResult(hits=[], total=0), offset=0)
    said = [m["outcome"] for m in dispatcher.messages if m.get("outcome")]
    # offered as near matches: the book the reader meant, or the author's others
    assert said[0]["no_match"] and said[0]["near"] and "图说中国绘画史" in said[0]["titles"]


def test_role_words_are_no_authors_names() -> None:
    assert author_names("某某 口述；某乙 笔录") == ["某某", "某乙"]


@pytest.mark.parametrize("follow_up", ["那押金呢", "押金咋算"])
def test_a_short_follow_up_goes_on_with_the_topic_answered(follow_up: str) -> None:
    card = {"kind": "faq", "id": "reader_card-001"}
    tracker = conversation(("第一次来 读者证要怎么弄", [card]), (follow_up, []))
    assert answer_in_context(tracker, follow_up, lenient=True).key == "reader_card-003"
    # a request the FAQ is only consulted for first keeps its own reading
    assert answer_in_context(tracker, follow_up).key != "reader_card-003"


@pytest.mark.parametrize(("text", "day"), [
    ("那再往后推一天呢", date(2026, 12, 11)),
    ("向前挪一天行吗", date(2026, 12, 9)),
    ("延后一天呢", date(2026, 12, 11)),
])
def test_a_day_moved_on_or_back_from_the_one_answered(text: str, day: date) -> None:
    assert counted_from(text, date(2026, 12, 10), date(2026, 10, 28)) == day


# The review's attacks: each reading held back from what it must not take.

@pytest.mark.parametrize(("intent", "text", "not_expected"), [
    ("nlu_fallback", "帮查一下续借规则", "renew_loan"),  # a rule, not the account
    ("ask_policy", "帮查下研讨间预约要提前几天", "list_reservations"),
    ("renew_loan", "万一来不及还 能不能先续上", "ask_policy"),  # a renewal asked for
    ("list_reservations", "如果预约的书到了 能不能看看是哪几本", "ask_policy"),
    ("nlu_fallback", "帮我看看电子书怎么用不了", "ask_account"),  # not the card
    ("nlu_fallback", "帮我看看储物柜咋刷不了", "ask_account"),
    ("ask_policy", "预约了研讨间 列一下注意事项", "list_reservations"),
])
def test_readings_held_back(intent: str, text: str, not_expected: str) -> None:
    assert corrected(intent, text) != not_expected


def test_a_series_asked_for_is_no_list_looked_at() -> None:
    assert corrected("search_catalogue", "把这个系列给我预约上") == "place_reservation"
    assert corrected("list_loans", "帮查下围城借得到吗") == "search_catalogue"


@pytest.mark.parametrize("text", ["河西分馆的空调开没", "江宁分馆那个展览开么"])
def test_open_said_of_other_things(text: str) -> None:
    assert about_a_branch("ask_policy", normalise(text)) != "ask_opening_hours"


@pytest.mark.parametrize(("text", "author"), [
    ("路遥知马力", None), ("我家豆豆想看恐龙的书", None), ("王力宏的歌词集", None),
    ("雨果奖获奖作品集", None), ("余华和苏童一起推荐过的那部", "余华"),  # the first named
    ("项飙的", "项飙"),
])
def test_authors_named_whole_and_where_a_name_is_meant(text: str, author: str | None) -> None:
    assert services().catalogue.author_named(text) == author


def test_more_results_of_an_authors_books_search_the_author() -> None:
    dispatcher = CollectingDispatcher()
    events = show_results(dispatcher, "高居翰那本画史 插图多的", SearchResult(hits=[], total=0),
                          offset=0)
    assert {"event": "slot", "timestamp": None, "name": "search_query",
            "value": "高居翰"} in events


def test_other_offers_and_words_held_back() -> None:
    slots = conversation(("鼓楼研讨间周五有空吗", [SLOTS]), ("我算了一下 还是约第二个时段吧", []))
    assert not gives_up_the_offer(slots)
    assert not typed_nearly_whole("银河帝国", "帮我约一本银河帝国3")  # typed whole: another
    assert books_described("你们的WiFi名字叫什么") is None
    assert split_questions("讲座几点开 要报名还是到场就行") == ["讲座几点开 要报名还是到场就行"]


@pytest.mark.parametrize("text", ["那边怎么过去", "河西分馆如何过去", "坐车咋去"])
def test_the_way_there_in_more_words(text: str) -> None:
    assert ActionLocation.requests.search(text)
