"""Checks of what arrives at the WeChat webhook, and AES "safe mode" encryption.

Every check raises RefusedError(status, reason); the reason is logged, never the content.

- signature: sha1 of the sorted [token, timestamp, nonce] (WeChat's server URL check and
  every message); in plain mode it does not cover the body, which is why the timestamp
  must be within MAX_CLOCK_SKEW_SECONDS and messages are deduplicated by MsgId;
- safe mode: msg_signature = sha1 of the sorted [token, timestamp, nonce, Encrypt]
  covers the body; Encrypt is base64(AES-256-CBC(key, iv=key[:16], PKCS#7 to 32 bytes)
  of 16 random bytes + 4-byte big-endian length + XML + AppID));
- XML: UTF-8 only, no DOCTYPE or entity declarations (refused before anything is
  expanded), bounded size.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import struct
import time
from collections.abc import Mapping
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from wechatpy.crypto import WeChatCrypto
from wechatpy.crypto.cryptography import WeChatCipher
from wechatpy.utils import WeChatSigner

MAX_BODY_BYTES = 64 * 1024
MAX_CLOCK_SKEW_SECONDS = 300


class RefusedError(Exception):
    """A request the webhook refuses with an HTTP status (the reason is for the log)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def signature(*parts: str) -> str:
    """WeChat's signature: sha1 of the sorted parts, concatenated."""
    signer = WeChatSigner()
    signer.add_data(*parts)
    return signer.signature


def _same(expected: str, given: str) -> bool:
    """Constant-time comparison (also of non-ASCII input, which compare_digest refuses
    as str)."""
    return hmac.compare_digest(expected.encode(), given.encode("utf-8", "replace"))


def check_request(token: str, query: Mapping[str, str], now: float | None = None) -> None:
    """The query's signature is WeChat's and its timestamp is recent (not a replay)."""
    timestamp, nonce = query.get("timestamp", ""), query.get("nonce", "")
    expected = signature(token, timestamp, nonce)
    if not _same(expected, query.get("signature", "")):
        raise RefusedError(403, "bad signature")
    try:
        skew = abs((time.time() if now is None else now) - int(timestamp))
    except ValueError:
        raise RefusedError(403, "timestamp is not a number") from None
    if skew > MAX_CLOCK_SKEW_SECONDS:
        raise RefusedError(403, f"timestamp {skew:.0f} s away from now (replay?)")


def check_body_size(body: bytes) -> None:
    if len(body) > MAX_BODY_BYTES:
        raise RefusedError(413, f"body of {len(body)} bytes")


def parse_xml(data: bytes) -> dict[str, str]:
    """WeChat's flat <xml><Field>value</Field>…</xml> as a dict; refuses non-UTF-8,
    malformed XML and any DTD or entity declaration (nothing is expanded)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise RefusedError(400, "body is not UTF-8") from None
    try:
        root: Element = fromstring(text, forbid_dtd=True, forbid_entities=True,
                                   forbid_external=True)
    except DefusedXmlException as error:
        raise RefusedError(400, f"forbidden XML construct ({type(error).__name__})") from None
    except ParseError:
        raise RefusedError(400, "malformed XML") from None
    if root.tag != "xml":
        raise RefusedError(400, f"unexpected XML root <{root.tag[:20]}>")
    return {child.tag: (child.text or "") for child in root}


class SafeMode:
    """AES "safe mode" of one official account (EncodingAESKey: 43 base64 characters)."""

    def __init__(self, token: str, aes_key: str, app_id: str) -> None:
        try:
            self.key = base64.b64decode(aes_key + "=", validate=True)
        except binascii.Error:
            raise ValueError("WECHAT_ENCODING_AES_KEY is not base64") from None
        if len(self.key) != 32:
            raise ValueError("WECHAT_ENCODING_AES_KEY must be 43 characters (32 bytes)")
        self.token = token
        self.app_id = app_id
        self._crypto = WeChatCrypto(token, aes_key, app_id)

    def decrypt(self, fields: Mapping[str, str], query: Mapping[str, str]) -> bytes:
        """The XML inside the envelope, after checking msg_signature and the AppID."""
        encrypted = fields.get("Encrypt", "")
        expected = signature(self.token, query.get("timestamp", ""), query.get("nonce", ""),
                             encrypted)
        if not encrypted or not _same(expected, query.get("msg_signature", "")):
            raise RefusedError(403, "bad msg_signature")
        try:
            plain = WeChatCipher(self.key).decrypt(base64.b64decode(encrypted, validate=True))
        except (binascii.Error, ValueError):
            raise RefusedError(400, "undecryptable Encrypt") from None
        pad = plain[-1] if plain else 0
        if not 1 <= pad <= 32 or plain[-pad:] != bytes([pad]) * pad or len(plain) < 20 + pad:
            raise RefusedError(400, "undecryptable Encrypt (padding)")
        content = plain[16:-pad]
        (length,) = struct.unpack(">I", content[:4])
        if length > len(content) - 4:
            raise RefusedError(400, "undecryptable Encrypt (length)")
        if content[4 + length:] != self.app_id.encode("utf-8"):
            raise RefusedError(403, "wrong AppID in the encrypted message")
        return content[4:4 + length]

    def encrypt(self, xml: str, nonce: str, timestamp: str) -> str:
        """A passive reply in WeChat's encrypted envelope (signed)."""
        return self._crypto.encrypt_message(xml, nonce, timestamp)
