"""Staff accounts and browser sessions (hashed passwords, server-side sessions).

Sign-in is throttled per account in the database, so the limit holds across processes:
MAX_FAILED_LOGINS wrong passwords in a row lock the account for LOCKOUT. A refusal
never says why (unknown user, disabled, locked or wrong password all look the same and
take about as long: an unknown user's password is checked against a dummy hash); the
reason is logged (not an unknown username: it may be a password typed in the wrong field).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from bot import clock
from bot.db.models import StaffSession, StaffUser
from bot.services.faq_model import ROLES, FaqError, StaffRef
from bot.services.passwords import (
    check_password,
    check_password_of_nobody,
    hash_password,
    needs_rehash,
)
from bot.services.sql.session import SqlStore

SESSION_LIFETIME = timedelta(hours=8)
MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class StaffAccount:
    """An account as the administrator sees it (bot.staff_accounts list)."""

    username: str
    display_name: str
    role: str
    active: bool
    locked_until: datetime | None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _ref(user: StaffUser) -> StaffRef:
    return StaffRef(user.id, user.username, user.display_name, user.role)


def _refused(username: str, reason: str) -> None:
    """Logs why a sign-in was refused (the user is only told that it was)."""
    logger.warning("staff sign-in refused for %r: %s", username, reason)


def _blocked(user: StaffUser, now: datetime) -> str:
    """Why the account may not sign in whatever the password ("" if it may)."""
    if not user.active:
        return "account disabled"
    if user.locked_until and user.locked_until > now:
        return f"account locked until {user.locked_until}"
    return ""


class SqlStaff:
    def __init__(self, store: SqlStore) -> None:
        self.store = store

    def create_user(self, username: str, display_name: str, role: str, password: str) -> StaffRef:
        if role not in ROLES:
            raise FaqError(f"未知角色：{role}")
        with self.store.session() as session:
            if session.execute(select(StaffUser.id).where(StaffUser.username == username)).first():
                raise FaqError(f"用户名已存在：{username}")
            user = StaffUser(username=username, display_name=display_name, role=role,
                             password_hash=hash_password(password))
            session.add(user)
            session.flush()
            return _ref(user)

    def authenticate(self, username: str, password: str) -> StaffRef | None:
        """The user if the password is right and the account active and not locked.
        Slow on purpose (one password hash): call it off the event loop."""
        with self.store.session() as session:
            user = session.execute(
                select(StaffUser).where(StaffUser.username == username)
            ).scalar_one_or_none()
        if user is None:
            check_password_of_nobody(password)
            logger.warning("staff sign-in refused: unknown username")
            return None
        matches = check_password(password, user.password_hash)
        now = clock.now()
        if reason := _blocked(user, now):
            _refused(username, reason)
            return None
        if not matches:
            self._count_failure(user, now)
            return None
        values: dict[str, object] = {"failed_logins": 0, "locked_until": None}
        if needs_rehash(user.password_hash):  # older algorithm or parameters
            values["password_hash"] = hash_password(password)
        with self.store.session() as session:
            session.execute(update(StaffUser).where(StaffUser.id == user.id).values(**values))
        return _ref(user)

    def _count_failure(self, user: StaffUser, now: datetime) -> None:
        with self.store.session() as session:
            session.execute(update(StaffUser).where(StaffUser.id == user.id)
                            .values(failed_logins=StaffUser.failed_logins + 1))
            failures = session.execute(
                select(StaffUser.failed_logins).where(StaffUser.id == user.id)
            ).scalar_one()
            if failures >= MAX_FAILED_LOGINS:
                session.execute(update(StaffUser).where(StaffUser.id == user.id)
                                .values(failed_logins=0, locked_until=now + LOCKOUT))
        locked = f"; locked for {LOCKOUT}" if failures >= MAX_FAILED_LOGINS else ""
        _refused(user.username, f"wrong password ({failures} in a row){locked}")

    def set_password(self, username: str, password: str, keep_session: str = "") -> None:
        """A new password: ends every session of the user (except the cookie token
        keep_session, the one changing it) and lifts a lockout."""
        password_hash = hash_password(password)
        with self.store.session() as session:
            user = self._user(session, username)
            user.password_hash = password_hash
            user.failed_logins, user.locked_until = 0, None
            session.execute(delete(StaffSession).where(
                StaffSession.user_id == user.id,
                StaffSession.token_hash != _digest(keep_session)))

    def set_active(self, username: str, active: bool) -> None:
        """Enables or disables an account; either way lifts a lockout, and disabling
        ends the user's sessions."""
        with self.store.session() as session:
            user = self._user(session, username)
            user.active = active
            user.failed_logins, user.locked_until = 0, None
            if not active:
                session.execute(delete(StaffSession).where(StaffSession.user_id == user.id))

    def accounts(self) -> list[StaffAccount]:
        """Every account, active or not, by username."""
        now = clock.now()
        with self.store.session() as session:
            users = session.execute(select(StaffUser).order_by(StaffUser.username)).scalars()
            return [StaffAccount(user.username, user.display_name, user.role, user.active,
                                 user.locked_until if (user.locked_until or now) > now else None)
                    for user in users]

    @staticmethod
    def _user(session: Session, username: str) -> StaffUser:
        user = session.execute(
            select(StaffUser).where(StaffUser.username == username)
        ).scalar_one_or_none()
        if user is None:
            raise FaqError(f"没有这个用户：{username}")
        return user

    def open_session(self, user: StaffRef) -> tuple[str, str]:
        """A new session for the user: (cookie token, CSRF token)."""
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        with self.store.session() as session:
            session.add(StaffSession(token_hash=_digest(token), csrf_token=csrf,
                                     user_id=user.user_id,
                                     expires_at=clock.now() + SESSION_LIFETIME))
        return token, csrf

    def session_user(self, token: str) -> tuple[StaffRef, str] | None:
        """The signed-in user and the session's CSRF token, if the session is valid."""
        with self.store.session() as session:
            row = session.execute(
                select(StaffUser, StaffSession.csrf_token)
                .join(StaffSession, StaffSession.user_id == StaffUser.id)
                .where(StaffSession.token_hash == _digest(token),
                       StaffSession.expires_at > clock.now(), StaffUser.active)
            ).first()
            return (_ref(row[0]), row[1]) if row else None

    def close_session(self, token: str) -> None:
        with self.store.session() as session:
            session.execute(delete(StaffSession).where(StaffSession.token_hash == _digest(token)))

    def active_users(self) -> list[StaffRef]:
        """Every active staff account, by display name (e.g. to transfer a ticket)."""
        with self.store.session() as session:
            users = session.execute(
                select(StaffUser).where(StaffUser.active).order_by(StaffUser.display_name)
            ).scalars().all()
            return [_ref(user) for user in users]
