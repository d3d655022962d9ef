"""Which answer a message gets when the NLU's intent and the message's words disagree:
the FAQ's candidates for a question an action was not asked, a search for a book the
library holds, a new question in a two-question message (actions/faq_answers.py)."""

from __future__ import annotations

import dataclasses
from datetime import date, time
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

import actions.activities
import actions.catalogue
import actions.faq
import actions.faq_answers
import actions.library
import actions.visiting
from actions.dates import new_year_day_meant
from actions.faq import ActionAnswerPolicy, ActionRephrase
from actions.faq_answers import PREMISE, answer_in_context
from actions.loans import ActionListLoans
from actions.visiting import ActionLocation, ActionOpeningHours, follows_a_visit_answer
from bot import clock
from bot.services.faq_model import FaqAnswer
from bot.services.interface import (
    BranchInfo,
    DayHours,
    SearchResult,
    TitleHit,
)
from tests.test_action_units import conversation, run_action, tracker_with

UNSURE = FaqAnswer(kind="suggest", suggestions=[(4, "金陵图书馆的官网是什么？"),
                                                (10, "“金图”是什么意思？")])
WEIBO = FaqAnswer(kind="answer", key="contact-005", question="金陵图书馆有官方微博吗？",
                  answer="有。")


class Knowledge:
    """The FAQ: sure of the answers given, unsure (two candidates) of anything else."""

    def __init__(self, sure: dict[str, FaqAnswer] | None = None) -> None:
        self.sure = sure or {}
        self.recorded: list[str] = []

    def answer(self, question: str, lenient: bool = False) -> FaqAnswer:
        return self.sure.get(question, UNSURE)

    def record_unanswered(self, text: str, channel: str, reason: str) -> None:
        self.recorded.append(text)


class Catalogue:
    """Holds one book, 《万历十五年》 by 黄仁宇."""

    book = TitleHit(bib_id=73, title="万历十五年", author="黄仁宇", publisher="", year=None,
                    isbn=None, call_number="K248.306/73")

    def search(self, query: str, *args: object, **kwargs: object) -> SearchResult:
        found = "黄仁宇" in query or "万历" in query
        return SearchResult(hits=[self.book] if found else [], total=int(found), near=False)


def use_services(monkeypatch: pytest.MonkeyPatch, **services: Any) -> None:
    fake = type("Services", (), services)()
    for module in (actions.faq_answers, actions.faq, actions.catalogue, actions.activities,
                   actions.library, actions.visiting):
        monkeypatch.setattr(module, "services", lambda: fake)


def test_a_second_question_is_not_answered_with_the_first_ones_entry(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """"金图有微博吗？官网又是哪个": the second question read with the first only turns
    back to the first's entry, so it gets its own candidates."""
    use_services(monkeypatch, knowledge=Knowledge({"金图有微博吗 官网又是哪个": WEIBO,
                                                   "金图有微博吗 要钱吗": WEIBO}))
    asked = [("金图有微博吗", [{"kind": "faq", "id": "contact-005"}])]
    assert answer_in_context(conversation(*asked, ("官网又是哪个", [])), "官网又是哪个") == UNSURE
    # too short to stand alone: read with the previous question, whatever it gives
    assert answer_in_context(conversation(*asked, ("要钱吗", [])), "要钱吗") == WEIBO


def test_a_short_question_with_its_own_answer_does_not_repeat_the_previous_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """"是几级馆" after the answer on the collection: read together, the two would only
    give the collection's answer again; alone, the question has its own."""
    level = dataclasses.replace(WEIBO, entry_id=5, key="about-005",
                                question="金陵图书馆是几级图书馆？")
    use_services(monkeypatch, knowledge=Knowledge({"金图有微博吗 是几级馆": WEIBO,
                                                   "是几级馆": level}))
    asked = [("金图有微博吗", [{"kind": "faq", "id": "contact-005"}])]
    assert answer_in_context(conversation(*asked, ("是几级馆", [])), "是几级馆") == level
    # ... but an ellipsis of the previous question ("那要钱吗") is read with it
    fee = dataclasses.replace(WEIBO, entry_id=6, key="events-005", question="活动要收费吗？")
    use_services(monkeypatch, knowledge=Knowledge({"金图有微博吗 那要钱吗": WEIBO,
                                                   "那要钱吗": fee}))
    assert answer_in_context(conversation(*asked, ("那要钱吗", [])), "那要钱吗") == WEIBO
    # ... as is one that shares only a modal verb's pair with its own entry (要交)
    card_fee = dataclasses.replace(WEIBO, entry_id=7, key="reader_card-003",
                                   question="办读者证要交押金或者收费吗？")
    use_services(monkeypatch, knowledge=Knowledge({"金图有微博吗 要交钱吗": WEIBO,
                                                   "要交钱吗": card_fee}))
    assert answer_in_context(conversation(*asked, ("要交钱吗", [])), "要交钱吗") == WEIBO


def test_a_short_question_is_about_what_its_context_ranks_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """"年龄有限制吗" after how to volunteer: alone, the children's area's age limit; read
    with the previous message, the FAQ ranks the volunteers' rules above it."""
    age = FaqAnswer(kind="answer", entry_id=8, key="children-002", question="少儿区几岁能进？")
    rules = FaqAnswer(kind="answer", entry_id=9, key="events-007", question="志愿者有什么要求？")
    ranked = FaqAnswer(kind="suggest", suggestions=[(9, rules.question), (8, age.question)])

    class Ranked(Knowledge):
        @staticmethod
        def published_answer(entry: int) -> FaqAnswer | None:
            return {8: age, 9: rules}.get(entry)

    use_services(monkeypatch, knowledge=Ranked({"想做志愿者 有年龄要求吗": ranked,
                                                "有年龄要求吗": age}))
    asked = [("想做志愿者", [{"kind": "faq", "id": "events-006"}])]
    assert answer_in_context(conversation(*asked, ("有年龄要求吗", [])), "有年龄要求吗") == rules
    # ... not when the context's first candidate is the entry just given, nor of another
    # topic than the answer just given
    for given in ("events-007", "contact-005"):
        asked = [("想做志愿者", [{"kind": "faq", "id": given}])]
        assert answer_in_context(conversation(*asked, ("有年龄要求吗", [])), "有年龄要求吗") == age


def test_a_question_after_a_refused_card_is_read_with_what_was_said_of_the_card(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    blocked = dataclasses.replace(WEIBO, entry_id=17, key="reader_card-017",
                                  question="证停用了怎么恢复？")
    use_services(monkeypatch, knowledge=Knowledge({"读者证已停用 要怎么恢复": blocked}))

    def answered_after(reason: str) -> FaqAnswer:
        refused = ("/password_checked", [{"kind": "login_failed", "reason": reason}])
        return answer_in_context(conversation(refused, ("要怎么恢复", [])), "要怎么恢复")

    assert answered_after("blocked") == blocked
    assert answered_after("failed") == UNSURE  # a wrong password tells nothing of the card


def request_marker(monkeypatch: pytest.MonkeyPatch, action: Any) -> None:
    monkeypatch.setattr(type(action), "request", lambda self, dispatcher, tracker: (
        dispatcher.utter_message(text="REQUEST"), [])[1])


@pytest.mark.parametrize(("text", "entities", "expected"), [
    ("金图的官网是哪个呀", [], "您是不是想问"),  # nothing of an address asked
    ("金图在哪个位置呀", [], "REQUEST"),  # the action's own words
    ("河西分馆官网是哪个呀", [{"entity": "branch", "value": "金陵图书馆河西分馆"}], "REQUEST"),
    # the library's own name says nothing of an address
    ("金陵图书馆官网是哪个呀", [{"entity": "branch", "value": "金陵图书馆"}], "您是不是想问"),
])
def test_a_question_an_action_was_not_asked_gets_the_faqs_candidates(
    monkeypatch: pytest.MonkeyPatch, text: str, entities: list[dict], expected: str,
) -> None:
    use_services(monkeypatch, knowledge=Knowledge(), catalogue=Catalogue())
    request_marker(monkeypatch, ActionLocation())
    assert expected in run_action(ActionLocation(), tracker_with(text, entities))[0]


@pytest.mark.parametrize(("text", "search"), [
    ("黄仁宇的书你们有哪些", True),
    ("万历十五年什么时候到期", False),  # a loan's words: the reader's loans
])
def test_a_book_the_library_holds_is_searched_for_whatever_the_nlu_thought(
    monkeypatch: pytest.MonkeyPatch, text: str, search: bool,
) -> None:
    use_services(monkeypatch, knowledge=Knowledge({text: FaqAnswer(kind="none")}),
                 catalogue=Catalogue())
    request_marker(monkeypatch, ActionListLoans())
    shown: list[str] = []
    monkeypatch.setattr(actions.catalogue, "show_results", lambda dispatcher, query, result,
                        offset: shown.append(result.hits[0].title) or [])
    reply = run_action(ActionListLoans(), tracker_with(text, []))[0]
    assert (shown, reply) == ((["万历十五年"], "") if search else ([], "REQUEST"))


def test_a_premise_is_not_a_choice() -> None:
    assert PREMISE.search("金陵图书馆还在长江路262号吧")
    assert PREMISE.search("听说少儿馆要搬去江北了，真的假的")
    assert not PREMISE.search("那我还是报名周六那场吧")


@pytest.mark.parametrize(("text", "menu"), [("少儿馆什么时候能建好", True), ("1", False)])
def test_an_unclear_message_gets_the_faqs_candidates_if_it_says_enough(
    monkeypatch: pytest.MonkeyPatch, text: str, menu: bool,
) -> None:
    use_services(monkeypatch, knowledge=Knowledge(), catalogue=Catalogue())
    reply = run_action(ActionRephrase(), tracker_with(text, []))[0]
    assert ("您是不是想问" in reply) is menu  # else the rephrase response (no text here)


class OneBranchInfo:
    @staticmethod
    def find_branch(name: str) -> BranchInfo:
        return BranchInfo(code="NJ-JIANGBEI", name="江北新区图书馆", kind="network",
                          address="", transport="", phone="", confirmed=True)

    @staticmethod
    def hours_on(code: str, day: date) -> DayHours:
        return DayHours(branch="江北新区图书馆", day=day, opens=time(9), closes=time(17))


@pytest.mark.parametrize(("follow_up", "branch_named", "day_said"), [
    # "明天金图开吗？不开的话江北馆开不开": the second question is about tomorrow too
    ("不开的话江北馆开不开", True, "10月29日"),
    ("第二天呢，几点开", False, "10月30日"),  # counted from the day asked about
    ("那前一天呢", False, "10月28日"),
    ("换成31号行不行", False, "10月31日"),  # a day of that month
    ("这会儿还开着吗", False, "10月28日"),  # now: today
    ("那20号呢", False, "11月20日"),  # ... gone by: of the next month
])
def test_a_follow_up_to_an_answer_for_a_day_is_about_that_day_or_one_counted_from_it(
    monkeypatch: pytest.MonkeyPatch, follow_up: str, branch_named: bool, day_said: str,
) -> None:
    monkeypatch.setattr(clock, "today", lambda: date(2026, 10, 28))
    use_services(monkeypatch, knowledge=Knowledge(), info=OneBranchInfo())
    tomorrow = {"kind": "hours", "branch": "JL-MAIN", "date": "2026-10-29"}
    tracker = conversation(("明天金图开吗？", [tomorrow]), (follow_up, []))
    if branch_named:
        tracker.latest_message["entities"] = [{"entity": "branch", "value": "江北新区图书馆"}]
    reply = run_action(ActionOpeningHours(), tracker)[0]
    assert day_said in reply


@pytest.mark.parametrize(("follow_up", "day_said"), [
    ("初一那天呢", "2月6日"), ("初二开到几点", "2月7日"),  # after 除夕: the new year's days
])
def test_a_new_year_day_named_bare_after_the_spring_festival_is_that_day(
    monkeypatch: pytest.MonkeyPatch, follow_up: str, day_said: str,
) -> None:
    monkeypatch.setattr(clock, "today", lambda: date(2026, 10, 28))
    use_services(monkeypatch, knowledge=Knowledge(), info=OneBranchInfo())
    eve = {"kind": "hours", "branch": "NJ-JIANGBEI", "date": "2027-02-05"}
    tracker = conversation(("江北馆除夕开不开", [eve]), (follow_up, []))
    assert day_said in run_action(ActionOpeningHours(), tracker)[0]
    assert follows_a_visit_answer(conversation(("江北馆除夕开不开", [eve]), ("初一呢", [])))


def test_a_school_year_is_no_new_year_day() -> None:
    assert new_year_day_meant("孩子上初三了", date(2026, 10, 29), date(2026, 10, 28)) is None
    assert new_year_day_meant("初三的孩子呢", date(2027, 2, 5), date(2026, 10, 28)) is None
    assert new_year_day_meant("初三呢", date(2027, 2, 5), date(2026, 10, 28)) == date(2027, 2, 8)


def test_a_menu_holding_the_other_librarys_entry_gives_that_entry(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """"南图的读者证能在你们这借书吗": the entry on 南京图书馆, not a menu."""
    theirs = FaqAnswer(kind="answer", entry_id=2, key="reader_card-015",
                       question="南京图书馆的读者证能在金陵图书馆用吗？",
                       answer="两家不同的图书馆。")

    class Knowledge:
        @staticmethod
        def answer(_text: str, lenient: bool = False) -> FaqAnswer:
            return FaqAnswer(kind="suggest", suggestions=[(1, "怎么办理读者证？"),
                                                          (2, theirs.question)])

        @staticmethod
        def published_answer(entry: int) -> FaqAnswer | None:
            return theirs if entry == 2 else None

    use_services(monkeypatch, knowledge=Knowledge(), catalogue=Catalogue())
    reply = run_action(ActionAnswerPolicy(), tracker_with("南图的读者证能在你们这借书吗", []))[0]
    assert reply == "两家不同的图书馆。"


def test_a_day_and_no_place_words_ask_about_the_visit(monkeypatch: pytest.MonkeyPatch) -> None:
    """"江宁馆周一上午方便进去看书不", taken for a place question: that day's hours."""
    monkeypatch.setattr(ActionOpeningHours, "request", lambda self, dispatcher, tracker: (
        dispatcher.utter_message(text="HOURS"), [])[1])
    asked = tracker_with("江宁馆周一上午方便进去看书不",
                         [{"entity": "branch", "value": "江宁区图书馆"}])
    dispatcher = CollectingDispatcher()
    ActionLocation().request(dispatcher, asked)
    assert [m["text"] for m in dispatcher.messages] == ["HOURS"]
    monkeypatch.setattr(actions.visiting, "requested_branches", lambda dispatcher, tracker: [])
    dispatcher = CollectingDispatcher()
    ActionLocation().request(dispatcher, tracker_with("周六去江宁馆要多远", []))
    assert dispatcher.messages == []  # how far: a place question, not the hours
