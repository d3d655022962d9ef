"""A local stand-in of the Telegram Bot API (https://core.telegram.org/bots/api).

An HTTP server on a free port answering ``/bot<token>/<method>`` like Telegram does:
parameters as query string, form fields (what python-telegram-bot sends, nested objects
as JSON strings) or a JSON body; answers ``{"ok": true, "result": ...}`` with the real
fields, or ``{"ok": false, "error_code", "description"[, "parameters"]}``.

Supported methods: getMe, sendMessage, answerCallbackQuery, editMessageText,
editMessageReplyMarkup, getUpdates (long polling with offset/timeout, fed by the test
with ``push_update``), deleteWebhook, setWebhook. Every call is recorded; a test can make
the next calls of a method fail (``fail_next``). An unknown token gets 401.

Also builds the Update objects Telegram delivers (``text_update``, ``callback_update``…).
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

JSON_PARAMS = {"reply_markup", "reply_parameters", "allowed_updates", "link_preview_options"}
BOOL_PARAMS = {"show_alert", "disable_notification", "drop_pending_updates"}
INT_PARAMS = {"chat_id", "message_id", "reply_to_message_id", "offset", "limit", "timeout"}
FAILURES: dict[str, tuple[int, str, dict[str, Any] | None]] = {
    "blocked": (403, "Forbidden: bot was blocked by the user", None),
    "chat_not_found": (400, "Bad Request: chat not found", None),
    "retry_after": (429, "Too Many Requests: retry after 3", {"retry_after": 3}),
    "server_error": (500, "Internal Server Error", None),
}
_update_ids = itertools.count(1000)


@dataclass(frozen=True)
class ApiCall:
    token: str
    method: str
    params: dict[str, Any]
    status: int
    #: what the API answered ("result" on success, e.g. the message sent)
    result: Any = None


@dataclass
class _Bot:
    user: dict[str, Any]
    updates: list[dict[str, Any]] = field(default_factory=list)
    #: (chat id, message id) -> the message as Telegram stores it
    messages: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    next_message_id: int = 1
    webhook: str = ""


class ApiError(Exception):
    def __init__(self, status: int, description: str,
                 parameters: dict[str, Any] | None = None) -> None:
        super().__init__(description)
        self.status, self.description, self.parameters = status, description, parameters


def user(user_id: int, first_name: str, username: str | None = None,
         is_bot: bool = False) -> dict[str, Any]:
    found = {"id": user_id, "is_bot": is_bot, "first_name": first_name}
    return found | ({"username": username} if username else {})


def chat(chat_id: int) -> dict[str, Any]:
    if chat_id > 0:
        return {"id": chat_id, "type": "private", "first_name": "读者"}
    return {"id": chat_id, "type": "supergroup", "title": "馆员工作群"}


def message(chat_id: int, sender: dict[str, Any], message_id: int = 1,
            **content: Any) -> dict[str, Any]:
    return {"message_id": message_id, "date": int(time.time()), "chat": chat(chat_id),
            "from": sender, **content}


def text_update(chat_id: int, text: str, sender: dict[str, Any] | None = None,
                reply_to: dict[str, Any] | None = None,
                update_id: int | None = None) -> dict[str, Any]:
    """A text message (a reply to `reply_to` if given) as Telegram delivers it."""
    sender = sender or user(chat_id, "读者")
    content: dict[str, Any] = {"text": text}
    if text.startswith("/"):
        command = text.split()[0]
        content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
    if reply_to is not None:
        content["reply_to_message"] = reply_to
    return {"update_id": update_id or next(_update_ids),
            "message": message(chat_id, sender, next(_update_ids), **content)}


def callback_update(chat_id: int, data: str, sender: dict[str, Any] | None = None,
                    on_message: dict[str, Any] | None = None,
                    update_id: int | None = None) -> dict[str, Any]:
    """A press on an inline button (of `on_message`) as Telegram delivers it."""
    sender = sender or user(chat_id, "读者")
    query_id = str(next(_update_ids))
    shown = on_message or message(chat_id, user(1, "bot", is_bot=True), text="…")
    return {"update_id": update_id or next(_update_ids),
            "callback_query": {"id": query_id, "from": sender, "chat_instance": "ci-1",
                               "data": data, "message": shown}}


def photo_update(chat_id: int, update_id: int | None = None) -> dict[str, Any]:
    photo = [{"file_id": "AgAD", "file_unique_id": "AQAD", "width": 90, "height": 90}]
    return {"update_id": update_id or next(_update_ids),
            "message": message(chat_id, user(chat_id, "读者"), photo=photo)}


def edited_update(chat_id: int, text: str, update_id: int | None = None) -> dict[str, Any]:
    edited = message(chat_id, user(chat_id, "读者"), text=text,
                     edit_date=int(time.time()))
    return {"update_id": update_id or next(_update_ids), "edited_message": edited}


class TelegramApiStandIn:
    """The Bot API for the given tokens (token -> bot username). Use as a context manager."""

    def __init__(self, bots: dict[str, str]) -> None:
        self.bots = {token: _Bot(user(7000 + n, name, name, is_bot=True))
                     for n, (token, name) in enumerate(bots.items())}
        self.calls: list[ApiCall] = []
        self.failures: dict[str, list[str]] = {}
        self.changed = threading.Condition()
        self.closing = False
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        """What Settings.telegram_api_base should be (the token is appended)."""
        return f"http://127.0.0.1:{self.server.server_address[1]}/bot"

    def __enter__(self) -> TelegramApiStandIn:
        self.thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        with self.changed:
            self.closing = True
            self.changed.notify_all()
        self.server.shutdown()
        self.server.server_close()

    # --- what tests use ----------------------------------------------------------

    def fail_next(self, method: str, failure: str, times: int = 1) -> None:
        """The next `times` calls of method fail: blocked, chat_not_found, retry_after,
        server_error."""
        with self.changed:
            self.failures.setdefault(method, []).extend([failure] * times)

    def push_update(self, token: str, update: dict[str, Any]) -> dict[str, Any]:
        """Queues an update for the bot's getUpdates."""
        with self.changed:
            self.bots[token].updates.append(update)
            self.changed.notify_all()
        return update

    def sent(self, method: str, token: str | None = None) -> list[ApiCall]:
        """Successful calls of a method, oldest first."""
        with self.changed:
            return self._matching(method, token)

    def wait_for(self, method: str, count: int = 1, token: str | None = None,
                 timeout: float = 30) -> list[ApiCall]:
        """Waits until at least `count` successful calls of method were made."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while len(found := self._matching(method, token)) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"{method}: {len(found)} calls, expected {count}; "
                                         f"all calls: {[c.method for c in self.calls]}")
                self.changed.wait(left)
            return found

    def _matching(self, method: str, token: str | None) -> list[ApiCall]:
        return [c for c in self.calls if c.method == method and c.status == 200
                and (token is None or c.token == token)]

    def clear(self, updates: bool = False) -> None:
        """Forgets the recorded calls (and the undelivered updates, if asked)."""
        with self.changed:
            self.calls.clear()
            if updates:
                for bot in self.bots.values():
                    bot.updates.clear()

    # --- the API -----------------------------------------------------------------

    def call(self, token: str, method: str, params: dict[str, Any]) -> Any:
        bot = self.bots.get(token)
        if bot is None:
            raise ApiError(401, "Unauthorized")
        handler = self._methods().get(method)
        if handler is None:
            raise ApiError(404, "Not Found")
        if method == "getUpdates":  # long polling: waits outside the failure queue
            return handler(bot, params)
        with self.changed:
            queued = self.failures.get(method)
            if queued:
                raise ApiError(*FAILURES[queued.pop(0)])
            return handler(bot, params)

    def _methods(self) -> dict[str, Callable[[_Bot, dict[str, Any]], Any]]:
        return {
            "getMe": lambda bot, _: bot.user,
            "sendMessage": self._send_message,
            "answerCallbackQuery": lambda bot, params: True,
            "editMessageText": self._edit,
            "editMessageReplyMarkup": self._edit,
            "getUpdates": self._get_updates,
            "deleteWebhook": lambda bot, _: self._set_webhook(bot, ""),
            "setWebhook": lambda bot, params: self._set_webhook(bot, params.get("url", "")),
        }

    @staticmethod
    def _set_webhook(bot: _Bot, url: str) -> bool:
        bot.webhook = url
        return True

    @staticmethod
    def _send_message(bot: _Bot, params: dict[str, Any]) -> dict[str, Any]:
        if not str(params.get("text", "")).strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(params["text"]) > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        chat_id = int(params["chat_id"])
        sent = message(chat_id, bot.user, bot.next_message_id, text=params["text"])
        bot.next_message_id += 1
        if params.get("reply_markup"):
            sent["reply_markup"] = params["reply_markup"]
        reply_to = (params.get("reply_parameters") or {}).get("message_id")
        reply_to = reply_to or params.get("reply_to_message_id")
        if reply_to and (chat_id, reply_to) in bot.messages:
            sent["reply_to_message"] = bot.messages[(chat_id, reply_to)]
        bot.messages[(chat_id, sent["message_id"])] = sent
        return sent

    @staticmethod
    def _edit(bot: _Bot, params: dict[str, Any]) -> dict[str, Any]:
        key = (int(params["chat_id"]), int(params["message_id"]))
        if key not in bot.messages:
            raise ApiError(400, "Bad Request: message to edit not found")
        edited = dict(bot.messages[key], edit_date=int(time.time()))
        if "text" in params:
            edited["text"] = params["text"]
        edited.pop("reply_markup", None)
        if params.get("reply_markup"):
            edited["reply_markup"] = params["reply_markup"]
        bot.messages[key] = edited
        return edited

    def _get_updates(self, bot: _Bot, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset, limit = int(params.get("offset", 0)), int(params.get("limit", 100))
        deadline = time.monotonic() + float(params.get("timeout", 0))
        with self.changed:
            if bot.webhook:
                raise ApiError(409, "Conflict: can't use getUpdates method while webhook "
                                    "is active; use deleteWebhook to delete the webhook first")
            bot.updates = [u for u in bot.updates if u["update_id"] >= offset]
            while not bot.updates and not self.closing and time.monotonic() < deadline:
                self.changed.wait(deadline - time.monotonic())
            return bot.updates[:limit]

    def _record(self, call: ApiCall) -> None:
        with self.changed:
            self.calls.append(call)
            self.changed.notify_all()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self._answer(b"")

            def do_POST(self) -> None:
                self._answer(self.rfile.read(int(self.headers.get("Content-Length") or 0)))

            def _answer(self, body: bytes) -> None:
                url = urlsplit(self.path)
                _, token_part, method = [*url.path.split("/", 2), "", ""][:3]
                token = token_part.removeprefix("bot")
                params = _params(url.query, body, self.headers.get("Content-Type", ""))
                result = None
                try:
                    result = api.call(token, method, params)
                    status, answer = 200, {"ok": True, "result": result}
                except ApiError as error:
                    status, answer = error.status, {"ok": False, "error_code": error.status,
                                                    "description": error.description}
                    if error.parameters:
                        answer["parameters"] = error.parameters
                api._record(ApiCall(token, method, params, status, result))
                data = json.dumps(answer, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        return Handler


def _params(query: str, body: bytes, content_type: str) -> dict[str, Any]:
    """Parameters from the query string and the body, typed like Telegram reads them."""
    raw: dict[str, Any] = dict(parse_qsl(query))
    if body and content_type.startswith("application/json"):
        raw.update(json.loads(body))
    elif body:
        raw.update(parse_qsl(body.decode(), keep_blank_values=True))
    for key, value in raw.items():
        if key in JSON_PARAMS and isinstance(value, str):
            raw[key] = json.loads(value)
        elif key in INT_PARAMS and isinstance(value, str) and value.lstrip("-").isdigit():
            raw[key] = int(value)
        elif key in BOOL_PARAMS and value in ("true", "false"):
            raw[key] = value == "true"
    return raw
