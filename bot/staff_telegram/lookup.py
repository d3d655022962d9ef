"""Read-only lookups the staff bot needs: who a Telegram user is at the desk, where
a ticket was first posted in a chat, and whose names to mask in its posts."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import func, select
from telegram import User

from bot.db.models import Reader, StaffChatPost, StaffUser, Ticket
from bot.services.handoff_model import StaffActor
from bot.services.sql.session import SqlStore


def staff_actor(store: SqlStore, user: User) -> StaffActor:
    """The desk account linked to the Telegram user (StaffUser.telegram_user_id), else
    the user's Telegram display name."""
    with store.session() as session:
        row = session.execute(
            select(StaffUser.id, StaffUser.display_name)
            .where(StaffUser.telegram_user_id == str(user.id), StaffUser.active)
        ).first()
    return StaffActor(row.id, row.display_name) if row else StaffActor(None, user.full_name)


def first_post(store: SqlStore, chat_id: str, ticket_id: int) -> int | None:
    """The message id of the ticket's first post in the chat (None: not posted there)."""
    with store.session() as session:
        return session.execute(
            select(func.min(StaffChatPost.message_id))
            .where(StaffChatPost.chat_id == chat_id, StaffChatPost.ticket_id == ticket_id)
        ).scalar_one_or_none()


def reader_names(store: SqlStore, ticket_ids: Collection[int]) -> dict[int, str]:
    """Ticket id -> the name of its verified reader (tickets with a reader card)."""
    if not ticket_ids:
        return {}
    with store.session() as session:
        rows = session.execute(
            select(Ticket.id, Reader.name)
            .join(Reader, Reader.card_number == Ticket.reader_card)
            .where(Ticket.id.in_(ticket_ids))
        ).all()
    return {ticket_id: name for ticket_id, name in rows}
