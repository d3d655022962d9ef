"""Offers given up before a question, the day's free slots, titles set apart from Nanjing
words and their authors, short years, fines told with the days they ran and the other
readings added after the thirty-seventh evaluation set was read (its messages stay out
of here; these are written anew)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

import actions.activities
from actions.activities import slot_chosen, slots_of_the_day
from actions.catalogue import AUTHOR_AND_TITLE, thing_then_wished, typed_query
from actions.decline import ActionDecline, gives_up_and_asks, question_after_giving_up
from actions.digital_resources import resources_while_closed
from actions.faq_answers import ASKS_A_RULE
from actions.holds import HELD_ASKED
from actions.visiting import BOOK_MARKED, asks_of_the_past
from bot.channels.guard import leaves_the_librarian
from bot.channels.questions import split_questions
from bot.nlu_signals import corrected
from bot.services.search_text import normalise
from bot.title_names import half_called
from tests.test_action_units import conversation, run_action


def test_a_conversation_closed_with_the_leave_words_ends_the_handoff() -> None:
    assert leaves_the_librarian("嗯 就先这样吧 退出人工")
    assert leaves_the_librarian("行 那就这样 退出人工")
    assert not leaves_the_librarian("就这样 退出人工 另外帮我问问复印在几楼")


def test_days_a_loan_ran_late_ask_no_rule() -> None:
    assert ASKS_A_RULE.search("预约的书能留几天")
    assert not ASKS_A_RULE.search("那本逾期了好几天 一共罚了多少")
    assert not ASKS_A_RULE.search("前几天借的那本 罚了多少")


@pytest.mark.parametrize(("text", "query"), [
    ("呐喊 那一本 在架伐", "呐喊"),
    ("白鹿原 有伐 陈忠实的", "白鹿原   陈忠实的"),
])
def test_nanjing_words_and_the_book_pointed_at_leave_the_query(text: str, query: str) -> None:
    assert normalise(typed_query(text)) == query


def test_a_title_then_its_author_after_a_nanjing_question() -> None:
    typed = normalise(typed_query("长恨歌 有伐 王安忆的"))
    found = AUTHOR_AND_TITLE[1].match(typed)
    assert found is not None
    assert (found["title"], found["author"]) == ("长恨歌", "王安忆")


def test_a_year_typed_by_its_last_two_digits_is_a_year_gone_by() -> None:
    assert normalise("19年那会儿周末开不开") == "2019年那会儿周末开不开"
    assert normalise("这套书我看了20年") == "这套书我看了20年"
    assert normalise("孩子上10年级了") == "孩子上10年级了"
    assert asks_of_the_past("18年的时候晚上开到几点")
    assert asks_of_the_past("闭馆整修那一回 后来几号开的")
    assert not asks_of_the_past("周六几点开")


@pytest.mark.parametrize(("intent", "text", "expected"), [
    ("nlu_fallback", "总馆研讨间 下周三还剩空座伐", "book_space"),
    ("ask_location", "江宁馆自习室周日有没有空座", "book_space"),
    ("ask_policy", "自习室座位要收费吗", None),
    # a rule in a case supposed with …的话, not the reader's own holds
    ("list_reservations", "没留手机号的话 约到的书是不是就没人通知了", "ask_policy"),
    ("list_reservations", "我约的书到了没有", None),
    # a branch's doors on a day, with the errand after it
    ("search_catalogue", "11月5号鼓楼馆那天歇不歇 想去借几本", "ask_opening_hours"),
    ("search_catalogue", "11月5号鼓楼馆有《围城》吗", None),
    ("nlu_fallback", "11月12号晚上去鼓楼馆 那天会开到很晚吧", "ask_opening_hours"),
    # the library said to have no branches: the FAQ's entry on them
    ("ask_location", "金图只这一个馆 没开分馆吧", "ask_policy"),
    ("ask_opening_hours", "金图只有一个地方吧 分馆都没有", "ask_policy"),
    ("ask_location", "没有分馆的话总馆在哪", None),
    # what a space is for, the question ending a clause
    ("book_space", "研讨间一般搞啥的 里头能喝水不", "ask_policy"),
])
def test_signals_read_from_the_thirty_seventh_set(intent: str, text: str,
                                                  expected: str | None) -> None:
    assert corrected(intent, text) == expected


def test_a_title_half_remembered_may_begin_with_a_person() -> None:
    assert half_called("那本书叫人生什么的 后半截记不清了") == "人生"
    assert half_called("老师叫人去借什么书") is None


@pytest.mark.parametrize(("text", "questions"), [
    ("江北馆周日开吗 另外给个总馆的电话", ["江北馆周日开吗", "给个总馆的电话"]),
    ("在问一下 少儿馆在几楼", ["少儿馆在几楼"]),  # (在 typed for 再)
])
def test_questions_turned_to_or_asked_to_be_given(
        text: str, questions: list[str]) -> None:
    assert split_questions(text) == questions


@pytest.mark.parametrize("text", ["某作家的某书有伐 有就替我留着", "某书有的话替我留一本",
                                  "某书在架伐 约上"])
def test_whether_the_book_is_held_asked_with_the_hold(text: str) -> None:
    assert HELD_ASKED.search(text)


def test_a_title_set_apart_then_wished_to_be_read() -> None:
    assert thing_then_wished("李渔的闲情偶寄 想看看讲些什么") == "李渔的闲情偶寄"
    assert thing_then_wished("研讨间 想看看里面啥样") is None
    assert thing_then_wished("你好 想问个事") is None


@pytest.mark.parametrize(("text", "question"), [
    ("唉 算了不订了 馆里能自己上架找书吗", "馆里能自己上架找书吗"),
    ("不约了，周日几点开门", "周日几点开门"),
    ("算了", None),
    ("那就不订了 谢谢", None),
])
def test_the_question_after_an_offer_given_up(text: str, question: str | None) -> None:
    assert question_after_giving_up(text) == question


def test_an_offer_given_up_with_a_question_is_dropped_and_answered() -> None:
    confirm = {"kind": "hold_confirm", "title": "某书"}
    assert gives_up_and_asks(conversation(("reader123", [confirm]),
                                          ("不约了 那你们几点关门", [])))
    assert not gives_up_and_asks(conversation(("reader123", [{"kind": "faq", "id": "x"}]),
                                              ("不约了 那你们几点关门", [])))
    # another book asked for, or a question after the free slots (they stay offered)
    assert not gives_up_and_asks(conversation(("reader123", [confirm]),
                                              ("不要了 有没有呐喊", [])))
    slots = {"kind": "space_slots", "slot_ids": [7], "starts": ["2026-11-03T09:00:00"]}
    assert not gives_up_and_asks(conversation(("研讨间空不空", [slots]),
                                              ("不订了 里面能喝水吗", [])))


class Slots:
    """Free slots on two days, morning and afternoon."""

    def open_slots(self, since: datetime, keyword: str = "", limit: int = 5) -> list[Any]:
        starts = [datetime(2026, 10, 29, 9), datetime(2026, 10, 29, 14),
                  datetime(2026, 11, 3, 9), datetime(2026, 11, 3, 14)]
        return [type("Slot", (), {"slot_id": number, "starts_at": start})()
                for number, start in enumerate(starts, start=1) if start >= since][:limit]


def test_the_free_slots_of_the_day_named(monkeypatch: pytest.MonkeyPatch) -> None:
    services = type("Services", (), {"activities": Slots()})()
    monkeypatch.setattr(actions.activities, "services", lambda: services)
    found = slots_of_the_day("下周二下午 研讨间空不空", "研讨间")  # (the clock: Wed 28 Oct)
    # the whole day's, the afternoon chosen among them
    assert found is not None and str(found.day) == "2026-11-03"
    assert [slot.slot_id for slot in found.slots] == [3, 4]
    assert slots_of_the_day("研讨间还有空吗", "") is None
    assert slots_of_the_day("周六周日哪天研讨间空", "") is None  # several days
    monday = slots_of_the_day("下周一研讨间空不空", "")
    assert monday is not None and monday.slots == [] and monday.published  # none that day
    later = slots_of_the_day("12月20号研讨间空不空", "")
    assert later is not None and not later.published  # not open for booking yet


def test_a_slot_taken_with_words_of_taking_it() -> None:
    offered = {"kind": "space_slots", "slot_ids": [7, 8],
               "starts": ["2026-11-03T09:00:00", "2026-11-03T14:00:00"]}
    taken = conversation(("研讨间下周二空不空", [offered]), ("行 就订周二下午的那个吧", []))
    assert slot_chosen(taken) == 8
    asked = conversation(("研讨间下周二空不空", [offered]), ("周二下午的那个能带投影仪吗", []))
    assert slot_chosen(asked) is None


def test_resources_asked_after_for_a_closing_day() -> None:
    listed = {"kind": "digital_resources", "keys": ["res-ebooks"]}
    asked = conversation(("有电子书吗", [listed]), ("不开的日子也能看吧", []))
    assert not resources_while_closed(conversation(("有电子书吗", [listed]),
                                                   ("闭馆以后自习室还能用吗", [])))
    assert not resources_while_closed(conversation(("有电子书吗", [listed]),
                                                   ("账号不开通能不能用", [])))
    assert resources_while_closed(asked)
    entry = conversation(("数据库在家能用吗", [{"kind": "faq", "id": "digital-002"}]),
                         ("那周一闭馆还能用不", []))
    assert resources_while_closed(entry)
    hours = conversation(("周一开吗", [{"kind": "hours", "branch": "JL-MAIN"}]),
                         ("那周一闭馆还能用不", []))
    assert not resources_while_closed(hours)


@pytest.mark.parametrize(("text", "question"), [
    ("如果不要了 怎么取消", None),  # a case supposed, nothing given up
    ("到时候不要了 可以退吗", None),
])
def test_a_case_supposed_gives_nothing_up(text: str, question: str | None) -> None:
    assert question_after_giving_up(text) == question


def test_a_slot_reply_that_asks_is_no_choice() -> None:
    offered = {"kind": "space_slots", "slot_ids": [7, 8],
               "starts": ["2026-11-03T09:00:00", "2026-11-03T14:00:00"]}
    asked = conversation(("研讨间下周二空不空", [offered]), ("周二下午那个场地要带身份证", []))
    assert slot_chosen(asked) is None


@pytest.mark.parametrize(("intent", "text"), [
    ("ask_events", "周六的讲座还剩座位吗"),  # an event's seats
    ("ask_policy", "自习室有没有座位限制"),  # a rule about seats
    ("list_reservations", "方便的话 看下约的那本是不是到了"),  # a courtesy, no case supposed
    ("search_catalogue", "周六去鼓楼馆歇歇脚 顺便借几本书"),  # a reader resting
    ("search_catalogue", "明天河西馆开门了能借到三体吗"),  # a book asked for
    ("nlu_fallback", "周日开车开到总馆 停车场在哪"),  # driven to, not open until
    ("ask_opening_hours", "周末只能去一个馆 河西馆几点开"),  # no claim about branches
    ("ask_location", "河西有没有分馆"),
])
def test_signals_that_stay_out_of_their_neighbours(intent: str, text: str) -> None:
    assert corrected(intent, text) is None


def test_readings_that_are_no_years_nor_titles() -> None:
    assert normalise("在金图借书 15年了 周六几点开") == "在金图借书 15年了 周六几点开"
    assert thing_then_wished("明天 想借书") is None
    assert thing_then_wished("江宁馆 想借书") is None
    assert thing_then_wished("电子书 想看看怎么借") is None
    assert split_questions("鼓楼馆在哪 给个电话") == ["鼓楼馆在哪 给个电话"]  # of the place asked
    assert ASKS_A_RULE.search("预约的书到馆要好几天吗")


def test_a_book_marked_as_such_is_no_place() -> None:
    assert BOOK_MARKED.search("有没有钱锺书的管锥编")
    assert BOOK_MARKED.search("有《管锥编》吗")
    assert not BOOK_MARKED.search("燕子矶有没有")


def test_a_hold_given_up_then_a_question_is_dropped_and_answered() -> None:
    confirm = {"kind": "hold_confirm", "title": "某书"}
    reply, events = run_action(ActionDecline(), conversation(
        ("reader123", [confirm]), ("唉 不订了 周日几点开门", [])))
    assert reply.startswith("好的，不预约了。\n")  # no "还有其他…" before the answer
    assert "周日" in reply and "开放" in reply  # that Sunday's hours, live
    assert {"event": "slot", "name": "bib_id", "value": None} in [
        {key: event.get(key) for key in ("event", "name", "value")} for event in events]
    kept, _ = run_action(ActionDecline(), conversation(
        ("reader123", [confirm]), ("算了", [])))
    assert kept == "好的，不预约了。还有其他可以帮您的吗？"
