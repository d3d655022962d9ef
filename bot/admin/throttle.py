"""Sign-in attempts per client address, in this process's memory (the per-account lockout
is in the database: bot.services.sql.staff).

An address may fail FREE_FAILURES times in a WINDOW (from its first attempt; the count
starts again after it); each attempt beyond that shuts the address out, whatever the
username or password, for twice as long as the one before (2 s, 4 s, 8 s … at most
WINDOW), counted from when it starts and again from when it fails. An attempt counts as
a failure from the moment it starts until it succeeds, so a burst of simultaneous
requests gets no more tries than one after the other.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

FREE_FAILURES = 10
WINDOW = 15 * 60.0
MAX_ADDRESSES = 10_000  # the oldest are forgotten beyond this (memory stays bounded)


@dataclass
class _Address:
    failures: int = 0
    window_start: float = 0.0
    shut_until: float = 0.0


class AddressThrottle:
    def __init__(self, now: Callable[[], float] = time.monotonic) -> None:
        self._now = now
        self._addresses: dict[str, _Address] = {}

    def attempt(self, address: str) -> float:
        """Seconds the address must still wait (the attempt is refused), or 0: the
        attempt may go ahead and counts as a failure until succeeded()."""
        now = self._now()
        record = self._addresses.get(address)
        if record is not None and record.shut_until > now:
            return record.shut_until - now
        if record is None or now - record.window_start > WINDOW:
            self._addresses.pop(address, None)  # re-inserted last: the newest
            record = self._addresses[address] = _Address(window_start=now)
            self._forget_oldest()
        record.failures += 1
        self._shut(record, now)
        return 0.0

    def failed(self, address: str) -> None:
        if (record := self._addresses.get(address)) is not None:
            self._shut(record, self._now())

    def succeeded(self, address: str) -> None:
        record = self._addresses.get(address)
        if record is not None and record.failures > 0:
            record.failures -= 1

    @staticmethod
    def _shut(record: _Address, now: float) -> None:
        beyond = record.failures - FREE_FAILURES
        if beyond > 0:
            record.shut_until = max(record.shut_until, now + min(2.0 ** beyond, WINDOW))

    def _forget_oldest(self) -> None:
        while len(self._addresses) > MAX_ADDRESSES:
            del self._addresses[next(iter(self._addresses))]
