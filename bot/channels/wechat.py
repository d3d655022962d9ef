"""The WeChat official account (公众号) as a Rasa input channel, name "wechat".

Server settings in the official account's admin: URL
``https://<host>/webhooks/wechat/webhook``, Token = WECHAT_TOKEN, EncodingAESKey =
WECHAT_ENCODING_AES_KEY (安全模式 when set, 明文模式 when empty), AppID = WECHAT_APP_ID.

- GET webhook: WeChat's server URL check (signature → `echostr` is echoed, else 403);
- POST webhook: messages (see bot.channels.wechat_security for the checks, 403/400/413;
  bot.channels.wechat_messages for what each message type does, including the custom
  menu's EventKeys OPENING_HOURS, SEARCH_BOOKS, MY_RESERVATIONS, READER_CARD, EVENTS and
  HUMAN; bot.channels.wechat_delivery for retries and the 5-second window).

The conversation is the reader's OpenID (FromUserName). Replies are text only
(bot.channels.wechat_text). With WECHAT_TOKEN empty the channel answers 503.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from wechatpy.replies import TextReply

from bot import wiring
from bot.channels.guard import guarded
from bot.channels.wechat_delivery import CHANNEL, PASSIVE_SECONDS, WeChatDelivery
from bot.channels.wechat_messages import delivery_key, reaction_to
from bot.channels.wechat_security import (
    MAX_BODY_BYTES,
    RefusedError,
    SafeMode,
    check_body_size,
    check_request,
    parse_xml,
)
from bot.settings import Settings, load_settings

logger = logging.getLogger(__name__)

NOT_CONFIGURED_TEXT = "微信公众号渠道未配置（WECHAT_TOKEN 为空）。"
KEY_INVALID_TEXT = "微信公众号渠道配置有误（WECHAT_ENCODING_AES_KEY 无效）。"
Handler = Callable[[UserMessage], Awaitable[Any]]


class WeChatEndpoint:
    """The webhook without HTTP: query and body in, status and body out."""

    def __init__(self, settings: Settings, on_message: Handler,
                 delivery: WeChatDelivery) -> None:
        self.token = settings.wechat_token
        self.on_message = on_message
        self.delivery = delivery
        self.safe_mode: SafeMode | None = None
        self.problem = "" if self.token else NOT_CONFIGURED_TEXT
        if self.token and settings.wechat_aes_key:
            try:
                self.safe_mode = SafeMode(self.token, settings.wechat_aes_key,
                                          settings.wechat_app_id)
            except ValueError as error:
                logger.error("WeChat channel disabled: %s", error)
                self.problem = KEY_INVALID_TEXT

    def verify(self, query: Mapping[str, str]) -> tuple[int, str]:
        """WeChat's server URL check."""
        if self.problem:
            return 503, self.problem
        try:
            check_request(self.token, query)
        except RefusedError as refusal:
            return self._refused(refusal)
        return 200, query.get("echostr", "")

    async def receive(self, query: Mapping[str, str], body: bytes) -> tuple[int, str]:
        """A message: 200 with a passive reply (XML) or "success"; else a refusal."""
        if self.problem:
            return 503, self.problem
        try:
            check_body_size(body)
            check_request(self.token, query)
            fields = self._open(query, body)
        except RefusedError as refusal:
            return self._refused(refusal)
        reaction = reaction_to(fields)
        openid = fields["FromUserName"]

        async def produce() -> list[dict]:
            if not reaction.question:
                return [{"text": reaction.reply}] if reaction.reply else []
            output = CollectingOutputChannel()
            await self.on_message(UserMessage(reaction.question, output, openid,
                                              input_channel=CHANNEL))
            return output.messages

        text = await self.delivery.answer(delivery_key(fields), openid, produce)
        if text is None:
            return 200, "success"
        return 200, self._passive_reply(fields, text, query)

    def _open(self, query: Mapping[str, str], body: bytes) -> dict[str, str]:
        """The message's fields, decrypted in safe mode."""
        fields = parse_xml(body)
        encrypted = query.get("encrypt_type", "raw") == "aes"
        if self.safe_mode is not None:
            if not encrypted:
                raise RefusedError(400, "plain message, but safe mode is configured")
            fields = parse_xml(self.safe_mode.decrypt(fields, query))
        elif encrypted:
            raise RefusedError(400, "encrypted message, but WECHAT_ENCODING_AES_KEY is empty")
        if not fields.get("FromUserName") or not fields.get("MsgType"):
            raise RefusedError(400, "message without FromUserName or MsgType")
        return fields

    def _passive_reply(self, fields: Mapping[str, str], text: str,
                       query: Mapping[str, str]) -> str:
        # "]]>" would end the reply's CDATA section early.
        reply = TextReply(source=fields.get("ToUserName", ""), target=fields["FromUserName"],
                          content=text.replace("]]>", "]] >"), time=int(time.time()))
        xml = reply.render()
        if self.safe_mode is None:
            return xml
        return self.safe_mode.encrypt(xml, query.get("nonce", ""), str(int(time.time())))

    @staticmethod
    def _refused(refusal: RefusedError) -> tuple[int, str]:
        logger.warning("WeChat request refused (%s): %s", refusal.status, refusal.reason)
        return refusal.status, "refused"


def _query(request: Request) -> dict[str, str]:
    return {name: values[0] for name, values in request.args.items()}


async def _bounded_body(request: Request) -> bytes:
    """The body, read no further than one byte past MAX_BODY_BYTES (an oversize body is
    refused without being held in memory)."""
    chunks, size = [], 0
    while size <= MAX_BODY_BYTES and (chunk := await request.stream.read()) is not None:
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)[:MAX_BODY_BYTES + 1]


class WeChatInput(InputChannel):
    def __init__(self, settings: Settings | None = None,
                 passive_seconds: float = PASSIVE_SECONDS) -> None:
        self.settings = settings or load_settings()
        self.passive_seconds = passive_seconds

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        settings = self.settings
        delivery = WeChatDelivery(wiring.inbound_log(settings), wiring.outbox(settings),
                                  self.passive_seconds)
        handle = guarded(on_new_message, lambda: wiring.reader_login(settings),
                         lambda: wiring.reader_desk(settings))
        endpoint = WeChatEndpoint(settings, handle, delivery)
        hook = Blueprint("wechat_webhook", __name__)

        @hook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok" if not endpoint.problem else "disabled"})

        @hook.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> HTTPResponse:
            status, body = endpoint.verify(_query(request))
            return response.text(body, status)

        @hook.route("/webhook", methods=["POST"], stream=True)
        async def receive(request: Request) -> HTTPResponse:
            status, body = await endpoint.receive(_query(request), await _bounded_body(request))
            kind = "application/xml" if body.startswith("<xml>") else "text/plain"
            return response.text(body, status, content_type=f"{kind}; charset=utf-8")

        @hook.listener("before_server_stop")
        async def finish_replies(*_: Any) -> None:
            await delivery.drain()

        return hook
