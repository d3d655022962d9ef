"""Figures of the readers handed to librarians (tickets created in the period): how each
ended, how long readers waited for a librarian, how long it took, how they rated it.
The database counts and sums (a year has some ten thousand tickets); durations are
computed by it too, so no timestamp is parsed here."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from bot.db.models import Ticket, TicketMessage
from bot.statistics.aggregate import as_date

#: upper bounds (seconds) of the waiting-time classes, and their labels
WAIT_CLASSES = [(60, "1 分钟内"), (300, "1–5 分钟"), (900, "5–15 分钟"), (3600, "15–60 分钟"),
                (4 * 3600, "1–4 小时"), (None, "4 小时以上")]
NOT_CLAIMED = "未接单"
WAIT_LABELS = [*(label for _bound, label in WAIT_CLASSES), NOT_CLAIMED]
#: ticket outcome -> how the reader's question ended (reader_left: see `result`)
RESULTS = {"answered": "staff_answered", "referred": "staff_answered",
           "unanswerable": "unanswered", "no_reply": "abandoned", "spam": "spam"}


@dataclass
class Durations:
    """Seconds summed over the tickets that have the duration."""

    total: float = 0.0
    count: int = 0

    def add(self, total: float | None, count: int) -> None:
        self.total += float(total or 0)
        self.count += count

    @property
    def minutes(self) -> float | None:
        return self.total / self.count / 60 if self.count else None


@dataclass
class TicketFigures:
    count: int = 0  # tickets created in the period, spam included
    by_channel: Counter[str] = field(default_factory=Counter)  # spam left out
    results: Counter[str] = field(default_factory=Counter)
    per_day: dict[date, Counter[str]] = field(default_factory=dict)
    waits: Counter[str] = field(default_factory=Counter)  # by WAIT_LABELS
    wait: Durations = field(default_factory=Durations)  # until a librarian claimed it
    first_reply: Durations = field(default_factory=Durations)  # until their first reply
    handling: Durations = field(default_factory=Durations)  # from claimed to closed
    ratings: Counter[int] = field(default_factory=Counter)

    @property
    def rated(self) -> int:
        return sum(self.ratings.values())

    @property
    def mean_rating(self) -> float | None:
        return sum(k * n for k, n in self.ratings.items()) / self.rated if self.rated else None

    @property
    def satisfied_share(self) -> float | None:
        """Share of ratings of 4 or 5."""
        return (self.ratings[4] + self.ratings[5]) / self.rated if self.rated else None


def result(outcome: str | None, status: str, staff_replied: bool) -> str:
    """staff_answered | unanswered | abandoned | spam | open."""
    if status != "closed":
        return "open"
    if outcome == "reader_left":  # the reader ended it: answered if a librarian had
        return "staff_answered" if staff_replied else "abandoned"
    return RESULTS.get(outcome or "", "unanswered")


def _seconds(session: Session, start: ColumnElement, end: ColumnElement) -> ColumnElement:
    """end - start in seconds (NULL if either is)."""
    if session.get_bind().dialect.name == "sqlite":
        return (func.julianday(end) - func.julianday(start)) * 86400.0
    return func.extract("epoch", end - start)


def ticket_figures(session: Session, start: date, end: date) -> TicketFigures:
    since, until = datetime.combine(start, time()), datetime.combine(end + timedelta(1), time())
    in_period = (Ticket.created_at >= since) & (Ticket.created_at < until)
    first = (
        select(TicketMessage.ticket_id, func.min(TicketMessage.created_at).label("at"))
        .join(Ticket, Ticket.id == TicketMessage.ticket_id)
        .where(in_period, TicketMessage.author == "staff").group_by(TicketMessage.ticket_id)
        .subquery())
    replied = case((first.c.at.is_(None), 0), else_=1)
    waited = _seconds(session, Ticket.created_at, Ticket.claimed_at)
    handled = _seconds(session, Ticket.claimed_at, Ticket.closed_at)
    wait_class = case((Ticket.claimed_at.is_(None), len(WAIT_CLASSES)),
                      *((waited < bound, index) for index, (bound, _label)
                        in enumerate(WAIT_CLASSES) if bound),
                      else_=len(WAIT_CLASSES) - 1)
    tickets = select(Ticket).outerjoin(first, first.c.ticket_id == Ticket.id).where(in_period)
    figures = TicketFigures()
    for day, status, outcome, has_reply, count in session.execute(
            tickets.with_only_columns(func.date(Ticket.created_at), Ticket.status,
                                      Ticket.outcome, replied, func.count())
            .group_by(func.date(Ticket.created_at), Ticket.status, Ticket.outcome, replied)):
        ended = result(outcome, status, bool(has_reply))
        figures.count += count
        figures.results[ended] += count
        figures.per_day.setdefault(as_date(day), Counter())[ended] += count
    for (channel, status, outcome, has_reply, rating, waits, count, wait, claimed, handling,
         closed, first_reply, replies) in session.execute(
            tickets.with_only_columns(
                Ticket.channel, Ticket.status, Ticket.outcome, replied, Ticket.rating,
                wait_class, func.count(), func.sum(waited), func.count(Ticket.claimed_at),
                func.sum(handled), func.count(handled),
                func.sum(_seconds(session, Ticket.created_at, first.c.at)),
                func.count(first.c.at))
            .group_by(Ticket.channel, Ticket.status, Ticket.outcome, replied, Ticket.rating,
                      wait_class)):
        if result(outcome, status, bool(has_reply)) == "spam":
            continue
        figures.by_channel[channel] += count
        figures.waits[WAIT_LABELS[waits]] += count
        figures.wait.add(wait, claimed)
        figures.handling.add(handling, closed)
        figures.first_reply.add(first_reply, replies)
        if rating:
            figures.ratings[rating] += count
    return figures
