"""Text-only rendering of assistant replies for WeChat, within WeChat's size limit.

WeChat shows plain text only (no buttons): buttons become options the reader can type
(a link button is left out: its address is in the reply's text already), and a text
longer than WeChat's limit (2048 bytes of UTF-8) is split into several messages, at a
paragraph or line break where possible.
"""

from __future__ import annotations

from collections.abc import Iterable

TEXT_LIMIT_BYTES = 2048
OPTIONS_PREFIX = "您可以回复："


def options_line(buttons: Iterable[dict]) -> str:
    """"您可以回复：开放时间 / 查书" (the titles a reader can type), or ""."""
    titles = [str(b.get("title") or b.get("payload") or "").strip() for b in buttons
              if not b.get("url")]
    titles = [title for title in titles if title]
    return OPTIONS_PREFIX + " / ".join(titles) if titles else ""


def message_text(text: str, buttons: Iterable[dict] = ()) -> str:
    """One reply as text: its text, then its buttons as typeable options."""
    return "\n".join(part for part in (text.strip(), options_line(buttons)) if part)


def render(messages: Iterable[dict]) -> str:
    """Rasa's replies to one message as one text, replies separated by a blank line.

    Custom payloads are shown only through their "text" field, if they have one;
    images and attachments are not shown."""
    parts = []
    for message in messages:
        custom = message.get("custom")
        text = message.get("text") or (custom.get("text") if isinstance(custom, dict) else "")
        part = message_text(str(text or ""), message.get("buttons") or [])
        if part:
            parts.append(part)
    return "\n\n".join(parts)


def _fitting_prefix(text: str, limit: int) -> int:
    """The number of leading characters whose UTF-8 encoding fits in limit bytes."""
    size = 0
    for index, char in enumerate(text):
        size += len(char.encode("utf-8"))
        if size > limit:
            return index
    return len(text)


def split_text(text: str, limit: int = TEXT_LIMIT_BYTES) -> list[str]:
    """text in pieces of at most limit bytes, cut at a break in the second half of a
    piece when there is one (paragraph, then line, then sentence end)."""
    pieces = []
    rest = text.strip()
    while len(rest.encode("utf-8")) > limit:
        cut = _fitting_prefix(rest, limit)
        for separator in ("\n\n", "\n", "。"):
            position = rest.rfind(separator, cut // 2, cut)
            if position > 0:
                cut = position + (len(separator) if separator == "。" else 0)
                break
        pieces.append(rest[:cut].strip())
        rest = rest[cut:].strip()
    if rest:
        pieces.append(rest)
    return pieces
