"""The period of a report: a day, a week (Monday to Sunday), a month, a year around a
date, or custom dates; never in the future, never empty, at most MAX_DAYS long."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

MAX_DAYS = 366
KINDS = {"day": "日", "week": "周", "month": "月", "year": "年", "custom": "自定义"}
DEFAULT_KIND = "month"


class PeriodError(ValueError):
    """A period no report can be made for; the message tells the librarian why."""


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def label(self) -> str:
        if self.start == self.end:
            return self.start.isoformat()
        return f"{self.start.isoformat()} 至 {self.end.isoformat()}"


def parse_day(text: str | None, name: str) -> date:
    text = (text or "").strip()
    if not text:
        raise PeriodError(f"请填写{name}（年-月-日，如 2026-10-28）。")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise PeriodError(f"{name}“{text[:20]}”不是有效日期，请按 年-月-日 填写，"
                          f"如 2026-10-28。") from None


def checked(start: date, end: date, today: date) -> Period:
    if start > end:
        raise PeriodError(f"开始日期 {start} 晚于结束日期 {end}：统计时段为空。")
    if end > today:
        raise PeriodError(f"结束日期 {end} 在未来：统计只能到今天（{today}）。")
    period = Period(start, end)
    if period.days > MAX_DAYS:
        raise PeriodError(f"统计时段共 {period.days} 天，超过一年（最长 {MAX_DAYS} 天）。"
                          f"请按年分别统计。")
    return period


def around(kind: str, anchor: date, today: date) -> Period:
    """The day, week, month or year that contains anchor, up to today."""
    if anchor > today:
        raise PeriodError(f"日期 {anchor} 在未来：统计只能到今天（{today}）。")
    if kind == "day":
        start, end = anchor, anchor
    elif kind == "week":
        start = anchor - timedelta(days=anchor.weekday())
        end = start + timedelta(days=6)
    elif kind == "month":
        start = anchor.replace(day=1)
        end = (start + timedelta(days=31)).replace(day=1) - timedelta(days=1)
    elif kind == "year":
        start, end = anchor.replace(month=1, day=1), anchor.replace(month=12, day=31)
    else:
        raise PeriodError("请选择统计周期：日、周、月、年或自定义。")
    return checked(start, min(end, today), today)


def period_from(kind: str | None, anchor: str | None, start: str | None, end: str | None,
                today: date) -> Period:
    """The period a form asks for (kind, a date in it, or custom start and end)."""
    kind = kind or DEFAULT_KIND
    if kind == "custom":
        return checked(parse_day(start, "开始日期"), parse_day(end, "结束日期"), today)
    return around(kind, parse_day(anchor, "日期") if anchor else today, today)
