"""The library's clock: the one source of "now" and "today" for the assistant.

Opening hours, holds, events, tickets, sessions and every time stored in the library
database come from here, never from datetime.now() or date.today(). The clock tells the
library's local time (LIBRARY_TIMEZONE, Asia/Shanghai) as naive datetimes to the second,
as the database stores them, whatever the machine's timezone: a reader in Nanjing who
asks "今天开门吗" at 01:00 gets that day's hours although it is still yesterday in UTC.

LIBRARY_CLOCK_OFFSET_SECONDS moves the clock. Tests pin a date with
`set_offset(offset_until(...))`: that moves this process's clock and, through the
environment (and Settings.environment()), the clock of every process started afterwards,
so the Rasa server, the action server, the console and the tests agree on the instant.

Protocol time stays on the real clock (time.time()): WeChat signature timestamps and
access-token expiry are compared with real servers' clocks.
"""

from __future__ import annotations

import os
import time
from datetime import date, datetime
from functools import cache
from zoneinfo import ZoneInfo

from bot.settings import CLOCK_OFFSET_VARIABLE, clock_offset_seconds, library_timezone


@cache
def _setting() -> tuple[ZoneInfo, float]:
    """The library's timezone and the clock's offset, read from the environment once."""
    return ZoneInfo(library_timezone()), clock_offset_seconds()


def now() -> datetime:
    """The library's local time, naive, to the second."""
    zone, offset = _setting()
    moment = datetime.fromtimestamp(time.time() + offset, zone)
    return moment.replace(tzinfo=None, microsecond=0)


def today() -> date:
    """The library's date."""
    return now().date()


def offset_until(target: datetime) -> float:
    """The offset that makes the clock read target (a naive local time) now."""
    zone, _offset = _setting()
    return target.replace(tzinfo=zone).timestamp() - time.time()


def set_offset(seconds: float) -> None:
    """Moves the clock of this process and of every process it starts from now on."""
    os.environ[CLOCK_OFFSET_VARIABLE] = repr(seconds)
    _setting.cache_clear()
