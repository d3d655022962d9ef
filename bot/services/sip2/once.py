"""One request per subject at a time: a renewal asked for twice at once (say from WeChat
and the widget) is sent to the ILS once, and both askers get its answer."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from typing import Any, TypeVar

T = TypeVar("T")


class OnceAtATime:
    """Runs call once per key at a time; callers that come while it runs get its
    result (or its exception). A result or exception that `keep` accepts is also the
    answer for `seconds` afterwards (e.g. a renewal just made, or one whose outcome is
    unknown: sending it again could renew twice)."""

    def __init__(self, seconds: float, keep: Callable[[Any], bool]) -> None:
        self.seconds = seconds
        self.keep = keep
        self._lock = threading.Lock()
        self._running: dict[Hashable, Future[Any]] = {}
        self._kept: dict[Hashable, tuple[float, Future[Any]]] = {}

    def run(self, key: Hashable, call: Callable[[], T]) -> T:
        with self._lock:
            now = time.monotonic()
            self._kept = {k: kept for k, kept in self._kept.items() if kept[0] > now}
            known = self._running.get(key) or self._kept.get(key, (0.0, None))[1]
            if known is None:
                future: Future[Any] = Future()
                self._running[key] = future
        if known is not None:
            return known.result()
        try:
            result = call()
        except BaseException as error:
            future.set_exception(error)
            self._settle(key, future, error)
            raise
        future.set_result(result)
        self._settle(key, future, result)
        return result

    def _settle(self, key: Hashable, future: Future[Any], outcome: object) -> None:
        with self._lock:
            del self._running[key]
            if self.keep(outcome):
                self._kept[key] = (time.monotonic() + self.seconds, future)
