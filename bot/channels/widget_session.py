"""Web-widget sessions: a random id (the reader's sender id) signed with the deployment's
secret, so a client can only speak in a conversation it was given."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{32}$")


class SessionRefusedError(Exception):
    """Why a request's session is not accepted (for the log, never shown to readers)."""


def session_token(secret: str, session_id: str) -> str:
    return hmac.new(secret.encode(), session_id.encode(), hashlib.sha256).hexdigest()


def new_session(secret: str) -> dict[str, str]:
    session_id = secrets.token_urlsafe(24)  # 32 URL-safe characters
    return {"session_id": session_id, "token": session_token(secret, session_id)}


def checked_session(secret: str, session_id: object, token: object) -> str:
    """The session id if the token signs it; raises SessionRefusedError otherwise."""
    if not isinstance(session_id, str) or not SESSION_ID.match(session_id):
        raise SessionRefusedError("malformed session id")
    if not isinstance(token, str) or not token:
        raise SessionRefusedError("missing token")
    if not hmac.compare_digest(token.encode(), session_token(secret, session_id).encode()):
        raise SessionRefusedError("forged token")
    return session_id
