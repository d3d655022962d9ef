"""Notices the reader did not ask for: what is due, and getting each to the reader once.

A notice is a `reader_notice` row, unique per (kind, subject, date), inserted in the same
transaction as its outbox message: two schedulers that find the same due loan both try,
one insert wins, the other rolls back (SQLite and PostgreSQL alike), so nothing is sent
twice. The reader is reached on the conversation they last verified in:

- the conversation the reader is verified in right now (any channel), else their last
  WeChat or Telegram conversation, else the notice waits for their next verification;
- WeChat: a customer-service message while WeChat's 48-hour window is open (the reader
  wrote within 48 hours), else a template message if a template is configured, else the
  notice waits and goes out once the reader writes again;
- Telegram: a message; the widget and the REST channel: fetched by the open widget.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import String, cast, exists, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from bot import clock
from bot.db.models import (
    BibRecord,
    Branch,
    InboundMessage,
    Item,
    Loan,
    NoticeSubscription,
    ReaderNotice,
    ReaderSession,
    Reservation,
)
from bot.services.interface import DueNotice, NoticeMessage, NoticeStatus, ReaderRef
from bot.services.sql.outbox import add_outbox
from bot.services.sql.session import SqlStore

DUE_SOON_DAYS = 3
#: channels that can reach a reader who is not in the conversation right now
PUSH = ("wechat", "telegram")
WECHAT_WINDOW = timedelta(hours=48)


class SqlNotices:
    def __init__(self, store: SqlStore, wechat_template: bool = False) -> None:
        self.store = store
        self.wechat_template = wechat_template

    # --- what is due --------------------------------------------------------------

    def due_notices(self, today: date, limit: int = 500) -> list[DueNotice]:
        """Ready holds (before their pickup deadline), loans due within three days and
        overdue loans that have no notice yet (a renewed loan is due on a new date, so
        it gets a new one); what was sent is left out by the query itself."""
        with self.store.session() as session:
            found = self._ready_holds(session, today, limit)
            found += self._loans(session, "due_soon", (Loan.due_date >= today) & (
                Loan.due_date <= today + timedelta(days=DUE_SOON_DAYS)), limit)
            found += self._loans(session, "overdue", Loan.due_date < today, limit)
        return found[:limit]

    @staticmethod
    def _not_sent(kind: str, subject: ColumnElement, day: ColumnElement) -> ColumnElement:
        return ~exists().where(ReaderNotice.kind == kind, ReaderNotice.subject_id == subject,
                               ReaderNotice.subject_key == cast(day, String))

    def _ready_holds(self, session: Session, today: date, limit: int) -> list[DueNotice]:
        rows = session.execute(
            select(Reservation, BibRecord.title, Branch.name)
            .join(BibRecord, BibRecord.id == Reservation.bib_id)
            .join(Branch, Branch.id == Reservation.pickup_branch_id)
            .where(Reservation.status == "ready", Reservation.pickup_deadline >= today,
                   self._not_sent("hold_ready", Reservation.id, Reservation.pickup_deadline))
            .order_by(Reservation.id).limit(limit)).all()
        return [DueNotice("hold_ready", hold.id, hold.pickup_deadline.isoformat(),
                          hold.reader_id, title, branch, hold.pickup_deadline)
                for hold, title, branch in rows]

    def _loans(self, session: Session, kind: str, when: ColumnElement,
               limit: int) -> list[DueNotice]:
        rows = session.execute(
            select(Loan, BibRecord.title, Branch.name)
            .join(Item, Item.id == Loan.item_id)
            .join(BibRecord, BibRecord.id == Item.bib_id)
            .join(Branch, Branch.id == Item.branch_id)
            .where(Loan.returned_at.is_(None), when,
                   self._not_sent(kind, Loan.id, Loan.due_date))
            .order_by(Loan.due_date, Loan.id).limit(limit)).all()
        return [DueNotice(kind, loan.id, loan.due_date.isoformat(), loan.reader_id, title,
                          branch, loan.due_date) for loan, title, branch in rows]

    # --- sending once -------------------------------------------------------------

    def send_notice(self, notice: DueNotice, message: NoticeMessage) -> NoticeStatus:
        now = clock.now()
        try:
            with self.store.session() as session:
                status, channel, recipient = self._route(session, notice.reader_id, now)
                row = ReaderNotice(
                    reader_id=notice.reader_id, kind=notice.kind, subject_id=notice.subject_id,
                    subject_key=notice.subject_key, status=status.value, channel=channel,
                    recipient=recipient, text=message.text, created_at=now)
                session.add(row)
                session.flush()  # the unique key decides which scheduler sends it
                if status is NoticeStatus.QUEUED and channel and recipient:
                    self._queue(session, channel, recipient, message, now)
                return status
        except IntegrityError:
            return NoticeStatus.ALREADY

    def _route(self, session: Session, reader_id: int,
               now: datetime) -> tuple[NoticeStatus, str | None, str | None]:
        """Where a notice goes: the conversation the reader is verified in now, else
        their last WeChat or Telegram conversation; WeChat outside its 48-hour window
        without a template, or no conversation to reach: it waits."""
        subscription = session.get(NoticeSubscription, reader_id)
        if subscription is not None and not subscription.enabled:
            return NoticeStatus.SKIPPED, None, None
        sessions = select(ReaderSession.channel, ReaderSession.sender_id).where(
            ReaderSession.reader_id == reader_id).order_by(
            ReaderSession.expires_at.desc(), ReaderSession.id.desc()).limit(1)
        target = session.execute(sessions.where(ReaderSession.expires_at > now)).first() \
            or session.execute(sessions.where(ReaderSession.channel.in_(PUSH))).first()
        if target is None:
            return NoticeStatus.WAITING, None, None
        channel, recipient = target
        if channel == "wechat" and not self.wechat_template and not self._window_open(
                session, recipient, now):
            return NoticeStatus.WAITING, channel, recipient
        return NoticeStatus.QUEUED, channel, recipient

    @staticmethod
    def _window_open(session: Session, openid: str, now: datetime) -> bool:
        return session.execute(select(InboundMessage.id).where(
            InboundMessage.channel == "wechat", InboundMessage.sender == openid,
            InboundMessage.received_at > now - WECHAT_WINDOW).limit(1)).first() is not None

    def _queue(self, session: Session, channel: str, recipient: str, message: NoticeMessage,
               now: datetime) -> None:
        template = channel == "wechat" and not self._window_open(session, recipient, now)
        add_outbox(session, channel, recipient, {
            "text": message.text, "buttons": message.buttons, "sender": "system",
            "template": template})

    def send_waiting(self, limit: int = 500) -> int:
        """Sends the notices that waited, now that the reader can be reached (wrote on
        WeChat again, verified on any channel); drops those no longer true (the hold
        collected, the book returned or renewed) or no longer wanted."""
        now = clock.now()
        sent = 0
        with self.store.session() as session:
            waiting = session.execute(
                select(ReaderNotice).where(ReaderNotice.status == NoticeStatus.WAITING.value)
                .order_by(ReaderNotice.id).limit(limit)).scalars().all()
            for notice in waiting:
                status, channel, recipient = self._route(session, notice.reader_id, now)
                if not self._still_true(session, notice):
                    status = NoticeStatus.SKIPPED
                if status is NoticeStatus.WAITING:
                    continue
                taken = session.execute(
                    update(ReaderNotice).where(ReaderNotice.id == notice.id,
                                               ReaderNotice.status == notice.status)
                    .values(status=status.value, channel=channel, recipient=recipient)
                    .execution_options(synchronize_session=False)).rowcount
                if taken == 1 and status is NoticeStatus.QUEUED and channel and recipient:
                    self._queue(session, channel, recipient, NoticeMessage(notice.text), now)
                    sent += 1
        return sent

    @staticmethod
    def _still_true(session: Session, notice: ReaderNotice) -> bool:
        if notice.kind == "hold_ready":
            hold = session.get(Reservation, notice.subject_id)
            return hold is not None and hold.status == "ready"
        loan = session.get(Loan, notice.subject_id)
        return (loan is not None and loan.returned_at is None
                and loan.due_date.isoformat() == notice.subject_key)

    # --- the reader's choice ------------------------------------------------------

    def set_subscribed(self, reader: ReaderRef, enabled: bool) -> None:
        with self.store.session() as session:
            row = session.get(NoticeSubscription, reader.reader_id)
            if row is None:
                session.add(NoticeSubscription(reader_id=reader.reader_id, enabled=enabled,
                                               changed_at=clock.now()))
            else:
                row.enabled, row.changed_at = enabled, clock.now()
