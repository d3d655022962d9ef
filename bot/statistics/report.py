"""The consultation report of a period: the figures of the 统计 page and of the exports.
How each figure is defined and counted: docs/statistics.md."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot import clock
from bot.db.models import FaqEntry, FaqVersion, UnansweredQuestion
from bot.privacy import mask_personal_data
from bot.services.sql.session import SqlStore
from bot.statistics.aggregate import (
    as_date,
    cube_source,
    days,
    ensure_aggregated,
    hour_source,
    topic_source,
    total,
)
from bot.statistics.period import Period
from bot.statistics.tickets import TicketFigures, ticket_figures
from bot.statistics.topics import (
    ANSWERED,
    CHANNELS,
    HANDOFF,
    STAFF_CHANNEL,
    TRANSACTIONS,
    UNANSWERED,
    topic_label,
)

TOP_UNANSWERED = 20
FAQ_GROUP = "常见问题（FAQ）"
RESULT_LABELS = {"assistant_answered": "助手解答", "staff_answered": "人工解答",
                 "unanswered": "未解答", "abandoned": "放弃", "open": "处理中"}
_NOT_WORDS = re.compile(r"[\s\W_]+")


@dataclass
class DayFigures:
    day: date
    by_channel: Counter[str] = field(default_factory=Counter)  # labels of CHANNELS, 人工
    results: Counter[str] = field(default_factory=Counter)  # keys of RESULT_LABELS
    conversations: int = 0
    messages: int = 0

    @property
    def questions(self) -> int:
        return sum(self.by_channel.values())


@dataclass
class TopicFigures:
    label: str
    group: str
    faq_key: str = ""
    questions: int = 0
    answered: int = 0
    unanswered: int = 0
    handoffs: int = 0  # handed to a person (for an FAQ entry: right after its answer)
    done: int = 0
    rated_up: int = 0
    rated_down: int = 0


@dataclass
class Report:
    period: Period
    days: list[DayFigures]
    tickets: TicketFigures
    topics: list[TopicFigures]
    unanswered_questions: list[tuple[str, int]]
    busy: list[list[int]]  # messages by weekday (0 = Monday) and hour
    done: dict[str, int]  # holds placed, loans renewed … in chat, by label
    reply_ms: int = 0  # assistant's reply times, summed
    replies: int = 0

    def total(self, what: str) -> int:
        return sum(getattr(day, what) for day in self.days)

    @property
    def questions(self) -> int:
        return self.total("questions")

    @property
    def by_channel(self) -> Counter[str]:
        return sum((day.by_channel for day in self.days), Counter())

    @property
    def results(self) -> Counter[str]:
        return sum((day.results for day in self.days), Counter())

    @property
    def answered_rate(self) -> float | None:
        results = self.results
        answered = results["assistant_answered"] + results["staff_answered"]
        return answered / self.questions if self.questions else None

    @property
    def mean_reply_seconds(self) -> float | None:
        return self.reply_ms / self.replies / 1000 if self.replies else None

    @property
    def empty(self) -> bool:
        return not self.questions and not self.total("messages")


def _daily(session: Session, period: Period, today: date,
           report_days: dict[date, DayFigures], busy: list[list[int]]) -> tuple[int, int]:
    source = cube_source(period.start, period.end, today)
    c = source.c
    rows = session.execute(
        select(c.day, c.channel, c.outcome, total(c.questions), total(c.messages),
               total(c.conversations), total(c.reply_ms), total(c.replies))
        .group_by(c.day, c.channel, c.outcome)
    ).all()
    reply_ms = replies = 0
    for day, channel, outcome, questions, messages, conversations, ms, count in rows:
        figures = report_days[as_date(day)]
        figures.messages += messages
        figures.conversations += conversations
        if outcome in (ANSWERED, UNANSWERED):
            figures.by_channel[CHANNELS.get(channel, CHANNELS["rest"])] += questions
            figures.results["assistant_answered" if outcome == ANSWERED else "unanswered"] += (
                questions)
        if outcome in (ANSWERED, UNANSWERED, HANDOFF):
            reply_ms, replies = reply_ms + ms, replies + count
    hours = hour_source(period.start, period.end, today).c
    for day, hour, messages in session.execute(
            select(hours.day, hours.hour, total(hours.messages)).group_by(hours.day, hours.hour)):
        busy[as_date(day).weekday()][hour] += messages
    return reply_ms, replies


def _faq_questions(session: Session) -> dict[str, str]:
    """FAQ key -> its question (published version, else the newest)."""
    rows = session.execute(
        select(FaqEntry.key, FaqVersion.question, FaqEntry.published_version_id, FaqVersion.id)
        .join(FaqVersion, FaqVersion.entry_id == FaqEntry.id).order_by(FaqVersion.number)
    ).all()
    questions: dict[str, str] = {}
    for key, question, published, version_id in rows:
        if key not in questions or published == version_id or published is None:
            questions[key] = question
    return questions


def topic_figures(session: Session, period: Period,
                  today: date) -> tuple[list[TopicFigures], dict[str, int]]:
    """The topics, most asked first, and what was done in chat (TRANSACTIONS labels)."""
    source = topic_source(period.start, period.end, today)
    c = source.c
    rows = session.execute(
        select(c.kind, c.faq_key, c.outcome, total(c.questions), total(c.done),
               total(c.rated_up), total(c.rated_down))
        .group_by(c.kind, c.faq_key, c.outcome)
    ).all()
    questions = _faq_questions(session)
    topics: dict[tuple[str, str], TopicFigures] = {}
    done_by_kind: Counter[str] = Counter()

    def topic(kind: str, key: str) -> TopicFigures:
        if kind == "faq" and key:
            label, group = questions.get(key, key), FAQ_GROUP
        else:
            label, key = topic_label(kind), ""
            group = label
        return topics.setdefault((label, key), TopicFigures(label, group, key))

    for kind, key, outcome, count, done, up, down in rows:
        done_by_kind[kind] += done
        if outcome not in (ANSWERED, UNANSWERED, HANDOFF):
            continue  # messages to a librarian, feedback: not questions
        found = topic(kind, key)
        found.questions += count
        found.done += done
        found.rated_up += up
        found.rated_down += down
        if outcome == ANSWERED:
            found.answered += count
        elif outcome == UNANSWERED:
            found.unanswered += count
        else:
            found.handoffs += count
            if key:
                topic("faq", key).handoffs += count
    return (sorted(topics.values(), key=lambda t: (-t.questions, t.label)),
            {label: done_by_kind[kind] for kind, label in TRANSACTIONS.items()})


def unanswered_questions(session: Session, period: Period) -> list[tuple[str, int]]:
    """The questions the assistant could not answer most often (personal data masked);
    the same words with other spacing or punctuation count as one question."""
    since = datetime.combine(period.start, time())
    until = datetime.combine(period.end + timedelta(days=1), time())
    rows = session.execute(
        select(UnansweredQuestion.text, func.count().label("n"))
        .where(UnansweredQuestion.asked_at >= since, UnansweredQuestion.asked_at < until)
        .group_by(UnansweredQuestion.text).order_by(func.count().desc()).limit(200)
    ).all()
    merged: Counter[str] = Counter()
    shown: dict[str, tuple[int, int, str]] = {}  # the most frequent, shortest wording
    for text, count in rows:
        key = _NOT_WORDS.sub("", text.casefold()) or text
        wording = (-count, len(text.strip()), text.strip())
        shown[key] = min(shown.get(key, wording), wording)
        merged[key] += count
    return [(mask_personal_data(shown[key][2])[:200], count)
            for key, count in merged.most_common(TOP_UNANSWERED)]


def consultation_report(store: SqlStore, period: Period, today: date | None = None) -> Report:
    today = today or clock.today()
    ensure_aggregated(store, period.start, period.end, today)
    report_days = {day: DayFigures(day) for day in days(period.start, period.end)}
    busy = [[0] * 24 for _ in range(7)]
    with store.session() as session:
        reply_ms, replies = _daily(session, period, today, report_days, busy)
        tickets = ticket_figures(session, period.start, period.end)
        topics, done = topic_figures(session, period, today)
        unanswered = unanswered_questions(session, period)
    for day, results in tickets.per_day.items():
        figures = report_days[day]
        figures.by_channel[STAFF_CHANNEL] += sum(results.values()) - results["spam"]
        for name, count in results.items():
            if name != "spam":
                figures.results[name] += count
    return Report(period, list(report_days.values()), tickets, topics, unanswered, busy,
                  done, reply_ms, replies)
