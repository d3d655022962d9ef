"""What the assistant needs from a library system, as plain data and protocols."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import Enum
from typing import Protocol

from bot.services.faq_model import FaqAnswer


class ServiceUnavailableError(Exception):
    """The library system cannot be reached (database down, ILS timeout ...)."""


# --- branches and opening hours -------------------------------------------------


@dataclass(frozen=True)
class BranchInfo:
    code: str
    name: str
    kind: str  # main | branch | children | network
    address: str
    transport: str
    phone: str
    confirmed: bool  # facts checked by the library, not only collected from the web


@dataclass(frozen=True)
class DayHours:
    branch: str
    day: date
    opens: time | None  # None: closed that day
    closes: time | None
    reason: str = ""  # e.g. "春节", "每周一闭馆"


class LibraryInfo(Protocol):
    def branches(self) -> list[BranchInfo]: ...
    def find_branch(self, name: str) -> BranchInfo | None: ...
    def hours_on(self, branch_code: str, day: date) -> DayHours: ...
    def holiday_date(self, holiday: str, after: date) -> date | None: ...


# --- catalogue ------------------------------------------------------------------


@dataclass(frozen=True)
class BranchAvailability:
    branch: str
    on_shelf: int
    total: int
    location: str
    next_due: date | None


@dataclass(frozen=True)
class TitleHit:
    bib_id: int
    title: str
    author: str
    publisher: str
    year: int | None
    isbn: str | None
    call_number: str
    availability: list[BranchAvailability] = field(default_factory=list)

    @property
    def on_shelf(self) -> int:
        return sum(branch.on_shelf for branch in self.availability)


@dataclass(frozen=True)
class SearchResult:
    hits: list[TitleHit]
    total: int  # all matches; hits holds one page of them


class Catalogue(Protocol):
    def search(self, query: str, limit: int = 5, offset: int = 0) -> SearchResult: ...
    def by_isbn(self, isbn: str) -> SearchResult: ...
    def title(self, bib_id: int) -> TitleHit | None: ...


# --- readers and holds ----------------------------------------------------------


class Verification(Enum):
    VERIFIED = "verified"
    UNKNOWN_CARD = "unknown_card"
    WRONG_PASSWORD = "wrong_password"
    LOCKED = "locked"  # too many wrong passwords for this card; try again later
    THROTTLED = "throttled"  # too many failures from this conversation or address
    CARD_BLOCKED = "card_blocked"
    CARD_EXPIRED = "card_expired"


@dataclass(frozen=True)
class PendingPassword:
    """A conversation's next message is a password for card_number (to be checked), or,
    with card_number None, probably one (an expired prompt, right after a refusal)."""

    card_number: str | None


@dataclass(frozen=True)
class ReaderRef:
    reader_id: int
    card_number: str
    name: str


class HoldOutcome(Enum):
    READY = "ready"  # a copy is held for pickup
    QUEUED = "queued"  # the reader waits for the next returned copy
    DUPLICATE = "duplicate"
    LIMIT_REACHED = "limit_reached"
    NOT_HELD_BY_LIBRARY = "not_held_by_library"
    CARD_NOT_USABLE = "card_not_usable"


@dataclass(frozen=True)
class Hold:
    hold_id: int
    title: str
    pickup_branch: str
    status: str  # waiting | ready
    queue_position: int | None
    pickup_deadline: date | None
    created_at: datetime


@dataclass(frozen=True)
class HoldResult:
    outcome: HoldOutcome
    hold: Hold | None = None
    limit: int | None = None


class Circulation(Protocol):
    def verify_reader(
        self, card_number: str, password: str, channel: str, sender_id: str,
        client: str | None = None, idle_seconds: int | None = None,
    ) -> Verification: ...
    def expect_password(self, channel: str, sender_id: str, card_number: str) -> None: ...
    def expect_caution(self, channel: str, sender_id: str) -> None: ...
    def take_password_prompt(self, channel: str, sender_id: str) -> PendingPassword | None: ...
    def verified_reader(self, channel: str, sender_id: str) -> ReaderRef | None: ...
    def touch_reader_session(self, channel: str, sender_id: str) -> None: ...
    def end_reader_session(self, channel: str, sender_id: str) -> bool: ...
    def place_hold(self, reader: ReaderRef, bib_id: int, pickup_branch_code: str) -> HoldResult: ...
    def holds(self, reader: ReaderRef) -> list[Hold]: ...
    def cancel_hold(self, reader: ReaderRef, hold_id: int) -> bool: ...


# --- spaces and events ----------------------------------------------------------


@dataclass(frozen=True)
class EventInfo:
    event_id: int
    title: str
    series: str
    branch: str
    place: str
    starts_at: datetime
    ends_at: datetime
    places_left: int
    audience: str


@dataclass(frozen=True)
class SlotInfo:
    slot_id: int
    space: str
    branch: str
    starts_at: datetime
    ends_at: datetime
    places_left: int


class BookingOutcome(Enum):
    BOOKED = "booked"
    FULL = "full"
    DUPLICATE = "duplicate"
    NOT_FOUND = "not_found"
    CARD_NOT_USABLE = "card_not_usable"


@dataclass(frozen=True)
class MyBooking:
    booking_id: int
    what: str  # event title or space name
    branch: str
    starts_at: datetime


class Activities(Protocol):
    def upcoming_events(
        self, since: datetime, keyword: str = "", limit: int = 5
    ) -> list[EventInfo]: ...
    def open_slots(self, since: datetime, keyword: str = "", limit: int = 5) -> list[SlotInfo]: ...
    def sign_up(self, reader: ReaderRef, event_id: int) -> BookingOutcome: ...
    def book_slot(self, reader: ReaderRef, slot_id: int) -> BookingOutcome: ...
    def bookings(self, reader: ReaderRef, since: datetime) -> list[MyBooking]: ...
    def cancel_booking(self, reader: ReaderRef, booking_id: int) -> bool: ...


# --- FAQ knowledge ----------------------------------------------------------------


class KnowledgeBase(Protocol):
    def answer(self, question: str) -> FaqAnswer: ...
    def published_answer(self, entry_id: int) -> FaqAnswer | None: ...
    def record_unanswered(self, text: str, channel: str, reason: str) -> None: ...


@dataclass(frozen=True)
class LibraryServices:
    """Everything the actions may use."""

    info: LibraryInfo
    catalogue: Catalogue
    circulation: Circulation
    activities: Activities
    knowledge: KnowledgeBase
