"""Stand-ins of the servers behind HAProxy (Rasa servers, action servers), for testing
the front without starting Rasa: one aiohttp server per replica on a free port, all in
one event loop on a background thread. Each answers every request with
``{"replica": <its name>}`` and records what it received (health checks, GET / and
GET /health, are answered but not recorded). A replica can be stopped and started
again on the same port, and put in a mode: "ok"; "busy" (one request at a time, 20 ms
each, like a Rasa process's CPU-bound turn); "error" (every request but the health
checks answers 500 and is not recorded).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine, Iterable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from bot.http_json import free_port

HEALTH_PATHS = frozenset({"/", "/health"})


@dataclass(frozen=True)
class Received:
    method: str
    path_qs: str
    headers: dict[str, str]
    body: bytes


class Replicas:
    """Use as a context manager; every replica is up on entry."""

    def __init__(self, names: Iterable[str]) -> None:
        self.ports = {name: free_port() for name in names}
        self.received: dict[str, list[Received]] = {name: [] for name in self.ports}
        self.mode = {name: "ok" for name in self.ports}
        self.runners: dict[str, web.AppRunner] = {}
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def address(self, name: str) -> str:
        return f"127.0.0.1:{self.ports[name]}"

    def bodies(self, name: str) -> list[str]:
        """The bodies of the requests this replica served, as text."""
        return [r.body.decode("utf-8", "replace") for r in self.received[name]]

    def _run(self, coroutine: Coroutine[Any, Any, Any]) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=10)

    async def _start(self, name: str) -> None:
        busy = asyncio.Lock()

        async def answer(request: web.Request) -> web.Response:
            body = await request.read()
            if request.path in HEALTH_PATHS:
                return web.json_response({"replica": name})
            if self.mode[name] == "error":
                return web.json_response({"error": "broken"}, status=500)
            if self.mode[name] == "busy":
                async with busy:
                    await asyncio.sleep(0.02)
            self.received[name].append(
                Received(request.method, request.path_qs, dict(request.headers), body))
            return web.json_response({"replica": name})

        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", answer)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", self.ports[name]).start()
        self.runners[name] = runner

    def start(self, name: str) -> None:
        self._run(self._start(name))

    def stop(self, name: str) -> None:
        self._run(self.runners.pop(name).cleanup())

    def __enter__(self) -> Replicas:
        self.thread.start()
        for name in self.ports:
            self.start(name)
        return self

    def __exit__(self, *exc_info: object) -> None:
        for name in list(self.runners):
            self.stop(name)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        self.loop.close()
