"""The report as tables (title, header, rows), shared by the workbook, the CSV files and
the 统计 page. The first table holds the figures an evaluation return asks for on
reference and online consultation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.statistics.report import RESULT_LABELS, Report
from bot.statistics.tickets import WAIT_LABELS
from bot.statistics.topics import CHANNELS, STAFF_CHANNEL

WEEKDAY_NAMES = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]
#: how a value is shown: whole number, share, number with decimals, text
INT, SHARE, DECIMAL, TEXT = "int", "share", "decimal", "text"
EVALUATION_CHANNELS = ["网页", "微信", "Telegram", STAFF_CHANNEL, CHANNELS["rest"]]


@dataclass(frozen=True)
class Figure:
    name: str
    value: Any  # None: no data for it in the period
    kind: str = INT
    note: str = ""

    @property
    def shown(self) -> str:
        if self.value is None:
            return "—"
        if self.kind == SHARE:
            return f"{self.value:.1%}"
        if self.kind == DECIMAL:
            return f"{self.value:.2f}"
        return str(self.value) if self.kind == TEXT else f"{self.value:,}"

    @property
    def plain(self) -> str:
        """As shown, but whole numbers without thousands separators (for CSV)."""
        return str(self.value) if self.kind == INT and self.value is not None else self.shown


@dataclass(frozen=True)
class Table:
    name: str  # the sheet's name
    header: list[str]
    rows: list[list[Any]]


def summary(report: Report) -> list[Figure]:
    tickets, results, channels = report.tickets, report.results, report.by_channel
    feedback_up = sum(t.rated_up for t in report.topics)
    feedback = feedback_up + sum(t.rated_down for t in report.topics)
    return [
        Figure("统计时段", report.period.label, TEXT),
        Figure("咨询总量（次）", report.questions,
               note="读者提出的问题：助手处理的问题 + 转人工的工单（不含无效工单）"),
        *(Figure(f"其中：{name}", channels[name],
                 note="人工咨询工单（网页、微信、Telegram 读者转人工）" if name == STAFF_CHANNEL
                 else "助手处理的问题") for name in EVALUATION_CHANNELS),
        Figure("会话数", report.total("conversations"),
               note="同一读者在同一渠道、30 分钟内的连续消息算一次会话"),
        Figure("读者消息数", report.total("messages"), note="含人工服务期间读者发给馆员的消息"),
        Figure("解答率", report.answered_rate, SHARE, "（助手解答 + 人工解答）÷ 咨询总量"),
        *(Figure(label, results[key]) for key, label in RESULT_LABELS.items()),
        Figure("助手平均响应时间（秒）", report.mean_reply_seconds, DECIMAL,
               "从收到读者消息到助手的回复就绪"),
        Figure("人工平均首次响应时间（分钟）", tickets.first_reply.minutes,
               DECIMAL, "从转人工到馆员第一次回复"),
        Figure("人工平均等待接单时间（分钟）", tickets.wait.minutes, DECIMAL,
               "从转人工到馆员接单"),
        Figure("人工平均处理时长（分钟）", tickets.handling.minutes, DECIMAL,
               "从接单到关闭工单"),
        Figure("人工服务满意度（平均分，5 分制）", tickets.mean_rating, DECIMAL,
               "读者在人工服务结束后的评分"),
        Figure("人工服务满意率", tickets.satisfied_share, SHARE, "4 分、5 分评价的占比"),
        Figure("人工服务评分人次", tickets.rated),
        Figure("助手答案有帮助比例", feedback_up / feedback if feedback else None, SHARE,
               "读者对常见问题答案点“有帮助”的占比"),
        Figure("助手答案评价次数", feedback),
        *(Figure(f"聊天中办理：{label}", count, note="笔数")
          for label, count in report.done.items()),
    ]


def summary_table(report: Report) -> Table:
    """The summary with its values as shown (for CSV; the workbook keeps numbers)."""
    return Table("评估汇总", ["指标", "数值", "说明"],
                 [[f.name, f.plain, f.note] for f in summary(report)])


def days_table(report: Report) -> Table:
    channels = EVALUATION_CHANNELS
    results = list(RESULT_LABELS)
    return Table(
        "按日", ["日期", "星期", *channels, "合计", "会话数", "读者消息数",
                 *(RESULT_LABELS[key] for key in results)],
        [[d.day.isoformat(), WEEKDAY_NAMES[d.day.weekday()],
          *(d.by_channel[name] for name in channels), d.questions, d.conversations,
          d.messages, *(d.results[key] for key in results)] for d in report.days],
    )


def topics_table(report: Report) -> Table:
    return Table(
        "按主题", ["主题", "类别", "FAQ 编号", "咨询量", "助手解答", "未解答", "转人工",
                   "有帮助", "没帮助", "办理笔数"],
        [[t.label, t.group, t.faq_key, t.questions, t.answered, t.unanswered, t.handoffs,
          t.rated_up, t.rated_down, t.done] for t in report.topics],
    )


def unanswered_table(report: Report) -> Table:
    return Table("未解答问题", ["读者的问题（已隐去个人信息）", "次数"],
                 [[text, count] for text, count in report.unanswered_questions])


def staff_table(report: Report) -> Table:
    tickets = report.tickets
    waits = [[f"等待接单：{label}", tickets.waits[label]] for label in WAIT_LABELS]
    ratings = [[f"评分：{score} 分", tickets.ratings[score]] for score in range(5, 0, -1)]
    return Table("人工服务", ["项目", "数值"],
                 [["工单总数（含无效）", tickets.count], *waits, *ratings])


def busy_table(report: Report) -> Table:
    return Table("繁忙时段", ["星期", *(f"{hour}时" for hour in range(24))],
                 [[WEEKDAY_NAMES[day], *report.busy[day]] for day in range(7)])


def all_tables(report: Report) -> list[Table]:
    return [summary_table(report), topics_table(report), days_table(report),
            unanswered_table(report), staff_table(report), busy_table(report)]


CSV_TABLES = {"summary": summary_table, "days": days_table, "topics": topics_table,
              "unanswered": unanswered_table}
