"""Rules and follow-ups in readers' own words: a book a teacher set, a card looked at in
other words, the digital library from home, a question ending in 没, how a loan goes back,
how long a hold that came in is kept, using a card, a title whose 与 was left out, two
titles asked about together, whether going on a day will do, the Sunday of the week
asked about, the day of the event signed up for, someone in charge, a branch by its
place's name, and the overdue loan pointed at (units, no model)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from rasa_sdk import Tracker

import actions.catalogue
import actions.faq_answers
import actions.holds
from actions.catalogue import asks_how_a_card_is_used, more_of_a_title_typed, titles_joined
from actions.faq_answers import ASKS_A_RULE, QUESTION
from actions.handoff import ActionHandoffToStaff
from actions.holds import ActionListReservations
from actions.loans import ActionAccountStatus, loan_chosen
from actions.visiting import day_in_context, follows_a_visit_answer
from bot import clock
from bot.nlu_signals import about_a_branch, about_a_visit, branches_named, corrected, signals
from bot.question_words import HOLD_KEPT
from bot.services.faq_model import FaqAnswer
from bot.services.interface import SearchResult, TitleHit
from bot.services.search_text import normalise, title_key
from tests.test_action_units import conversation, run_action, tracker_with

# --- what the NLU's intent becomes ------------------------------------------------------


@pytest.mark.parametrize(("text", "guessed", "intent"), [
    ("儿子读三年级 班主任让读某某某某 能借到吗", "request_human", "search_catalogue"),
    ("单位要求看一本管理的书，你们有吗", "request_human", "search_catalogue"),
    ("老师让我找馆员问问", "request_human", None),  # a person asked for after all
    ("帮我瞧瞧我的证是否被停掉了", "deny", "ask_account"),
    ("证件被停用该咋办", "ask_policy", None),  # a rule
    ("下雨那天在家能登数据库吗", "ask_opening_hours", "ask_policy"),
    ("远程访问电子书要账号吗", "ask_opening_hours", "ask_policy"),
    ("家门口那家分馆傍晚关不关", "ask_opening_hours", None),  # the hours
    ("阅览室里傍晚可以喝奶茶吗", "ask_opening_hours", "ask_policy"),
    ("吃过晚饭再去还开着不", "ask_opening_hours", None),  # the hours
    ("给娃报个下周的手工课 他6岁", "ask_events", "sign_up_event"),  # a remark after it
    ("给娃报个手工课 几岁能参加", "ask_policy", None),  # a question after it
    ("想预约周五上午进馆", "place_reservation", "ask_policy"),  # booking to go in
    ("帮我预约某书 礼拜五早上到总馆领", "ask_opening_hours", "place_reservation"),
    ("再替我查查还欠不欠费", "search_catalogue", "ask_account"),
    ("有欠款能不能借书", "ask_policy", None),  # a rule
])
def test_what_the_words_ask_corrects_the_intent(text: str, guessed: str,
                                                intent: str | None) -> None:
    assert corrected(guessed, text) == intent


# --- a question, a rule -----------------------------------------------------------------


@pytest.mark.parametrize(("text", "asks"), [
    ("馆里开了抖音号没 想看看", True), ("有公众号没", True),
    ("我还没，等会儿", False), ("书还没到", False), ("他都没", False),
])
def test_a_clause_ending_in_not_yet_asks(text: str, asks: bool) -> None:
    assert bool(QUESTION.search(text)) is asks


@pytest.mark.parametrize(("text", "rule"), [
    ("快递寄来的书怎么还", True), ("读完以后咋还呀", True),
    ("怎么还没到", False), ("怎么还不能借", False),
])
def test_how_a_loan_goes_back_is_a_rule(text: str, rule: bool) -> None:
    assert bool(ASKS_A_RULE.search(text)) is rule


@pytest.mark.parametrize(("text", "kept"), [
    ("预约的到馆了，能保留到哪天", True), ("书到了能保留几天", True),
    ("到馆后一直没时间取会怎样", True), ("忘了去领会咋样", True),
    ("订下那本到馆了没", False), ("订下那本到馆后去哪领", False),
])
def test_how_long_a_hold_is_kept_is_a_rule(text: str, kept: bool) -> None:
    assert bool(HOLD_KEPT.search(text)) is kept


class SureFaq:
    """A FAQ that answers every question with one entry."""

    def __init__(self, key: str) -> None:
        self.key = key

    def answer(self, *asked: Any) -> FaqAnswer:
        return FaqAnswer(kind="answer", key=self.key, question="问", answer="答")

    def record_unanswered(self, *asked: Any) -> None:
        return None


def faq_that_answers(monkeypatch: pytest.MonkeyPatch, key: str, *modules: Any) -> None:
    services = type("Services", (), {"knowledge": SureFaq(key)})()
    for module in modules:
        monkeypatch.setattr(module, "services", lambda: services)


def test_how_long_the_readers_own_hold_is_kept_is_answered_by_the_rules(
        monkeypatch: pytest.MonkeyPatch) -> None:
    faq_that_answers(monkeypatch, "reservations-003", actions.faq_answers, actions.holds)
    dispatcher_text, _ = run_action(ActionListReservations(), tracker_with(
        "我预约的某书已经到馆，可我下周才回南京，最多能保留到几号", [], intent="list_reservations"))
    assert dispatcher_text == "答"


# --- the catalogue ------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "entities", "card"), [
    ("女儿能不能用我的卡借绘本", [], True),
    ("凭邻居的证可以借些书不", [], True),
    ("拿我的证去借书", [], False),  # no question
    ("用本人这张证借某书行吗", [{"entity": "title", "value": "某书"}], False),  # a book named
])
def test_using_a_card_is_a_rule_not_a_search(text: str, entities: list[dict[str, Any]],
                                              card: bool) -> None:
    assert asks_how_a_card_is_used(tracker_with(text, entities)) is card


class WordShelf:
    """A catalogue that finds the books whose title holds every word of the query."""

    def __init__(self, *titles: str) -> None:
        self.books = [TitleHit(bib_id=n, title=t, author="某作者", publisher="", year=None,
                               isbn=None, call_number="") for n, t in enumerate(titles, 1)]

    def search(self, query: str, limit: int = 5, offset: int = 0) -> SearchResult:
        found = [b for b in self.books
                 if all(title_key(word) in title_key(b.title) for word in query.split())]
        return SearchResult(hits=found[:limit], total=len(found))


def test_a_title_whose_joining_word_was_left_out_is_searched_whole(
        monkeypatch: pytest.MonkeyPatch) -> None:
    shelf = WordShelf("某魔·某传与石之书", "某魔·某传与火之杯")
    monkeypatch.setattr(actions.catalogue, "services",
                        lambda: type("S", (), {"catalogue": shelf})())
    found = more_of_a_title_typed("有没有某魔某传火之杯", "某魔某传", 5)
    assert found is not None and [hit.title for hit in found[1].hits] == ["某魔·某传与火之杯"]
    assert more_of_a_title_typed("有没有某魔某传", "某魔某传", 5) is None


def test_another_title_of_the_series_searched_first(monkeypatch: pytest.MonkeyPatch) -> None:
    shelf = WordShelf("某魔·某传与石之书", "某魔·某传与火之杯", "别的书")
    monkeypatch.setattr(actions.catalogue, "services",
                        lambda: type("S", (), {"catalogue": shelf})())
    found = actions.catalogue.another_of_the_series("某魔某传 火之杯", "那石之书呢")
    assert found is not None and found[1].hits[0].title == "某魔·某传与石之书"
    assert actions.catalogue.another_of_the_series("某魔某传 火之杯", "那换个话题呢") is None


def test_two_titles_asked_about_together_are_searched_each(
        monkeypatch: pytest.MonkeyPatch) -> None:
    shelf = WordShelf("甲乙丙丁", "戊己庚辛", "老人与海")
    monkeypatch.setattr(actions.catalogue, "services",
                        lambda: type("S", (), {"catalogue": shelf})())
    first = shelf.search("甲乙丙丁")
    found = titles_joined("甲乙丙丁 和 戊己庚辛 两本都在架吗", first)
    assert [[hit.title for hit in result.hits] for _query, result in found] == [
        ["甲乙丙丁"], ["戊己庚辛"]]
    # one title made of the joined words, or a part the library lacks: one search
    assert titles_joined("老人与海有吗", shelf.search("老人与海")) == []
    assert titles_joined("甲乙丙丁跟某某某某都想看", first) == []


def test_a_hold_asked_for_after_still_is_a_hold() -> None:
    assert signals("还是先约某书吧 少儿馆取 卡号JL00000006")[0] == "place_reservation"
    assert signals("先约好时间再说 卡号JL00000001")[0] != "place_reservation"


# --- follow-ups ---------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "follows"), [
    ("25号过去行吗", True), ("那26号去可以吗", True),
    ("21号去还书行不行", False),  # a loan's deadline, not the doors
])
def test_whether_going_on_a_day_will_do_follows_an_hours_answer(text: str,
                                                                follows: bool) -> None:
    day = (clock.today() + timedelta(days=3)).isoformat()
    tracker = conversation(("少儿馆周一开放吗", [{"kind": "hours", "branch": "JL-CHILD",
                                              "date": day}]), (text, []))
    assert follows_a_visit_answer(tracker) is follows


def loans_listed_for(request: str, text: str) -> Tracker:
    today = clock.today()
    listed = {"kind": "loans", "loan_ids": [3, 1, 2], "due_dates": [
        (today + timedelta(days=n)).isoformat() for n in (-5, 2, 20)]}
    events: list[dict[str, Any]] = [
        {"event": "user", "text": request, "parse_data": {"intent": {"name": "list_loans"}}},
        {"event": "user", "text": "/password_checked",
         "parse_data": {"intent": {"name": "password_checked"}}},
        {"event": "bot", "metadata": {"outcome": listed}},
        {"event": "user", "text": text, "parse_data": {"intent": {"name": "renew_loan"}}}]
    return Tracker(sender_id="unit-test", slots={}, events=events, paused=False,
                   followup_action=None, active_loop={}, latest_action_name=None,
                   latest_message={"text": text, "intent": {"name": "renew_loan"},
                                   "entities": []})


@pytest.mark.parametrize(("request_words", "text", "chosen"), [
    ("好像有一本逾期了 帮忙看看是哪一本", "这本可以续不", 3),
    ("好像有一本逾期了 帮忙看看是哪一本", "它能续不", 3),
    ("好像有一本逾期了 帮忙看看是哪一本", "这本最多延多久", None),  # a rule
    ("好像有一本逾期了 帮忙看看是哪一本", "那本不续了", None),
    ("列一下在借的", "这本可以续不", None),  # no one loan singled out
])
def test_the_overdue_loan_pointed_at_after_asking_which_one(request_words: str, text: str,
                                                            chosen: int | None) -> None:
    assert loan_chosen(loans_listed_for(request_words, text)) == chosen


def test_a_bare_weekday_after_a_day_of_next_week_is_that_weeks() -> None:
    today = clock.today()
    saturday_next_week = today + timedelta(days=(5 - today.weekday()) % 7 + 7)
    tracker = conversation(("江宁那边下周六开放吗", [{"kind": "hours", "branch": "NJ-JIANGNING",
                                                 "date": saturday_next_week.isoformat()}]),
                           ("那星期日呢", []))
    day = day_in_context(tracker, "那星期日呢", None, today)
    assert day == saturday_next_week + timedelta(days=1)


def test_that_day_after_a_sign_up_is_the_events_day() -> None:
    today = clock.today()
    event_day = today + timedelta(days=3)
    tracker = conversation(("reader123", [{"kind": "event_signup", "title": "某诗会",
                                           "date": event_day.isoformat()}]),
                           ("当天总馆开放到几时", []))
    assert day_in_context(tracker, "当天总馆开放到几时", None, today) == event_day


@pytest.mark.parametrize(("text", "person"), [
    ("不想跟程序聊 找管事的出面", True), ("叫个主管来", True),
    ("管事的几点上班", False),
])
def test_someone_in_charge_is_a_person(text: str, person: bool) -> None:
    assert (signals(text)[0] == "request_human") is person
    assert bool(ActionHandoffToStaff.explicit.search(normalise(text))) is person


@pytest.mark.parametrize(("text", "branches"), [
    ("算了换到河西取吧", ["金陵图书馆河西分馆"]), ("改江宁取吧", ["江宁区图书馆"]),
    ("江宁那个地址发我", ["江宁区图书馆"]), ("河西走廊有吗", []), ("我住河西那边", []),
])
def test_a_branch_by_its_places_name(text: str, branches: list[str]) -> None:
    assert [e["value"] for e in branches_named(normalise(text))] == branches


def test_where_it_is_guessed_is_the_place_and_booking_to_go_in_no_visit() -> None:
    assert about_a_branch("ask_policy", "金图是在某某广场那一带吧") == "ask_location"
    assert about_a_visit("place_reservation", "想约个周四下午入馆名额") is None


# --- the first review's counter-examples ---------------------------------------------------


@pytest.mark.parametrize(("text", "guessed", "intent"), [
    ("约好了礼拜六入馆，当日何时开放？", "ask_opening_hours", None),  # the hours
    ("帮我预约《参观者》这本", "place_reservation", None),  # a title, no entry
    ("想订某书，礼拜六去参观时顺便取", "place_reservation", None),
    ("家中长辈要来馆里上网，礼拜六何时开放？", "ask_opening_hours", None),
    ("那就约周六吧", "nlu_fallback", None),  # a day, no book
    ("此事是否要找负责人审批？", "ask_policy", None),
    ("周六的绘本课还有位置吗 帮我报上 收费", "ask_policy", None),  # a question after it
])
def test_what_the_first_review_found_stays_as_it_was(text: str, guessed: str,
                                                     intent: str | None) -> None:
    assert corrected(guessed, text) == intent


@pytest.mark.parametrize("text", ["此事是否要找负责人审批？", "叫负责人签个字就行吗",
                                  "找不到负责人怎么办", "是不是得找管事的批一下"])
def test_staff_in_charge_named_in_a_question_is_no_request_for_them(text: str) -> None:
    assert signals(text)[0] != "request_human"


@pytest.mark.parametrize("text", ["是不是得找管事的批一下", "这事要让主管签字吗"])
def test_staff_in_charge_in_a_question_leave_the_faq_its_answer(text: str) -> None:
    assert not ActionHandoffToStaff.explicit.search(normalise(text))


@pytest.mark.parametrize("text", ["江北馆能把电动车停在门口旁边吗", "少儿馆家长可以坐在孩子旁边吗",
                                  "金图的储物柜是在入口附近吗"])
def test_something_beside_something_else_is_no_way_to_the_library(text: str) -> None:
    assert about_a_branch("ask_policy", normalise(text)) != "ask_location"


@pytest.mark.parametrize("text", ["周六带狗过去可以吗", "明天穿拖鞋去行吗"])
def test_a_rule_about_going_is_no_hours_follow_up(text: str) -> None:
    day = (clock.today() + timedelta(days=3)).isoformat()
    tracker = conversation(("周六开吗", [{"kind": "hours", "branch": "JL-MAIN", "date": day}]),
                           (text, []))
    assert not follows_a_visit_answer(tracker)


def test_a_weekday_gone_by_or_every_week_is_not_that_weeks() -> None:
    today = clock.today()
    soon = today + timedelta(days=6)
    tracker = conversation(("下周开吗", [{"kind": "hours", "branch": "JL-MAIN",
                                          "date": soon.isoformat()}]), ("每周日都开吗", []))
    assert day_in_context(tracker, "每周日都开吗", None, today) == soon


def test_a_bare_weekday_after_a_coming_weekday_is_the_coming_one() -> None:
    today = clock.today()
    monday = today + timedelta(days=7 - today.weekday())
    thursday = today + timedelta(days=(3 - today.weekday()) % 7 or 7)
    tracker = conversation(("周一总馆开门吧", [{"kind": "hours", "branch": "JL-MAIN",
                                              "date": monday.isoformat()}]), ("那周四呢", []))
    assert day_in_context(tracker, "那周四呢", thursday, today) == thursday


# --- the second review's counter-examples --------------------------------------------------


@pytest.mark.parametrize("text", ["这本能续几次", "那本续过了", "这本续借要交钱不", "那本续不了吧"])
def test_a_question_about_the_overdue_loan_renews_nothing(text: str) -> None:
    assert loan_chosen(loans_listed_for("好像有一本逾期了 帮忙看看是哪一本", text)) is None


def test_a_question_with_the_readers_own_words_still_asks_for_the_card() -> None:
    holds = ActionListReservations()
    assert not ActionAccountStatus().names_nothing_of_its_own("证件到底还有没有效，帮忙瞧一眼行不")
    assert not holds.names_nothing_of_its_own("上礼拜订的某书目前进展如何呀")
    assert holds.names_nothing_of_its_own("本馆啥时候评上一级馆的呀在全国排第几")


def test_looking_up_the_holds_keeps_them_a_request() -> None:
    assert not ActionListReservations().asks_its_rule("帮我查查订下那本保留到哪天")
    assert ActionListReservations().asks_its_rule("订下那本能保留到几号")


@pytest.mark.parametrize("text", ["要这本，江宁那边没有", "头一本替我办了，鼓楼架上没有"])
def test_not_there_told_is_no_question(text: str) -> None:
    assert not QUESTION.search(text)


def test_why_still_is_no_rule_of_returning() -> None:
    assert not ASKS_A_RULE.search("我卡上怎么还提示超期")


def test_a_title_holding_the_joining_word_with_its_author_is_one_search(
        monkeypatch: pytest.MonkeyPatch) -> None:
    shelf = WordShelf("我与某坛", "甲乙丙丁", "戊己庚辛")
    monkeypatch.setattr(actions.catalogue, "services",
                        lambda: type("S", (), {"catalogue": shelf})())
    assert titles_joined("某某 我与某坛", shelf.search("我与某坛")) == []
    found = titles_joined("甲乙丙丁和戊己庚辛都有吗", shelf.search("甲乙丙丁"))
    assert [query for query, _result in found] == ["甲乙丙丁", "戊己庚辛"]
