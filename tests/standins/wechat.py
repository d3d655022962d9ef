"""A stand-in of WeChat's servers, speaking the real wire format.

- WeChatPush: what WeChat's servers send to the official account's webhook: message
  XML, signed query (signature, timestamp, nonce, openid; in safe mode encrypt_type=aes
  and msg_signature over the encrypted envelope), and the reading of passive replies
  (checking their signature and decrypting them). Deliveries can be replayed or forged.
- FakeWeChatApi: api.weixin.qq.com's /cgi-bin/token, /cgi-bin/message/custom/send and
  /cgi-bin/message/template/send on
  a local port (a thread), recording what was sent; it can be told to fail.
"""

from __future__ import annotations

import itertools
import json
import random
import secrets
import string
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import httpx
from wechatpy.crypto import PrpCrypto, WeChatCrypto
from wechatpy.utils import WeChatSigner

from bot.http_json import free_port

ACCOUNT_ID = "gh_jinlinglib01"
_msg_ids = itertools.count(random.randrange(10**15, 10**16) * 100)  # 64-bit, like WeChat


def sign(*parts: str) -> str:
    signer = WeChatSigner()
    signer.add_data(*parts)
    return signer.signature


def new_aes_key() -> str:
    """An EncodingAESKey as the official account's admin generates it (43 characters)."""
    return "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(43))


def message_xml(openid: str, msg_type: str, **fields: str | int) -> str:
    """A message as WeChat pushes it (MsgId added for messages, not for events)."""
    values: dict[str, str | int] = {"ToUserName": ACCOUNT_ID, "FromUserName": openid,
                                    "CreateTime": int(time.time()), "MsgType": msg_type}
    values.update(fields)
    if msg_type != "event" and "MsgId" not in values:
        values["MsgId"] = next(_msg_ids)
    nodes = "".join(f"<{name}>{value}</{name}>" if isinstance(value, int)
                    else f"<{name}><![CDATA[{value}]]></{name}>" for name, value in values.items())
    return f"<xml>{nodes}</xml>"


@dataclass(frozen=True)
class Delivery:
    """One POST as WeChat's servers make it (replayable, forgeable)."""

    query: dict[str, str]
    body: bytes

    def forged(self, **query: str) -> Delivery:
        return replace(self, query={**self.query, **query})


@dataclass(frozen=True)
class Answer:
    status: int
    body: str


class WeChatPush:
    """WeChat's side of the official account's webhook."""

    def __init__(self, token: str, app_id: str = "", aes_key: str = "",
                 url: str = "") -> None:
        self.token, self.app_id, self.aes_key, self.url = token, app_id, aes_key, url

    def query(self, timestamp: int | None = None, **extra: str) -> dict[str, str]:
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        nonce = str(random.randrange(10**9, 10**10))
        return {"signature": sign(self.token, stamp, nonce), "timestamp": stamp,
                "nonce": nonce, **extra}

    def verification(self, echostr: str = "echo-7312", timestamp: int | None = None,
                     ) -> dict[str, str]:
        """The query of WeChat's GET server URL check."""
        return self.query(timestamp, echostr=echostr)

    def delivery(self, xml: str, timestamp: int | None = None,
                 app_id: str | None = None) -> Delivery:
        """xml as WeChat posts it: in safe mode encrypted (with app_id, normally the
        account's own) and signed with msg_signature."""
        openid = xml.split("<FromUserName><![CDATA[", 1)[-1].split("]]>", 1)[0]
        query = self.query(timestamp, openid=openid)
        if not self.aes_key:
            return Delivery(query, xml.encode("utf-8"))
        encrypted = self.encrypt(xml, self.app_id if app_id is None else app_id)
        body = (f"<xml><ToUserName><![CDATA[{ACCOUNT_ID}]]></ToUserName>"
                f"<Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>")
        query.update(encrypt_type="aes", msg_signature=sign(
            self.token, query["timestamp"], query["nonce"], encrypted))
        return Delivery(query, body.encode("utf-8"))

    def encrypt(self, xml: str, app_id: str) -> str:
        """WeChat's Encrypt field: AES-CBC of random(16) + length + xml + AppID, base64."""
        key = WeChatCrypto(self.token, self.aes_key, app_id).key
        return PrpCrypto(key).encrypt(xml, app_id).decode()

    def reply_content(self, answer: Answer, delivery: Delivery) -> str | None:
        """The text of a passive reply (checked and decrypted like WeChat does), or None
        for "success"; fails on anything WeChat would not accept."""
        assert answer.status == 200, answer
        if answer.body in ("success", ""):
            return None
        xml = answer.body
        if self.aes_key:
            crypto = WeChatCrypto(self.token, self.aes_key, self.app_id)
            envelope = {tag: xml.split(f"<{tag}>", 1)[1].split(f"</{tag}>", 1)[0]
                        for tag in ("Encrypt", "MsgSignature", "TimeStamp", "Nonce")}
            envelope = {tag: value.removeprefix("<![CDATA[").removesuffix("]]>")
                        for tag, value in envelope.items()}
            xml = crypto.decrypt_message({"Encrypt": envelope["Encrypt"]},
                                         envelope["MsgSignature"], envelope["TimeStamp"],
                                         envelope["Nonce"])
        assert "<MsgType><![CDATA[text]]></MsgType>" in xml, xml
        assert f"<FromUserName><![CDATA[{ACCOUNT_ID}]]></FromUserName>" in xml, xml
        content = xml.split("<Content><![CDATA[", 1)[1].rsplit("]]></Content>", 1)[0]
        assert len(content.encode("utf-8")) <= 2048
        return content

    async def post(self, client: httpx.AsyncClient, delivery: Delivery) -> Answer:
        reply = await client.post(self.url, params=delivery.query, content=delivery.body,
                                  headers={"Content-Type": "text/xml"})
        return Answer(reply.status_code, reply.text)


class FakeWeChatApi:
    """api.weixin.qq.com for access tokens and customer-service messages."""

    def __init__(self, app_id: str, secret: str) -> None:
        self.app_id, self.secret = app_id, secret
        self.messages: list[dict] = []
        self.tokens_issued = 0
        self._valid_tokens: set[str] = set()
        self._failures: list[tuple[int, int]] = []  # (HTTP status, errcode) per send
        self._lock = threading.Lock()
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"

    def fail_next_sends(self, errcode: int = 0, status: int = 200, times: int = 1) -> None:
        """The next `times` sends answer HTTP `status` (and errcode, if status is 200)."""
        with self._lock:
            self._failures += [(status, errcode)] * times

    def expire_tokens(self) -> None:
        with self._lock:
            self._valid_tokens.clear()

    def texts_to(self, openid: str) -> list[str]:
        """Customer-service texts and template messages' content, in order."""
        with self._lock:
            return [m["text"]["content"] if m.get("msgtype") == "text"
                    else m["data"]["content"]["value"]
                    for m in self.messages if m["touser"] == openid]

    def _token(self, query: dict[str, str]) -> tuple[int, dict]:
        if query.get("grant_type") != "client_credential" or (
                query.get("appid"), query.get("secret")) != (self.app_id, self.secret):
            return 200, {"errcode": 40125, "errmsg": "invalid appsecret"}
        with self._lock:
            token = secrets.token_hex(16)
            self._valid_tokens.add(token)
            self.tokens_issued += 1
        return 200, {"access_token": token, "expires_in": 7200}

    def _send(self, query: dict[str, str], body: bytes,
              template: bool = False) -> tuple[int, dict]:
        with self._lock:
            if query.get("access_token") not in self._valid_tokens:
                return 200, {"errcode": 40001, "errmsg": "invalid credential"}
            if self._failures:
                status, errcode = self._failures.pop(0)
                return status, {"errcode": errcode, "errmsg": "stand-in failure"}
            if b"\\u" in body:  # WeChat refuses JSON with \uXXXX escapes
                return 200, {"errcode": 40033, "errmsg": "invalid charset, include \\uxxxx"}
            message = json.loads(body.decode("utf-8"))
            if template:
                if not message.get("template_id") or not message.get("touser"):
                    return 200, {"errcode": 40037, "errmsg": "invalid template_id"}
            elif message.get("msgtype") != "text" or not message.get("touser") or not (
                    message.get("text") or {}).get("content"):
                return 200, {"errcode": 40008, "errmsg": "invalid message type"}
            self.messages.append(message)
        return 200, {"errcode": 0, "errmsg": "ok"}

    @contextmanager
    def running(self) -> Iterator[FakeWeChatApi]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, status: int, payload: dict) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _query(self) -> dict[str, str]:
                return {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}

            def do_GET(self) -> None:
                if urlsplit(self.path).path == "/cgi-bin/token":
                    self._answer(*api._token(self._query()))
                else:
                    self._answer(404, {"errcode": -1, "errmsg": "not found"})

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                path = urlsplit(self.path).path
                if path in ("/cgi-bin/message/custom/send", "/cgi-bin/message/template/send"):
                    self._answer(*api._send(self._query(), body, template="template" in path))
                else:
                    self._answer(404, {"errcode": -1, "errmsg": "not found"})

            def log_message(self, *args: object) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            server.shutdown()
            server.server_close()

