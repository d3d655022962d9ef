"""The outbox that carries replies to each reader's channel (stored before sending,
leased to one relay, retried) and the channel messages taken in (each processed once)."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot import clock
from bot.db.models import InboundMessage, OutboxMessage, TicketMessage
from bot.services.handoff_model import PULL_CHANNELS, InboundState, OutboxItem
from bot.services.sql.session import SqlStore

MAX_DELIVERY_ATTEMPTS = 8
#: a claimed outbox message is not handed to another relay for this long
SEND_LEASE = timedelta(seconds=60)
INBOUND_KEEP = timedelta(days=3)
STALLED_OUTCOME = {"stalled": True}
STALLED_TEXT = ("抱歉，您在 {time} 发来的消息可能没有得到回复（系统刚才出现了故障）。"
                "如仍需帮助，请再发送一次。")


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(2 ** attempts, 600))


def system_line(session: Session, ticket_id: int, text: str) -> None:
    """A line in a ticket's transcript written by the system (shown to staff)."""
    session.add(TicketMessage(ticket_id=ticket_id, author="system", text=text,
                              created_at=clock.now()))


def add_outbox(session: Session, channel: str, recipient: str, payload: dict,
               ticket_id: int | None = None) -> None:
    now = clock.now()
    session.add(OutboxMessage(ticket_id=ticket_id, channel=channel, recipient=recipient,
                              payload=json.dumps(payload, ensure_ascii=False),
                              status="pending", next_attempt_at=now, created_at=now))


def _outbox_item(row: OutboxMessage) -> OutboxItem:
    payload = json.loads(row.payload)
    return OutboxItem(row.id, row.ticket_id, row.channel, row.recipient, payload["text"],
                      payload.get("buttons", []), payload.get("sender", "system"),
                      payload.get("staff_name", ""), row.attempts,
                      bool(payload.get("template")))


class SqlOutbox:
    store: SqlStore

    def queue_reply(self, channel: str, recipient: str, text: str,
                    buttons: list[dict[str, str]] | None = None) -> None:
        """An assistant reply that could not be given in time (e.g. after WeChat's
        5-second window), for the relay to send."""
        with self.store.session() as session:
            add_outbox(session, channel, recipient,
                       {"text": text, "buttons": buttons or [], "sender": "assistant"})

    def take_due(self, channels: tuple[str, ...], limit: int = 20) -> list[OutboxItem]:
        """Outbox messages due for sending on push channels, leased to the caller: each
        is taken by a conditional update, so two relays never take the same message
        (SQLite has no row locks; PostgreSQL also skips rows another relay has locked)."""
        now = clock.now()
        with self.store.session() as session:
            candidates = session.execute(
                select(OutboxMessage.id)
                .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now,
                       OutboxMessage.channel.in_(channels))
                .order_by(OutboxMessage.id).limit(limit).with_for_update(skip_locked=True)
            ).scalars().all()
            taken = [
                outbox_id for outbox_id in candidates
                if session.execute(
                    update(OutboxMessage)
                    .where(OutboxMessage.id == outbox_id, OutboxMessage.status == "pending",
                           OutboxMessage.next_attempt_at <= now)
                    .values(attempts=OutboxMessage.attempts + 1,
                            next_attempt_at=now + SEND_LEASE)
                ).rowcount == 1
            ]
            rows = session.execute(
                select(OutboxMessage).where(OutboxMessage.id.in_(taken))
                .order_by(OutboxMessage.id)
            ).scalars().all()
            return [_outbox_item(row) for row in rows]

    def mark_sent(self, outbox_id: int) -> None:
        with self.store.session() as session:
            session.execute(update(OutboxMessage).where(OutboxMessage.id == outbox_id)
                            .values(status="sent", sent_at=clock.now(), last_error=""))

    def mark_failed(self, outbox_id: int, error: str, permanent: bool = False) -> None:
        """A failed attempt: retried later, or (permanent, or too many attempts) given
        up, which the ticket's transcript shows to staff."""
        with self.store.session() as session:
            row = session.get(OutboxMessage, outbox_id)
            if row is None or row.status != "pending":
                return
            row.last_error = error[:500]
            if permanent or row.attempts >= MAX_DELIVERY_ATTEMPTS:
                row.status = "failed"
                if row.ticket_id is not None:
                    note = f"消息未能送达读者（已尝试 {row.attempts} 次）：{error[:200]}"
                    system_line(session, row.ticket_id, note)
            else:
                row.next_attempt_at = clock.now() + _backoff(row.attempts)

    def retry_failed(self, ticket_id: int) -> int:
        """Staff asked to send the ticket's failed messages again."""
        with self.store.session() as session:
            return session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.ticket_id == ticket_id, OutboxMessage.status == "failed")
                .values(status="pending", attempts=0, next_attempt_at=clock.now())
            ).rowcount

    def pull(self, channel: str, recipient: str, after_outbox_id: int) -> list[OutboxItem]:
        """For clients that fetch their messages: acknowledges everything up to
        after_outbox_id as delivered and returns what is newer."""
        if channel not in PULL_CHANNELS:
            raise ValueError(f"{channel} is not a pull channel")
        with self.store.session() as session:
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.channel == channel, OutboxMessage.recipient == recipient,
                       OutboxMessage.id <= after_outbox_id, OutboxMessage.status == "pending")
                .values(status="sent", sent_at=clock.now())
            )
            rows = session.execute(
                select(OutboxMessage)
                .where(OutboxMessage.channel == channel, OutboxMessage.recipient == recipient,
                       OutboxMessage.id > after_outbox_id, OutboxMessage.status == "pending")
                .order_by(OutboxMessage.id)
            ).scalars().all()
            return [_outbox_item(row) for row in rows]

    def waiting(self, channel: str, recipient: str, after_outbox_id: int,
                limit: int = 50) -> list[OutboxItem]:
        """What pull would return, without acknowledging anything (for a live stream,
        which cannot know what reached the client before it reconnects)."""
        if channel not in PULL_CHANNELS:
            raise ValueError(f"{channel} is not a pull channel")
        with self.store.session() as session:
            rows = session.execute(
                select(OutboxMessage)
                .where(OutboxMessage.channel == channel, OutboxMessage.recipient == recipient,
                       OutboxMessage.id > after_outbox_id, OutboxMessage.status == "pending")
                .order_by(OutboxMessage.id).limit(limit)
            ).scalars().all()
            return [_outbox_item(row) for row in rows]

    # --- channel deliveries taken in -------------------------------------------------

    def take_in(self, channel: str, message_key: str,
                sender: str | None = None) -> InboundState:
        """Records a channel message id; tells whether it is new or a redelivery.

        sender: the reader owed an answer (None for messages that get none)."""
        try:
            with self.store.session() as session:
                session.add(InboundMessage(channel=channel, message_key=message_key,
                                           sender=sender, received_at=clock.now()))
            return InboundState(first_delivery=True)
        except IntegrityError:
            with self.store.session() as session:
                replies = session.execute(
                    select(InboundMessage.replies).where(InboundMessage.channel == channel,
                                                         InboundMessage.message_key == message_key)
                ).scalar_one_or_none()
            return InboundState(False, json.loads(replies) if replies else None)

    def store_replies(self, channel: str, message_key: str, replies: list[dict]) -> None:
        with self.store.session() as session:
            session.execute(
                update(InboundMessage)
                .where(InboundMessage.channel == channel,
                       InboundMessage.message_key == message_key)
                .values(replies=json.dumps(replies, ensure_ascii=False))
            )
            session.execute(delete(InboundMessage)
                            .where(InboundMessage.received_at < clock.now() - INBOUND_KEEP))

    def answer_stalled(self, channels: tuple[str, ...], older_than: timedelta) -> int:
        """Queues an apology to each reader whose message has been in progress for longer
        than older_than, i.e. whose process stopped before answering; returns how many.

        Each stalled message is settled by a conditional update in the transaction that
        queues the apology, so two relays never apologise twice."""
        with self.store.session() as session:
            stalled = session.execute(
                select(InboundMessage.id, InboundMessage.channel, InboundMessage.sender,
                       InboundMessage.received_at)
                .where(InboundMessage.replies.is_(None), InboundMessage.sender.is_not(None),
                       InboundMessage.channel.in_(channels),
                       InboundMessage.received_at <= clock.now() - older_than)
                .order_by(InboundMessage.id).limit(50)
            ).all()
            answered = 0
            for row in stalled:
                settled = session.execute(
                    update(InboundMessage)
                    .where(InboundMessage.id == row.id, InboundMessage.replies.is_(None))
                    .values(replies=json.dumps([STALLED_OUTCOME]))
                ).rowcount
                if settled:
                    text = STALLED_TEXT.format(time=row.received_at.strftime("%H:%M"))
                    add_outbox(session, row.channel, row.sender,
                               {"text": text, "buttons": [], "sender": "assistant"})
                    answered += 1
            return answered
