"""`make shell`: the terminal chat talks to the real assistant and follows buttons."""

from collections.abc import Iterator

import pytest

from bot.processes import AssistantProcesses
from bot.terminal_chat import chat_in_terminal


def scripted(lines: list[str]) -> Iterator[str]:
    yield from lines
    while True:
        raise EOFError


def test_terminal_chat_follows_buttons(
    assistant: AssistantProcesses, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = scripted(["你好", "1"])  # the first button of the greeting is 开放时间
    chat_in_terminal(assistant.settings, read=lambda prompt: next(lines))
    output = capsys.readouterr().out
    assert "助手> 您好" in output
    assert "[1] 开放时间" in output
    assert "金陵图书馆" in output.split("[1] 开放时间", 1)[1]
