"""Events (阅美四季 ...) and bookable space slots, with capacity and no double booking.

A place is taken with a conditional UPDATE (`... WHERE taken < capacity`) and a
reader's second booking of the same slot or event is refused by a unique index.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, or_, select, update
from sqlalchemy.exc import IntegrityError

from bot import clock
from bot.db.models import Booking, Branch, Event, Reader, Space, SpaceSlot
from bot.services.interface import BookingOutcome, EventInfo, MyBooking, ReaderRef, SlotInfo
from bot.services.sql.session import SqlStore


class SqlActivities:
    def __init__(self, store: SqlStore) -> None:
        self.store = store

    def upcoming_events(
        self, since: datetime, keyword: str = "", limit: int = 5
    ) -> list[EventInfo]:
        query = (
            select(Event, Branch.name).join(Branch, Branch.id == Event.branch_id)
            .where(Event.starts_at >= since).order_by(Event.starts_at).limit(limit)
        )
        if keyword:
            query = query.where(or_(Event.title.contains(keyword), Event.series.contains(keyword),
                                    Event.audience.contains(keyword)))
        with self.store.session() as session:
            return [
                EventInfo(event.id, event.title, event.series, branch, event.place,
                          event.starts_at, event.ends_at, event.capacity - event.signed_up,
                          event.audience)
                for event, branch in session.execute(query).all()
            ]

    def open_slots(self, since: datetime, keyword: str = "", limit: int = 5) -> list[SlotInfo]:
        query = (
            select(SpaceSlot, Space.name, Branch.name)
            .join(Space, Space.id == SpaceSlot.space_id)
            .join(Branch, Branch.id == Space.branch_id)
            .where(SpaceSlot.starts_at >= since, SpaceSlot.booked < SpaceSlot.capacity)
            .order_by(SpaceSlot.starts_at, Space.name).limit(limit)
        )
        if keyword:
            query = query.where(Space.name.contains(keyword))
        with self.store.session() as session:
            return [
                SlotInfo(slot.id, space, branch, slot.starts_at, slot.ends_at,
                         slot.capacity - slot.booked)
                for slot, space, branch in session.execute(query).all()
            ]

    def sign_up(self, reader: ReaderRef, event_id: int) -> BookingOutcome:
        return self._book(reader, Event, Event.signed_up, Event.capacity, "event_id", event_id)

    def book_slot(self, reader: ReaderRef, slot_id: int) -> BookingOutcome:
        return self._book(reader, SpaceSlot, SpaceSlot.booked, SpaceSlot.capacity,
                          "slot_id", slot_id)

    def _book(
        self, reader: ReaderRef, model: type[Event | SpaceSlot], taken: Column, capacity: Column,
        column: str, target_id: int,
    ) -> BookingOutcome:
        """Takes one place of `model` row `target_id` (an event or a slot) for the reader."""
        try:
            with self.store.session() as session:
                record = session.get(Reader, reader.reader_id)
                if record is None or record.status != "active":
                    return BookingOutcome.CARD_NOT_USABLE
                if session.get(model, target_id) is None:
                    return BookingOutcome.NOT_FOUND
                already = session.execute(
                    select(Booking.id).where(
                        Booking.reader_id == reader.reader_id,
                        getattr(Booking, column) == target_id,
                        Booking.status == "active",
                    )
                ).first()
                if already:
                    return BookingOutcome.DUPLICATE
                claimed = session.execute(
                    update(model).where(model.id == target_id, taken < capacity)
                    .values({taken: taken + 1}).execution_options(synchronize_session=False)
                )
                if claimed.rowcount != 1:
                    return BookingOutcome.FULL
                session.add(Booking(reader_id=reader.reader_id, created_at=clock.now(),
                                    **{column: target_id}))
                session.flush()
        except IntegrityError:
            return BookingOutcome.DUPLICATE
        return BookingOutcome.BOOKED

    def bookings(self, reader: ReaderRef, since: datetime) -> list[MyBooking]:
        with self.store.session() as session:
            events = session.execute(
                select(Booking.id, Event.title, Branch.name, Event.starts_at)
                .join(Event, Event.id == Booking.event_id)
                .join(Branch, Branch.id == Event.branch_id)
                .where(Booking.reader_id == reader.reader_id, Booking.status == "active",
                       Event.starts_at >= since)
            ).all()
            slots = session.execute(
                select(Booking.id, Space.name, Branch.name, SpaceSlot.starts_at)
                .join(SpaceSlot, SpaceSlot.id == Booking.slot_id)
                .join(Space, Space.id == SpaceSlot.space_id)
                .join(Branch, Branch.id == Space.branch_id)
                .where(Booking.reader_id == reader.reader_id, Booking.status == "active",
                       SpaceSlot.starts_at >= since)
            ).all()
        found = [MyBooking(*row) for row in events]
        found += [MyBooking(booking_id, space, branch, starts_at, is_space=True)
                  for booking_id, space, branch, starts_at in slots]
        return sorted(found, key=lambda b: b.starts_at)

    def cancel_booking(self, reader: ReaderRef, booking_id: int) -> bool:
        with self.store.session() as session:
            booking = session.execute(
                select(Booking).where(Booking.id == booking_id,
                                      Booking.reader_id == reader.reader_id,
                                      Booking.status == "active").with_for_update()
            ).scalar_one_or_none()
            if booking is None:
                return False
            booking.status = "cancelled"
            if booking.event_id is not None:
                session.execute(update(Event).where(Event.id == booking.event_id)
                                .values(signed_up=Event.signed_up - 1))
            else:
                session.execute(update(SpaceSlot).where(SpaceSlot.id == booking.slot_id)
                                .values(booked=SpaceSlot.booked - 1))
            return True
