"""The live streams (Server-Sent Events) that replaced the browsers' polling, read with a
plain HTTP client: the widget's events route of the real Rasa server and the desk's
events routes of a real staff console. A staff answer reaches an open widget stream and a
reader's message an open desk stream (within LIVE_SECONDS, checked by a deadline), wrong
or missing credentials are refused, and a reconnect with Last-Event-ID neither repeats
nor loses a message."""

from __future__ import annotations

import contextlib
import http.client
import itertools
import json
import queue
import socket
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from bot.channels.widget import MAX_STREAMS
from bot.demo.load import load_desk
from bot.http_json import post_json
from bot.processes import AssistantProcesses
from bot.services.handoff_model import StaffActor
from bot.services.sql.handoff import SqlHandoff
from bot.services.sql.session import SqlStore
from bot.settings import Settings
from tests.test_admin_console import Console, console

__all__ = ["console"]
LIVE_SECONDS = 5.0
HISTORY = ["读者：转人工"]
STAFF = StaffActor(None, "王老师")
readers = itertools.count(1)


@dataclass
class Event:
    event_id: int
    name: str
    data: dict


class EventStream:
    """An open text/event-stream response, read by a thread into a queue of events."""

    def __init__(self, url: str, headers: dict[str, str] | None = None) -> None:
        parts = urllib.parse.urlsplit(url)
        self.connection = http.client.HTTPConnection(parts.hostname or "", parts.port,
                                                     timeout=60)
        self.connection.request("GET", f"{parts.path}?{parts.query}",
                                headers={"Accept": "text/event-stream", **(headers or {})})
        self.sock = self.connection.sock
        self.response = self.connection.getresponse()
        self.events: queue.Queue[Event] = queue.Queue()
        if self.response.status == 200:
            threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        fields: dict[str, str] = {}
        try:
            while line := self.response.readline():
                text = line.decode().rstrip("\n")
                if text == "" and "data" in fields:
                    self.events.put(Event(int(fields["id"]), fields.get("event", "message"),
                                          json.loads(fields["data"])))
                    fields = {}
                elif text and not text.startswith(":"):
                    name, _, value = text.partition(": ")
                    fields[name] = value
        except (OSError, ValueError, AttributeError, http.client.HTTPException):
            pass  # closed by the test

    def events_until(self, found: Callable[[Event], bool],
                     seconds: float = LIVE_SECONDS) -> list[Event]:
        """Events read until one satisfies found (or the time is up)."""
        deadline, seen = time.monotonic() + seconds, []
        while (left := deadline - time.monotonic()) > 0:
            try:
                event = self.events.get(timeout=left)
            except queue.Empty:
                break
            seen.append(event)
            if found(event):
                break
        return seen

    def close(self) -> None:
        """Goes away as a browser does: the server sees the connection close."""
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()
        self.connection.close()


def status_of(url: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    stream = EventStream(url, headers)
    try:
        return stream.response.status, stream.response.getheader("Content-Type", "")
    finally:
        stream.close()


# --- the widget ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def widget(assistant: AssistantProcesses) -> Settings:
    return assistant.settings


def widget_session(settings: Settings) -> dict:
    session = post_json(f"{settings.rasa_url}/webhooks/widget/session", {})
    assert isinstance(session, dict)
    return session


def widget_events(settings: Settings, session: dict, after: int = 0) -> str:
    return (f"{settings.rasa_url}/webhooks/widget/events?session_id={session['session_id']}"
            f"&token={session['token']}&after={after}")


def staff_texts(events: list[Event]) -> list[str]:
    return [e.data["text"] for e in events if e.data.get("sender") == "staff"]


def test_a_staff_answer_reaches_an_open_widget_stream(widget: Settings) -> None:
    desk = SqlHandoff(SqlStore(widget.database_url))
    mine, theirs = widget_session(widget), widget_session(widget)
    ticket = desk.open_ticket("widget", mine["session_id"], "reference", "问题", HISTORY)
    stream = EventStream(widget_events(widget, mine))
    other = EventStream(widget_events(widget, theirs))
    try:
        assert stream.response.status == 200
        assert stream.response.getheader("Content-Type", "").startswith("text/event-stream")
        assert stream.response.getheader("Cache-Control") == "no-store"
        started = time.monotonic()
        desk.reply(ticket.ticket_id, STAFF, "您好，请稍等")
        events = stream.events_until(lambda e: e.data.get("text") == "您好，请稍等")
        assert staff_texts(events) == ["您好，请稍等"]
        assert time.monotonic() - started < LIVE_SECONDS
        assert all(e.name == "message" and e.event_id == e.data["id"] for e in events)
        assert other.events_until(lambda e: True, seconds=0.5) == []  # not another reader's
    finally:
        stream.close()
        other.close()


def test_the_widget_stream_refuses_wrong_or_missing_tokens(widget: Settings) -> None:
    mine, theirs = widget_session(widget), widget_session(widget)
    base = f"{widget.rasa_url}/webhooks/widget/events"
    for query in (f"session_id={theirs['session_id']}&token={mine['token']}",
                  f"session_id={mine['session_id']}&token={'0' * 64}",
                  f"session_id={mine['session_id']}", ""):
        status, content_type = status_of(f"{base}?{query}")
        assert (status, content_type.split(";")[0]) == (403, "application/json"), query
    status, _ = status_of(widget_events(widget, mine), {"Last-Event-ID": "x1"})
    assert status == 400


def test_open_widget_streams_are_limited_per_session(widget: Settings) -> None:
    session = widget_session(widget)
    streams = [EventStream(widget_events(widget, session)) for _ in range(MAX_STREAMS)]
    try:
        assert [s.response.status for s in streams] == [200] * MAX_STREAMS
        assert status_of(widget_events(widget, session))[0] == 429
        assert status_of(widget_events(widget, widget_session(widget)))[0] == 200  # others
        streams.pop().close()  # the server notices the client went and frees its place
        deadline = time.monotonic() + LIVE_SECONDS
        while (status := status_of(widget_events(widget, session))[0]) != 200:
            assert status == 429 and time.monotonic() < deadline
    finally:
        for stream in streams:
            stream.close()


def test_widget_reconnect_with_last_event_id_neither_repeats_nor_loses(
    widget: Settings,
) -> None:
    desk = SqlHandoff(SqlStore(widget.database_url))
    session = widget_session(widget)
    ticket = desk.open_ticket("widget", session["session_id"], "reference", "问题", HISTORY)
    desk.reply(ticket.ticket_id, STAFF, "第一条")
    desk.reply(ticket.ticket_id, STAFF, "第二条")
    first = EventStream(widget_events(widget, session))
    seen = first.events_until(lambda e: e.data.get("text") == "第二条")
    first.close()  # the reader saw both; the connection drops
    assert staff_texts(seen) == ["第一条", "第二条"]
    desk.reply(ticket.ticket_id, STAFF, "第三条")  # while no stream is open
    again = EventStream(widget_events(widget, session),
                        {"Last-Event-ID": str(seen[-1].event_id)})
    try:
        resumed = again.events_until(lambda e: e.data.get("text") == "第三条")
        assert staff_texts(resumed) == ["第三条"]
        assert again.events_until(lambda e: True, seconds=0.5) == []
    finally:
        again.close()


# --- the staff desk -----------------------------------------------------------------


@pytest.fixture(scope="module")
def desk(console: Console) -> SqlHandoff:
    url = console.knowledge.store.database_url
    load_desk(url)
    return SqlHandoff(SqlStore(url))


@pytest.fixture
def cookie(console: Console) -> Iterator[dict[str, str]]:
    token, _csrf = console.staff.open_session(console.user("editor"))
    yield {"Cookie": f"admin_session={token}"}
    console.staff.close_session(token)


def line_texts(events: list[Event]) -> list[str]:
    return [e.data["text"] for e in events if e.name == "line"]


def test_a_reader_message_reaches_an_open_desk_stream(
    console: Console, desk: SqlHandoff, cookie: dict[str, str],
) -> None:
    ticket = desk.open_ticket("rest", f"live-reader-{next(readers)}", "reference", "问题",
                              HISTORY)
    stream = EventStream(f"{console.url}/desk/tickets/{ticket.ticket_id}/events?after=0",
                         cookie)
    queue = EventStream(f"{console.url}/desk/queue/events", cookie)
    try:
        assert stream.response.getheader("Content-Type", "").startswith("text/event-stream")
        assert stream.response.getheader("Cache-Control") == "no-store"
        opening = stream.events_until(lambda e: e.name == "ticket")
        assert line_texts(opening)[0] == HISTORY[0]  # the transcript so far, then new lines
        started = time.monotonic()
        desk.add_reader_message(ticket.ticket_id, "还在吗？")
        events = stream.events_until(lambda e: e.data.get("text") == "还在吗？")
        assert line_texts(events) == ["还在吗？"]
        assert time.monotonic() - started < LIVE_SECONDS
        snapshot = queue.events_until(lambda e: e.name == "queue")[-1]
        assert ticket.ticket_id in [t["id"] for t in snapshot.data["tickets"]]
    finally:
        stream.close()
        queue.close()


def test_desk_streams_refuse_a_missing_or_wrong_cookie(
    console: Console, desk: SqlHandoff,
) -> None:
    ticket = desk.open_ticket("rest", f"live-reader-{next(readers)}", "reference", "问题",
                              HISTORY)
    for path in (f"/desk/tickets/{ticket.ticket_id}/events", "/desk/queue/events"):
        for headers in ({}, {"Cookie": "admin_session=forged"}):
            status, content_type = status_of(f"{console.url}{path}?after=0", headers)
            assert status == 303 and "event-stream" not in content_type, (path, headers)


def test_desk_reconnect_with_last_event_id_neither_repeats_nor_loses(
    console: Console, desk: SqlHandoff, cookie: dict[str, str],
) -> None:
    ticket = desk.open_ticket("rest", f"live-reader-{next(readers)}", "reference", "问题",
                              HISTORY)
    url = f"{console.url}/desk/tickets/{ticket.ticket_id}/events?after=0"
    desk.add_reader_message(ticket.ticket_id, "一")
    first = EventStream(url, cookie)
    seen = first.events_until(lambda e: e.data.get("text") == "一")
    first.close()
    desk.add_reader_message(ticket.ticket_id, "二")
    again = EventStream(url, {**cookie, "Last-Event-ID": str(seen[-1].event_id)})
    try:
        resumed = again.events_until(lambda e: e.data.get("text") == "二")
        assert line_texts(seen)[0] == HISTORY[0] and line_texts(seen)[-1] == "一"
        assert line_texts(resumed) == ["二"]
    finally:
        again.close()
