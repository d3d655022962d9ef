"""A year (or any number of days) of realistic, synthetic consultations for benchmarks
and demonstrations: ``python -m bot.statistics.generate --messages 1000000 --end
2026-10-27 [--days 365] [--database URL]``.

Readers' conversations on the four channels with the library's daily and weekly rhythm
(busier at weekends and in the summer holidays, quiet at night and around 春节): FAQ
questions (a few entries asked far more than the rest), catalogue searches, holds and
renewals, opening hours …; some questions the assistant cannot answer (and the
unanswered-questions inbox gets their text), some readers handed to a librarian
(tickets with waiting times that depend on the duty hours, a librarian's reply, an
outcome and often a rating), some answers rated 有帮助/没帮助. The closed days are then
counted into the daily tables as the console would. Deterministic for a seed; writes
only into a database without consultation events.
"""

from __future__ import annotations

import argparse
import math
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select, text

from bot import clock, wiring
from bot.db.models import (
    ConsultationEvent,
    FaqEntry,
    Ticket,
    TicketMessage,
    UnansweredQuestion,
)
from bot.settings import load_settings
from bot.statistics.aggregate import aggregate

SEED = 2021
BATCH = 20_000
CHANNELS = {"wechat": 46, "widget": 42, "telegram": 7, "rest": 5}
# Reader messages by hour of the day (the library opens 9:00–21:00).
HOURS = [2, 1, 1, 1, 1, 2, 4, 10, 22, 40, 55, 52, 38, 40, 50, 52, 48, 40, 34, 36, 38, 30,
         16, 6]
# What a question is about: outcome kind -> weight (handoffs and FAQ entries below).
KINDS = {"faq": 36, "search": 17, "hours": 9, "location": 4, "hold_confirm": 3,
         "hold_placed": 4, "holds_list": 3, "hold_cancelled": 1, "loans": 2,
         "renewal": 2, "events": 3, "event_signup": 1, "space_slots": 1, "space_booked": 1,
         "login_card": 3, "greet": 4, "thanks": 3, "clarify": 4, "unanswered": 3,
         "out_of_scope": 1, "handoff": 2}
WEAK_EVERY = 30  # one FAQ entry in so many answers badly
UNANSWERED_KINDS = {"clarify", "unanswered", "out_of_scope"}
REPLY_MS = {"search": 900, "hold_placed": 700, "renewal": 700, "faq": 420}
TICKET_OUTCOMES = {"answered": 70, "referred": 12, "unanswerable": 5, "reader_left": 6,
                   "no_reply": 5, "spam": 2}
TICKET_TOPICS = {"request_human": 60, "reference": 25, "complaint": 5, "fallback": 10}
UNANSWERED_TEXTS = [
    "图书馆的空调能不能调低一点", "可以带宠物进馆吗", "馆里有没有充电宝租借", "停车场怎么收费",
    "能不能帮我打印论文", "有没有日语原版漫画", "自习室可以通宵吗", "可以在馆里吃东西吗",
    "能代收快递吗", "二楼的洗手间坏了", "电子阅览室的电脑太慢了", "馆刊怎么投稿",
    "可以捐赠旧杂志吗", "外国人能办证吗", "借书证可以给家人用吗", "馆里能拍婚纱照吗",
    "有没有盲文书", "能借投影仪吗", "志愿者怎么报名", "网课平台账号怎么申请",
    "能帮我查一下祖父的档案吗", "图书馆招聘吗", "可以在门口摆摊吗", "wifi密码是多少",
    "少儿馆有没有母婴室", "能不能开发票", "可以预约参观吗", "古籍能拍照吗",
]
PREFIXES = ["", "", "", "请问", "请问一下，", "你好，"]
SUFFIXES = ["", "", "？", "?", "。", "？？"]


@dataclass
class Rows:
    events: list[dict[str, Any]] = field(default_factory=list)
    unanswered: list[dict[str, Any]] = field(default_factory=list)
    tickets: list[dict[str, Any]] = field(default_factory=list)
    lines: list[dict[str, Any]] = field(default_factory=list)


def day_weight(day: date) -> float:
    """Relative number of consultations on a day."""
    weight = 1.35 if day.weekday() >= 5 else 1.0
    if day.month in (7, 8):
        weight *= 1.3  # summer holidays
    if day.month == 2 and day.day <= 10:
        weight *= 0.55  # around 春节
    return weight * (1 + 0.15 * math.sin(day.toordinal() / 9))


def weighted(rng: random.Random, table: dict[str, int]) -> str:
    return rng.choices(list(table), weights=list(table.values()))[0]


class Generator:
    def __init__(self, faq_keys: list[str], seed: int) -> None:
        self.rng = random.Random(seed)
        self.faq_keys = faq_keys or [f"synthetic-{n:03d}" for n in range(1, 181)]
        # Zipf-like: the first entries are asked far more often.
        self.faq_weights = [1 / (rank + 1) ** 0.9 for rank in range(len(self.faq_keys))]
        # A few answers that do not help: rated 没帮助, often followed by 转人工.
        self.weak = set(self.faq_keys[2::WEAK_EVERY])
        self.ticket_id = 0

    def day(self, day: date, messages: int, first_ticket_id: int) -> Rows:
        rows, left = Rows(), messages
        self.ticket_id = first_ticket_id
        while left > 0:
            left -= self.conversation(day, rows, left)
        return rows

    def conversation(self, day: date, rows: Rows, budget: int) -> int:
        rng = self.rng
        channel = weighted(rng, CHANNELS)
        hour = rng.choices(range(24), weights=HOURS)[0]
        at = datetime.combine(day, datetime.min.time()) + timedelta(
            hours=hour, seconds=rng.randrange(3600))
        key = f"{rng.getrandbits(96):024x}"
        length = min(budget, 1 + min(int(rng.expovariate(1 / 2.2)), 11))
        desk, previous = False, None
        for position in range(length):
            event = {"at": at, "day": day, "hour": at.hour, "channel": channel,
                     "conversation": key, "new_conversation": position == 0, "part": 0,
                     "faq_key": "", "done": 0, "reply_ms": None, "rating": None}
            if desk:
                event.update(kind="desk", outcome="staff")
            else:
                self.question(event, previous, rows)
                desk = event["outcome"] == "handoff"
            rows.events.append(event)
            previous = event
            at = min(at + timedelta(seconds=20 + rng.randrange(160)),
                     datetime.combine(day, datetime.max.time()).replace(microsecond=0))
        return length

    def question(self, event: dict[str, Any], previous: dict[str, Any] | None,
                 rows: Rows) -> None:
        rng = self.rng
        kind = weighted(rng, KINDS)
        if previous and previous["faq_key"] in self.weak and rng.random() < 0.3:
            kind = "handoff"
        event["kind"] = kind
        event["reply_ms"] = int(rng.lognormvariate(math.log(REPLY_MS.get(kind, 300)), 0.45))
        if kind == "handoff":
            event["outcome"] = "handoff"
            if previous and previous["kind"] == "faq":
                event["faq_key"] = previous["faq_key"]  # the answer did not help
            self.ticket(event, rows)
        elif kind in UNANSWERED_KINDS:
            event["outcome"] = "unanswered"
            if kind != "out_of_scope":
                text = (rng.choice(PREFIXES) + UNANSWERED_TEXTS[
                    min(int(rng.expovariate(0.15)), len(UNANSWERED_TEXTS) - 1)]
                    + rng.choice(SUFFIXES))
                rows.unanswered.append({"text": text, "channel": event["channel"],
                                        "reason": "no_faq_match", "asked_at": event["at"],
                                        "status": "open"})
        else:
            event["outcome"] = "answered"
            if kind == "faq":
                event["faq_key"] = rng.choices(self.faq_keys, weights=self.faq_weights)[0]
                if rng.random() < 0.15:
                    helpful = 0.25 if event["faq_key"] in self.weak else 0.85
                    event["rating"] = 1 if rng.random() < helpful else -1
            elif kind in ("hold_placed", "event_signup", "space_booked", "hold_cancelled"):
                event["done"] = 1
            elif kind == "renewal":
                event["done"] = rng.choice([1, 1, 1, 2, 3])

    def ticket(self, event: dict[str, Any], rows: Rows) -> None:
        rng = self.rng
        self.ticket_id += 1
        created: datetime = event["at"]
        on_duty = 9 <= created.hour < 17
        wait = rng.lognormvariate(math.log(150 if on_duty else 5400), 0.9)
        outcome = weighted(rng, TICKET_OUTCOMES)
        claimed = created + timedelta(seconds=int(wait))
        ticket = {"id": self.ticket_id, "channel": event["channel"],
                  "sender_id": f"generated-{self.ticket_id}", "topic": weighted(rng, TICKET_TOPICS),
                  "summary": "（生成的统计数据）", "department": "咨询部", "status": "closed",
                  "staff_name": "馆员", "created_at": created, "claimed_at": claimed,
                  "outcome": outcome, "rating_state": "", "rating": None}
        replied: datetime | None = claimed + timedelta(seconds=30 + rng.randrange(120))
        if outcome == "reader_left" and rng.random() < 0.5:
            ticket["claimed_at"], replied = None, None
        elif outcome not in ("spam", "reader_left"):
            rows.lines.append({"ticket_id": self.ticket_id, "author": "staff",
                               "staff_name": "馆员", "text": "（生成的回复）",
                               "created_at": replied})
        ticket["closed_at"] = (replied or created) + timedelta(
            seconds=int(rng.lognormvariate(math.log(480), 0.7)))
        if outcome in ("answered", "referred", "unanswerable") and rng.random() < 0.55:
            ticket["rating_state"] = "given"
            ticket["rating"] = rng.choices([5, 4, 3, 2, 1], weights=[55, 25, 10, 5, 5])[0]
        rows.tickets.append(ticket)


def daily_counts(end: date, days: int, messages: int) -> Iterator[tuple[date, int]]:
    """Messages per day, in proportion to day_weight, adding up to messages."""
    all_days = [end - timedelta(days=offset) for offset in range(days - 1, -1, -1)]
    weights = [day_weight(day) for day in all_days]
    total = sum(weights)
    given = 0
    for index, (day, weight) in enumerate(zip(all_days, weights, strict=True)):
        count = messages - given if index == days - 1 else round(messages * weight / total)
        given += count
        yield day, count


def _insert(session: Any, model: type, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), BATCH):
        session.execute(insert(model), rows[start:start + BATCH])


def generate(database_url: str, messages: int, end: date, days: int = 365,
             seed: int = SEED, progress: bool = False) -> int:
    """Writes the consultations; returns the number of events written."""
    store = wiring.statistics_store(load_settings().with_database(database_url))
    with store.session() as session:
        if session.execute(select(func.count(ConsultationEvent.id)).limit(1)).scalar_one():
            raise SystemExit("数据库中已有咨询记录：生成器只写入没有咨询记录的数据库。")
        faq_keys = list(session.execute(select(FaqEntry.key).order_by(FaqEntry.id)).scalars())
        first_ticket = session.execute(select(func.max(Ticket.id))).scalar_one() or 0
    generator, written = Generator(faq_keys, seed), 0
    for day, count in daily_counts(end, days, messages):
        rows = generator.day(day, count, first_ticket)
        first_ticket = generator.ticket_id
        with store.session() as session:
            _insert(session, ConsultationEvent, rows.events)
            _insert(session, UnansweredQuestion, rows.unanswered)
            _insert(session, Ticket, rows.tickets)
            _insert(session, TicketMessage, rows.lines)
        written += len(rows.events)
        if progress and day.day == 1:
            print(f"  {day:%Y-%m}: {written:,} events so far", flush=True)
    if store.dialect == "postgresql":  # tickets were written with their ids
        with store.session() as session:
            session.execute(text("SELECT setval(pg_get_serial_sequence('ticket', 'id'), "
                                 "(SELECT max(id) FROM ticket))"))
    last_closed = min(end, clock.today() - timedelta(days=1))
    if last_closed >= end - timedelta(days=days - 1):
        aggregate(store, end - timedelta(days=days - 1), last_closed)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--end", type=date.fromisoformat,
                        default=clock.today() - timedelta(days=1),
                        help="last day (default: yesterday)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--database", default="",
                        help="the database to fill (default: the library's, demo mode only)")
    args = parser.parse_args()
    settings = load_settings()
    if not args.database and not settings.demo_mode:
        raise SystemExit("生成的是虚构的咨询记录：请用 --database 指定一个测试数据库"
                         "（或在演示模式 LIBRARY_DEMO_MODE=1 下运行）。")
    args.database = args.database or settings.database_url
    started = time.perf_counter()
    written = generate(args.database, args.messages, args.end, args.days, args.seed,
                       progress=True)
    print(f"{written:,} consultation events in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
