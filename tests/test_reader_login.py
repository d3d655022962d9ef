"""Reader-card verification under attack, on SQLite and PostgreSQL: throttling per
conversation, per client address and per card; sessions that end on a lock, a changed
password, an idle timeout or 退出登录; uniform answers; old hashes upgraded."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from bot import clock, wiring
from bot.db.engine import session_factory
from bot.db.models import Reader
from bot.services.interface import LibraryServices, PendingPassword, Verification
from bot.services.passwords import hash_password
from bot.services.sql.reader_login import CARD_LIMIT, CLIENT_LIMIT, CONVERSATION_LIMIT
from bot.settings import clock_offset_seconds, load_settings
from tests.library_db import BACKENDS, fresh_database

PASSWORD = "reader123"
pytestmark = pytest.mark.dates


@pytest.fixture(scope="module", params=BACKENDS)
def url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
        ) -> Iterator[str]:
    with fresh_database(request.param, tmp_path_factory.mktemp("login")) as database_url:
        yield database_url


@pytest.fixture(scope="module")
def library(url: str) -> LibraryServices:
    return wiring.library_services(load_settings().with_database(url))


@contextmanager
def later(minutes: float) -> Iterator[None]:
    """The library's clock, moved forward for the block."""
    before = clock_offset_seconds()
    clock.set_offset(before + minutes * 60)
    try:
        yield
    finally:
        clock.set_offset(before)


def new_card(url: str, password_hash: str | None = None) -> str:
    card = f"JL8{secrets.randbelow(10**7):07d}"
    with session_factory(url).begin() as session:
        session.add(Reader(card_number=card, name="测试读者", card_type_code="adult",
                           expires_on=clock.today() + timedelta(days=30),
                           password_hash=password_hash or hash_password(PASSWORD)))
    return card


def conversation() -> str:
    return uuid.uuid4().hex


def test_one_conversation_is_throttled_after_a_few_failures(
        url: str, library: LibraryServices) -> None:
    verify, card, talk = library.circulation.verify_reader, new_card(url), conversation()
    for _ in range(CONVERSATION_LIMIT - 1):
        assert verify(card, "wrong", "test", talk) is Verification.WRONG_PASSWORD
    # The failure that uses up the last try says so ...
    assert verify(card, "wrong", "test", talk) is Verification.THROTTLED
    # ... and even the right password is not checked now, from this conversation ...
    assert verify(card, PASSWORD, "test", talk) is Verification.THROTTLED
    # ... nor for another card (43 cards × one password from one sender).
    assert verify(new_card(url), PASSWORD, "test", talk) is Verification.THROTTLED
    # The card itself is not locked: its reader signs in elsewhere.
    assert verify(card, PASSWORD, "test", conversation()) is Verification.VERIFIED
    with later(16):
        assert verify(card, PASSWORD, "test", talk) is Verification.VERIFIED


def test_unknown_cards_count_as_failures_too(url: str, library: LibraryServices) -> None:
    verify, talk = library.circulation.verify_reader, conversation()
    for number in range(CONVERSATION_LIMIT - 1):
        assert verify(f"JL9{number:07d}", PASSWORD, "test", talk) is Verification.UNKNOWN_CARD
    assert verify("JL98888888", PASSWORD, "test", talk) is Verification.THROTTLED
    assert verify(new_card(url), PASSWORD, "test", talk) is Verification.THROTTLED


def test_one_client_address_is_throttled_across_conversations(
        url: str, library: LibraryServices) -> None:
    verify, card = library.circulation.verify_reader, new_card(url)
    address = f"198.51.100.{secrets.randbelow(250)}"
    for _ in range(CLIENT_LIMIT - 1):  # a new widget session and card for every try
        assert verify(new_card(url), "wrong", "widget", conversation(), address) \
            is Verification.WRONG_PASSWORD
    assert verify(new_card(url), "wrong", "widget", conversation(), address) \
        is Verification.THROTTLED
    assert verify(card, PASSWORD, "widget", conversation(), address) is Verification.THROTTLED
    assert verify(card, PASSWORD, "widget", conversation(), "203.0.113.9") \
        is Verification.VERIFIED


def test_a_card_under_attack_is_locked_but_not_for_its_readers_own_conversations(
        url: str, library: LibraryServices) -> None:
    circulation, card = library.circulation, new_card(url)
    assert circulation.verify_reader(card, PASSWORD, "wechat", "own-phone") \
        is Verification.VERIFIED
    for attempt in range(CARD_LIMIT):
        assert circulation.verify_reader(card, "wrong", "widget", conversation(),
                                         f"192.0.2.{attempt}") is Verification.WRONG_PASSWORD
    # The lock ended the reader's verified session ...
    assert circulation.verified_reader("wechat", "own-phone") is None
    # ... refuses everyone else, even with the right password ...
    assert circulation.verify_reader(card, PASSWORD, "widget", conversation(), "192.0.2.99") \
        is Verification.LOCKED
    # ... but the reader's own WeChat, where this card was verified before, gets in.
    assert circulation.verify_reader(card, PASSWORD, "wechat", "own-phone") \
        is Verification.VERIFIED


def test_a_blocked_card_is_reported_whatever_the_password(
        url: str, library: LibraryServices) -> None:
    verify = library.circulation.verify_reader
    # The answer does not confirm the password: the same for a wrong and a right one.
    assert verify("JL00000004", "wrong", "test", conversation()) is Verification.CARD_BLOCKED
    assert verify("JL00000004", PASSWORD, "test", conversation()) is Verification.CARD_BLOCKED
    assert verify("JL00000005", "wrong", "test", conversation()) is Verification.CARD_EXPIRED


def test_a_changed_password_ends_verified_sessions(url: str, library: LibraryServices) -> None:
    circulation, card, talk = library.circulation, new_card(url), conversation()
    assert circulation.verify_reader(card, PASSWORD, "telegram", talk) is Verification.VERIFIED
    assert circulation.verified_reader("telegram", talk) is not None
    with session_factory(url).begin() as session:
        session.execute(update(Reader).where(Reader.card_number == card)
                        .values(password_hash=hash_password("a new secret")))
    assert circulation.verified_reader("telegram", talk) is None


def test_idle_sessions_end_and_activity_keeps_them(url: str, library: LibraryServices) -> None:
    circulation, card, talk = library.circulation, new_card(url), conversation()
    assert circulation.verify_reader(card, PASSWORD, "widget", talk, "192.0.2.200", 900) \
        is Verification.VERIFIED
    with later(10):
        circulation.touch_reader_session("widget", talk)
        assert circulation.verified_reader("widget", talk) is not None
    with later(24):
        assert circulation.verified_reader("widget", talk) is not None
    with later(26):
        assert circulation.verified_reader("widget", talk) is None
        circulation.touch_reader_session("widget", talk)  # too late to revive it
        assert circulation.verified_reader("widget", talk) is None


def test_signing_out(url: str, library: LibraryServices) -> None:
    circulation, card, talk = library.circulation, new_card(url), conversation()
    assert circulation.verify_reader(card, PASSWORD, "widget", talk) is Verification.VERIFIED
    assert circulation.end_reader_session("widget", talk) is True
    assert circulation.verified_reader("widget", talk) is None
    assert circulation.end_reader_session("widget", talk) is False


def test_prompts_and_cautions_are_taken_once(library: LibraryServices) -> None:
    circulation, talk = library.circulation, conversation()
    circulation.expect_caution("test", talk)
    assert circulation.take_password_prompt("test", talk) == PendingPassword(None)
    assert circulation.take_password_prompt("test", talk) is None
    circulation.expect_password("test", talk, "JL00000001")
    with later(6):  # expired: probably a password all the same, but none is checked
        assert circulation.take_password_prompt("test", talk) == PendingPassword(None)
    circulation.expect_caution("test", talk)
    with later(6):
        assert circulation.take_password_prompt("test", talk) is None


def test_an_old_pbkdf2_hash_is_upgraded_on_verification(
        url: str, library: LibraryServices) -> None:
    salt = "0123456789abcdef"
    digest = hashlib.pbkdf2_hmac("sha256", PASSWORD.encode(), salt.encode(), 1000).hex()
    card, talk = new_card(url, f"pbkdf2_sha256$1000${salt}${digest}"), conversation()
    assert library.circulation.verify_reader(card, PASSWORD, "test", talk) \
        is Verification.VERIFIED
    with session_factory(url).begin() as session:
        stored = session.execute(select(Reader.password_hash)
                                 .where(Reader.card_number == card)).scalar_one()
    assert stored.startswith("$argon2id$")
    # The session is stamped with the new hash, so the upgrade does not end it.
    assert library.circulation.verified_reader("test", talk) is not None
