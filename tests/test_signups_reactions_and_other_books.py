"""What the fortieth evaluation set's failures taught (its messages are not copied here):
sign-ups said with a bare 报, a 取消 with its reason at a hold's confirmation, a word on the
answer before a follow-up, the other library asked about in words DIET took for a greeting,
Nanjing's 伐, an author's other books, books told of before they are asked for, staff named
in a guess or to be praised, the reader's sign-ups counted, and a hold's author asked about
after it was given up."""

from __future__ import annotations

import pytest

from actions.catalogue import (
    ActionSearchCatalogue,
    book_whose_author_is_asked_about,
    the_authors_other_books,
)
from actions.context import is_follow_up
from actions.holds import ActionCancelReservation, gives_up_the_hold_offered
from actions.notices import ActionNoticeSettings
from bot.booking_words import keeps_a_place_at_an_event
from bot.nlu_signals import corrected
from bot.question_words import wants_a_book
from bot.services.catalogue_query import understand
from bot.services.catalogue_ranking import characters_shared
from bot.spelling import corrected as spelt_right
from bot.title_names import half_called
from tests.test_action_units import conversation, run_action, tracker_with


@pytest.mark.parametrize(("text", "intent", "meant"), [
    # the coming events of a branch, listed
    ("江北接下来办啥活动 都列一下", "nlu_fallback", "ask_events"),
    ("河西下礼拜都办什么讲座 列给我看下", "nlu_fallback", "ask_events"),
    ("报名成功了 接下来要做什么", "ask_policy", None),  # the next step, no events
    ("我手上借着哪几本 列给我看下", "ask_policy", "list_loans"),  # the reader's own, listed
    # the other library asked about, taken for a greeting or the assistant's identity
    ("省图在哪里呀", "greet", "ask_location"),
    ("省图咋过去", "greet", "ask_location"),
    ("你们跟省图到底算不算一家", "bot_challenge", "ask_policy"),
    ("南图你好", "greet", None),  # nothing asked
    # a sign-up said with a bare 报, the card before it, a place asked to be kept after it
    ("JL00000002报下周那场讲坛 帮我占个位子", "ask_policy", "sign_up_event"),
    # an author's other books than one named
    ("余华除了活着 另外还写过什么", "nlu_fallback", "search_catalogue"),
    ("图书馆除了借书 还有啥服务", "nlu_fallback", None),
    ("入馆除了刷卡 还得登记吗", "ask_policy", None),  # no writing asked of
    # a book told of at length, then asked after
    ("讲郑和下西洋那些年的纪实 有吗", "nlu_fallback", "search_catalogue"),
    # the reader's own sign-ups counted or listed (not the places left at an event)
    ("我这个月总共报了哪几场 列一下", "nlu_fallback", "list_reservations"),
    ("我报了哪几个讲座", "cancel_booking", "list_reservations"),
    ("报了几个人了 名额满没满", "ask_events", None),
    ("这场讲座报了多少个家庭", "ask_events", None),
    ("报过名的讲座能取消不", "cancel_booking", None),
    # staff named in a guess, or someone to be praised: the FAQ's, not a handoff
    ("书全锁库里 得叫管理员取吧", "request_human", "ask_policy"),
    ("有位馆员帮了大忙 想写封表扬 怎么弄", "request_human", "ask_policy"),
    ("得叫个馆员来帮我", "request_human", None),
    ("叫管理员过来一下吧", "request_human", None),  # a person asked for
    ("算了 找馆员吧", "request_human", None),
    ("我要表扬 转人工", "request_human", None),
])
def test_what_the_words_ask(text: str, intent: str, meant: str | None) -> None:
    assert corrected(intent, text) == meant


def test_a_place_kept_after_a_sign_up_asked() -> None:
    assert keeps_a_place_at_an_event("报下周那场讲坛 帮我占个位子")
    assert not keeps_a_place_at_an_event("借那本书的时候 帮我占个位子")


def test_a_bare_cancel_with_its_reason_gives_up_the_hold_offered() -> None:
    offered = {"kind": "hold_confirm", "title": "目送", "bib_id": 435}
    reason = conversation(("JL00000001约本目送", [offered]), ("取消 刚想起来同事那儿有一本", []))
    assert gives_up_the_hold_offered(reason)
    named = tracker_with("取消 白夜行", [{"entity": "title", "value": "白夜行"}])
    assert not gives_up_the_hold_offered(named)  # no hold offered, a hold named
    assert not gives_up_the_hold_offered(conversation(("几点关门", [{"kind": "hours"}]),
                                                      ("取消 临时有事", [])))


@pytest.mark.parametrize(("text", "follows"), [
    ("这么早啊 那江宁那家呢", True),
    ("哦 那明天呢", True),
    ("好贵啊 那办证要多久呢", False),  # a question of its own
])
def test_a_word_on_the_answer_before_a_follow_up(text: str, follows: bool) -> None:
    assert is_follow_up(text) is follows


@pytest.mark.parametrize(("text", "meant"), [
    ("周六开伐", "周六开吗"),
    ("有本什么书伐？", "有本什么书吗？"),
    ("北伐战争的书", "北伐战争的书"),  # no question
    ("盗伐", "盗伐"),
    ("步伐", "步伐"),
])
def test_nanjing_question_particle(text: str, meant: str) -> None:
    assert spelt_right(text) == meant


def test_a_title_half_remembered_with_or_what() -> None:
    assert half_called("他还有本传记 叫明朝那些事儿还是啥的") == "明朝那些事儿"
    assert corrected("nlu_fallback", "她还有本传记 叫某某人生还是啥的") == "search_catalogue"


def test_the_authors_other_books_than_one_named() -> None:
    found = the_authors_other_books("余华除了活着 另外还写过什么")
    assert found is not None
    author, result = found
    assert author == "余华"
    titles = [hit.title for hit in result.hits]
    assert titles and all("活着" not in title for title in titles)
    assert the_authors_other_books("图书馆除了借书 还有啥服务") is None


def test_a_series_for_a_child_searched_by_its_title() -> None:
    assert understand("三体那套 给孩子借两本").phrase == "三体"


def test_a_book_told_then_asked_after() -> None:
    assert wants_a_book("讲郑和下西洋那些年的纪实 有吗")
    assert not wants_a_book("讲郑和下西洋那些年的纪实 怎么借")


def test_where_notices_are_read_is_a_rule() -> None:
    notices = ActionNoticeSettings()
    assert notices.asks_its_rule("闭馆了我都不知道 通知去哪儿看")
    assert not notices.asks_its_rule("把提醒打开")


def test_the_author_of_a_hold_given_up() -> None:
    offered = {"kind": "hold_confirm", "title": "目送", "bib_id": 435}
    given_up = conversation(("JL00000001约本目送", [offered]), ("取消", [{"kind": "cancelled"}]),
                            ("她还写过什么", []))
    assert book_whose_author_is_asked_about(given_up) == 435
    asked_between = conversation(("JL00000001约本目送", [offered]),
                                 ("几点关门", [{"kind": "hours"}]), ("她还写过什么", []))
    assert book_whose_author_is_asked_about(asked_between) is None


def test_between_titles_equally_near_the_one_sharing_more_characters() -> None:
    query = understand("昨夜的世界")
    assert characters_shared(query, "昨日的世界") > characters_shared(query, "平凡的世界（全三部）")


def test_the_other_librarys_card_brought_here() -> None:
    asked = tracker_with("省图那张卡 带过来能借书吗", [], intent="search_catalogue")
    text, _events = run_action(ActionSearchCatalogue(), asked)
    assert "南京图书馆" in text and "读者证" in text


def test_the_hold_offered_given_up_and_a_hold_still_cancelled() -> None:
    offered = {"kind": "hold_confirm", "title": "目送", "bib_id": 435}
    given_up, _ = run_action(ActionCancelReservation(), conversation(
        ("JL00000001约本目送", [offered]), ("取消 刚想起来同事那儿有一本", [])))
    assert "不预约了" in given_up
    asked, _ = run_action(ActionCancelReservation(), tracker_with("把我那条预约撤了", []))
    assert "验证" in asked  # a hold to cancel: the card first
