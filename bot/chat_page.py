"""The local chat page: static files from bot/web and POST /api/chat, which relays
the reader's message to Rasa's REST channel (same origin, so no CORS needed)."""

from __future__ import annotations

import json
import re
import threading
import urllib.error
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from bot.http_json import post_json
from bot.settings import Settings

WEB_ROOT = Path(__file__).resolve().parent / "web"
MAX_BODY_BYTES = 64 * 1024
SENDER_PATTERN = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
RASA_TIMEOUT_SECONDS = 30
UNAVAILABLE_REPLY = "抱歉，咨询助手暂时无法回复，请稍后再试。"


def relay_to_rasa(settings: Settings, sender: str, message: str) -> list[dict]:
    """Sends one message through Rasa's REST channel and returns its replies."""
    replies = post_json(
        settings.rasa_url + "/webhooks/rest/webhook",
        {"sender": sender, "message": message},
        timeout=RASA_TIMEOUT_SECONDS,
    )
    return replies if isinstance(replies, list) else []


def make_handler(settings: Settings) -> type[SimpleHTTPRequestHandler]:
    class ChatPageHandler(SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, directory=str(WEB_ROOT), **kwargs)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass  # keep the terminal for the launcher's own messages

        def _send_json(self, status: HTTPStatus, payload: object) -> None:
            body = json.dumps(payload, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            if self.path != "/api/chat":
                self._send_json(HTTPStatus.NOT_FOUND, {"error": "not found"})
                return
            length = int(self.headers.get("Content-Length") or 0)
            if length <= 0 or length > MAX_BODY_BYTES:
                self._send_json(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, {"error": "bad size"})
                return
            try:
                body = json.loads(self.rfile.read(length).decode("utf-8"))
                sender, message = body["sender"], body["message"]
            except (ValueError, KeyError, TypeError):
                self._send_json(HTTPStatus.BAD_REQUEST, {"error": "bad request"})
                return
            if not isinstance(message, str) or not (
                isinstance(sender, str) and SENDER_PATTERN.match(sender)
            ):
                self._send_json(HTTPStatus.BAD_REQUEST, {"error": "bad request"})
                return
            try:
                replies = relay_to_rasa(settings, sender, message)
            except (urllib.error.URLError, TimeoutError, ValueError):
                replies = [{"text": UNAVAILABLE_REPLY}]
            self._send_json(HTTPStatus.OK, replies)

    return ChatPageHandler


def start_chat_page(settings: Settings) -> ThreadingHTTPServer:
    """Serves the chat page in a background thread; call .shutdown() to stop."""
    server = ThreadingHTTPServer((settings.host, settings.chat_port), make_handler(settings))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
