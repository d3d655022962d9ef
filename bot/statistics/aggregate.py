"""Daily aggregates: the events of a closed day (before today) counted once into
consultation_daily (by channel and outcome), consultation_hourly (by hour) and
consultation_daily_topic (by kind, FAQ entry and outcome), and the day marked as
counted. Reports read those tables for closed days and count today's events as they
read them, so a year takes some ten thousand small rows instead of a million events.

Closed days are counted when a report first needs them (a day whose counts changed
afterwards, through a late rating, loses its mark and is counted again). Two processes
counting the same day at once cannot both succeed: the day's mark is a primary key.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from sqlalchemy import BigInteger, case, cast, delete, func, insert, select, union_all
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql import ColumnElement, Select, Subquery

from bot import clock
from bot.db.models import (
    ConsultationAggregatedDay,
    ConsultationDaily,
    ConsultationDailyTopic,
    ConsultationEvent,
    ConsultationHourly,
)
from bot.services.sql.session import SqlStore

Event, Daily, Hourly, Topic, Mark = (ConsultationEvent, ConsultationDaily, ConsultationHourly,
                                     ConsultationDailyTopic, ConsultationAggregatedDay)
ONE_DAY = timedelta(days=1)


def total(column: ColumnElement) -> ColumnElement:
    """SUM as a whole number (PostgreSQL sums bigints as numeric)."""
    return cast(func.sum(column), BigInteger)


def _count(condition: ColumnElement) -> ColumnElement:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def event_cube(condition: ColumnElement) -> Select:
    """Events counted by day, channel and outcome (the columns of Daily)."""
    return (
        select(Event.day, Event.channel, Event.outcome,
               func.count().label("questions"),
               _count(Event.part == 0).label("messages"),
               _count(Event.new_conversation).label("conversations"),
               func.coalesce(func.sum(Event.reply_ms), 0).label("reply_ms"),
               func.count(Event.reply_ms).label("replies"))
        .where(condition).group_by(Event.day, Event.channel, Event.outcome)
    )


def event_hours(condition: ColumnElement) -> Select:
    """Reader messages counted by day and hour (the columns of Hourly)."""
    return (select(Event.day, Event.hour, func.count().label("messages"))
            .where(condition, Event.part == 0).group_by(Event.day, Event.hour))


def event_topics(condition: ColumnElement) -> Select:
    """Events counted by day, kind, FAQ entry and outcome (the columns of Topic)."""
    return (
        select(Event.day, Event.kind, Event.faq_key, Event.outcome,
               func.count().label("questions"),
               func.coalesce(func.sum(Event.done), 0).label("done"),
               _count(Event.rating == 1).label("rated_up"),
               _count(Event.rating == -1).label("rated_down"))
        .where(condition).group_by(Event.day, Event.kind, Event.faq_key, Event.outcome)
    )


CUBE_COLUMNS = ("day", "channel", "outcome", "questions", "messages", "conversations",
                "reply_ms", "replies")
HOUR_COLUMNS = ("day", "hour", "messages")
TOPIC_COLUMNS = ("day", "kind", "faq_key", "outcome", "questions", "done", "rated_up",
                 "rated_down")


def days(start: date, end: date) -> Iterator[date]:
    day = start
    while day <= end:
        yield day
        day += ONE_DAY


def aggregate(store: SqlStore, start: date, end: date) -> bool:
    """Counts the events of the closed days start..end (again) and marks the days;
    False if another process was counting them at the same time (its counts stay)."""
    in_range = Event.day.between(start, end)
    try:
        with store.session() as session:
            for table in (Daily, Hourly, Topic, Mark):
                session.execute(delete(table).where(table.day.between(start, end))
                                .execution_options(synchronize_session=False))
            session.execute(insert(Daily).from_select(CUBE_COLUMNS, event_cube(in_range)))
            session.execute(insert(Hourly).from_select(HOUR_COLUMNS, event_hours(in_range)))
            session.execute(insert(Topic).from_select(TOPIC_COLUMNS, event_topics(in_range)))
            now = clock.now()
            session.execute(insert(Mark), [{"day": day, "aggregated_at": now}
                                           for day in days(start, end)])
        return True
    except IntegrityError:
        return False


def ensure_aggregated(store: SqlStore, start: date, end: date, today: date) -> None:
    """Counts the closed days of start..end that are not counted yet."""
    last_closed = min(end, today - ONE_DAY)
    with store.session() as session:
        first = session.execute(select(func.min(Event.day))).scalar_one_or_none()
        if first is None or max(start, first) > last_closed:
            return
        start = max(start, first)
        marked = set(session.execute(
            select(Mark.day).where(Mark.day.between(start, last_closed))).scalars())
    missing = [day for day in days(start, last_closed) if day not in marked]
    while missing:  # consecutive runs of days, each counted in one statement
        run_end = 0
        while run_end + 1 < len(missing) and missing[run_end + 1] - missing[run_end] == ONE_DAY:
            run_end += 1
        aggregate(store, missing[0], missing[run_end])
        missing = missing[run_end + 1:]


def _source(table: Any, live: Select, columns: tuple[str, ...], start: date, end: date,
            today: date) -> Subquery:
    """The table's rows for the closed days of start..end, with today's events counted
    the same way if today is in the period."""
    parts = [select(*(getattr(table, name) for name in columns))
             .where(table.day.between(start, min(end, today - ONE_DAY)))]
    if start <= today <= end:
        parts.append(live)
    return (union_all(*parts) if len(parts) > 1 else parts[0]).subquery()


def cube_source(start: date, end: date, today: date) -> Subquery:
    return _source(Daily, event_cube(Event.day == today), CUBE_COLUMNS, start, end, today)


def hour_source(start: date, end: date, today: date) -> Subquery:
    return _source(Hourly, event_hours(Event.day == today), HOUR_COLUMNS, start, end, today)


def topic_source(start: date, end: date, today: date) -> Subquery:
    return _source(Topic, event_topics(Event.day == today), TOPIC_COLUMNS, start, end, today)


def as_date(value: object) -> date:
    """A day from a union's rows (SQLite may hand back text)."""
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
