"""Sends outbox messages to WeChat readers as customer-service messages (客服消息), and
notices outside the 48-hour window as template messages (模板消息, POST
/cgi-bin/message/template/send with WECHAT_NOTICE_TEMPLATE_ID).

POST {WECHAT_API_BASE}/cgi-bin/message/custom/send?access_token=… with
{"touser": openid, "msgtype": "text", "text": {"content": …}}. The access token comes
from /cgi-bin/token (client_credential), is cached and renewed shortly before it expires
or when WeChat says it is invalid or expired (then the send is retried once).

WeChat accepts customer-service messages only within 48 hours of the reader's last
message (errcode 45015) and never to readers who unsubscribed or blocked the account:
those failures are permanent; anything else is retried by the relay.
"""

from __future__ import annotations

import asyncio
import json
import time

import httpx

from bot.channels.wechat_text import message_text, split_text
from bot.relay import DeliveryError
from bot.services.handoff_model import OutboxItem
from bot.settings import Settings

TIMEOUT = httpx.Timeout(10.0, connect=5.0)
JSON_HEADERS = {"Content-Type": "application/json; charset=utf-8"}
#: renew the access token this long before WeChat says it expires
TOKEN_MARGIN_SECONDS = 300
TOKEN_ERRORS = {40001, 40014, 42001}  # invalid credential / invalid token / token expired
PERMANENT_ERRORS = {
    45015: "已超过 48 小时客服消息时限，读者需要先发一条消息",
    43004: "读者已取消关注公众号",
    43019: "读者已将公众号拉黑",
}


class WeChatCustomerService:
    """The relay's sender for the "wechat" channel."""

    channel = "wechat"

    def __init__(self, settings: Settings, client: httpx.AsyncClient | None = None) -> None:
        self.base = settings.wechat_api_base.rstrip("/")
        self.app_id = settings.wechat_app_id
        self.secret = settings.wechat_app_secret
        self.template_id = settings.wechat_notice_template_id
        self.client = client or httpx.AsyncClient(timeout=TIMEOUT)
        self._token = ""
        self._expires_at = 0.0
        self._token_lock = asyncio.Lock()

    async def send(self, item: OutboxItem) -> None:
        if item.template:
            await self._send_template(item.recipient, item.text)
            return
        # A text too long for one message goes as several; a retry after a failure in
        # the middle repeats the pieces already sent.
        for piece in split_text(message_text(item.signed_text, item.buttons)):
            await self._send_text(item.recipient, piece)

    async def _send_template(self, openid: str, content: str) -> None:
        """A template (subscription) message: allowed outside the 48-hour window."""
        if not self.template_id:
            raise DeliveryError("没有配置微信模板消息（WECHAT_NOTICE_TEMPLATE_ID）",
                                permanent=True)
        await self._post("/cgi-bin/message/template/send", {
            "touser": openid, "template_id": self.template_id,
            "data": {"content": {"value": content}}})

    async def _send_text(self, openid: str, content: str) -> None:
        await self._post("/cgi-bin/message/custom/send", {
            "touser": openid, "msgtype": "text", "text": {"content": content}})

    async def _post(self, path: str, payload: dict) -> None:
        token = await self._access_token()
        errcode, errmsg = await self._post_message(path, token, payload)
        if errcode in TOKEN_ERRORS:
            token = await self._access_token(stale=token)
            errcode, errmsg = await self._post_message(path, token, payload)
        if errcode == 0:
            return
        if errcode in PERMANENT_ERRORS:
            raise DeliveryError(f"微信 {errcode}：{PERMANENT_ERRORS[errcode]}", permanent=True)
        raise DeliveryError(f"微信 {errcode}：{errmsg}")

    async def _post_message(self, path: str, token: str, payload: dict) -> tuple[int, str]:
        answer = await self._call("POST", path, {"access_token": token}, payload)
        return int(answer.get("errcode", 0)), str(answer.get("errmsg", ""))

    async def _access_token(self, stale: str = "") -> str:
        """The cached token, renewed when near expiry or when `stale` was refused."""
        async with self._token_lock:
            if self._token and self._token != stale and time.time() < self._expires_at:
                return self._token
            answer = await self._call("GET", "/cgi-bin/token", {
                "grant_type": "client_credential", "appid": self.app_id,
                "secret": self.secret,
            })
            if not answer.get("access_token"):
                raise DeliveryError(f"微信 access_token 获取失败：{answer.get('errcode')} "
                                    f"{answer.get('errmsg', '')}")
            self._token = str(answer["access_token"])
            lifetime = int(answer.get("expires_in", 7200))
            self._expires_at = time.time() + max(lifetime - TOKEN_MARGIN_SECONDS, 0)
            return self._token

    async def _call(self, method: str, path: str, params: dict[str, str],
                    payload: dict | None = None) -> dict:
        # WeChat wants the text as UTF-8, not as \u escapes.
        body = None if payload is None else json.dumps(payload, ensure_ascii=False).encode()
        try:
            reply = await self.client.request(method, self.base + path, params=params,
                                              content=body, headers=JSON_HEADERS)
            reply.raise_for_status()
            answer = reply.json()
        except httpx.HTTPStatusError as error:
            status = error.response.status_code
            raise DeliveryError(f"微信接口 {path} 返回 HTTP {status}") from None
        except (httpx.HTTPError, ValueError) as error:
            # The URL holds the secret or the token: say which path failed, not the URL.
            raise DeliveryError(f"微信接口 {path} 不可用：{type(error).__name__}") from None
        if not isinstance(answer, dict):
            raise DeliveryError(f"微信接口 {path} 返回了意外的内容")
        return answer

    async def aclose(self) -> None:
        await self.client.aclose()
