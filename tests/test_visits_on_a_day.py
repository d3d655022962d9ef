"""A visit on a day asked after an answer about hours or a place ("11.20那天打算过去，没问题
吧", "那天总馆我能过去不", "平时工作日几点关门呢"), a day's visit the FAQ answers with a timetable
entry, the doors on a day taken for an event, where to leave a vehicle, and what is done
while the library is closed (units, no model)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from actions.activities import ActionListEvents
from actions.dates import day_named
from actions.visiting import (
    PARKING,
    ActionLocation,
    ActionOpeningHours,
    ordinary_day,
    visit_on_a_day,
)
from bot.nlu_signals import corrected
from tests.test_action_units import conversation, run_action

TODAY = datetime.date(2026, 10, 28)  # the pinned clock's Wednesday
HEXI_TODAY = {"kind": "hours", "branch": "JL-HEXI", "date": "2026-10-28"}
GULOU_SUNDAY = {"kind": "hours", "branch": "NJ-GULOU", "date": "2026-11-01"}


def after(answer: dict[str, Any], text: str, branch: str | None = None) -> Any:
    tracker = conversation(("河西分馆今天开到几点", [answer]), (text, []))
    if branch:
        start = text.index(branch)
        tracker.latest_message["entities"] = [
            {"entity": "branch", "value": branch, "start": start, "end": start + len(branch)}]
    return tracker


@pytest.mark.parametrize(("text", "visit"), [
    ("11.20那天打算过去，应该可以吧", True),
    ("嗯？那天总馆我能过去不", True),
    ("下礼拜六来的话 还是这个钟点关门吧", True),
    ("平时工作日几点关门呢", True),
    ("后天过去方便吗", True),
    ("星期日那边也开那么晚？", True),
    ("那天能去还书吗", False),  # an errand
    ("那我下周末过去拿 预约照旧吧", False),  # a hold to pick up
    ("周六过去借两本漫画", False),  # a book
    ("周六去的话坐几号线", False),  # the way
    ("那天去能带宠物狗进去吗", False),  # a rule the FAQ is sure of
    ("下周六我打算带着刚满月的小宝宝和家里两位老人一道过去转转，人会不会很多", False),  # too long
    ("那天我改去南京图书馆可以吗", False),  # the other library
    ("12月10号过去参加诗会可以吗", False),  # an event
    ("周六去听讲座行吗", False),
    ("明天过去办证可以吗", False),  # a card
    ("明天去自习室要预订吗", False),  # a room
    ("周六去复印资料方便吗", False),  # copies
])
def test_a_visit_on_a_day_after_an_hours_answer(text: str, visit: bool) -> None:
    assert visit_on_a_day(after(HEXI_TODAY, text)) is visit


def test_no_visit_is_asked_after_an_answer_on_something_else() -> None:
    old_books = {"kind": "faq", "id": "services-006"}
    assert not visit_on_a_day(conversation(("古籍能看吗", [old_books]), ("那天打算过去", [])))


def test_the_branch_named_does_not_make_its_faq_entry_win() -> None:
    text = "星期日鼓楼那边也开那么晚？"
    assert visit_on_a_day(after(GULOU_SUNDAY, text, branch="鼓楼"))


def test_a_visit_taken_for_events_gets_the_hours_of_that_day() -> None:
    """The reply goes to the hours whatever action the NLU chose (replies_to_previous)."""
    asked = {"kind": "hours", "branch": "JL-HEXI", "date": "2026-11-20"}
    reply, _events = run_action(ActionListEvents(),
                                after(asked, "嗯？那天总馆我能过去不", branch="总馆"))
    assert "11月20日" in reply and "河西" not in reply
    reply, _events = run_action(ActionListEvents(), after(asked, "那天总馆有什么活动"))
    assert "11月20日" not in reply  # events asked: the events


def test_the_hours_of_the_day_said_at_the_branch_before() -> None:
    tracker = after(HEXI_TODAY, "11.20那天打算过去，应该可以吧")
    reply, _events = run_action(ActionOpeningHours(), tracker)
    assert "河西分馆11月20日" in reply


def test_a_dotted_day_is_the_day_named() -> None:
    assert day_named([], "11.20那天打算过去", TODAY) == datetime.date(2026, 11, 20)
    assert day_named([], "12.5元一本", TODAY) is None


def test_a_working_day_is_not_the_sunday_asked_about() -> None:
    reply, _events = run_action(ActionOpeningHours(), after(GULOU_SUNDAY, "平时工作日几点关门呢"))
    assert "鼓楼区图书馆今天（10月28日" in reply


@pytest.mark.parametrize(("branch", "today", "usual"), [
    ("JL-MAIN", datetime.date(2026, 10, 29), datetime.date(2026, 10, 30)),  # closed Thursdays
    ("JL-HEXI", datetime.date(2026, 10, 31), datetime.date(2026, 11, 3)),  # weekend, Monday
    ("JL-HEXI", datetime.date(2026, 12, 10), datetime.date(2026, 12, 11)),  # a closure
])
def test_the_usual_day_is_a_weekday_with_the_usual_hours(branch: str, today: datetime.date,
                                                         usual: datetime.date) -> None:
    assert ordinary_day(branch, today) == usual


def test_a_days_visit_the_faq_answers_with_a_timetable_gets_that_days_hours() -> None:
    reply, _events = run_action(ActionLocation(), conversation(("后天过去方便吗", [])))
    assert "10月30日" in reply
    reply, _events = run_action(ActionLocation(), conversation(("明儿过去怎么走", [])))
    assert "地址" in reply


@pytest.mark.parametrize(("text", "intent"), [
    ("下礼拜六来的话 还是这个钟点关门吧", "ask_opening_hours"),
    ("这周六开门吗", "ask_opening_hours"),
    ("这周六的诗会几点开始", None),  # an event
    ("周六帮我报名", None),  # a sign-up
    ("周日的电影几点放映", None),  # events by other names
    ("明天的展览几点开放", None),
    ("周六的读书会还有名额吗 几点开始", None),
])
def test_the_doors_on_a_day_are_no_event(text: str, intent: str | None) -> None:
    assert corrected("sign_up_event", text) == intent


@pytest.mark.parametrize(("text", "parking"), [
    ("骑电瓶车来的话停哪", True),
    ("小车放什么地方", True),
    ("车子往哪放", True),
    ("开摩托去金图 放在哪", True),
    ("开车放心吗", False),
    ("骑车过去要多久", False),
    ("书放哪里还", False),
    ("骑车带孩子放学后过去，少儿馆在哪", False),
    ("下了高铁车放下行李就过去，金图在哪", False),
])
def test_where_to_leave_a_vehicle(text: str, parking: bool) -> None:
    assert bool(PARKING.search(text)) is parking


@pytest.mark.parametrize(("text", "intent"), [
    ("关门之后还能把书还回去吗", "ask_policy"),
    ("休馆期间在线数据库还能用吗", "ask_policy"),
    ("周五闭馆那天要还书 门口能还吗", "ask_policy"),
    ("闭馆以后几点开门", None),  # the hours after all
    ("关了门以后人还能进吗", None),  # nothing done while closed
    ("下班后赶过去还书行吗", None),  # no closing said
])
def test_what_is_done_while_the_library_is_closed_is_no_hours_question(
        text: str, intent: str | None) -> None:
    assert corrected("ask_opening_hours", text) == intent
