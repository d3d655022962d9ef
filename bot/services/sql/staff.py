"""Staff accounts and browser sessions (hashed passwords, server-side sessions)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import delete, select

from bot import clock
from bot.db.models import StaffSession, StaffUser
from bot.services.faq_model import ROLES, FaqError, StaffRef
from bot.services.passwords import check_password, hash_password
from bot.services.sql.session import SqlStore

SESSION_LIFETIME = timedelta(hours=8)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _ref(user: StaffUser) -> StaffRef:
    return StaffRef(user.id, user.username, user.display_name, user.role)


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
        with self.store.session() as session:
            user = session.execute(
                select(StaffUser).where(StaffUser.username == username, StaffUser.active)
            ).scalar_one_or_none()
            if user is None or not check_password(password, user.password_hash):
                return None
            return _ref(user)

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
