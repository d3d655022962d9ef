"""A hold asked for after search results: by words of one listed title, also two answers
back ("还是先约某甲吧"), by a Latin name ("c++那本"), by its edition ("要第2版"), by position
with a card number beside it, or with 留一本; a loan to renew pointed at by the days left to
it (units, no model)."""

from __future__ import annotations

from typing import Any

import pytest

from actions.holds import choice_length, listed_result_named, result_chosen
from actions.loans import loan_by_days_left
from tests.test_action_units import conversation

DEATHLY_HALLOWS = {"kind": "search", "titles": ["哈利·波特与死亡圣器"], "bib_ids": [148]}
STONE = {"kind": "search", "titles": ["哈利·波特与魔法石"], "bib_ids": [140]}
PRIMERS = {"kind": "search", "titles": ["C++ Primer中文版（第5版）", "C Primer Plus"],
           "bib_ids": [129, 379]}
GUIDES = {"kind": "search", "titles": ["程序员代码面试指南（第2版）", "程序员代码面试指南：最优解"],
          "bib_ids": [95, 94]}


def after(*answers: dict[str, Any], text: str, branch: str = "") -> Any:
    turns = [(f"问题{number}", [answer]) for number, answer in enumerate(answers)]
    tracker = conversation(*turns, (text, []))
    if branch:
        start = text.index(branch)
        tracker.latest_message["entities"] = [
            {"entity": "branch", "value": branch, "start": start, "end": start + len(branch)}]
    return tracker


@pytest.mark.parametrize(("answers", "text", "bib_id"), [
    ((DEATHLY_HALLOWS, STONE), "死亡圣器先给我约上 少儿馆拿 证号JL00000006", 148),
    ((DEATHLY_HALLOWS, STONE), "那就约魔法石", 140),
    ((PRIMERS,), "那就约c++那本吧 总馆拿", 129),
    ((GUIDES,), "要第2版，预约一下", 95),
    ((DEATHLY_HALLOWS, STONE), "约哈利波特那本", None),  # both are
    ((PRIMERS,), "约primer那本", None),  # both are
    (({"kind": "search", "titles": ["Python编程", "三体"], "bib_ids": [7, 8]},),
     "约n那本", None),  # one letter names nothing
    # another book that shares two characters with one listed: searched, not that one
    ((DEATHLY_HALLOWS, STONE), "那再帮我约一本死亡诗社", None),
    ((DEATHLY_HALLOWS, STONE), "帮我约一本魔法师的帽子", None),
])
def test_a_listed_result_named_by_a_hold_request(answers: tuple[dict[str, Any], ...], text: str,
                                                 bib_id: int | None) -> None:
    assert listed_result_named(after(*answers, text=text, branch="少儿馆"
                                     if "少儿馆" in text else "")) == bib_id


def test_a_card_number_makes_no_choice_longer() -> None:
    two = {"kind": "search", "titles": ["玫瑰的名字", "某书"], "bib_ids": [265, 2]}
    tracker = after(two, text="第一本吧 替我约上 总馆领 证号JL00000001", branch="总馆")
    assert choice_length(tracker) <= len("第一本吧上")
    assert result_chosen(tracker) == 265


def test_keeping_one_of_the_one_title_found_is_a_hold_of_it() -> None:
    found = {"kind": "search", "titles": ["何以笙箫默"], "bib_ids": [239]}
    tracker = after(found, text="在架的话替我留一本 过两天河西分馆领", branch="河西分馆")
    assert result_chosen(tracker) == 239


@pytest.mark.parametrize(("text", "loan"), [
    ("还剩2天到期的那本能不能延一延", 1),
    ("还剩20天的那本帮我续上", 2),
    ("剩两天的能延多久", None),  # how long: a rule
    ("还剩２天到期的那本续上", 1),  # full-width
    ("剩两天那本续好了没", None),  # whether it was
    ("还剩2天的那本为啥续不了", None),
    ("剩2天的那本续借会扣信用分吗", None),
    ("剩下两天的不续了", None),
    ("剩三天的那本续上", None),  # none is due then
])
def test_a_loan_pointed_at_by_the_days_left_to_it(text: str, loan: int | None) -> None:
    listed = {"kind": "loans", "loan_ids": [3, 1, 2],
              "due_dates": ["2026-10-23", "2026-10-30", "2026-11-17"]}  # today 10-28
    assert loan_by_days_left(conversation(("借了哪些", [listed]), (text, []))) == loan


def test_keeping_an_eye_out_is_no_hold() -> None:
    found = {"kind": "search", "titles": ["何以笙箫默"], "bib_ids": [239]}
    assert result_chosen(after(found, text="帮我留意一下")) is None
    assert result_chosen(after(found, text="替我留一本")) == 239
