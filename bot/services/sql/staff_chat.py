"""The staff Telegram bot's bookkeeping: its posts per ticket, how far its feed has
read, which desk account a Telegram user is, and whose names to mask in its posts."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import func, select

from bot.db.models import Reader, RelayCursor, StaffChatPost, StaffUser, Ticket
from bot.services.handoff_model import StaffActor
from bot.services.sql.session import SqlStore


class SqlStaffChat:
    store: SqlStore

    def staff_actor(self, telegram_user_id: str, telegram_name: str) -> StaffActor:
        """The desk account linked to the Telegram user (StaffUser.telegram_user_id),
        else the user's Telegram display name."""
        with self.store.session() as session:
            row = session.execute(
                select(StaffUser.id, StaffUser.display_name)
                .where(StaffUser.telegram_user_id == telegram_user_id, StaffUser.active)
            ).first()
        return StaffActor(row.id, row.display_name) if row else StaffActor(None, telegram_name)

    def record_staff_post(self, chat_id: str, message_id: int, ticket_id: int) -> None:
        with self.store.session() as session:
            session.add(StaffChatPost(chat_id=chat_id, message_id=message_id,
                                      ticket_id=ticket_id))

    def ticket_of_staff_post(self, chat_id: str, message_id: int) -> int | None:
        with self.store.session() as session:
            return session.execute(
                select(StaffChatPost.ticket_id).where(StaffChatPost.chat_id == chat_id,
                                                      StaffChatPost.message_id == message_id)
            ).scalar_one_or_none()

    def first_post(self, chat_id: str, ticket_id: int) -> int | None:
        """The message id of the ticket's first post in the chat (None: not posted there)."""
        with self.store.session() as session:
            return session.execute(
                select(func.min(StaffChatPost.message_id))
                .where(StaffChatPost.chat_id == chat_id, StaffChatPost.ticket_id == ticket_id)
            ).scalar_one_or_none()

    def reader_names(self, ticket_ids: Collection[int]) -> dict[int, str]:
        """Ticket id -> the name of its verified reader (tickets with a reader card)."""
        if not ticket_ids:
            return {}
        with self.store.session() as session:
            rows = session.execute(
                select(Ticket.id, Reader.name)
                .join(Reader, Reader.card_number == Ticket.reader_card)
                .where(Ticket.id.in_(ticket_ids))
            ).all()
        return {ticket_id: name for ticket_id, name in rows}

    def cursor(self, name: str) -> int:
        with self.store.session() as session:
            row = session.get(RelayCursor, name)
            return row.last_id if row else 0

    def advance_cursor(self, name: str, last_id: int) -> None:
        with self.store.session() as session:
            row = session.get(RelayCursor, name)
            if row is None:
                session.add(RelayCursor(name=name, last_id=last_id))
            else:
                row.last_id = max(row.last_id, last_id)
