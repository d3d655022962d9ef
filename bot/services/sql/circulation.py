"""Holds.

Races are settled by the database, not by reading first: an available copy is taken
with a conditional UPDATE (`... WHERE status = 'on_shelf'`), and a reader's duplicate
hold is refused by a partial unique index, so two readers racing for the last copy
get exactly one hold on SQLite and on PostgreSQL alike.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot import clock
from bot.db.models import ACTIVE_HOLD_STATUSES, BibRecord, Branch, Item, Reader, Reservation
from bot.services.interface import Hold, HoldOutcome, HoldResult, ReaderRef
from bot.services.sql.loans import SqlLoans
from bot.services.sql.reader_login import SqlReaderLogin

PICKUP_DAYS = 7


class SqlCirculation(SqlLoans, SqlReaderLogin):
    """Holds (and, from SqlLoans, loans), for readers verified as in SqlReaderLogin."""

    # --- holds --------------------------------------------------------------

    def place_hold(self, reader: ReaderRef, bib_id: int, pickup_branch_code: str) -> HoldResult:
        try:
            return self._place_hold(reader, bib_id, pickup_branch_code)
        except IntegrityError:
            # The partial unique index caught a concurrent duplicate; nothing was kept.
            return HoldResult(HoldOutcome.DUPLICATE)

    def _place_hold(self, reader: ReaderRef, bib_id: int, pickup_branch_code: str) -> HoldResult:
        now = clock.now()
        with self.store.session() as session:
            record = session.get(Reader, reader.reader_id)
            if record is None or record.status != "active" or record.expires_on < now.date():
                return HoldResult(HoldOutcome.CARD_NOT_USABLE)
            if session.get(BibRecord, bib_id) is None or not session.execute(
                select(Item.id).where(Item.bib_id == bib_id, Item.status != "lost").limit(1)
            ).first():
                return HoldResult(HoldOutcome.NOT_HELD_BY_LIBRARY)
            limit = record.card_type.max_active_holds
            active = session.execute(
                select(func.count()).select_from(Reservation).where(
                    Reservation.reader_id == reader.reader_id,
                    Reservation.status.in_(ACTIVE_HOLD_STATUSES),
                )
            ).scalar_one()
            if active >= limit:
                return HoldResult(HoldOutcome.LIMIT_REACHED, limit=limit)
            if session.execute(
                select(Reservation.id).where(
                    Reservation.reader_id == reader.reader_id, Reservation.bib_id == bib_id,
                    Reservation.status.in_(ACTIVE_HOLD_STATUSES),
                )
            ).first():
                return HoldResult(HoldOutcome.DUPLICATE)
            pickup = session.execute(
                select(Branch).where(Branch.code == pickup_branch_code)
            ).scalar_one()
            item_id = self._take_copy(session, bib_id, pickup.id)
            hold = Reservation(
                reader_id=reader.reader_id, bib_id=bib_id, pickup_branch_id=pickup.id,
                item_id=item_id, status="ready" if item_id else "waiting", created_at=now,
                pickup_deadline=now.date() + timedelta(days=PICKUP_DAYS) if item_id else None,
            )
            session.add(hold)
            session.flush()
            outcome = HoldOutcome.READY if item_id else HoldOutcome.QUEUED
            return HoldResult(outcome, hold=self._describe(session, hold))

    @staticmethod
    def _take_copy(session: Session, bib_id: int, pickup_branch_id: int) -> int | None:
        """Atomically puts one on-shelf copy (preferably at the pickup branch) on hold."""
        candidates = session.execute(
            select(Item.id).where(Item.bib_id == bib_id, Item.status == "on_shelf")
            .order_by(Item.branch_id != pickup_branch_id, Item.id)
        ).scalars().all()
        for item_id in candidates:
            taken = session.execute(
                update(Item).where(Item.id == item_id, Item.status == "on_shelf")
                .values(status="on_hold").execution_options(synchronize_session=False)
            )
            if taken.rowcount == 1:
                return item_id
        return None

    @staticmethod
    def _describe(session: Session, hold: Reservation) -> Hold:
        title = session.get(BibRecord, hold.bib_id).title
        branch = session.get(Branch, hold.pickup_branch_id).name
        position = None
        if hold.status == "waiting":
            position = session.execute(
                select(func.count()).select_from(Reservation).where(
                    Reservation.bib_id == hold.bib_id,
                    Reservation.status == "waiting",
                    Reservation.id <= hold.id,
                )
            ).scalar_one()
        return Hold(
            hold_id=hold.id, title=title, pickup_branch=branch, status=hold.status,
            queue_position=position, pickup_deadline=hold.pickup_deadline,
            created_at=hold.created_at,
        )

    def holds(self, reader: ReaderRef) -> list[Hold]:
        with self.store.session() as session:
            rows = session.execute(
                select(Reservation).where(
                    Reservation.reader_id == reader.reader_id,
                    Reservation.status.in_(ACTIVE_HOLD_STATUSES),
                ).order_by(Reservation.created_at, Reservation.id)
            ).scalars().all()
            return [self._describe(session, hold) for hold in rows]

    def cancel_hold(self, reader: ReaderRef, hold_id: int) -> bool:
        """Cancels one of the reader's own active holds; a held copy goes back on the shelf."""
        with self.store.session() as session:
            hold = session.execute(
                select(Reservation).where(
                    Reservation.id == hold_id,
                    Reservation.reader_id == reader.reader_id,
                    Reservation.status.in_(ACTIVE_HOLD_STATUSES),
                ).with_for_update()
            ).scalar_one_or_none()
            if hold is None:
                return False
            hold.status = "cancelled"
            if hold.item_id is not None:
                session.execute(
                    update(Item).where(Item.id == hold.item_id, Item.status == "on_hold")
                    .values(status="on_shelf").execution_options(synchronize_session=False)
                )
            return True

