"""Tickets for readers handed to staff and the duty schedule; staff replies go out
through the outbox (bot/services/sql/outbox.py). SqlHandoff plays every role of
bot/services/desk_roles.py."""

from __future__ import annotations

import statistics
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot import clock
from bot.db.models import CannedReply, DutyShift, OutboxMessage, Ticket, TicketMessage
from bot.services.handoff_model import (
    OUTCOMES,
    WEEKDAYS,
    DutyStatus,
    HandoffError,
    StaffActor,
    TicketInfo,
    TicketLine,
)
from bot.services.sql.outbox import SqlOutbox, add_outbox, system_line
from bot.services.sql.session import SqlStore
from bot.services.sql.staff_chat import SqlStaffChat

DEFAULT_WAIT_MINUTES = 5
RATING_PROMPT = (
    "本次人工咨询已结束，谢谢您的耐心。请为馆员的回答评分：回复 1–5（5 为非常满意），"
    "或点击“满意”/“不满意”。"
)
RATING_BUTTONS = [{"title": "满意", "payload": "满意"}, {"title": "不满意", "payload": "不满意"}]
RATING_WORDS = {"满意": 5, "非常满意": 5, "很满意": 5, "一般": 3, "不满意": 1, "很不满意": 1}


def parse_rating(text: str) -> int | None:
    """1-5 from "5", "5分", "满意" …; None if the text is not a rating."""
    text = text.strip().rstrip("分星。！!").strip()
    if text in RATING_WORDS:
        return RATING_WORDS[text]
    if len(text) == 1 and text in "12345":
        return int(text)
    return None


def _info(ticket: Ticket, failed: int = 0) -> TicketInfo:
    return TicketInfo(
        ticket.id, ticket.channel, ticket.sender_id, ticket.reader_card, ticket.topic,
        ticket.summary, ticket.department, ticket.status, ticket.staff_id, ticket.staff_name,
        ticket.created_at, ticket.claimed_at, ticket.closed_at, ticket.outcome, ticket.rating,
        failed,
    )


def _line(row: TicketMessage) -> TicketLine:
    return TicketLine(row.id, row.ticket_id, row.author, row.text, row.staff_name,
                      row.created_at)


class SqlHandoff(SqlOutbox, SqlStaffChat):
    """The staff desk's data: duty schedule, tickets and their transcripts (the outbox
    and channel deliveries come from SqlOutbox, the staff chats' bookkeeping from
    SqlStaffChat)."""

    def __init__(self, store: SqlStore) -> None:
        self.store = store

    # --- duty schedule ---------------------------------------------------------------

    def duty_status(self, now: datetime | None = None) -> DutyStatus:
        now = now or clock.now()
        with self.store.session() as session:
            shifts = session.execute(select(DutyShift).order_by(DutyShift.weekday,
                                                                DutyShift.starts)).scalars().all()
            waits = session.execute(
                select(Ticket.created_at, Ticket.claimed_at)
                .where(Ticket.claimed_at.is_not(None))
                .order_by(Ticket.id.desc()).limit(30)
            ).all()
        minutes = [max(1, round((claimed - created).total_seconds() / 60))
                   for created, claimed in waits]
        typical = round(statistics.median(minutes)) if minutes else DEFAULT_WAIT_MINUTES
        on_duty = any(s.weekday == now.weekday() and s.starts <= now.time() < s.ends
                      for s in shifts)
        return DutyStatus(on_duty, None if on_duty else _next_shift(shifts, now), typical,
                          _schedule_text(shifts))

    # --- tickets ---------------------------------------------------------------------

    def open_ticket(
        self, channel: str, sender_id: str, topic: str, summary: str,
        history: list[str], reader_card: str | None = None, department: str = "咨询部",
    ) -> TicketInfo:
        """Opens a ticket for the conversation (or returns the one already open)."""
        now = clock.now()
        with self.store.session() as session:
            existing = self._open(session, channel, sender_id)
            if existing is not None:
                return _info(existing)
            ticket = Ticket(channel=channel, sender_id=sender_id, reader_card=reader_card,
                            topic=topic, summary=summary[:500], department=department,
                            status="waiting", created_at=now)
            session.add(ticket)
            session.flush()
            session.add_all(TicketMessage(ticket_id=ticket.id, author="history", text=line,
                                          created_at=now) for line in history)
            session.add(TicketMessage(ticket_id=ticket.id, author="system", created_at=now,
                                      text=f"新工单：{summary[:200]}"))
            return _info(ticket)

    @staticmethod
    def _open(session: Session, channel: str, sender_id: str) -> Ticket | None:
        return session.execute(
            select(Ticket).where(Ticket.channel == channel, Ticket.sender_id == sender_id,
                                 Ticket.status != "closed")
            .order_by(Ticket.id.desc()).limit(1)
        ).scalar_one_or_none()

    def open_ticket_for(self, channel: str, sender_id: str) -> TicketInfo | None:
        with self.store.session() as session:
            ticket = self._open(session, channel, sender_id)
            return _info(ticket) if ticket else None

    def ticket(self, ticket_id: int) -> TicketInfo | None:
        with self.store.session() as session:
            ticket = session.get(Ticket, ticket_id)
            return _info(ticket, self._failed_count(session, ticket_id)) if ticket else None

    @staticmethod
    def _failed_count(session: Session, ticket_id: int) -> int:
        return session.execute(
            select(func.count()).select_from(OutboxMessage)
            .where(OutboxMessage.ticket_id == ticket_id, OutboxMessage.status == "failed")
        ).scalar_one()

    def queue(self, include_closed_since: datetime | None = None) -> list[TicketInfo]:
        """Open tickets, waiting ones first, each group oldest first (and tickets
        closed since a time, if asked)."""
        with self.store.session() as session:
            condition = Ticket.status != "closed"
            if include_closed_since is not None:
                condition = condition | (Ticket.closed_at >= include_closed_since)
            tickets = session.execute(
                select(Ticket).where(condition)
                .order_by(Ticket.status != "waiting", Ticket.created_at, Ticket.id)
            ).scalars().all()
            failed = dict(session.execute(
                select(OutboxMessage.ticket_id, func.count())
                .where(OutboxMessage.status == "failed",
                       OutboxMessage.ticket_id.in_([t.id for t in tickets]))
                .group_by(OutboxMessage.ticket_id)
            ).all())
            return [_info(t, failed.get(t.id, 0)) for t in tickets]

    def transcript(self, ticket_id: int, after_line_id: int = 0) -> list[TicketLine]:
        with self.store.session() as session:
            rows = session.execute(
                select(TicketMessage).where(TicketMessage.ticket_id == ticket_id,
                                            TicketMessage.id > after_line_id)
                .order_by(TicketMessage.id)
            ).scalars().all()
            return [_line(row) for row in rows]

    def feed(self, after_line_id: int, limit: int = 100) -> list[TicketLine]:
        """Transcript lines of all tickets after a line id (for live staff views)."""
        with self.store.session() as session:
            rows = session.execute(
                select(TicketMessage).where(TicketMessage.id > after_line_id)
                .order_by(TicketMessage.id).limit(limit)
            ).scalars().all()
            return [_line(row) for row in rows]

    def seconds_since_reader_wrote(self, ticket_id: int) -> float | None:
        """Seconds since the reader's last message in the ticket (None: no message yet)."""
        with self.store.session() as session:
            last = session.execute(
                select(func.max(TicketMessage.created_at))
                .where(TicketMessage.ticket_id == ticket_id, TicketMessage.author == "reader")
            ).scalar_one_or_none()
        return None if last is None else (clock.now() - last).total_seconds()

    def add_reader_message(
        self, ticket_id: int, text: str, delivery_key: str | None = None
    ) -> bool:
        """Appends what the reader wrote; False if this delivery was already stored."""
        try:
            with self.store.session() as session:
                session.add(TicketMessage(ticket_id=ticket_id, author="reader", text=text,
                                          created_at=clock.now(), delivery_key=delivery_key))
            return True
        except IntegrityError:
            return False

    def claim(self, ticket_id: int, actor: StaffActor) -> TicketInfo:
        """Takes a waiting ticket; if someone else was quicker, says who."""
        with self.store.session() as session:
            won = session.execute(
                update(Ticket).where(Ticket.id == ticket_id, Ticket.status == "waiting")
                .values(status="claimed", staff_id=actor.staff_id, staff_name=actor.name,
                        claimed_at=func.coalesce(Ticket.claimed_at, clock.now()))
            ).rowcount == 1
            ticket = session.get(Ticket, ticket_id)
            if ticket is None:
                raise HandoffError("没有这个工单。")
            if not won:
                if ticket.status == "closed":
                    raise HandoffError(f"工单 #{ticket_id} 已关闭。")
                if not self._is_holder(ticket, actor):
                    raise HandoffError(f"工单 #{ticket_id} 已由{ticket.staff_name}接待。")
                return _info(ticket)
            system_line(session, ticket_id, f"{actor.name} 接待了此工单")
            return _info(ticket)

    @staticmethod
    def _is_holder(ticket: Ticket, actor: StaffActor) -> bool:
        if actor.staff_id is not None:
            return ticket.staff_id == actor.staff_id
        return ticket.staff_id is None and ticket.staff_name == actor.name

    def _active_ticket(self, session: Session, ticket_id: int, actor: StaffActor) -> Ticket:
        """The ticket, locked, if the actor may answer it (claiming a waiting one)."""
        ticket = session.execute(
            select(Ticket).where(Ticket.id == ticket_id).with_for_update()
        ).scalar_one_or_none()
        if ticket is None:
            raise HandoffError("没有这个工单。")
        if ticket.status == "closed":
            raise HandoffError(f"工单 #{ticket_id} 已关闭，读者不会再收到回复。")
        if ticket.status == "waiting":
            ticket.status = "claimed"
            ticket.staff_id, ticket.staff_name = actor.staff_id, actor.name
            ticket.claimed_at = ticket.claimed_at or clock.now()
            system_line(session, ticket_id, f"{actor.name} 接待了此工单")
        elif not self._is_holder(ticket, actor):
            raise HandoffError(f"工单 #{ticket_id} 由{ticket.staff_name}接待，请先转交。")
        return ticket

    def reply(self, ticket_id: int, actor: StaffActor, text: str) -> TicketLine:
        """A librarian's answer: stored with its outbox message in one transaction."""
        text = text.strip()
        if not text:
            raise HandoffError("回复不能为空。")
        with self.store.session() as session:
            ticket = self._active_ticket(session, ticket_id, actor)
            line = TicketMessage(ticket_id=ticket_id, author="staff", text=text,
                                 staff_id=actor.staff_id, staff_name=actor.name,
                                 created_at=clock.now())
            session.add(line)
            self._enqueue(session, ticket, {"text": text, "sender": "staff",
                                            "staff_name": actor.name})
            session.flush()
            return _line(line)

    def add_note(self, ticket_id: int, actor: StaffActor, text: str) -> TicketLine:
        """An internal note: visible to staff only, never sent to the reader."""
        if not text.strip():
            raise HandoffError("备注不能为空。")
        with self.store.session() as session:
            if session.get(Ticket, ticket_id) is None:
                raise HandoffError("没有这个工单。")
            line = TicketMessage(ticket_id=ticket_id, author="note", text=text.strip(),
                                 staff_id=actor.staff_id, staff_name=actor.name,
                                 created_at=clock.now())
            session.add(line)
            session.flush()
            return _line(line)

    def transfer(
        self, ticket_id: int, actor: StaffActor, to_staff: StaffActor | None = None,
        to_department: str | None = None,
    ) -> TicketInfo:
        """Hands the ticket to a colleague (claimed by them) or a department (waiting)."""
        with self.store.session() as session:
            ticket = self._active_ticket(session, ticket_id, actor)
            if to_staff is not None:
                ticket.staff_id, ticket.staff_name = to_staff.staff_id, to_staff.name
                target = to_staff.name
            elif to_department:
                ticket.status, ticket.staff_id, ticket.staff_name = "waiting", None, ""
                ticket.department = to_department
                target = to_department
            else:
                raise HandoffError("请选择转交给哪位同事或哪个部门。")
            system_line(session, ticket_id, f"{actor.name} 将工单转交给 {target}")
            return _info(ticket)

    def close(self, ticket_id: int, actor: StaffActor, outcome: str) -> TicketInfo:
        """Closes the ticket; the assistant takes over and asks the reader for a rating."""
        if outcome not in OUTCOMES:
            raise HandoffError("请选择处理结果。")
        with self.store.session() as session:
            ticket = self._active_ticket(session, ticket_id, actor)
            note = f"{actor.name} 关闭了工单（{OUTCOMES[outcome]}）"
            self._finish(session, ticket, outcome, note)
            return _info(ticket)

    def reader_leaves(self, ticket_id: int) -> None:
        """The reader ended the handoff themselves."""
        with self.store.session() as session:
            ticket = session.get(Ticket, ticket_id)
            if ticket is not None and ticket.status != "closed":
                self._finish(session, ticket, "reader_left", "读者结束了人工服务", ask=False)

    def _finish(self, session: Session, ticket: Ticket, outcome: str, note: str,
                ask: bool = True) -> None:
        ticket.status, ticket.outcome, ticket.closed_at = "closed", outcome, clock.now()
        system_line(session, ticket.id, note)
        if ask and outcome not in ("spam", "no_reply"):
            ticket.rating_state = "asked"
            self._enqueue(session, ticket, {"text": RATING_PROMPT, "buttons": RATING_BUTTONS,
                                            "sender": "system"})

    def record_rating(self, channel: str, sender_id: str, text: str) -> bool:
        """If the reader was asked to rate their last ticket: takes a rating from the
        text (True) or stops waiting for one (False: the text is a new question)."""
        with self.store.session() as session:
            ticket = session.execute(
                select(Ticket).where(Ticket.channel == channel, Ticket.sender_id == sender_id,
                                     Ticket.rating_state == "asked")
                .order_by(Ticket.id.desc()).limit(1)
            ).scalar_one_or_none()
            if ticket is None:
                return False
            rating = parse_rating(text)
            ticket.rating_state = "given" if rating else ""
            ticket.rating = rating
            if rating:
                system_line(session, ticket.id, f"读者评分：{rating}")
            return rating is not None

    def canned_replies(self) -> list[tuple[str, str]]:
        with self.store.session() as session:
            rows = session.execute(select(CannedReply).order_by(CannedReply.id)).scalars()
            return [(row.title, row.text) for row in rows]

    @staticmethod
    def _enqueue(session: Session, ticket: Ticket, payload: dict) -> None:
        add_outbox(session, ticket.channel, ticket.sender_id, payload, ticket.id)


def _next_shift(shifts: list[DutyShift], now: datetime) -> datetime | None:
    for days in range(8):
        day: date = now.date() + timedelta(days=days)
        starts = sorted(datetime.combine(day, s.starts) for s in shifts
                        if s.weekday == day.weekday())
        for start in starts:
            if start > now:
                return start
    return None


def _schedule_text(shifts: list[DutyShift]) -> str:
    """"周一至周五 9:00–17:00；周六、周日 …" from the shifts (same hours grouped)."""
    by_hours: dict[tuple[time, time], list[int]] = {}
    for shift in shifts:
        by_hours.setdefault((shift.starts, shift.ends), []).append(shift.weekday)
    parts = []
    for (starts, ends), days in by_hours.items():
        days = sorted(set(days))
        if len(days) > 2 and days == list(range(days[0], days[-1] + 1)):
            label = f"周{WEEKDAYS[days[0]]}至周{WEEKDAYS[days[-1]]}"
        else:
            label = "、".join(f"周{WEEKDAYS[d]}" for d in days)
        parts.append(f"{label} {starts:%-H:%M}–{ends:%-H:%M}")
    return "；".join(parts) or "暂未安排"
