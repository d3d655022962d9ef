"""Titles half remembered or typed beside their author, several titles in one message, a
title switched at the hold's confirmation, one more hold, a hold dropped in other words,
forms and offers left in readers' words, a password retyped after a slip, someone asked
for instead of the automatic replies, a sign-up for a grandchild, a free day asked of a
room, the weekly closing day, a row of keys swept, the other library asked about beside
this one, the author's other books asked with a pronoun, and the days closed said as a
time (units, no model)."""

from __future__ import annotations

import dataclasses
from datetime import time, timedelta

import pytest
from rasa_sdk.executor import CollectingDispatcher

import actions.activities
import actions.catalogue
import actions.faq_answers
import actions.holds
import actions.visiting
from actions.activities import ActionBookSpace, event_named
from actions.catalogue import (
    book_whose_author_is_asked_about,
    books_described,
    clause_of_books,
    held_title,
    several_or_lacking,
    title_the_author_lacks,
    typed_query,
)
from actions.decline import ActionDecline, asks_something
from actions.faq_answers import about_the_other_library, other_library_entry
from actions.handoff import ActionHandoffToStaff
from actions.holds import ActionPlaceReservation, title_switched_to
from actions.loans import OWNER
from actions.small_talk import LIBRARY_THINGS
from actions.visiting import (
    ASKS_THE_CLOSING_DAY,
    HOURS_WORDS,
    ActionOpeningHours,
    about_the_branch_before,
    weekly_closing_text,
)
from bot import clock
from bot.booking_words import SIGNS_UP
from bot.channels.guard import gives_up, password_after_remark
from bot.channels.questions import split_questions
from bot.nlu_signals import corrected, signals, swept_along_a_row
from bot.question_words import asks_after_a_hold
from bot.services.catalogue_query import understand
from bot.services.faq_model import FaqAnswer
from bot.services.interface import (
    WEEKLY_CLOSURE,
    BranchInfo,
    DayHours,
    EventInfo,
    SearchResult,
    TitleHit,
)
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

    def author_named(self, text: str) -> str | None:
        return next((book.author for book in self.books if book.author in text), None)


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


OFFERED = [{"kind": "hold_confirm", "title": "甲乙丙丁", "bib_id": 1}]


@pytest.mark.parametrize(("offered", "reply", "title"), [
    (OFFERED, "等等 换成戊己庚辛 那本家里有", "戊己庚辛"),
    (OFFERED, "不对 弄错了 要的是下一部 戊己庚辛 不是它", "戊己庚辛"),  # the one offered is wrong
    (OFFERED, "换到河西取", None), (OFFERED, "对 就它", None),
    ([], "换成戊己庚辛", None),  # nothing offered to switch
])
def test_another_title_at_the_hold_confirmation_replaces_it(
        shelf: Shelf, offered: list[dict[str, object]], reply: str, title: str | None) -> None:
    switched = title_switched_to(conversation(("约甲乙丙丁", offered), (reply, [])))
    assert (switched.title if switched else None) == title


def test_a_title_switched_to_without_copies_is_not_confirmed(
        shelf: Shelf, monkeypatch: pytest.MonkeyPatch) -> None:
    # no copy of 戊己庚辛 anywhere, nor of another edition: the reader is told, not asked
    monkeypatch.setattr(actions.holds, "services", lambda: type("S", (), {"catalogue": shelf})())
    dispatcher = CollectingDispatcher()
    tracker = conversation(("约甲乙丙丁", OFFERED), ("换成戊己庚辛", []))
    events = ActionPlaceReservation().take_reply(dispatcher, tracker)
    assert [m["outcome"]["kind"] for m in dispatcher.messages] == ["hold_refused"]
    assert events == []  # the title offered before is still to be confirmed


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
    ("密码是Abc12345吧", None),  # a guess to be confirmed, no password given
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
    ("想去省里那家南京图书馆办证，他们那收押金吗", True),  # named before the question
])
def test_the_other_library_asked_about(monkeypatch: pytest.MonkeyPatch, text: str,
                                       answered: bool) -> None:
    monkeypatch.setattr(actions.faq_answers, "services",
                        lambda: type("S", (), {"knowledge": OtherLibraryKnowledge()})())
    dispatcher = CollectingDispatcher()
    assert about_the_other_library(dispatcher, conversation((text, []))) is answered


class TwoEntriesOnTheOtherLibrary:
    """An FAQ sure that every question naming 南京图书馆 asks about its card, whose entry
    on where that library is comes first for the name alone."""

    where = FaqAnswer(kind="answer", entry_id=1, key="location-008",
                      question="南京图书馆在哪里？", answer="在中山东路。")
    card = FaqAnswer(kind="answer", entry_id=2, key="reader_card-015",
                     question="南京图书馆的读者证能在金陵图书馆用吗？", answer="不能通用。")
    same = FaqAnswer(kind="answer", entry_id=3, key="location-007",
                     question="金陵图书馆和南京图书馆是同一个图书馆吗？", answer="不是。")

    def answer(self, text: str, lenient: bool = False) -> FaqAnswer:
        if text == "南京图书馆":
            return FaqAnswer(kind="suggest", suggestions=[
                (1, self.where.question), (3, self.same.question), (2, self.card.question)])
        return dataclasses.replace(self.card, suggestions=[])

    def published_answer(self, entry: int) -> FaqAnswer | None:
        return {1: self.where, 2: self.card, 3: self.same}[entry]


@pytest.mark.parametrize(("text", "key"), [
    ("南京图书馆礼拜天几点关门", "location-008"),  # nothing of a card: where it is
    ("南京图书馆的报告厅在哪层", "location-008"),
    ("南京图书馆的读者证拿到你们这能用吗", "reader_card-015"),  # its card
    ("省图的借阅卡你们这边认吗", "reader_card-015"),  # no word shared, but used here
    ("从你们这边去省图咋走", "location-008"),  # here, but nothing used here
])
def test_the_other_librarys_entry_is_the_one_sharing_words_else_where_it_is(
        monkeypatch: pytest.MonkeyPatch, text: str, key: str) -> None:
    monkeypatch.setattr(actions.faq_answers, "services",
                        lambda: type("S", (), {"knowledge": TwoEntriesOnTheOtherLibrary()})())
    assert (entry := other_library_entry(text)) is not None and entry.key == key


@pytest.mark.parametrize(("text", "key"), [
    ("省图算你们总馆吧", "location-007"),  # taken for one: whether they are
    ("金图和南京图书馆反正是一家，对吧", "location-007"),
    ("南京图书馆礼拜天几点关门", "location-008"),
    ("省图和金图是一家吗？金图几点开", None),  # a sentence more asks this library's hours
])
def test_the_two_libraries_taken_for_one_get_the_entry_on_whether_they_are(
        monkeypatch: pytest.MonkeyPatch, text: str, key: str | None) -> None:
    monkeypatch.setattr(actions.faq_answers, "services",
                        lambda: type("S", (), {"knowledge": TwoEntriesOnTheOtherLibrary()})())
    dispatcher = CollectingDispatcher()
    assert about_the_other_library(dispatcher, conversation((text, []))) is (key is not None)
    assert [m["outcome"]["id"] for m in dispatcher.messages] == ([key] if key else [])


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


# --- a card with its label, for whom a book is, a title corrected, a day's event ----------


def test_a_card_given_with_its_label_is_no_part_of_the_query() -> None:
    # (where it is picked up, set apart, is no part of it either)
    assert typed_query("替娃订本某某 分馆领 卡号jl 0000 0002") == "娃订本某某"
    assert typed_query("卡门 这本有吗") == "卡门"  # a title beginning with 卡


def test_for_whom_a_book_is_asked_is_no_word_of_its_title() -> None:
    assert "帮" not in understand("帮孩子订本某某").words


@pytest.mark.parametrize(("text", "asked"), [("那他写的别的呢", True),
                                             ("他写的东西难懂吗", False)])
def test_the_authors_other_books_asked_as_his_writing(text: str, asked: bool) -> None:
    tracker = conversation(("某某某有吗", [{"kind": "search", "bib_ids": [7]}]), (text, []))
    assert (book_whose_author_is_asked_about(tracker) == 7) is asked


def test_a_librarian_who_knows_called_over() -> None:
    assert ActionHandoffToStaff.explicit.search("答不上来就请位内行的馆员来")
    assert signals("实在不行 请个内行的馆员来")[0] == "request_human"
    assert signals("想找个安静的馆员少的角落")[0] != "request_human"


def test_holds_placed_some_time_ago_asked_after() -> None:
    assert asks_after_a_hold("上周约的那两本 这下可以去拿了吗")
    assert not asks_after_a_hold("约的书通常多长时间能拿到")


def test_open_every_day_asks_the_hours() -> None:
    assert HOURS_WORDS.search("分馆应该天天都开吧")


class DayOfEvents:
    def __init__(self, *days: int) -> None:
        now = clock.now()
        self.events = [EventInfo(event_id=n, title=f"某某活动{n}", series="", branch="JL-MAIN",
                                 place="", starts_at=now + timedelta(days=day),
                                 ends_at=now + timedelta(days=day, hours=1), places_left=5,
                                 audience="")
                       for n, day in enumerate(days, 1)]

    def upcoming_events(self, now: object) -> list[EventInfo]:
        return self.events


@pytest.mark.parametrize(("days", "chosen"), [((3, 7), 2), ((7, 7), None), ((3, 5), None)])
def test_an_event_named_by_its_day(monkeypatch: pytest.MonkeyPatch, days: tuple[int, int],
                                   chosen: int | None) -> None:
    activities = DayOfEvents(*days)
    monkeypatch.setattr(actions.activities, "services",
                        lambda: type("S", (), {"activities": activities})())
    day = clock.today() + timedelta(days=7)
    text = f"{day.month}月{day.day}日的那场 替我报上"
    assert event_named(conversation((text, []))) == chosen


# --- what the review found the first changes took wrongly ---------------------------------


@pytest.mark.parametrize("text", [
    "老师叫我们借什么书 有没有某某", "叫孩子看什么绘本好", "我叫某某什么时候能借到书",
    "这本书叫什么呀你们有吗", "能叫家人代取书要带什么",
])
def test_called_that_names_no_title(text: str) -> None:
    assert half_called(text) is None


def test_the_librarys_own_name_half_remembered_is_no_book() -> None:
    assert corrected("ask_location", "你们图书馆叫金陵什么来着 在哪") is None


@pytest.mark.parametrize("text", [
    "明天下午还有空吗 帮我约个研讨室", "多少钱一小时 想订个研讨间", "还能约吗 想占个座位",
])
def test_a_space_asked_about_then_requested_is_one_question(text: str) -> None:
    assert split_questions(text) == [text]


@pytest.mark.parametrize("text", ["取消 不去了", "取消，不预约了", "取消 不报了 那天要加班"])
def test_a_bare_cancel_beside_a_cancellation_of_its_own_is_no_leaving(text: str) -> None:
    assert not gives_up(text)


@pytest.mark.parametrize(("guessed", "text"), [
    ("sign_up_event", "麻烦问下讲座报名收费吗"), ("ask_policy", "帮我妈报销讲座的车费"),
    ("ask_events", "我已经给我妈报了讲座"),
])
def test_no_sign_up_asked(guessed: str, text: str) -> None:
    assert corrected(guessed, text) != "sign_up_event"


@pytest.mark.parametrize("text", ["建议请个有名的老师来开讲座", "能不能请个专业的老师来讲讲书法"])
def test_a_teacher_invited_is_no_person_asked_for(text: str) -> None:
    assert signals(text)[0] != "request_human"


@pytest.mark.parametrize("text", ["上周约的讲座取消了吗", "之前约的自习室座位能去了吗",
                                  "上次约了馆员了吗"])
def test_an_event_or_seat_booked_before_is_no_hold(text: str) -> None:
    assert not asks_after_a_hold(text)


@pytest.mark.parametrize("text", ["JL00000003 不需要了谢谢", "JL00000003 押金退了吧",
                                  "JL00000003 读者证退掉"])
def test_no_hold_dropped_with_a_card(text: str) -> None:
    assert signals(text)[0] != "cancel_reservation"


@pytest.mark.parametrize("text", ["再加一本书能借几本", "我借了两本还能再加一本吗"])
def test_one_more_asked_about_is_no_hold(text: str) -> None:
    assert corrected("search_catalogue", text) != "place_reservation"


@pytest.mark.parametrize("text", ["总馆每天都开展活动吗", "少儿馆每天都开课吗"])
def test_every_day_an_activity_is_no_hours_question(text: str) -> None:
    assert not HOURS_WORDS.search(text)


@pytest.mark.parametrize(("text", "questions"), [
    ("办证要多少钱 这种卡能借几本", ["办证要多少钱", "这种卡能借几本"]),
    ("周末开吗 这样的天气有人吗", ["周末开吗", "这样的天气有人吗"]),
])
def test_pointing_back_at_something_else_still_two_questions(text: str,
                                                            questions: list[str]) -> None:
    assert split_questions(text) == questions


def test_closing_time_is_no_time_of_closing() -> None:
    assert corrected("ask_opening_hours", "在家登数据库的话闭馆时间有影响吗") is None


def test_a_title_beginning_with_for_a_child_keeps_its_words() -> None:
    assert understand("给孩子的诗有吗").words == ("诗",)
    assert "娃" not in understand("替娃找几本数学绘本").words


@pytest.mark.parametrize("text", ["那本书叫什么忘了 讲三国的", "有本书叫什么不记得了",
                                  "书名叫啥想不起来了"])
def test_a_title_forgotten_is_no_title_half_remembered(text: str) -> None:
    assert half_called(text) is None


@pytest.mark.parametrize("text", ["某作家 河西有吗", "某作家 科幻", "某作家 最新", "某作家 全部"])
def test_an_author_with_a_place_or_a_kind_lacks_no_title(shelf: Shelf, text: str) -> None:
    assert title_the_author_lacks(text, shelf.search("某作家")) is None


def test_an_author_with_a_role_and_a_translator_is_named_by_name(
        monkeypatch: pytest.MonkeyPatch) -> None:
    books = Shelf(("某某之书", "[英] 某某姆 著；另一人 译"))
    monkeypatch.setattr(actions.catalogue, "services",
                        lambda: type("S", (), {"catalogue": books})())
    assert held_title("某某姆") is not None


@pytest.mark.parametrize("text", ["诶 换成某作家", "弄错了 不要甲乙丙丁 要戊己庚辛"])
def test_no_switch_to_an_author_nor_to_a_title_turned_down(shelf: Shelf, text: str) -> None:
    offered = [{"kind": "hold_confirm", "title": "庚辛壬癸", "bib_id": 2}]
    switched = title_switched_to(conversation(("约庚辛壬癸", offered), (text, [])))
    assert switched is None or switched.title == "戊己庚辛"


@pytest.mark.parametrize("text", ["不用了谢谢 我自己周末去现场看看吧 你们服务挺好的 下次再来问",
                                  "没事了 我已经在网上买了一本 不用麻烦你们了 谢谢啦"])
def test_a_long_goodbye_asks_nothing(text: str) -> None:
    assert not asks_something(text)


@pytest.mark.parametrize("text", ["不用了 研讨室能带吃的吗", "都不合适 下周三呢"])
def test_no_to_the_slots_with_a_question_or_other_times_is_no_drop(shelf: Shelf,
                                                                   text: str) -> None:
    slots = [{"kind": "space_slots", "slot_ids": [1, 2],
              "starts": ["2026-10-29T09:00:00", "2026-10-29T14:00:00"]}]
    reply, _events = run_action(ActionDecline(), conversation(
        ("周六研讨间有空吗", slots), (text, [])))
    assert "不预约场地了" not in reply


@pytest.mark.parametrize(("text", "chosen"), [
    ("{day}有什么活动 能报名吗", None),  # a question: the list
    ("{day}之前的活动 帮我报一个", None),  # a bound, not a day
    ("{day}的讲座帮我报个名", None),  # the event that day is no lecture
])
def test_a_day_that_names_no_event(monkeypatch: pytest.MonkeyPatch, text: str,
                                   chosen: int | None) -> None:
    activities = DayOfEvents(3, 7)
    monkeypatch.setattr(actions.activities, "services",
                        lambda: type("S", (), {"activities": activities})())
    day = clock.today() + timedelta(days=7)
    said = text.format(day=f"{day.month}月{day.day}号")
    assert event_named(conversation((said, []))) == chosen


@pytest.mark.parametrize("text", ["请假条要管理员签字吗", "申请的馆员证怎么还没下来"])
def test_leave_or_an_application_is_no_person_asked_for(text: str) -> None:
    assert not ActionHandoffToStaff.explicit.search(text)


def test_the_weekly_closing_day_is_told(monkeypatch: pytest.MonkeyPatch) -> None:
    class Timetable:
        def hours_on(self, code: str, day: object) -> DayHours:
            closed = day.weekday() == 3
            return DayHours("某馆", day, None, None, WEEKLY_CLOSURE) if closed else \
                DayHours("某馆", day, time(9), time(17))  # type: ignore[arg-type]

    monkeypatch.setattr(actions.visiting, "services",
                        lambda: type("S", (), {"info": Timetable()})())
    branch = BranchInfo(code="X", name="某馆", kind="branch", address="", transport="",
                        phone="", confirmed=True)
    assert weekly_closing_text(branch, clock.today()) == "某馆每周四例行闭馆，其余日子照常开放。"
    assert ASKS_THE_CLOSING_DAY.search("那它哪天不开")
    assert not ASKS_THE_CLOSING_DAY.search("周四开到几点")
