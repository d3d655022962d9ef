"""The channel guard: passwords never reach Rasa; a reader never gets silence."""

from __future__ import annotations

import asyncio

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from bot.channels.guard import NO_REPLY_TEXT, guarded
from bot.services.interface import ServiceUnavailableError, Verification


class FakeCirculation:
    def __init__(self, prompt: str | None = None, fail: bool = False) -> None:
        self.prompt = prompt
        self.fail = fail
        self.checked: list[tuple[str, str]] = []

    def take_password_prompt(self, channel: str, sender_id: str) -> str | None:
        if self.fail:
            raise ServiceUnavailableError("down")
        prompt, self.prompt = self.prompt, None
        return prompt

    def verify_reader(self, card: str, password: str, channel: str, sender: str) -> Verification:
        self.checked.append((card, password))
        return Verification.WRONG_PASSWORD


class NoTickets:
    """A desk where no librarian has the conversation and no rating is pending."""

    def open_ticket_for(self, channel: str, sender_id: str) -> None:
        return None

    def record_rating(self, channel: str, sender_id: str, text: str) -> bool:
        return False


def run(text: str, service: FakeCirculation, reply: str | None = "ok") -> tuple[str, list]:
    seen: list[str] = []

    async def rasa(message: UserMessage) -> None:
        seen.append(message.text)
        if reply:
            await message.output_channel.send_text_message(message.sender_id, reply)

    output = CollectingOutputChannel()
    message = UserMessage(text, output, "sender-1", input_channel="rest")
    asyncio.run(guarded(rasa, lambda: service, NoTickets)(message))
    return seen[0], output.messages


def test_password_is_replaced_by_the_outcome() -> None:
    service = FakeCirculation(prompt="JL00000001")
    seen, _ = run("secret-pw", service)
    assert seen == '/password_checked{"verification": "wrong_password"}'
    assert service.checked == [("JL00000001", "secret-pw")]


def test_cancel_word_at_the_password_prompt_is_not_tried() -> None:
    service = FakeCirculation(prompt="JL00000001")
    seen, _ = run("取消", service)
    assert seen == "/deny" and service.checked == []


def test_ordinary_messages_pass_unchanged_but_cleaned() -> None:
    seen, _ = run("  明天开门吗\u200b\x00 ", FakeCirculation())
    assert seen == "明天开门吗"
    seen, _ = run("书" * 5000, FakeCirculation())
    assert len(seen) == 2000


def test_no_reply_becomes_a_clear_message() -> None:
    _, messages = run("你好", FakeCirculation(), reply=None)
    assert messages == [{"recipient_id": "sender-1", "text": NO_REPLY_TEXT}]


def test_database_down_still_answers() -> None:
    seen, messages = run("你好", FakeCirculation(fail=True))
    assert seen == "你好" and messages[0]["text"] == "ok"
