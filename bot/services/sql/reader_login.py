"""Reader-card verification in a conversation, and what keeps it safe.

- Throttling: failures are recorded (login_failure) and counted per conversation
  (5 in 15 minutes), per client address (10 in 15 minutes; the widget's and the REST
  channel's callers) and per card (10 in an hour from anywhere locks the card for an
  hour). The failure that reaches a conversation's or an address's limit is itself
  answered as throttled (no password is asked for that could not be checked). A card
  lock does not apply to conversations in which the reader verified this card before,
  so nobody can keep a reader out of their own WeChat or Telegram by typing wrong
  passwords for their card elsewhere; those conversations still have their own limit.
  A person at a counter who mistypes twice never notices any of it.
- One answer for an unknown card and a wrong password (the same work is done for
  both: an unknown card is checked against a dummy hash). Old hashes are replaced by
  Argon2id ones on the next successful verification. A blocked or expired card
  is reported whatever password is given, so the answer never confirms a password.
- A verified session remembers a digest of the password hash it was verified with: a
  changed password ends it; a card lock ends every session of that card.
- Sessions may have an idle timeout (the widget on a shared computer).
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from bot import clock
from bot.db.models import LoginFailure, PasswordPrompt, Reader, ReaderSession
from bot.services.interface import PendingPassword, ReaderRef, Verification
from bot.services.passwords import (
    check_password,
    check_password_of_nobody,
    hash_password,
    needs_rehash,
)
from bot.services.sql.session import SqlStore

SESSION_LIFETIME = timedelta(hours=12)
PASSWORD_PROMPT_LIFETIME = timedelta(minutes=5)
#: after a refusal, how long the conversation's next message is treated with caution
CAUTION_LIFETIME = timedelta(minutes=5)
THROTTLE_WINDOW = timedelta(minutes=15)
CONVERSATION_LIMIT = 5
CLIENT_LIMIT = 10
CARD_WINDOW = timedelta(hours=1)
CARD_LIMIT = 10
CARD_LOCK = timedelta(hours=1)


def credential_stamp(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()


class SqlReaderLogin:
    def __init__(self, store: SqlStore) -> None:
        self.store = store

    def verify_reader(
        self, card_number: str, password: str, channel: str, sender_id: str,
        client: str | None = None, idle_seconds: int | None = None,
    ) -> Verification:
        """Checks a card's password for this conversation (and client address)."""
        now = clock.now()
        card = card_number.strip().upper()
        with self.store.session() as session:
            if self._throttled(session, channel, sender_id, client, now):
                return Verification.THROTTLED
            reader = session.execute(
                select(Reader).where(Reader.card_number == card).with_for_update()
            ).scalar_one_or_none()
            if (reader is not None and reader.locked_until and reader.locked_until > now
                    and not self._trusted(session, reader.id, channel, sender_id)):
                return Verification.LOCKED
            reader, refused = self._check_card(session, reader, card, password, now)
            if refused in (Verification.UNKNOWN_CARD, Verification.WRONG_PASSWORD):
                self._fail(session, card, channel, sender_id, client, now)
                if reader is not None:
                    self._lock_if_attacked(session, reader, now)
                # The failure that uses up the last try says so, rather than inviting
                # a password the next message would not be allowed to check.
                if self._throttled(session, channel, sender_id, client, now):
                    return Verification.THROTTLED
            if refused is not None or reader is None:
                return refused or Verification.UNKNOWN_CARD
            session.execute(delete(LoginFailure).where(
                (LoginFailure.card_number == card)
                | ((LoginFailure.channel == channel) & (LoginFailure.sender_id == sender_id))))
            self._remember(session, reader, channel, sender_id, idle_seconds, now)
            return Verification.VERIFIED

    def _check_card(self, session: Session, reader: Reader | None, card: str, password: str,
                    now: datetime) -> tuple[Reader | None, Verification | None]:
        """The card's reader row and why the card or the password is refused (None: the
        password is right). Here the reader table decides; an ILS adapter asks the ILS
        and keeps its patron in the reader table (the row sessions and locks refer to)."""
        if reader is None:
            check_password_of_nobody(password)
            return None, Verification.UNKNOWN_CARD
        if reader.status != "active":
            return reader, Verification.CARD_BLOCKED
        if reader.expires_on < now.date():
            return reader, Verification.CARD_EXPIRED
        if not check_password(password, reader.password_hash):
            return reader, Verification.WRONG_PASSWORD
        if needs_rehash(reader.password_hash):  # e.g. a PBKDF2 hash from before Argon2
            reader.password_hash = hash_password(password)
        return reader, None

    @staticmethod
    def _throttled(session: Session, channel: str, sender: str, client: str | None,
                   now: datetime) -> bool:
        since = now - THROTTLE_WINDOW
        recent = select(func.count()).select_from(LoginFailure).where(
            LoginFailure.failed_at > since)
        if session.execute(recent.where(
                LoginFailure.channel == channel, LoginFailure.sender_id == sender)
                ).scalar_one() >= CONVERSATION_LIMIT:
            return True
        return client is not None and session.execute(
            recent.where(LoginFailure.client == client)).scalar_one() >= CLIENT_LIMIT

    @staticmethod
    def _fail(session: Session, card: str, channel: str, sender: str, client: str | None,
              now: datetime) -> None:
        session.add(LoginFailure(card_number=card[:32], channel=channel, sender_id=sender,
                                 client=client, failed_at=now))
        session.flush()

    @staticmethod
    def _lock_if_attacked(session: Session, reader: Reader, now: datetime) -> None:
        failures = session.execute(
            select(func.count()).select_from(LoginFailure).where(
                LoginFailure.card_number == reader.card_number,
                LoginFailure.failed_at > now - CARD_WINDOW)
        ).scalar_one()
        if failures >= CARD_LIMIT:
            reader.locked_until = now + CARD_LOCK
            session.execute(update(ReaderSession).where(
                ReaderSession.reader_id == reader.id, ReaderSession.expires_at > now
            ).values(expires_at=now).execution_options(synchronize_session=False))

    @staticmethod
    def _trusted(session: Session, reader_id: int, channel: str, sender: str) -> bool:
        """The reader verified this card in this conversation before."""
        return session.execute(select(ReaderSession.id).where(
            ReaderSession.reader_id == reader_id, ReaderSession.channel == channel,
            ReaderSession.sender_id == sender)).first() is not None

    @staticmethod
    def _remember(session: Session, reader: Reader, channel: str, sender: str,
                  idle_seconds: int | None, now: datetime) -> None:
        existing = session.execute(
            select(ReaderSession).where(
                ReaderSession.channel == channel, ReaderSession.sender_id == sender
            )
        ).scalar_one_or_none()
        if existing is None:
            existing = ReaderSession(channel=channel, sender_id=sender)
            session.add(existing)
        existing.reader_id = reader.id
        existing.expires_at = now + SESSION_LIFETIME
        existing.credential_stamp = credential_stamp(reader.password_hash)
        existing.idle_seconds = idle_seconds
        existing.last_seen_at = now

    # --- the password prompt ------------------------------------------------------

    def expect_password(self, channel: str, sender_id: str, card_number: str) -> None:
        """Remembers that the next message of this conversation is a password."""
        self._prompt(channel, sender_id, card_number, "prompt", PASSWORD_PROMPT_LIFETIME)

    def expect_caution(self, channel: str, sender_id: str) -> None:
        """The next message may be a password although none is expected (after a
        refusal): the channel does not pass it on if it looks like one."""
        self._prompt(channel, sender_id, "", "caution", CAUTION_LIFETIME)

    def _prompt(self, channel: str, sender_id: str, card_number: str, kind: str,
                lifetime: timedelta) -> None:
        with self.store.session() as session:
            session.execute(delete(PasswordPrompt).where(
                PasswordPrompt.channel == channel, PasswordPrompt.sender_id == sender_id))
            session.add(PasswordPrompt(
                channel=channel, sender_id=sender_id, card_number=card_number, kind=kind,
                expires_at=clock.now() + lifetime,
            ))

    def take_password_prompt(self, channel: str, sender_id: str) -> PendingPassword | None:
        """What this conversation's next message may be, once: a password to check, or
        (an expired prompt, a caution) probably a password."""
        with self.store.session() as session:
            prompt = session.execute(select(PasswordPrompt).where(
                PasswordPrompt.channel == channel, PasswordPrompt.sender_id == sender_id
            )).scalar_one_or_none()
            if prompt is None:
                return None
            session.delete(prompt)
            live = prompt.expires_at > clock.now()
            if prompt.kind == "caution":
                return PendingPassword(None) if live else None
            return PendingPassword(prompt.card_number if live else None)

    # --- sessions -----------------------------------------------------------------

    def verified_reader(self, channel: str, sender_id: str) -> ReaderRef | None:
        now = clock.now()
        with self.store.session() as session:
            row = session.execute(
                select(Reader.id, Reader.card_number, Reader.name, Reader.password_hash,
                       ReaderSession.credential_stamp, ReaderSession.idle_seconds,
                       ReaderSession.last_seen_at)
                .join(ReaderSession, ReaderSession.reader_id == Reader.id)
                .where(
                    ReaderSession.channel == channel,
                    ReaderSession.sender_id == sender_id,
                    ReaderSession.expires_at > now,
                )
            ).first()
        if row is None or row.credential_stamp != credential_stamp(row.password_hash):
            return None
        if row.idle_seconds is not None and (
                row.last_seen_at is None
                or row.last_seen_at + timedelta(seconds=row.idle_seconds) <= now):
            return None
        return ReaderRef(row.id, row.card_number, row.name)

    def touch_reader_session(self, channel: str, sender_id: str) -> None:
        """The reader is active: an idle timeout counts from now (if not yet passed)."""
        now = clock.now()
        with self.store.session() as session:
            found = session.execute(select(ReaderSession).where(
                ReaderSession.channel == channel, ReaderSession.sender_id == sender_id,
                ReaderSession.idle_seconds.is_not(None), ReaderSession.expires_at > now,
            )).scalar_one_or_none()
            if found is not None and found.last_seen_at is not None and (
                    found.last_seen_at + timedelta(seconds=found.idle_seconds) > now):
                found.last_seen_at = now

    def end_reader_session(self, channel: str, sender_id: str) -> bool:
        """Signs the reader out of this conversation; True if they were signed in."""
        now = clock.now()
        with self.store.session() as session:
            ended = session.execute(update(ReaderSession).where(
                ReaderSession.channel == channel, ReaderSession.sender_id == sender_id,
                ReaderSession.expires_at > now,
            ).values(expires_at=now).execution_options(synchronize_session=False))
            return bool(ended.rowcount)
