"""What the staff bot writes in the staff groups (plain text, Chinese).

The groups are outside the library's systems: every text that may carry what a reader
typed (summaries, transcript lines, notes, staff answers quoting the reader) goes out
with personal data masked (bot.privacy); the web desk shows it in full.
"""

from __future__ import annotations

from bot.privacy import mask_card_number, mask_personal_data
from bot.services.handoff_model import (
    CHANNEL_LABELS,
    OUTCOMES,
    STATUS_LABELS,
    TicketInfo,
    TicketLine,
)

#: room left in a 4096-character Telegram message for the conversation so far
HISTORY_CHARS = 3000
CLAIM_PREFIX = "claim:"
CLOSE_OUTCOMES = tuple(key for key in OUTCOMES if key != "reader_left")
HELP_TEXT = (
    "馆员用法：\n"
    "· 点新工单下的“接单”接待读者；\n"
    "· 直接回复工单的任何一条消息，即把内容发给读者；\n"
    "· /reply 工单号 内容 —— 答复读者；\n"
    "· /close 工单号 [结果] —— 关闭工单，结果可选："
    + " / ".join(f"{key}（{OUTCOMES[key]}）" for key in CLOSE_OUTCOMES) + "，默认 answered；\n"
    "· /queue —— 查看未关闭的工单。"
)
REFUSED_TEXT = "此机器人仅供金陵图书馆馆员工作群使用。"
NOT_A_TICKET_TEXT = "请回复某个工单的消息，或使用 /reply 工单号 内容。"
REPLY_USAGE = "用法：/reply 工单号 内容"
CLOSE_USAGE = "用法：/close 工单号 [" + "|".join(CLOSE_OUTCOMES) + "]"


def _channel(channel: str) -> str:
    return CHANNEL_LABELS.get(channel, channel)


def _masked(text: str, reader_name: str | None) -> str:
    return mask_personal_data(text, [reader_name] if reader_name else ())


def _history(lines: list[TicketLine], reader_name: str | None) -> list[str]:
    """The latest lines of the conversation before the handoff that fit the message."""
    kept: list[str] = []
    room = HISTORY_CHARS
    for line in reversed([line for line in lines if line.author == "history"]):
        text = _masked(line.text, reader_name)
        room -= len(text) + 1
        if room < 0:
            kept.append("……")
            break
        kept.append(text)
    return kept[::-1]


def ticket_post(ticket: TicketInfo, lines: list[TicketLine], reader_name: str | None) -> str:
    """A new ticket: number, channel, topic, masked reader card, the conversation so
    far (masked; reader_name: the verified reader's name, masked as well)."""
    head = [f"新工单 #{ticket.ticket_id}（{_channel(ticket.channel)}）"
            f"：{ticket.topic_label}",
            f"问题：{_masked(ticket.summary, reader_name)}"]
    if ticket.reader_card:
        head.append(f"读者证：{mask_card_number(ticket.reader_card)}")
    history = _history(lines, reader_name)
    body = ["", "—— 此前的对话 ——", *history] if history else []
    tail = ["", "点“接单”接待；回复本消息即答复读者。"]
    return "\n".join(head + body + tail)


def line_post(line: TicketLine, reader_name: str | None) -> str:
    """A later line of a ticket, masked, e.g. "工单 #3 读者：…"."""
    ticket, text = f"工单 #{line.ticket_id}", _masked(line.text, reader_name)
    if line.author == "reader":
        return f"{ticket} 读者：{text}"
    if line.author == "staff":
        return f"{ticket} 馆员 {line.staff_name}：{text}"
    if line.author == "note":
        return f"{ticket} 内部备注（{line.staff_name}）：{text}"
    return f"{ticket}：{text}"


def queue_text(tickets: list[TicketInfo], reader_names: dict[int, str]) -> str:
    """The open tickets with masked summaries (reader_names: ticket id -> the verified
    reader's name)."""
    if not tickets:
        return "目前没有未关闭的工单。"
    rows = [f"#{t.ticket_id} {STATUS_LABELS.get(t.status, t.status)}"
            + (f"（{t.staff_name}）" if t.staff_name else "")
            + f" · {_channel(t.channel)} · {t.topic_label}："
            + _masked(t.summary, reader_names.get(t.ticket_id))[:40]
            for t in tickets]
    return "未关闭的工单：\n" + "\n".join(rows)
