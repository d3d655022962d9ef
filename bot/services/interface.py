"""What the assistant needs from a library system, as plain data and protocols."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import Enum
from typing import Protocol

from bot.services.faq_model import FaqAnswer
from bot.services.resource_model import ResourceCard


class ServiceUnavailableError(Exception):
    """The library system cannot be reached (database down, ILS timeout ...)."""


class OutcomeUnknownError(ServiceUnavailableError):
    """A change (a renewal, a hold) was sent to the library system, which did not answer
    usably: it may or may not have been made. It is not sent again by itself."""


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


#: the reason a day is closed when the branch closes on that weekday every week
WEEKLY_CLOSURE = "每周例行闭馆"


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
    # The hits are near matches (a misremembered title, books on some of the reader's
    # words), not what the reader typed: offered as "您要找的是不是", never held unasked.
    near: bool = False


class Catalogue(Protocol):
    def search(self, query: str, limit: int = 5, offset: int = 0) -> SearchResult: ...
    def by_isbn(self, isbn: str) -> SearchResult: ...
    def title(self, bib_id: int) -> TitleHit | None: ...
    def author_named(self, text: str) -> str | None: ...


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


@dataclass(frozen=True)
class Loan:
    loan_id: int
    title: str
    branch: str  # where the copy was lent
    due_date: date
    renewals: int  # times renewed so far
    reserved_by_others: bool  # another reader waits for this title

    def days_left(self, today: date) -> int:
        """Days until due; negative when overdue."""
        return (self.due_date - today).days


class RenewalOutcome(Enum):
    RENEWED = "renewed"
    NOT_YOUR_LOAN = "not_your_loan"  # not on loan to this reader (returned, someone else's)
    MAX_RENEWALS = "max_renewals"
    RESERVED = "reserved"  # another reader has reserved the title
    TOO_OVERDUE = "too_overdue"
    CARD_NOT_USABLE = "card_not_usable"  # blocked or expired card


@dataclass(frozen=True)
class RenewalResult:
    outcome: RenewalOutcome
    title: str = ""
    due_date: date | None = None  # the new due date, or the unchanged one when refused
    limit: int | None = None  # the card's maximum renewals (MAX_RENEWALS)


@dataclass(frozen=True)
class Fee:
    amount_cents: int
    reason: str  # e.g. 逾期, 图书损坏
    title: str
    since: date
    accruing: bool = False  # an overdue loan's fine, still growing until it is returned


@dataclass(frozen=True)
class AccountStatus:
    card_type: str
    card_status: str  # active | blocked | expired
    expires_on: date
    loans: int
    max_loans: int
    holds: int
    max_holds: int
    fees: list[Fee] = field(default_factory=list)

    @property
    def owed_cents(self) -> int:
        return sum(fee.amount_cents for fee in self.fees)


def card_status(blocked: bool, expires_on: date | None, today: date) -> str:
    """A card's AccountStatus.card_status: a blocked card is "blocked" even when it has
    expired too; a card without an expiry date does not expire."""
    if blocked:
        return "blocked"
    return "expired" if expires_on is not None and expires_on < today else "active"


class ReaderLogin(Protocol):
    """Verifying a reader's card in a conversation, and remembering it there."""

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


class Circulation(ReaderLogin, Protocol):
    """A verified reader's holds, loans, renewals and account."""

    def place_hold(self, reader: ReaderRef, bib_id: int, pickup_branch_code: str) -> HoldResult: ...
    def holds(self, reader: ReaderRef) -> list[Hold]: ...
    def cancel_hold(self, reader: ReaderRef, hold_id: int) -> bool: ...
    def loans(self, reader: ReaderRef) -> list[Loan]: ...
    def renew(self, reader: ReaderRef, loan_id: int) -> RenewalResult: ...
    def renew_all(self, reader: ReaderRef) -> list[RenewalResult]: ...
    def account(self, reader: ReaderRef) -> AccountStatus: ...


# --- notices the reader did not ask for ------------------------------------------


@dataclass(frozen=True)
class DueNotice:
    """Something a reader should be told: a hold ready for pickup, a loan due soon, an
    overdue loan. (kind, subject_id, subject_key) names it: it is sent once."""

    kind: str  # hold_ready | due_soon | overdue
    subject_id: int  # the hold or the loan
    subject_key: str  # the date it is about (a renewal makes a new due date)
    reader_id: int
    title: str
    branch: str
    day: date  # the pickup deadline or the due date


@dataclass(frozen=True)
class NoticeMessage:
    text: str
    buttons: list[dict[str, str]] = field(default_factory=list)


class NoticeStatus(Enum):
    QUEUED = "queued"  # in the outbox for the reader's channel
    WAITING = "waiting"  # no way to reach the reader now: sent when they next write
    SKIPPED = "skipped"  # unsubscribed, or never verified on any channel
    ALREADY = "already"  # another scheduler recorded it first


class Notices(Protocol):
    def due_notices(self, today: date, limit: int = 500) -> list[DueNotice]: ...
    def send_notice(self, notice: DueNotice, message: NoticeMessage) -> NoticeStatus: ...
    def send_waiting(self) -> int: ...
    def set_subscribed(self, reader: ReaderRef, enabled: bool) -> None: ...


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
    is_space: bool = False  # a space's time slot, not an event's sign-up


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
    def answer(self, question: str, lenient: bool = False) -> FaqAnswer: ...
    def published_answer(self, entry_id: int) -> FaqAnswer | None: ...
    def record_unanswered(self, text: str, channel: str, reason: str) -> None: ...


# --- digital-resource directory (数字资源导航) ------------------------------------------


class ResourceDirectory(Protocol):
    def find(self, query: str, audience: str | None = None,
             where: str | None = None) -> list[ResourceCard]: ...
    def kind_counts(self) -> dict[str, int]: ...


@dataclass(frozen=True)
class LibraryServices:
    """Everything the actions may use."""

    info: LibraryInfo
    catalogue: Catalogue
    circulation: Circulation
    activities: Activities
    knowledge: KnowledgeBase
    resources: ResourceDirectory
