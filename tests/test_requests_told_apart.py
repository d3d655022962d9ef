"""Requests and follow-ups in readers' own words: a card number with what is asked of its
account, a hold with where to pick it up, 扣了我多少, books on a topic told with 怎么;
two questions a space apart (what an errand costs and what to bring, a number asked for
and then the way); 咋样 and a day counted from the one answered; the author of a result;
the pickup changed with 换; the booking just made taken back; a loan named before the
words that keep it; a title the author's books lack; a misremembered title before what
it is about; a hold asked on condition that the book is held; a loan lost, whatever the
story (units, no model)."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.faq_answers
import actions.holds
from actions.activities import just_booked
from actions.catalogue import (
    ActionSearchCatalogue,
    author_asked_about,
    tagged_title_the_author_lacks,
)
from actions.context import is_follow_up
from actions.faq_answers import mishap_answered
from actions.holds import ActionPlaceReservation, pickup_chosen
from actions.library import services
from actions.loans import title_asked_to_renew
from actions.visiting import visit_on_a_day
from bot.channels.questions import split_questions
from bot.nlu_signals import corrected
from tests.test_action_units import conversation, run_action, tracker_with


@pytest.mark.parametrize(("intent", "text", "expected"), [
    ("nlu_fallback", "JL00000003这张是孩子的 查下借着几本", "list_loans"),
    ("ask_policy", "jl00000001 替我看下欠没欠钱", "ask_account"),
    ("ask_policy", "JL00000001这种卡能不能借外文书", None),  # how a rule works, card or not
    ("list_reservations", "麦田里的守望者 想约 河西取", "place_reservation"),
    ("list_reservations", "我想约的那本来了没", None),  # a hold already placed
    ("list_reservations", "瞧瞧我都约了啥", None),
    ("ask_policy", "超期那几天扣了我多少钱", "ask_account"),
    ("ask_policy", "超期每天扣几毛钱", None),  # the rule
    ("ask_policy", "求推荐讲怎么戒掉熬夜的书", "search_catalogue"),  # 怎么 of the topic
    ("ask_policy", "讲星座的书还晚了怎么处理", None),  # 怎么 of the reader's question
    # a sign-up wished for, the card given after it or before it
    ("ask_policy", "城墙讲坛这期我也想参加 证号JL00000002", "sign_up_event"),
    ("ask_policy", "jl00000006 想报绘本那场亲子活动", "sign_up_event"),
    ("ask_policy", "JL00000006 我想参加讲坛，要带什么", None),  # asks what it takes
    # the review's cases: rules asked with a card number, holds asked after, a request to
    # explain, an event signed up for spoken of
    ("ask_policy", "JL00000001 借的书丢了怎么赔", None),
    ("ask_policy", "JL00000001 续借规则是什么", None),
    ("ask_policy", "JL00000001 预约的书保留几天", None),
    ("list_reservations", "预约到了 我明天去取", None),
    ("list_reservations", "活着预约上没", None),
    ("ask_policy", "能讲一下怎么处理超期的书吗", None),
    ("ask_policy", "关于超期罚款的书面通知发了吗", None),
    ("ask_events", "我要参加的那场讲座改时间了", None),
])
def test_requests_read_by_their_clear_words(intent: str, text: str,
                                            expected: str | None) -> None:
    assert corrected(intent, text) == expected


@pytest.mark.parametrize(("text", "questions"), [
    ("补证收费吗 得拿些什么材料", ["补证收费吗", "得拿些什么材料"]),
    ("可以请人代办吗，得准备啥", ["可以请人代办吗，得准备啥"]),  # what the errand takes
    ("服务台号码给个呗 顺便讲一下周日几点开门", ["服务台号码给个呗", "周日几点开门"]),
    ("顺便说一下怎么走", ["怎么走"]),
    ("服务台号码给个呗，顺便说一下，周日几点开门",
     ["服务台号码给个呗，顺便说一下", "周日几点开门"]),
])
def test_two_questions_a_space_apart(text: str, questions: list[str]) -> None:
    assert split_questions(text) == questions


def test_zayang_is_a_follow_up() -> None:
    assert is_follow_up("那鼓楼馆同天咋样")
    assert is_follow_up("那周日怎样")


@pytest.mark.parametrize(("text", "visit"), [
    ("那提前一天过去的话呢", True),
    ("第二天过去可以吧", True),
    ("提前一天过去借书呢", False),  # an errand
    ("晚一天过去开着吧", True),  # the counted day is no rule of its own (晚 of 晚还)
])
def test_a_visit_on_a_day_counted_from_the_one_answered(text: str, visit: bool) -> None:
    hours = {"kind": "hours", "branch": "JL-HEXI", "date": "2026-12-28"}
    assert visit_on_a_day(conversation(("河西12月28号开吗", [hours]), (text, []))) is visit


def search_outcome(title: str) -> dict[str, Any]:
    hit = services().catalogue.search(title, limit=1).hits[0]
    return {"kind": "search", "titles": [hit.title], "bib_ids": [hit.bib_id]}


@pytest.mark.parametrize("text", ["这作者其他作品呢", "那个作者别的书呢", "作者还有哪些"])
def test_the_authors_other_books_by_the_name_alone(text: str) -> None:
    found = search_outcome("会饮篇")
    tracker = conversation(("会饮篇有吗", [found]), (text, []))
    assert author_asked_about(tracker) == "柏拉图"  # not "柏拉图 著；王太庆 译"


@pytest.mark.parametrize("text", ["其他还有吗", "她还有一本没还，还能借吗"])
def test_other_books_asked_for_are_no_authors(text: str) -> None:
    found = search_outcome("会饮篇")
    assert author_asked_about(conversation(("会饮篇有吗", [found]), (text, []))) is None


def at_confirmation(text: str, branch: str) -> Tracker:
    offered = {"kind": "hold_confirm", "title": "活着", "bib_id": 1, "branches": ["金陵图书馆"]}
    tracker = conversation(("预约活着 总馆取", [offered]), (text, []))
    start = text.index(branch)
    tracker.latest_message["entities"] = [
        {"entity": "branch", "value": branch, "start": start, "end": start + len(branch)}]
    return tracker


def test_the_pickup_changed_with_huan_before_the_branch() -> None:
    assert pickup_chosen(at_confirmation("等一下 改江宁馆取 顺路", "江宁馆"))
    assert not pickup_chosen(at_confirmation("江宁馆换乘几号线", "江宁馆"))
    assert not pickup_chosen(at_confirmation("江宁馆太远了 换个近点的馆", "江宁馆"))


@pytest.mark.parametrize(("made", "text", "kind"), [
    ("space_booked", "刚订的时段不对 帮我撤掉", "space_booked"),
    ("event_signup", "报错了 撤销吧", "event_signup"),
    ("space_booked", "取消了吗", None),  # whether it was
    ("space_booked", "把那本书的预约撤销", None),  # a book's hold
    ("hours", "帮我撤掉", None),  # nothing was just booked
    ("event_signup", "我想取消读书会的报名", "event_signup"),
    ("space_booked", "取消需要提前吗", None),  # a question
    ("space_booked", "别的不要了 谢谢", None),
    ("event_signup", "把周五那个研讨间取消", None),  # the other kind
    ("space_booked", "那把之前订的那个取消", None),  # an earlier one
])
def test_what_was_just_booked_taken_back(made: str, text: str, kind: str | None) -> None:
    assert just_booked(conversation(("选第三个", [{"kind": made}]), (text, []))) == kind


@pytest.mark.parametrize(("text", "title"), [
    ("白鹿原还要多看些日子 可以续不", "白鹿原"),
    ("白鹿原能续吗", "白鹿原"),
    ("白鹿原好看 能续吗", None),  # nothing says it is a loan kept longer
    ("新书能续吗", None),
    ("白鹿原还要多看几天 能续吗", "白鹿原"),
    ("两京十五日读不完 续不续得了", "两京十五日"),
])
def test_a_loan_named_before_what_keeps_it(text: str, title: str | None) -> None:
    assert title_asked_to_renew(tracker_with(text, [])) == title


def test_a_title_the_authors_books_lack_as_the_nlu_found_them() -> None:
    books = services().catalogue.search("马伯庸", limit=5)
    tagged = tracker_with("请问长安的荔枝在馆里吗，作者是马伯庸", [
        {"entity": "title", "value": "长安的荔枝"}, {"entity": "author", "value": "马伯庸"}])
    assert tagged_title_the_author_lacks(tagged, books) == ("马伯庸", "长安的荔枝")
    held = tracker_with("两京十五日在不在，作者马伯庸", [
        {"entity": "title", "value": "两京十五日"}, {"entity": "author", "value": "马伯庸"}])
    assert tagged_title_the_author_lacks(held, books) is None


def outcomes(dispatcher: CollectingDispatcher) -> list[dict[str, Any]]:
    return [m["outcome"] for m in dispatcher.messages if m.get("outcome")]


def test_a_misremembered_title_before_what_it_is_about() -> None:
    text = "追风争的人 讲阿富汗两个少年的那本"
    dispatcher = CollectingDispatcher()
    ActionSearchCatalogue.no_book_asked(dispatcher, tracker_with(text, []), text)
    assert "追风筝的人" in outcomes(dispatcher)[0]["titles"]


@pytest.mark.parametrize(("text", "shown"), [
    ("有没有城南旧事 有的话替我约上", True),
    ("替我预约城南旧事", False),
    ("在吗 帮我预约城南旧事", False),  # a greeting, not whether it is held
])
def test_a_hold_on_condition_that_it_is_held_shows_it_first(
        monkeypatch: pytest.MonkeyPatch, text: str, shown: bool) -> None:
    monkeypatch.setattr(actions.holds, "verified_reader", lambda tracker: None)
    reply, _ = run_action(ActionPlaceReservation(), tracker_with(
        text, [{"entity": "title", "value": "城南旧事"}], intent="place_reservation"))
    assert ("馆里有这本书" in reply) is shown
    assert "读者证" in reply


@pytest.mark.parametrize(("text", "entry"), [
    ("借来的书搁在背包里，背包被偷了", "borrowing-008"),
    ("借的书借给表哥 他出国了 书估计是弄丢了", "borrowing-008"),
])
def test_a_loan_lost_whatever_the_story(text: str, entry: str) -> None:
    dispatcher = CollectingDispatcher()
    assert mishap_answered(dispatcher, tracker_with(text, []))
    assert outcomes(dispatcher)[0] == {"kind": "faq", "id": entry}


@pytest.mark.parametrize("text", [
    "借的书连同读者证一起丢了",  # the card too
    "借的书之前找不到了，今天在床底下找到了，逾期一周怎么处理",  # found again
    "借的书被小孩弄丢了一页 怎么办",  # damaged
])
def test_no_loan_lost_is_left_to_the_faq(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    def not_asked() -> None:
        raise AssertionError("no loan lost alone: the FAQ says which entry")

    monkeypatch.setattr(actions.faq_answers, "lost_loan_entry", not_asked)
    mishap_answered(CollectingDispatcher(), tracker_with(text, []))


def test_a_first_clause_near_a_title_is_looked_up_only_when_a_book_is_described() -> None:
    text = "小孩子，能进自习室吗"
    dispatcher = CollectingDispatcher()
    ActionSearchCatalogue.no_book_asked(dispatcher, tracker_with(text, []), text)
    assert all(o["kind"] != "search" for o in outcomes(dispatcher))
