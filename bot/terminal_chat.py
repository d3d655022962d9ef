"""Chat with the running assistant in a terminal (what `make shell` runs).

Goes through the guarded REST channel (the same guard as every reader channel), so a
password typed here is checked by the channel and never stored by Rasa either.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from bot.http_json import post_json
from bot.settings import Settings

PROMPT = "您> "


def show(reply: dict) -> None:
    print(f"助手> {reply.get('text', '')}")
    for number, button in enumerate(choices([reply]), start=1):
        print(f"      [{number}] {button['title']}")


def choices(replies: list[dict]) -> list[dict]:
    """The buttons a bare number picks (link buttons' addresses are in the text)."""
    return [button for reply in replies for button in reply.get("buttons", [])
            if "payload" in button]


def chat_in_terminal(settings: Settings, read: Callable[[str], str] = input) -> None:
    """Reads lines until EOF or /exit; a bare number picks a button of the last reply."""
    sender = f"terminal-{uuid.uuid4().hex[:12]}"
    url = settings.rasa_url + "/webhooks/rest/webhook"
    buttons: list[dict] = []
    print("输入问题与助手对话；输入数字选择按钮；/exit 或 Ctrl-D 退出。")
    while True:
        try:
            text = read(PROMPT).strip()
        except EOFError:
            break
        if text == "/exit":
            break
        if text.isdigit() and 1 <= int(text) <= len(buttons):
            text = buttons[int(text) - 1]["payload"]
        replies = post_json(url, {"sender": sender, "message": text},
                            headers=settings.rest_headers)
        buttons = choices(replies)
        for reply in replies:
            show(reply)
