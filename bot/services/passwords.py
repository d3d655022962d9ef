"""Salted password hashes: Argon2id (argon2-cffi's defaults, RFC 9106's low-memory
profile: 64 MiB, 3 passes, 4 lanes; about 170 ms per hash on a shared 2-core machine).

Hashes made before Argon2 (``pbkdf2_sha256$iterations$salt$hex``) still verify;
needs_rehash() tells the caller to store a new hash once the password is known again.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

LEGACY_ALGORITHM = "pbkdf2_sha256"
MIN_PASSWORD_LENGTH = 10

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(password: str, stored: str) -> bool:
    if stored.startswith(LEGACY_ALGORITHM + "$"):
        return _check_legacy(password, stored)
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    """Whether the hash is not Argon2id with the current parameters."""
    try:
        return _hasher.check_needs_rehash(stored)
    except (InvalidHashError, ValueError):
        return True


def check_password_of_nobody(password: str) -> None:
    """Takes as long as check_password() on a real hash, for an account that does not
    exist (answers must not tell which usernames exist)."""
    check_password(password, _dummy_hash())


@cache
def _dummy_hash() -> str:
    return hash_password("no account has this password")


def password_problem(password: str, username: str) -> str | None:
    """Why a new staff password is refused (Chinese, for the user), or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"密码至少需要 {MIN_PASSWORD_LENGTH} 个字符。"
    if password.strip().casefold() == username.strip().casefold():
        return "密码不能与用户名相同。"
    return None


def _check_legacy(password: str, stored: str) -> bool:
    try:
        _algorithm, iterations, salt, expected = stored.split("$")
        rounds = int(iterations)
    except ValueError:
        return False
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), rounds)
    return hmac.compare_digest(digest.hex(), expected)
