"""End to end: the real Rasa server and action server, through the REST channel."""

import uuid

import pytest

from tests.conftest import Chat


def new_reader() -> str:
    return f"reader-{uuid.uuid4().hex[:12]}"


def texts(replies: list[dict]) -> str:
    return "\n".join(reply.get("text", "") for reply in replies)


def test_greeting_offers_the_common_needs(chat: Chat) -> None:
    replies = chat(new_reader(), "你好")
    assert "金陵图书馆" in texts(replies)
    titles = [button["title"] for reply in replies for button in reply.get("buttons", [])]
    assert {"开放时间", "查书", "转人工"} <= set(titles)


def test_thanks_then_nothing_else_says_goodbye(chat: Chat) -> None:
    reader = new_reader()
    assert "不客气" in texts(chat(reader, "谢谢你"))
    assert "再见" in texts(chat(reader, "没有了"))


def test_bot_challenge(chat: Chat) -> None:
    assert "不是真人" in texts(chat(new_reader(), "你是机器人吗"))


def test_out_of_scope_is_declined(chat: Chat) -> None:
    assert "超出" in texts(chat(new_reader(), "今天天气怎么样"))


@pytest.mark.parametrize(
    "message",
    [
        "",
        "   ",
        "书" * 5000,
        "😀😀😀🎉",
        "<script>alert('x')</script>",
        "<b>三体</b> 有吗",
        "'; DROP TABLE readers; --",
        "Hello，请问library几点open？",
        "asdfghjkl qwerty",
        "\u0000\u200b\ufeff",
    ],
    ids=["empty", "blank", "5000-chars", "emoji", "script", "html-title", "sql",
         "mixed-language", "gibberish", "control-chars"],
)
def test_bad_input_gets_a_safe_answer(chat: Chat, message: str) -> None:
    replies = chat(new_reader(), message)
    assert replies, "the reader must never get silence"
    reply = texts(replies)
    assert reply.strip()
    assert "<" not in reply and ">" not in reply
