"""The library's clock: Nanjing time, set by tests, shared with the processes they start,
and what the opening-hours action calls "today"."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

import actions.visiting
from actions.visiting import ActionOpeningHours
from bot import clock, wiring
from bot.settings import CLOCK_OFFSET_VARIABLE, clock_offset_seconds, load_settings
from tests.library_db import fresh_database
from tests.test_action_units import run_action, tracker_with

pytestmark = pytest.mark.dates

Pin = Callable[[datetime], None]


@pytest.fixture
def pin() -> Iterator[Pin]:
    """Sets the clock to a local time for one test; the session's clock afterwards."""
    before = clock_offset_seconds()
    yield lambda moment: clock.set_offset(clock.offset_until(moment))
    clock.set_offset(before)


def test_the_clock_tells_nanjing_time_to_every_process(pin: Pin) -> None:
    pin(datetime(2027, 10, 7, 1, 0))  # Thursday 01:00 in Nanjing: still Wednesday in UTC
    assert abs(clock.now() - datetime(2027, 10, 7, 1, 0)) < timedelta(seconds=5)
    assert clock.today() == date(2027, 10, 7)
    moment = datetime.fromtimestamp(time.time() + clock_offset_seconds(), timezone.utc)
    assert moment.date() == date(2027, 10, 6)
    # Servers started from now on run on the same clock.
    environment = load_settings().environment()
    assert float(environment[CLOCK_OFFSET_VARIABLE]) == clock_offset_seconds()
    assert environment["LIBRARY_TIMEZONE"] == "Asia/Shanghai"


def test_opening_hours_follow_the_clock(
    pin: Pin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    with fresh_database("sqlite", tmp_path) as url:
        library = wiring.library_services(load_settings().with_database(url))
        monkeypatch.setattr(actions.visiting, "services", lambda: library)

        def answer(text: str, holiday: str = "") -> str:
            entities = [{"entity": "holiday", "value": holiday}] if holiday else []
            return run_action(ActionOpeningHours(), tracker_with(text, entities))[0]

        pin(datetime(2026, 12, 3, 10, 0))  # a Thursday: the weekly closing day
        assert "今天（12月3日，周四）闭馆（每周例行闭馆）" in answer("今天开门吗")
        assert "明天（12月4日，周五）开放" in answer("明天开门吗")
        pin(datetime(2027, 2, 7, 10, 0))  # after the first day of 春节: its next day
        assert "今天（2月7日，周日）开放（春节）" in answer("春节开放吗", holiday="春节")
