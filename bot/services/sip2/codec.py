"""SIP2 2.00 frames (3M Standard Interchange Protocol) for the messages the assistant
uses: a two-digit command, fixed-length fields, variable fields `XXvalue|`, and the
error-detection trailer `AY<sequence 0-9>AZ<checksum>` before the closing CR.

The checksum is computed over the encoded bytes from the first byte up to and including
`AZ`: the low 16 bits of their sum, two's complement, as four upper-case hex digits.
Every frame read must carry a valid one: a missing or wrong checksum, an unknown
command or a malformed field is a FrameError, never a half-understood answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

FIELD_END = "|"
CR = b"\r"
FIELD_ID = re.compile(r"[A-Z]{2}")
TRAILER = re.compile(rb"(?:AY(\d))?AZ([0-9A-Fa-f]{4})$")

#: widths of the fixed-length part (after the command) of every message used here
FIXED_WIDTHS: dict[str, int] = {
    "93": 2,  # login: UID and PWD algorithms
    "94": 1,  # login response: ok
    "63": 3 + 18 + 10,  # patron information: language, date, summary
    "64": 14 + 3 + 18 + 6 * 4,  # status, language, date, six item counts
    "17": 18,  # item information: date
    "18": 2 + 2 + 2 + 18,  # circulation status, security marker, fee type, date
    "15": 1 + 18,  # hold: mode (+ add, - delete), date
    "16": 1 + 1 + 18,  # hold response: ok, available, date
    "29": 1 + 1 + 18 + 18,  # renew: third party allowed, no block, date, nb due date
    "30": 1 + 1 + 1 + 1 + 18,  # renew response: ok, renewal ok, magnetic, desensitize, date
    "65": 18,  # renew all: date
    "66": 1 + 4 + 4 + 18,  # renew all response: ok, renewed, unrenewed, date
    "96": 0,  # request SC resend
    "97": 0,  # request ACS resend
}


class FrameError(ValueError):
    """Bytes that are not a well-formed SIP2 message with a valid checksum."""


@dataclass(frozen=True)
class Message:
    command: str
    fixed: str = ""
    fields: tuple[tuple[str, str], ...] = ()

    def get(self, field_id: str, default: str = "") -> str:
        """The first value of a field."""
        return next((value for key, value in self.fields if key == field_id), default)

    def all(self, field_id: str) -> list[str]:
        """Every value of a repeatable field, in order."""
        return [value for key, value in self.fields if key == field_id]


def checksum(data: bytes) -> str:
    return f"{-sum(data) & 0xFFFF:04X}"


def sendable(value: str) -> bool:
    """Whether a value can travel in a variable field (no delimiter, no control bytes)."""
    return FIELD_END not in value and not any(ord(char) < 32 for char in value)


def encode(message: Message, sequence: int | None, encoding: str) -> bytes:
    """The frame of message, with `AY<sequence>` unless None (96/97 carry none)."""
    width = FIXED_WIDTHS[message.command]
    if len(message.fixed) != width:
        raise ValueError(f"{message.command}: fixed part of {width} characters expected")
    if not all(FIELD_ID.fullmatch(key) and sendable(value) for key, value in message.fields):
        raise ValueError(f"{message.command}: a field cannot be sent as it is")
    text = message.command + message.fixed + "".join(
        key + value + FIELD_END for key, value in message.fields)
    body = text.encode(encoding) + (b"" if sequence is None else b"AY%d" % (sequence % 10))
    body += b"AZ"
    return body + checksum(body).encode("ascii") + CR


def decode(frame: bytes, encoding: str) -> tuple[Message, int | None]:
    """A frame read up to its CR (without it) -> (message, its sequence number)."""
    frame = frame.lstrip(b"\n")  # the LF of a CR LF line end sent by some systems
    trailer = TRAILER.search(frame)
    if trailer is None:
        raise FrameError("no checksum")
    checked = frame[:trailer.start(2)]
    if checksum(checked) != trailer.group(2).upper().decode("ascii"):
        raise FrameError("wrong checksum")
    sequence = int(trailer.group(1)) if trailer.group(1) is not None else None
    try:
        text = frame[:trailer.start()].decode(encoding)
    except UnicodeDecodeError as error:
        raise FrameError(f"not {encoding}") from error
    command = text[:2]
    width = FIXED_WIDTHS.get(command)
    if width is None or len(text) < 2 + width:
        raise FrameError("unknown command or fixed part too short")
    fields = []
    for piece in filter(None, text[2 + width:].split(FIELD_END)):
        if not FIELD_ID.fullmatch(piece[:2]):
            raise FrameError("malformed field")
        fields.append((piece[:2], piece[2:]))
    return Message(command, text[2:2 + width], tuple(fields)), sequence


def sip_datetime(moment: datetime) -> str:
    """`YYYYMMDDZZZZHHMMSS` with a blank zone: the library's local time."""
    return moment.strftime("%Y%m%d    %H%M%S")


def sip_date(text: str) -> date | None:
    """The date at the start of a SIP2 date or date-time (`YYYYMMDD...`), if any."""
    try:
        return datetime.strptime(text.strip()[:8], "%Y%m%d").date()
    except ValueError:
        return None
