"""The local chat page relays to the real REST channel and refuses bad requests."""

import dataclasses
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from bot.chat_page import UNAVAILABLE_REPLY, start_chat_page
from bot.http_json import free_port, post_json
from bot.processes import AssistantProcesses
from bot.settings import Settings


@pytest.fixture(scope="module")
def page(assistant: AssistantProcesses) -> Iterator[Settings]:
    server = start_chat_page(assistant.settings)
    yield assistant.settings
    server.shutdown()


def test_serves_the_page(page: Settings) -> None:
    with urllib.request.urlopen(page.chat_url) as response:
        assert "金陵图书馆" in response.read().decode()


def test_relays_messages_to_rasa(page: Settings) -> None:
    replies = post_json(page.chat_url + "api/chat", {"sender": "page-test-1", "message": "你好"})
    assert "金陵图书馆" in replies[0]["text"]


@pytest.mark.parametrize(
    "body",
    [b"not json", b'{"sender": "x", "message": "hi"}', b'{"sender": "page-test-1"}',
     b'{"sender": "page-test-1", "message": 5}', b"\xff\xfe"],
    ids=["not-json", "short-sender", "no-message", "message-not-text", "not-utf8"],
)
def test_refuses_malformed_requests(page: Settings, body: bytes) -> None:
    request = urllib.request.Request(page.chat_url + "api/chat", data=body)
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request)
    assert refused.value.code == 400


def test_refuses_oversized_bodies(page: Settings) -> None:
    request = urllib.request.Request(page.chat_url + "api/chat", data=b"x" * 70_000)
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request)
    assert refused.value.code == 413


def test_says_so_when_rasa_is_down(page: Settings) -> None:
    dead = dataclasses.replace(page, rasa_port=free_port(), chat_port=free_port())
    server = start_chat_page(dead)
    try:
        replies = post_json(dead.chat_url + "api/chat", {"sender": "page-test-2", "message": "hi"})
    finally:
        server.shutdown()
    assert replies == [{"text": UNAVAILABLE_REPLY}]
