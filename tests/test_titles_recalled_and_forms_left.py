"""Titles half remembered or typed beside their author, several titles in one message, a
title switched at the hold's confirmation, one more hold, a hold dropped in other words,
forms and offers left in readers' words, a password retyped after a slip, someone asked
for instead of the automatic replies, a sign-up for a grandchild, a free day asked of a
room, the weekly closing day, a row of keys swept, the other library asked about beside
this one, the author's other books asked with a pronoun, and the days closed said as a
time (units, no model)."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

import actions.catalogue
import actions.faq_answers
from actions.activities import ActionBookSpace
from actions.catalogue import (
    book_whose_author_is_asked_about,
    books_described,
    clause_of_books,
    held_title,
    several_or_lacking,
    title_the_author_lacks,
)
from actions.decline import ActionDecline, asks_something
from actions.faq_answers import about_the_other_library
from actions.handoff import ActionHandoffToStaff
from actions.holds import title_switched_to
from actions.loans import OWNER
from actions.small_talk import LIBRARY_THINGS
from actions.visiting import ActionOpeningHours, about_the_branch_before
from bot.booking_words import SIGNS_UP
from bot.channels.guard import gives_up, password_after_remark
from bot.nlu_signals import corrected, signals, swept_along_a_row
from bot.services.faq_model import FaqAnswer
from bot.services.interface import SearchResult, TitleHit
from bot.services.search_text import title_key
from bot.title_names import half_called
from tests.test_action_units import conversation, run_action


class Shelf:
    """Books found by every word of the query in their title or author."""

    def __init__(self, *books: tuple[str, str]) -> None:
        self.books = [TitleHit(bib_id=n, title=title, author=author, publisher="", year=None,
                               isbn=None, call_number="")
                      for n, (title, author) in enumerate(books, 1)]

    def search(self, query: str, limit: int = 5, offset: int = 0) -> SearchResult:
        found = [book for book in self.books if all(
            title_key(word) in title_key(book.title) + title_key(book.author)
            for word in query.split())]
        return SearchResult(hits=found[:limit], total=len(found))


@pytest.fixture
def shelf(monkeypatch: pytest.MonkeyPatch) -> Shelf:
    books = Shelf(("甲乙丙丁", "某作家"), ("庚辛壬癸", "某作家"), ("子丑寅卯", "[英] 某某·卯辰巳"),
                  ("戊己庚辛", "另一位"))
    monkeypatch.setattr(actions.catalogue, "services",
                        lambda: type("S", (), {"catalogue": books})())
    return books


# --- titles -------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "remembered"), [
    ("封面是个小男孩 绘本名字叫某某啥来着", "某某"),
    ("某作家那本 叫啥某某某", "某某某"),
    ("那本的续集 叫某某什么的", "某某"),
    ("那本书叫什么来着", None), ("叫什么名字", None), ("这个活动叫啥", None),
])
def test_a_title_half_remembered(text: str, remembered: str | None) -> None:
    assert half_called(text) == remembered


def test_a_title_half_remembered_is_searched() -> None:
    assert corrected("ask_policy", "有本图画书叫某某啥来着") == "search_catalogue"
    assert corrected("ask_policy", "上回的活动叫某某啥来着") is None  # no book spoken of


@pytest.mark.parametrize(("text", "lacking"), [
    ("某作家 丙丁戊己", ("某作家", "丙丁戊己")),
    ("丙丁戊己 某作家", ("某作家", "丙丁戊己")),  # the other way round
    ("某作家的丙丁戊己", ("某作家", "丙丁戊己")),
    ("甲乙丙丁 某作家", None),  # held
    ("甲乙丙戊 某作家", None),  # held, misspelt
])
def test_a_title_the_author_lacks_however_typed(shelf: Shelf, text: str,
                                                lacking: tuple[str, str] | None) -> None:
    assert title_the_author_lacks(text, shelf.search("某作家")) == lacking


def test_several_titles_or_one_lacking_are_shown_as_such(shelf: Shelf) -> None:
    dispatcher = CollectingDispatcher()
    assert several_or_lacking(dispatcher, "甲乙丙丁和戊己庚辛 两本都在架吗",
                              shelf.search("甲乙丙丁")) is not None
    searched = [m["outcome"]["titles"] for m in dispatcher.messages
                if (m.get("outcome") or {}).get("kind") == "search"]
    assert searched == [["甲乙丙丁"], ["戊己庚辛"]]
    assert several_or_lacking(CollectingDispatcher(), "甲乙丙丁有吗",
                              shelf.search("甲乙丙丁")) is None


def test_a_foreign_author_named_by_the_last_name_is_a_held_name(shelf: Shelf) -> None:
    assert held_title("卯辰巳") is not None
    assert held_title("某某某某") is None


def test_another_title_at_the_hold_confirmation_replaces_it(shelf: Shelf) -> None:
    offered = [{"kind": "hold_confirm", "title": "甲乙丙丁", "bib_id": 1}]
    switched = title_switched_to(conversation(
        ("约甲乙丙丁", offered), ("等等 换成戊己庚辛 那本家里有", [])))
    assert switched is not None and switched.title == "戊己庚辛"
    assert title_switched_to(conversation(("约甲乙丙丁", offered), ("换到河西取", []))) is None
    assert title_switched_to(conversation(("约甲乙丙丁", []), ("换成戊己庚辛", []))) is None


# --- holds and loans ----------------------------------------------------------------------


def test_one_more_hold_is_a_hold() -> None:
    assert corrected("search_catalogue", "再加一本某某某 仍旧少儿馆领") == "place_reservation"


@pytest.mark.parametrize(("text", "intent"), [
    ("JL00000003 娃那本某某某不打算看了 给退了吧", "cancel_reservation"),
    ("证号JL00000003 查下预约", "list_reservations"),
])
def test_a_hold_dropped_in_other_words_with_a_card(text: str, intent: str) -> None:
    assert signals(text)[0] == intent


def test_a_hold_dropped_is_no_list() -> None:
    assert corrected("list_reservations", "某某某不需要了 撤掉") == "cancel_reservation"
    assert corrected("list_reservations", "不要了的预约还会显示吗") is None  # a question


@pytest.mark.parametrize(("typed", "title"), [
    ("俺手头这本某某某", "某某某"), ("手里的某某某", "某某某"), ("我借的某某某", "某某某"),
    ("我们仨", "我们仨"),
])
def test_whose_loan_it_is_is_no_part_of_its_title(typed: str, title: str) -> None:
    assert OWNER.sub("", typed) == title


# --- leaving a form or an offer -----------------------------------------------------------


@pytest.mark.parametrize(("text", "leaves"), [
    ("取消 不办了 下周自己去还", True),
    ("取消", True),
    ("取消 我的预约", False),  # a request, not the step left
    ("取消 第二个", False),
])
def test_a_bare_cancel_beside_words_that_give_up(text: str, leaves: bool) -> None:
    assert gives_up(text) is leaves


def test_no_to_the_free_slots_drops_the_booking(shelf: Shelf) -> None:
    slots = [{"kind": "space_slots", "slot_ids": [1, 2],
              "starts": ["2026-10-29T09:00:00", "2026-10-29T14:00:00"]}]
    reply, _events = run_action(ActionDecline(), conversation(
        ("周六直播间有空吗", slots), ("人没凑齐 先不订了", [])))
    assert "不预约场地了" in reply


@pytest.mark.parametrize(("text", "asks"), [
    ("小外甥拿水彩笔在图画书上涂了半本 洗不干净 应该照原价赔还是去前台讲清楚", True),
    ("不用了谢谢", False), ("不是不是", False),
])
def test_a_story_read_as_a_no_asks_something(text: str, asks: bool) -> None:
    assert asks_something(text) is asks


# --- the password, a person, a sign-up, a room, the hours -----------------------------------


@pytest.mark.parametrize(("text", "password"), [
    ("e敲成r了 再来 Abc12345", "Abc12345"),
    ("把1打成l了 Zyx98765", "Zyx98765"),
    ("打成abc了吧", None),
    ("Abc12345按错了吗", None),
])
def test_a_password_retyped_after_a_key_typed_for_another(text: str,
                                                          password: str | None) -> None:
    assert password_after_remark(text) == password


@pytest.mark.parametrize(("text", "person"), [
    ("别拿机器人应付我 找个值班的人和我说", True),
    ("不要再拿程序回我了", True),
    ("想找个人少的角落看书", False),
    ("你是机器人吗", False),
])
def test_someone_asked_for_instead_of_the_automatic_replies(text: str, person: bool) -> None:
    assert bool(ActionHandoffToStaff.explicit.search(text)) is person


@pytest.mark.parametrize(("text", "signs_up"), [
    ("替孙子报上那期手工课", True), ("帮外孙女报下周的故事会", True),
    ("给孙子报销车费", False),
])
def test_signing_up_a_grandchild(text: str, signs_up: bool) -> None:
    assert bool(SIGNS_UP.search(text)) is signs_up


def test_signing_up_in_few_words_is_a_sign_up() -> None:
    assert corrected("ask_policy", "周五那场培训 挺想参加 帮报个名") == "sign_up_event"


@pytest.mark.parametrize(("text", "books"), [
    ("公司想用下培训区 下周几有空档", True), ("培训区下周档期排得开吗", True),
    ("培训区一般拿来做啥", False),
])
def test_a_free_day_asked_of_a_room_books_it(text: str, books: bool) -> None:
    assert bool(ActionBookSpace.requests.search(text)) is books


def test_the_weekly_closing_day_is_the_timetables() -> None:
    assert "hours-011" in ActionOpeningHours.answers_live
    tracker = conversation(("总馆下礼拜一照常吗", [{"kind": "hours", "branch": "JL-MAIN"}]),
                           ("那它哪天不开", []))
    assert isinstance(about_the_branch_before(tracker, "hours-011"), ActionOpeningHours)


def test_the_librarys_own_names_make_an_unplaced_message_its_business() -> None:
    assert LIBRARY_THINGS.search("朋友圈里总有人转阅美的推送")


@pytest.mark.parametrize(("text", "swept"), [
    ("，，，。。？？ asdfjkl；", True), ("qwerty", True), ("zxcvbnm", True),
    ("hello", False), ("salad", False), ("asdf", False), ("wifi密码", False), ("python", False),
])
def test_a_row_of_keys_swept(text: str, swept: bool) -> None:
    assert swept_along_a_row(text) is swept


# --- the other library, the author's other books, the days closed -------------------------


class OtherLibraryKnowledge:
    entry = FaqAnswer(kind="answer", key="location-008", question="南京图书馆在哪里？",
                      answer="南京图书馆是另一家图书馆。")

    def answer(self, text: str, lenient: bool = False) -> FaqAnswer:
        return self.entry

    def published_answer(self, entry: int) -> FaqAnswer | None:
        return None


@pytest.mark.parametrize(("text", "answered"), [
    ("南图究竟在哪 总把它和金图弄混", True),  # this library only named beside it
    ("刚从南京图书馆回来，金图晚上还开着吗", False),  # this library asked about
    ("南图和河西分馆哪个近", False),
])
def test_the_other_library_asked_about(monkeypatch: pytest.MonkeyPatch, text: str,
                                       answered: bool) -> None:
    monkeypatch.setattr(actions.faq_answers, "services",
                        lambda: type("S", (), {"knowledge": OtherLibraryKnowledge()})())
    dispatcher = CollectingDispatcher()
    assert about_the_other_library(dispatcher, conversation((text, []))) is answered


@pytest.mark.parametrize(("text", "asked"), [
    ("他别的书还剩几本在架", True), ("那她其他的呢", True), ("这位作者还写了啥", True),
    ("有其他版本没", False),
])
def test_the_authors_other_books_asked_with_a_pronoun(text: str, asked: bool) -> None:
    tracker = conversation(("某某某有吗", [{"kind": "search", "bib_ids": [7]}]), (text, []))
    assert (book_whose_author_is_asked_about(tracker) == 7) is asked


def test_the_days_closed_said_as_a_time_ask_nothing_of_the_hours() -> None:
    assert corrected("ask_opening_hours", "闭馆期间 人在外地能远程访问数据库吗") == "ask_policy"
    assert corrected("ask_opening_hours", "在家能登数据库吗 今天闭馆吗") is None  # both asked


# --- books described ------------------------------------------------------------------------


class TopicShelf(Shelf):
    """Books found by any two characters of the query in a row (as books on a topic are)."""

    def search(self, query: str, limit: int = 5, offset: int = 0) -> SearchResult:
        key = title_key(query)
        pairs = {key[i:i + 2] for i in range(len(key) - 1)}
        found = [book for book in self.books
                 if any(pair in title_key(book.title) + title_key(book.author) for pair in pairs)]
        return SearchResult(hits=found[:limit], total=len(found))


@pytest.fixture
def topics(monkeypatch: pytest.MonkeyPatch) -> Shelf:
    books = TopicShelf(("某学图解", "某人"), ("动物故事集", "某人"), ("猫的一生", "[日] 某某洋子"))
    monkeypatch.setattr(actions.catalogue, "services",
                        lambda: type("S", (), {"catalogue": books})())
    return books


def test_the_clause_that_asks_for_books_is_searched_alone(topics: Shelf) -> None:
    found = clause_of_books("讲某学的书有吗 图要多")
    assert found is not None and found[1].hits[0].title == "某学图解"
    assert clause_of_books("讲某学的书") is None  # one clause: the search as it was
    assert clause_of_books("借的书找不着了 怎么弄") is None  # the reader's own loan


def test_books_described_by_their_kind(topics: Shelf) -> None:
    found = books_described("某某洋子写猫的绘本")
    assert found is not None and found[1].hits[0].title == "猫的一生"
    assert books_described("某某洋子是谁") is None  # no book spoken of
    assert books_described("有本绘本记不起名字 挺可惜") is None  # nothing found


def test_an_author_named_without_the_country(topics: Shelf) -> None:
    assert held_title("某某洋子") is not None
