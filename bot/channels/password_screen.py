"""Does a message look like a password typed where none was asked for?

Readers sometimes type their password again after a lockout, after the prompt timed
out, or out of nowhere. Such a message must not reach Rasa (its tracker store, its
logs, the unanswered-questions inbox). A message is taken as a password when it is one
token without Chinese characters that is not something else a reader types (a card
number, an ISBN, a number, a command, an address); normally it must mix letters and
digits ("reader123"), and when a password is likely (right after a refusal or an
expired prompt) any such token of four characters or more counts.
"""

from __future__ import annotations

import re

_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")
_CARD = re.compile(r"^JL\d{8}$", re.IGNORECASE)
_ISBN = re.compile(r"^(?:ISBN[:：]?)?[0-9][0-9-]{8,16}[0-9Xx]$", re.IGNORECASE)
_NOT_PASSWORDS = re.compile(r"^(?:/|https?:|www\.)|@.+\.", re.IGNORECASE)
_LETTER = re.compile(r"[A-Za-z]")
_DIGIT = re.compile(r"\d")
MIN_LENGTH, MAX_LENGTH = 4, 64


def looks_like_password(text: str, likely: bool = False) -> bool:
    token = text.strip()
    if not MIN_LENGTH <= len(token) <= MAX_LENGTH or any(c.isspace() for c in token):
        return False
    if _CJK.search(token) or _CARD.match(token) or _ISBN.match(token):
        return False
    if _NOT_PASSWORDS.search(token):
        return False
    if likely:
        return True
    return bool(_LETTER.search(token) and _DIGIT.search(token))
