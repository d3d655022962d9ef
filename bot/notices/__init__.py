"""Notices the reader did not have to ask for (`python -m bot.notices`): a hold ready
for pickup, a loan due within three days, an overdue loan. Each pass finds what is
due and hands every notice to the notices service, which records it once and routes it
to the reader's channel through the outbox (bot/services/sql/notices.py). Nothing is
sent during quiet hours (21:00–8:00, library time)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from bot.services.interface import DueNotice, NoticeMessage, Notices, NoticeStatus

QUIET_FROM = time(21, 0)
QUIET_UNTIL = time(8, 0)
UNSUBSCRIBE_HINT = "（回复“退订提醒”可不再接收此类消息。）"


def quiet(now: datetime) -> bool:
    return now.time() >= QUIET_FROM or now.time() < QUIET_UNTIL


def short_day(day: date) -> str:
    return f"{day.month}月{day.day}日"


def notice_message(notice: DueNotice, today: date) -> NoticeMessage:
    """The reader-facing text of a notice, with the one-tap button that fits it."""
    title, day = f"《{notice.title}》", short_day(notice.day)
    if notice.kind == "hold_ready":
        return NoticeMessage(
            f"【取书提醒】您预约的{title}已到{notice.branch}，请在{day}前凭读者证取书。"
            f"不需要了可以取消预约。{UNSUBSCRIBE_HINT}",
            [{"title": f"取消预约{title}",
              "payload": f'/cancel_reservation{{"hold_id": "{notice.subject_id}"}}'}])
    if notice.kind == "due_soon":
        left = (notice.day - today).days
        when = "今天" if left == 0 else f"{left} 天后"
        return NoticeMessage(
            f"【到期提醒】您借的{title}将于{day}（{when}）到期。需要多看几天可以点“续借”。"
            f"{UNSUBSCRIBE_HINT}",
            [{"title": f"续借{title}",
              "payload": f'/renew_loan{{"loan_id": "{notice.subject_id}"}}'}])
    overdue = (today - notice.day).days
    return NoticeMessage(
        f"【逾期提醒】您借的{title}应于{day}归还，已逾期 {overdue} 天，请尽快归还到任一"
        f"分馆，逾期费按天累计。{UNSUBSCRIBE_HINT}")


@dataclass
class PassReport:
    statuses: dict[str, int] = field(default_factory=dict)
    resent: int = 0

    @property
    def handled(self) -> int:
        return sum(self.statuses.values())


def run_pass(notices: Notices, now: datetime, limit: int = 500) -> PassReport:
    """One pass of the scheduler: nothing in quiet hours; else every due notice once,
    and the waiting WeChat notices of readers who wrote again."""
    report = PassReport()
    if quiet(now):
        return report
    for notice in notices.due_notices(now.date(), limit):
        status = notices.send_notice(notice, notice_message(notice, now.date()))
        report.statuses[status.value] = report.statuses.get(status.value, 0) + 1
    report.resent = notices.send_waiting()
    return report


__all__ = ["NoticeStatus", "PassReport", "notice_message", "quiet", "run_pass"]
