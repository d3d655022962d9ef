"""A sign-up asked for after a question in the same message, by the event's day ("周六
下午朗诵诗歌那场还剩位置吗？替我报一个"), and in the words 报下名 and 想报… (units, no model)."""

from __future__ import annotations

import datetime

import pytest

import actions.activities
from actions.activities import event_named
from bot.booking_words import SIGNS_UP
from bot.services.interface import EventInfo
from tests.test_action_units import conversation

POETRY_EVENING = 1


def event(event_id: int, title: str, day: int) -> EventInfo:
    start = datetime.datetime(2026, 10, day, 14, 0)
    return EventInfo(event_id, title, "", "总馆", "", start, start, 10, "")


class Services:
    """One event on Saturday 2026-10-31 (the pinned clock's Wednesday + 3), one on Friday."""

    activities = type("Events", (), {"upcoming_events": lambda self, *a: [
        event(POETRY_EVENING, "阅美四季·冬日诗会", 31), event(3, "金图讲坛·某某", 30)]})()


@pytest.mark.parametrize(("text", "named"), [
    ("周六下午朗诵诗歌那场还剩位置吗？替我报一个", POETRY_EVENING),
    ("周六下午朗诵诗歌那场还剩位置吗", None),  # only asked
    ("周六那场报名得交钱吗？", None),  # a question of the sign-up
    ("我已经报名了。周六那场几点开始？", None),  # done, and a question after it
    ("周六那场我不想报名了。能取消吗", None),
    ("周六那场我上周就报名了！在几楼？", None),
])
def test_a_sign_up_after_a_question_takes_the_event_of_the_day(
        monkeypatch: pytest.MonkeyPatch, text: str, named: int | None) -> None:
    monkeypatch.setattr(actions.activities, "services", lambda: Services())
    assert event_named(conversation((text, []))) == named


@pytest.mark.parametrize(("text", "signs_up"), [
    ("帮闺女报下名 少儿馆的手工坊", True),
    ("想报下周那个读者培训", True),
    ("想报下周的讲座", True),
    ("不想报那个讲座了", False),
    ("我想报销路费", False),
    ("想报警，诗会现场手机被偷了", False),
    ("孩子想报兴趣班，图书馆有读者培训吗", False),
])
def test_signing_up_in_other_words(text: str, signs_up: bool) -> None:
    assert bool(SIGNS_UP.search(text)) is signs_up
