"""The demo page: a mock of the library's home page with the reader widget on it, whose
`<script>` tag points at the Rasa server's widget channel (/webhooks/widget/widget.js)."""

from __future__ import annotations

import html
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from bot.settings import Settings

WEB_ROOT = Path(__file__).resolve().parent / "web"
PAGE = "index.html"
STYLESHEET = "site.css"
WIDGET_PATH = "/webhooks/widget/widget.js"


def widget_script_url(settings: Settings) -> str:
    return settings.rasa_url + WIDGET_PATH


def render_page(settings: Settings) -> bytes:
    page = (WEB_ROOT / PAGE).read_text(encoding="utf-8")
    return page.replace("{{widget_script}}", html.escape(widget_script_url(settings))).encode()


def make_handler(settings: Settings) -> type[BaseHTTPRequestHandler]:
    class DemoPageHandler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass  # keep the terminal for the launcher's own messages

        def _send(self, status: HTTPStatus, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-cache")
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            if path in ("/", "/" + PAGE):
                self._send(HTTPStatus.OK, render_page(settings), "text/html; charset=utf-8")
            elif path == "/" + STYLESHEET:
                self._send(HTTPStatus.OK, (WEB_ROOT / STYLESHEET).read_bytes(),
                           "text/css; charset=utf-8")
            else:
                self._send(HTTPStatus.NOT_FOUND, "页面不存在".encode(),
                           "text/plain; charset=utf-8")

    return DemoPageHandler


@contextmanager
def demo_page_served(settings: Settings) -> Iterator[ThreadingHTTPServer]:
    """Serves the demo page in a background thread while the block runs; afterwards the
    port is free again."""
    server = ThreadingHTTPServer((settings.host, settings.chat_port), make_handler(settings))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
