"""Plain data of handing readers to staff: tickets, their transcripts, the outbox."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

TOPICS = {
    "request_human": "读者要求人工服务",
    "reference": "深度参考咨询",
    "complaint": "意见与投诉",
    "fallback": "助手未能理解",
}
OUTCOMES = {
    "answered": "已解答",
    "referred": "已转介（到馆/电话/其他部门）",
    "unanswerable": "无法解答",
    "no_reply": "读者未回复",
    "spam": "无效消息",
    "reader_left": "读者结束人工服务",
}
CHANNEL_LABELS = {"widget": "网页咨询", "rest": "网页接口", "wechat": "微信",
                  "telegram": "Telegram"}
STATUS_LABELS = {"waiting": "等待接单", "claimed": "接待中", "closed": "已关闭"}
WEEKDAYS = "一二三四五六日"
DEPARTMENTS = ("咨询部", "借阅部", "少儿部", "地方文献部", "数字资源部")
#: channels whose clients fetch their messages (the others are pushed by the relay)
PULL_CHANNELS = ("widget", "rest")


def weekday_and_time(moment: datetime) -> str:
    """"周四 9:00"."""
    return f"周{WEEKDAYS[moment.weekday()]} {moment:%-H:%M}"


class HandoffError(Exception):
    """A request the desk refuses; the message is shown to the staff member."""


@dataclass(frozen=True)
class StaffActor:
    """Who acts on a ticket: a desk account, or a librarian on Telegram."""

    staff_id: int | None
    name: str


@dataclass(frozen=True)
class DutyStatus:
    on_duty: bool
    #: the next time staff are on duty, when not on duty now
    next_shift: datetime | None
    #: typical minutes until a librarian claims a ticket (median of recent ones)
    typical_wait_minutes: int
    #: e.g. "周一至周日 9:00–17:00"
    schedule_text: str


@dataclass(frozen=True)
class TicketInfo:
    ticket_id: int
    channel: str
    sender_id: str
    reader_card: str | None
    topic: str
    summary: str
    department: str
    status: str  # waiting | claimed | closed
    staff_id: int | None
    staff_name: str
    created_at: datetime
    claimed_at: datetime | None
    closed_at: datetime | None
    outcome: str | None
    rating: int | None
    failed_deliveries: int = 0

    @property
    def topic_label(self) -> str:
        return TOPICS.get(self.topic, self.topic)


@dataclass(frozen=True)
class TicketLine:
    line_id: int
    ticket_id: int
    author: str  # history | reader | staff | note | system
    text: str
    staff_name: str
    created_at: datetime


@dataclass(frozen=True)
class OutboxItem:
    outbox_id: int
    ticket_id: int | None
    channel: str
    recipient: str
    text: str
    buttons: list[dict[str, str]] = field(default_factory=list)
    #: "staff" (a librarian's answer, with staff_name), "assistant" (a late bot reply)
    #: or "system" (e.g. the rating request)
    sender: str = "system"
    staff_name: str = ""
    attempts: int = 0
    #: a notice for a WeChat reader outside the 48-hour window: a template message
    template: bool = False

    @property
    def signed_text(self) -> str:
        """The text as the reader sees it: a librarian's answer says who wrote it,
        e.g. "【馆员 王老师】…"."""
        if self.sender != "staff":
            return self.text
        label = f"馆员 {self.staff_name}" if self.staff_name else "馆员"
        return f"【{label}】{self.text}"


@dataclass(frozen=True)
class InboundState:
    """What to do with a channel message: process it (first delivery), or answer a
    redelivery with the stored replies (None while the first is still in progress)."""

    first_delivery: bool
    replies: list[dict] | None = None
