"""A sticky HTTP router in front of several Rasa processes (the scale-out setup).

Each conversation always goes to the same Rasa process while it is up (rendezvous
hashing of the sender), because Rasa's open-source Redis lock store does not stop two
processes from handling the same conversation at once. If that process is down, the
next one in the conversation's order takes over; the conversation itself lives in the
shared PostgreSQL tracker store, so it continues where it was.

``python -m bot.router --port 5005 --replica http://127.0.0.1:5101 --replica ...``
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import time
from urllib.parse import parse_qs

from aiohttp import ClientError, ClientSession, ClientTimeout, web

logger = logging.getLogger(__name__)
MAX_BODY_BYTES = 1024 * 1024
#: a replica that refused a connection is skipped for this long
DOWN_SECONDS = 5.0
UPSTREAM_TIMEOUT = ClientTimeout(total=60)
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "host", "content-length",
              "upgrade", "proxy-connection", "te", "trailer"}


def _telegram_chat(update: dict) -> object:
    for kind in ("message", "edited_message", "callback_query"):
        if isinstance(update.get(kind), dict):
            item = update[kind]
            return (item.get("chat") or item.get("from") or {}).get("id")
    return None


def sender_of(path: str, query: str, body: bytes) -> str:
    """The conversation a request belongs to, as far as it can be told (else "")."""
    if path.startswith("/conversations/"):
        return path.split("/")[2]
    parameters = parse_qs(query)
    # WeChat puts the reader's OpenID in the query of every push; the widget its session.
    for name in ("openid", "session_id"):
        if parameters.get(name):
            return parameters[name][0]
    try:
        data = json.loads(body) if body else {}
    except ValueError:
        return ""
    if not isinstance(data, dict):
        return ""
    if "update_id" in data:
        return str(_telegram_chat(data) or "")
    return str(data.get("sender") or data.get("session_id") or "")


class StickyRouter:
    def __init__(self, replicas: list[str]) -> None:
        self.replicas = [url.rstrip("/") for url in replicas]
        self.down_until: dict[str, float] = {}
        self.round_robin = 0

    def order(self, key: str) -> list[str]:
        """Replicas in this conversation's order of preference (healthy ones first)."""
        if key:
            ranked = sorted(self.replicas, reverse=True,
                            key=lambda url: hashlib.sha256(f"{url}|{key}".encode()).digest())
        else:
            self.round_robin += 1
            shift = self.round_robin % len(self.replicas)
            ranked = self.replicas[shift:] + self.replicas[:shift]
        now = time.monotonic()
        return sorted(ranked, key=lambda url: self.down_until.get(url, 0) > now)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        if len(body) > MAX_BODY_BYTES:
            return web.json_response({"error": "request too large"}, status=413)
        key = sender_of(request.path, request.query_string, body)
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP}
        session: ClientSession = request.app["client"]
        for replica in self.order(key):
            try:
                async with session.request(request.method, replica + request.rel_url.raw_path_qs,
                                           data=body, headers=headers,
                                           allow_redirects=False) as upstream:
                    payload = await upstream.read()
                    reply_headers = {k: v for k, v in upstream.headers.items()
                                     if k.lower() not in HOP_BY_HOP}
                    return web.Response(body=payload, status=upstream.status,
                                        headers=reply_headers)
            except (ClientError, ConnectionError) as error:
                logger.warning("Replica %s unavailable (%s); trying the next", replica, error)
                self.down_until[replica] = time.monotonic() + DOWN_SECONDS
        return web.json_response({"error": "no assistant process is available"}, status=503)


def make_app(replicas: list[str]) -> web.Application:
    router = StickyRouter(replicas)
    app = web.Application(client_max_size=MAX_BODY_BYTES + 1)

    async def open_client(app: web.Application) -> None:
        app["client"] = ClientSession(timeout=UPSTREAM_TIMEOUT, auto_decompress=False)

    async def close_client(app: web.Application) -> None:
        await app["client"].close()

    app.on_startup.append(open_client)
    app.on_cleanup.append(close_client)
    app.router.add_route("*", "/{tail:.*}", router.handle)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--replica", action="append", required=True, help="Rasa server URL")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    web.run_app(make_app(args.replica), host=args.host, port=args.port, print=None)


if __name__ == "__main__":
    main()
