"""Knowledge health for the console's home page: published FAQ entries that need a
librarian's attention — still marked placeholder, not reviewed for a year, answers
readers rated 没帮助, answers after which readers often asked for a person."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import partial

from sqlalchemy import func, select

from bot.db.models import FaqEntry, FaqVersion
from bot.services.sql.session import SqlStore
from bot.statistics.aggregate import ensure_aggregated, topic_source, total
from bot.statistics.topics import ANSWERED, HANDOFF

REVIEW_EVERY = timedelta(days=365)
#: readers' ratings and handoffs are looked at over this many days
RECENT_DAYS = 90
MIN_BAD_RATINGS = 3  # and more 没帮助 than 有帮助
MIN_HANDOFFS = 3  # and at least HANDOFF_SHARE of the entry's answers
HANDOFF_SHARE = 0.1


@dataclass(frozen=True)
class HealthItem:
    entry_id: int
    key: str
    question: str
    why: str


@dataclass
class KnowledgeHealth:
    placeholders: list[HealthItem] = field(default_factory=list)
    not_reviewed: list[HealthItem] = field(default_factory=list)
    rated_badly: list[HealthItem] = field(default_factory=list)
    led_to_person: list[HealthItem] = field(default_factory=list)

    @property
    def sections(self) -> list[tuple[str, list[HealthItem]]]:
        return [("仍标记为待确认（placeholder）", self.placeholders),
                ("超过 12 个月未审核", self.not_reviewed),
                (f"近 {RECENT_DAYS} 天读者评价差", self.rated_badly),
                (f"近 {RECENT_DAYS} 天答复后常转人工", self.led_to_person)]


def _reader_figures(store: SqlStore, today: date) -> dict[str, list[int]]:
    """FAQ key -> [answers, 有帮助, 没帮助, handoffs right after its answer]."""
    start = today - timedelta(days=RECENT_DAYS - 1)
    ensure_aggregated(store, start, today, today)
    c = topic_source(start, today, today).c
    figures: dict[str, list[int]] = {}
    with store.session() as session:
        for key, outcome, questions, up, down in session.execute(
                select(c.faq_key, c.outcome, total(c.questions), total(c.rated_up),
                       total(c.rated_down))
                .where(c.faq_key != "", c.outcome.in_((ANSWERED, HANDOFF)))
                .group_by(c.faq_key, c.outcome)):
            counts = figures.setdefault(key, [0, 0, 0, 0])
            if outcome == ANSWERED:
                counts[0] += questions
                counts[1] += up
                counts[2] += down
            else:
                counts[3] += questions
    return figures


def knowledge_health(store: SqlStore, today: date) -> KnowledgeHealth:
    health = KnowledgeHealth()
    reviewed_before = datetime.combine(today - REVIEW_EVERY, time())
    figures = _reader_figures(store, today)
    with store.session() as session:
        rows = session.execute(
            select(FaqEntry.id, FaqEntry.key, FaqVersion.question, FaqVersion.placeholder,
                   func.coalesce(FaqVersion.reviewed_at, FaqVersion.created_at))
            .join(FaqVersion, FaqVersion.id == FaqEntry.published_version_id)
            .order_by(FaqEntry.key)
        ).all()
    for entry_id, key, question, placeholder, reviewed in rows:
        item = partial(HealthItem, entry_id, key, question)
        if placeholder:
            health.placeholders.append(item("内容待图书馆确认"))
        if reviewed < reviewed_before:
            health.not_reviewed.append(item(f"上次审核：{reviewed:%Y-%m-%d}"))
        answers, up, down, handoffs = figures.get(key, [0, 0, 0, 0])
        if down >= MIN_BAD_RATINGS and down > up:
            health.rated_badly.append(item(f"没帮助 {down} 次，有帮助 {up} 次"))
        if handoffs >= MIN_HANDOFFS and handoffs >= HANDOFF_SHARE * max(answers, 1):
            health.led_to_person.append(item(f"答复 {answers} 次，之后转人工 {handoffs} 次"))
    return health
