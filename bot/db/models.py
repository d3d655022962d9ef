"""ORM models of the library: branches and hours, catalogue, readers, holds,
spaces and events. Statuses are short English codes; readers see Chinese labels."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()

#: a hold that still counts (queued, or a copy kept for pickup)
ACTIVE_HOLD_STATUSES = ("waiting", "ready")
ACTIVE_HOLD = f"status IN ({', '.join(repr(status) for status in ACTIVE_HOLD_STATUSES)})"
ACTIVE_SIGNUP = "status = 'active'"


class Branch(Base):
    """A library building: 总馆, 分馆, 少儿馆, or a 南京共享图书馆 member library."""

    __tablename__ = "branch"
    id = Column(Integer, primary_key=True)
    code = Column(String(32), nullable=False, unique=True)
    name = Column(String(100), nullable=False, unique=True)
    kind = Column(String(16), nullable=False)  # main | branch | children | network
    address = Column(String(200), nullable=False, default="")
    transport = Column(Text, nullable=False, default="")
    phone = Column(String(40), nullable=False, default="")
    aliases = Column(String(300), nullable=False, default="")  # "、"-separated short names
    confirmed = Column(Boolean, nullable=False, default=False)  # facts checked by the library

    weekly_hours = relationship("WeeklyHours", order_by="WeeklyHours.weekday")


class WeeklyHours(Base):
    """Regular opening hours: one row per open weekday (0 = Monday); no row = closed."""

    __tablename__ = "weekly_hours"
    id = Column(Integer, primary_key=True)
    branch_id = Column(ForeignKey("branch.id"), nullable=False)
    weekday = Column(Integer, nullable=False)
    opens = Column(Time, nullable=False)
    closes = Column(Time, nullable=False)
    __table_args__ = (UniqueConstraint("branch_id", "weekday"),)


class SpecialDay(Base):
    """A holiday or special closure that overrides the weekly hours on one date."""

    __tablename__ = "special_day"
    id = Column(Integer, primary_key=True)
    branch_id = Column(ForeignKey("branch.id"), nullable=True)  # NULL: every branch
    day = Column(Date, nullable=False, index=True)
    name = Column(String(60), nullable=False)  # e.g. 春节, 设备检修
    closed = Column(Boolean, nullable=False, default=True)
    opens = Column(Time)
    closes = Column(Time)


class BibRecord(Base):
    """A bibliographic record (one title/edition)."""

    __tablename__ = "bib_record"
    id = Column(Integer, primary_key=True)
    title = Column(String(300), nullable=False)
    author = Column(String(200), nullable=False, default="")
    publisher = Column(String(200), nullable=False, default="")
    year = Column(Integer)
    isbn = Column(String(13), index=True)
    clc = Column(String(40), nullable=False, default="")  # 中图分类号
    call_number = Column(String(60), nullable=False, default="")  # 索书号
    subjects = Column(String(300), nullable=False, default="")  # "、"-separated
    summary = Column(Text, nullable=False, default="")
    # jieba-segmented, normalised text indexed by SQLite FTS5 / PostgreSQL tsvector.
    search_text = Column(Text, nullable=False, default="")


class Item(Base):
    """A physical copy."""

    __tablename__ = "item"
    id = Column(Integer, primary_key=True)
    bib_id = Column(ForeignKey("bib_record.id"), nullable=False, index=True)
    branch_id = Column(ForeignKey("branch.id"), nullable=False)
    barcode = Column(String(32), nullable=False, unique=True)
    location = Column(String(100), nullable=False, default="")  # floor / shelf
    # on_shelf | on_loan | in_transit | on_hold | lost
    status = Column(String(16), nullable=False, default="on_shelf")
    due_date = Column(Date)
    __table_args__ = (Index("ix_item_bib_status", "bib_id", "status"),)


class CardType(Base):
    """Reader-card rules (e.g. adult, children's card)."""

    __tablename__ = "card_type"
    code = Column(String(16), primary_key=True)
    name = Column(String(40), nullable=False)
    max_active_holds = Column(Integer, nullable=False)
    max_loans = Column(Integer, nullable=False)
    loan_days = Column(Integer, nullable=False, server_default="30")
    max_renewals = Column(Integer, nullable=False, server_default="1")
    renewal_days = Column(Integer, nullable=False, server_default="30")
    #: a loan overdue by more days than this can no longer be renewed
    max_overdue_days_to_renew = Column(Integer, nullable=False, server_default="0")
    fine_cents_per_day = Column(Integer, nullable=False, server_default="10")


class Reader(Base):
    __tablename__ = "reader"
    id = Column(Integer, primary_key=True)
    card_number = Column(String(32), nullable=False, unique=True)
    name = Column(String(60), nullable=False)
    card_type_code = Column(ForeignKey("card_type.code"), nullable=False)
    status = Column(String(16), nullable=False, default="active")  # active | blocked
    expires_on = Column(Date, nullable=False)
    password_hash = Column(String(200), nullable=False)  # bot/services/passwords.py
    # Locked after too many failed verifications (bot/services/sql/reader_login.py).
    locked_until = Column(DateTime)

    card_type = relationship("CardType")


class ReaderSession(Base):
    """A reader verified on one channel conversation (channel + sender id)."""

    __tablename__ = "reader_session"
    id = Column(Integer, primary_key=True)
    reader_id = Column(ForeignKey("reader.id"), nullable=False)
    channel = Column(String(32), nullable=False)
    sender_id = Column(String(128), nullable=False)
    expires_at = Column(DateTime, nullable=False)
    # A digest of the reader's password hash when verified: a changed password ends it.
    credential_stamp = Column(String(64))
    # Idle timeout (e.g. the widget on a shared library computer): the session ends
    # idle_seconds after last_seen_at. NULL: no idle timeout.
    idle_seconds = Column(Integer)
    last_seen_at = Column(DateTime)
    __table_args__ = (UniqueConstraint("channel", "sender_id"),)


class PasswordPrompt(Base):
    """The assistant has asked this conversation for a reader-card password: the
    channel checks the next message against the card and never passes it to Rasa.

    kind "caution": no password is expected, but the conversation's next message may
    well be one (after a lockout or a refused card), so it is not passed on if it looks
    like a password."""

    __tablename__ = "password_prompt"
    id = Column(Integer, primary_key=True)
    channel = Column(String(32), nullable=False)
    sender_id = Column(String(128), nullable=False)
    card_number = Column(String(32), nullable=False)
    expires_at = Column(DateTime, nullable=False)
    kind = Column(String(16), nullable=False, server_default="prompt")
    __table_args__ = (UniqueConstraint("channel", "sender_id"),)


class LoginFailure(Base):
    """A failed reader-card verification, for throttling per card, per conversation
    and per client address (bot/services/sql/reader_login.py)."""

    __tablename__ = "login_failure"
    id = Column(Integer, primary_key=True)
    card_number = Column(String(32), nullable=False)
    channel = Column(String(32), nullable=False)
    sender_id = Column(String(128), nullable=False)
    client = Column(String(64))
    failed_at = Column(DateTime, nullable=False)
    __table_args__ = (
        Index("ix_login_failure_card", "card_number", "failed_at"),
        Index("ix_login_failure_conversation", "channel", "sender_id", "failed_at"),
        Index("ix_login_failure_client", "client", "failed_at"),
    )


class Reservation(Base):
    """A hold on a title: waiting in the queue, or ready for pickup with an item."""

    __tablename__ = "reservation"
    id = Column(Integer, primary_key=True)
    reader_id = Column(ForeignKey("reader.id"), nullable=False, index=True)
    bib_id = Column(ForeignKey("bib_record.id"), nullable=False)
    pickup_branch_id = Column(ForeignKey("branch.id"), nullable=False)
    item_id = Column(ForeignKey("item.id"))
    # waiting | ready | cancelled | fulfilled | expired
    status = Column(String(16), nullable=False)
    created_at = Column(DateTime, nullable=False)
    pickup_deadline = Column(Date)
    __table_args__ = (
        Index(
            "uq_reservation_active", "reader_id", "bib_id", unique=True,
            sqlite_where=text(ACTIVE_HOLD), postgresql_where=text(ACTIVE_HOLD),
        ),
        Index("ix_reservation_queue", "bib_id", "status", "created_at"),
    )


class Loan(Base):
    """A copy lent to a reader; returned_at is set when it comes back."""

    __tablename__ = "loan"
    id = Column(Integer, primary_key=True)
    reader_id = Column(ForeignKey("reader.id"), nullable=False)
    item_id = Column(ForeignKey("item.id"), nullable=False)
    loaned_on = Column(Date, nullable=False)
    due_date = Column(Date, nullable=False)
    renewals = Column(Integer, nullable=False, default=0)
    returned_at = Column(DateTime)
    __table_args__ = (
        Index("ix_loan_reader", "reader_id", "returned_at"),
        Index("ix_loan_due", "returned_at", "due_date"),
        # one open loan per copy
        Index("uq_loan_open_item", "item_id", unique=True,
              sqlite_where=text("returned_at IS NULL"),
              postgresql_where=text("returned_at IS NULL")),
    )


class Fee(Base):
    """Money a reader owes (a returned overdue loan's fine, a damaged or lost copy).
    Fines of loans still out accrue and are computed, not stored."""

    __tablename__ = "fee"
    id = Column(Integer, primary_key=True)
    reader_id = Column(ForeignKey("reader.id"), nullable=False, index=True)
    amount_cents = Column(Integer, nullable=False)
    reason = Column(String(40), nullable=False)
    title = Column(String(500), nullable=False, default="")
    created_on = Column(Date, nullable=False)
    paid_on = Column(Date)


class ReaderNotice(Base):
    """A notice the assistant sent a reader unasked (hold ready, loan due, overdue).
    The unique key makes it one row per event, so two schedulers never send it twice;
    a renewal changes the due date and so allows a new due-soon notice."""

    __tablename__ = "reader_notice"
    id = Column(Integer, primary_key=True)
    reader_id = Column(ForeignKey("reader.id"), nullable=False)
    kind = Column(String(16), nullable=False)  # hold_ready | due_soon | overdue
    subject_id = Column(Integer, nullable=False)  # the hold or loan
    subject_key = Column(String(20), nullable=False)  # e.g. the due date it is about
    # queued (to the outbox) | waiting (no channel now: shown at the next visit)
    # | shown | skipped (unsubscribed, no verified channel)
    status = Column(String(10), nullable=False)
    channel = Column(String(32))
    recipient = Column(String(128))
    text = Column(Text, nullable=False, default="")
    created_at = Column(DateTime, nullable=False)
    __table_args__ = (
        UniqueConstraint("kind", "subject_id", "subject_key"),
        Index("ix_reader_notice_waiting", "reader_id", "status"),
    )


class NoticeSubscription(Base):
    """A reader's choice about unasked notices (no row: subscribed)."""

    __tablename__ = "notice_subscription"
    reader_id = Column(ForeignKey("reader.id"), primary_key=True)
    enabled = Column(Boolean, nullable=False)
    changed_at = Column(DateTime, nullable=False)


class Space(Base):
    """A bookable space: 阅美直播间, 培训区, a study room."""

    __tablename__ = "space"
    id = Column(Integer, primary_key=True)
    branch_id = Column(ForeignKey("branch.id"), nullable=False)
    name = Column(String(100), nullable=False)
    description = Column(Text, nullable=False, default="")


class SpaceSlot(Base):
    __tablename__ = "space_slot"
    id = Column(Integer, primary_key=True)
    space_id = Column(ForeignKey("space.id"), nullable=False, index=True)
    starts_at = Column(DateTime, nullable=False)
    ends_at = Column(DateTime, nullable=False)
    capacity = Column(Integer, nullable=False)
    booked = Column(Integer, nullable=False, default=0)


class Event(Base):
    """A reader activity, e.g. of the 阅美四季 series."""

    __tablename__ = "event"
    id = Column(Integer, primary_key=True)
    title = Column(String(200), nullable=False)
    series = Column(String(60), nullable=False, default="")
    branch_id = Column(ForeignKey("branch.id"), nullable=False)
    place = Column(String(100), nullable=False, default="")
    audience = Column(String(60), nullable=False, default="")
    description = Column(Text, nullable=False, default="")
    starts_at = Column(DateTime, nullable=False, index=True)
    ends_at = Column(DateTime, nullable=False)
    capacity = Column(Integer, nullable=False)
    signed_up = Column(Integer, nullable=False, default=0)


class Booking(Base):
    """A reader's place in a space slot or an event (exactly one of the two)."""

    __tablename__ = "booking"
    id = Column(Integer, primary_key=True)
    reader_id = Column(ForeignKey("reader.id"), nullable=False, index=True)
    slot_id = Column(ForeignKey("space_slot.id"))
    event_id = Column(ForeignKey("event.id"))
    status = Column(String(16), nullable=False, default="active")  # active | cancelled
    created_at = Column(DateTime, nullable=False)
    __table_args__ = (
        Index("uq_booking_slot", "reader_id", "slot_id", unique=True,
              sqlite_where=text(ACTIVE_SIGNUP + " AND slot_id IS NOT NULL"),
              postgresql_where=text(ACTIVE_SIGNUP + " AND slot_id IS NOT NULL")),
        Index("uq_booking_event", "reader_id", "event_id", unique=True,
              sqlite_where=text(ACTIVE_SIGNUP + " AND event_id IS NOT NULL"),
              postgresql_where=text(ACTIVE_SIGNUP + " AND event_id IS NOT NULL")),
    )


# --- FAQ knowledge, its editorial workflow, and the staff who maintain it -----------


class StaffUser(Base):
    """A librarian account: editor, reviewer or admin (FAQ console and staff desk)."""

    __tablename__ = "staff_user"
    id = Column(Integer, primary_key=True)
    username = Column(String(60), nullable=False, unique=True)
    display_name = Column(String(60), nullable=False)
    role = Column(String(16), nullable=False)  # editor | reviewer | admin
    password_hash = Column(String(200), nullable=False)
    active = Column(Boolean, nullable=False, default=True)
    department = Column(String(40), nullable=False, server_default="咨询部")
    # Telegram user id of the librarian, to name them when they answer from Telegram.
    telegram_user_id = Column(String(40), unique=True)
    # Wrong passwords since the last successful sign-in; at the limit the account is
    # locked until locked_until (bot/services/sql/staff.py).
    failed_logins = Column(Integer, nullable=False, default=0, server_default="0")
    locked_until = Column(DateTime)


class StaffSession(Base):
    """A signed-in browser session (the cookie holds `token`; forms carry `csrf_token`)."""

    __tablename__ = "staff_session"
    id = Column(Integer, primary_key=True)
    token_hash = Column(String(64), nullable=False, unique=True)
    csrf_token = Column(String(64), nullable=False)
    user_id = Column(ForeignKey("staff_user.id"), nullable=False)
    expires_at = Column(DateTime, nullable=False)


class FaqEntry(Base):
    """One FAQ question; what readers get is its published version."""

    __tablename__ = "faq_entry"
    id = Column(Integer, primary_key=True)
    key = Column(String(60), nullable=False, unique=True)  # stable id, e.g. reader_card-001
    published_version_id = Column(Integer)  # faq_version.id; NULL: not (or no longer) live
    revision = Column(Integer, nullable=False, default=0)  # bumped on every change
    updated_at = Column(DateTime, nullable=False)


class FaqVersion(Base):
    """A version of an entry: draft → in_review → published (or rejected); a published
    version is superseded by the next one."""

    __tablename__ = "faq_version"
    id = Column(Integer, primary_key=True)
    entry_id = Column(ForeignKey("faq_entry.id"), nullable=False, index=True)
    number = Column(Integer, nullable=False)
    question = Column(String(200), nullable=False)
    paraphrases = Column(Text, nullable=False, default="")  # one per line
    answer = Column(Text, nullable=False)
    category = Column(String(40), nullable=False)
    link = Column(String(300), nullable=False, default="")
    placeholder = Column(Boolean, nullable=False, default=False)
    source = Column(Text, nullable=False, default="")
    # draft | in_review | published | rejected | superseded (was published) | discarded
    state = Column(String(16), nullable=False)
    author_id = Column(ForeignKey("staff_user.id"))
    reviewer_id = Column(ForeignKey("staff_user.id"))
    review_comment = Column(Text, nullable=False, default="")
    created_at = Column(DateTime, nullable=False)
    reviewed_at = Column(DateTime)
    __table_args__ = (UniqueConstraint("entry_id", "number"),)


class AuditLog(Base):
    """Who did what to which FAQ entry, when (append-only)."""

    __tablename__ = "audit_log"
    id = Column(Integer, primary_key=True)
    at = Column(DateTime, nullable=False, index=True)
    user_id = Column(ForeignKey("staff_user.id"))  # NULL: the system (setup import)
    action = Column(String(30), nullable=False)
    entry_id = Column(ForeignKey("faq_entry.id"))
    version_id = Column(ForeignKey("faq_version.id"))
    detail = Column(Text, nullable=False, default="")


class UnansweredQuestion(Base):
    """A reader question the assistant could not answer well (fallback, low confidence)."""

    __tablename__ = "unanswered_question"
    id = Column(Integer, primary_key=True)
    text = Column(Text, nullable=False)
    channel = Column(String(32), nullable=False)
    reason = Column(String(20), nullable=False)  # nlu_fallback | no_faq_match | unsure
    asked_at = Column(DateTime, nullable=False, index=True)
    status = Column(String(16), nullable=False, default="open")  # open | drafted | dismissed
    entry_id = Column(ForeignKey("faq_entry.id"))


# --- Handing readers to staff: duty schedule, tickets, relay to channels -----------


class DutyShift(Base):
    """When librarians answer at the online desk (weekday 0 = Monday)."""

    __tablename__ = "duty_shift"
    id = Column(Integer, primary_key=True)
    weekday = Column(Integer, nullable=False)
    starts = Column(Time, nullable=False)
    ends = Column(Time, nullable=False)
    department = Column(String(40), nullable=False, default="咨询部")


class Ticket(Base):
    """A reader handed to staff. While it is open the assistant stays silent in that
    conversation and the reader's messages go to the ticket."""

    __tablename__ = "ticket"
    id = Column(Integer, primary_key=True)
    channel = Column(String(32), nullable=False)
    sender_id = Column(String(128), nullable=False)
    reader_card = Column(String(32))  # set if the reader verified their card
    topic = Column(String(40), nullable=False)  # request_human | reference | complaint | fallback
    summary = Column(Text, nullable=False, default="")
    department = Column(String(40), nullable=False, default="咨询部")
    status = Column(String(16), nullable=False)  # waiting | claimed | closed
    staff_id = Column(ForeignKey("staff_user.id"))
    staff_name = Column(String(60), nullable=False, default="")
    created_at = Column(DateTime, nullable=False, index=True)
    claimed_at = Column(DateTime)
    closed_at = Column(DateTime)
    outcome = Column(String(20))  # answered | referred | unanswerable | no_reply | spam
    rating_state = Column(String(10), nullable=False, default="")  # "" | asked | given
    rating = Column(Integer)  # 1-5
    __table_args__ = (Index("ix_ticket_conversation", "channel", "sender_id", "status"),)


class TicketMessage(Base):
    """One line of a ticket's transcript. `author`: history (the conversation before
    the handoff, `text` prefixed by who said it), reader, staff, note (internal, never
    sent), system (events such as claimed, transferred, delivery failed)."""

    __tablename__ = "ticket_message"
    id = Column(Integer, primary_key=True)
    ticket_id = Column(ForeignKey("ticket.id"), nullable=False, index=True)
    author = Column(String(10), nullable=False)
    staff_id = Column(ForeignKey("staff_user.id"))
    staff_name = Column(String(60), nullable=False, default="")
    text = Column(Text, nullable=False)
    created_at = Column(DateTime, nullable=False)
    # The channel's id of a reader message (e.g. WeChat MsgId): a redelivery is stored once.
    delivery_key = Column(String(100))
    __table_args__ = (UniqueConstraint("ticket_id", "delivery_key"),)


class OutboxMessage(Base):
    """A message for a reader, stored before it is sent and kept until delivered
    (or marked failed, which staff see). Push channels (wechat, telegram) are sent by
    the relay; pull channels (widget, rest) are fetched by the reader's client."""

    __tablename__ = "outbox_message"
    id = Column(Integer, primary_key=True)
    ticket_id = Column(ForeignKey("ticket.id"), index=True)
    channel = Column(String(32), nullable=False)
    recipient = Column(String(128), nullable=False)
    payload = Column(Text, nullable=False)  # JSON: {"text": ..., "buttons": [...]}
    status = Column(String(10), nullable=False, default="pending")  # pending | sent | failed
    attempts = Column(Integer, nullable=False, default=0)
    next_attempt_at = Column(DateTime, nullable=False)
    last_error = Column(Text, nullable=False, default="")
    created_at = Column(DateTime, nullable=False)
    sent_at = Column(DateTime)
    __table_args__ = (
        Index("ix_outbox_due", "status", "next_attempt_at"),
        Index("ix_outbox_recipient", "channel", "recipient", "id"),
    )


class InboundMessage(Base):
    """A channel's message id already taken in (WeChat MsgId, Telegram update_id), with
    the replies once ready: a redelivered message is answered, never processed twice."""

    __tablename__ = "inbound_message"
    id = Column(Integer, primary_key=True)
    channel = Column(String(32), nullable=False)
    message_key = Column(String(128), nullable=False)
    received_at = Column(DateTime, nullable=False, index=True)
    #: the reader to answer (WeChat openid, Telegram chat id); NULL when none is owed
    sender = Column(String(128))
    replies = Column(Text)  # JSON list of reply dicts; NULL while still being processed
    __table_args__ = (UniqueConstraint("channel", "message_key"),)


class StaffChatPost(Base):
    """A message the staff Telegram bot posted in a staff group about a ticket, so a
    staff member's reply to it reaches the right ticket."""

    __tablename__ = "staff_chat_post"
    id = Column(Integer, primary_key=True)
    chat_id = Column(String(40), nullable=False)
    message_id = Column(Integer, nullable=False)
    ticket_id = Column(ForeignKey("ticket.id"), nullable=False)
    __table_args__ = (UniqueConstraint("chat_id", "message_id"),)


class RelayCursor(Base):
    """How far a relay (e.g. the staff Telegram feed) has read an append-only table."""

    __tablename__ = "relay_cursor"
    name = Column(String(40), primary_key=True)
    last_id = Column(Integer, nullable=False, default=0)


class CannedReply(Base):
    """A ready-made reply staff can insert at the desk."""

    __tablename__ = "canned_reply"
    id = Column(Integer, primary_key=True)
    title = Column(String(60), nullable=False)
    text = Column(Text, nullable=False)


# --- Digital-resource directory (数字资源导航): the FAQ's editorial workflow -------------


class ResourceEntry(Base):
    """One e-resource of the directory; what readers get is its published version."""

    __tablename__ = "resource_entry"
    id = Column(Integer, primary_key=True)
    key = Column(String(60), nullable=False, unique=True)  # stable id, e.g. res-ebooks
    published_version_id = Column(Integer)  # resource_version.id; NULL: not (or no longer) live
    revision = Column(Integer, nullable=False, default=0)  # bumped on every change
    updated_at = Column(DateTime, nullable=False)


class ResourceVersion(Base):
    """A version of a resource, with the FAQ's states (draft → in_review → published …)."""

    __tablename__ = "resource_version"
    id = Column(Integer, primary_key=True)
    entry_id = Column(ForeignKey("resource_entry.id"), nullable=False, index=True)
    number = Column(Integer, nullable=False)
    name = Column(String(100), nullable=False)
    kind = Column(String(16), nullable=False)  # ebook | journal | newspaper | audio | ...
    subjects = Column(Text, nullable=False, default="")  # one per line
    audience = Column(String(60), nullable=False, default="")  # codes, one per line
    access = Column(String(60), nullable=False, default="")  # onsite | remote | app, per line
    access_note = Column(Text, nullable=False, default="")
    url = Column(String(300), nullable=False, default="")
    description = Column(Text, nullable=False)
    placeholder = Column(Boolean, nullable=False, default=False)
    source = Column(Text, nullable=False, default="")
    state = Column(String(16), nullable=False)
    author_id = Column(ForeignKey("staff_user.id"))
    reviewer_id = Column(ForeignKey("staff_user.id"))
    review_comment = Column(Text, nullable=False, default="")
    created_at = Column(DateTime, nullable=False)
    reviewed_at = Column(DateTime)
    __table_args__ = (UniqueConstraint("entry_id", "number"),)


class ResourceAuditLog(Base):
    """Who did what to which directory entry, when (append-only)."""

    __tablename__ = "resource_audit_log"
    id = Column(Integer, primary_key=True)
    at = Column(DateTime, nullable=False, index=True)
    user_id = Column(ForeignKey("staff_user.id"))  # NULL: the system (setup import)
    action = Column(String(30), nullable=False)
    entry_id = Column(ForeignKey("resource_entry.id"))
    version_id = Column(ForeignKey("resource_version.id"))
    detail = Column(Text, nullable=False, default="")


# --- Consultation statistics (bot/statistics/): no text, no sender id, no card ----------


class ConsultationEvent(Base):
    """One question a reader asked, as statistics: when, on which channel, what they got
    (a message with several questions is several rows, `part` 0, 1 …). `conversation`
    is a keyed hash of the channel's conversation that changes every day
    (bot/statistics/capture.py); no text, sender id or card number is kept."""

    __tablename__ = "consultation_event"
    id = Column(Integer, primary_key=True)
    at = Column(DateTime, nullable=False)
    day = Column(Date, nullable=False, index=True)
    hour = Column(Integer, nullable=False)
    channel = Column(String(16), nullable=False)  # widget | wechat | telegram | rest
    conversation = Column(String(24), nullable=False)
    new_conversation = Column(Boolean, nullable=False)
    part = Column(Integer, nullable=False, default=0)
    kind = Column(String(24), nullable=False)  # the reply's outcome kind (bot/outcome.py)
    # the FAQ entry answered; on a handoff, the entry answered just before it
    faq_key = Column(String(60), nullable=False, default="")
    # answered | unanswered | handoff | staff (sent to a librarian's ticket) | feedback
    outcome = Column(String(10), nullable=False)
    done = Column(Integer, nullable=False, default=0)  # holds placed, loans renewed …
    reply_ms = Column(Integer)  # until the assistant's reply was ready (NULL: no reply)
    rating = Column(Integer)  # reader feedback on an FAQ answer: 1 helpful, -1 not
    __table_args__ = (Index("ix_consultation_event_conversation", "conversation", "id"),)


class ConsultationDaily(Base):
    """Consultation events of one closed day counted by channel and outcome."""

    __tablename__ = "consultation_daily"
    id = Column(Integer, primary_key=True)
    day = Column(Date, nullable=False, index=True)
    channel = Column(String(16), nullable=False)
    outcome = Column(String(10), nullable=False)
    questions = Column(Integer, nullable=False)  # events
    messages = Column(Integer, nullable=False)  # events with part 0
    conversations = Column(Integer, nullable=False)  # events that began a conversation
    reply_ms = Column(Integer, nullable=False)  # sum over the events with a reply time
    replies = Column(Integer, nullable=False)  # events with a reply time
    __table_args__ = (UniqueConstraint("day", "channel", "outcome"),)


class ConsultationHourly(Base):
    """Reader messages of one closed day by hour (the busiest hours of the week)."""

    __tablename__ = "consultation_hourly"
    id = Column(Integer, primary_key=True)
    day = Column(Date, nullable=False, index=True)
    hour = Column(Integer, nullable=False)
    messages = Column(Integer, nullable=False)
    __table_args__ = (UniqueConstraint("day", "hour"),)


class ConsultationDailyTopic(Base):
    """Consultation events of one closed day counted by outcome kind and FAQ entry."""

    __tablename__ = "consultation_daily_topic"
    id = Column(Integer, primary_key=True)
    day = Column(Date, nullable=False, index=True)
    kind = Column(String(24), nullable=False)
    faq_key = Column(String(60), nullable=False)
    outcome = Column(String(10), nullable=False)
    questions = Column(Integer, nullable=False)
    done = Column(Integer, nullable=False)
    rated_up = Column(Integer, nullable=False)
    rated_down = Column(Integer, nullable=False)
    __table_args__ = (UniqueConstraint("day", "kind", "faq_key", "outcome"),)


class ConsultationAggregatedDay(Base):
    """A closed day whose events are counted in the daily tables."""

    __tablename__ = "consultation_aggregated_day"
    day = Column(Date, primary_key=True)
    aggregated_at = Column(DateTime, nullable=False)
