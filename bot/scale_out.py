"""The scale-out configuration on one machine: several action servers and Rasa servers
sharing conversations in PostgreSQL (tracker store) with Redis locks, behind HAProxy
(deploy/haproxy/), plus the staff console, the relay, the notice scheduler and the staff
Telegram bot.

HAProxy listens on RASA_PORT for readers (each conversation sticks to one Rasa server
while it is up) and on ACTION_PORT for the Rasa servers, which reach every action
server through it. ``make scale-out REPLICAS=2`` (needs RASA_TRACKER_URL;
LIBRARY_DATABASE_URL should be PostgreSQL too, so that every process sees the same
library data).
"""

from __future__ import annotations

import argparse
import dataclasses
import signal
import sys
import tempfile
import threading
from pathlib import Path
from typing import IO

from bot.haproxy_config import render, write_private
from bot.http_json import free_port
from bot.processes import AssistantProcesses
from bot.settings import Settings, load_settings
from bot.setup_library import prepare_library
from bot.training import ensure_model


class ScaleOut:
    """N action servers and N Rasa servers on free ports; HAProxy is the front."""

    def __init__(self, settings: Settings, model: Path, replicas: int = 2,
                 log: IO[str] | None = None) -> None:
        if not settings.tracker_url:
            raise ValueError("the scale-out setup needs RASA_TRACKER_URL (PostgreSQL)")
        self.front = AssistantProcesses(settings, model, log)
        self.action_servers = [
            AssistantProcesses(dataclasses.replace(settings, action_port=free_port()),
                               model, log)
            for _ in range(replicas)
        ]
        # Their action_port stays the front's: they call the action servers through it.
        self.rasa_servers = [
            AssistantProcesses(dataclasses.replace(settings, rasa_port=free_port()), model, log)
            for _ in range(replicas)
        ]
        self.config_dir: tempfile.TemporaryDirectory | None = None

    def haproxy_config(self) -> str:
        host = self.front.settings.host
        return render(
            f"{host}:{self.front.settings.rasa_port}", f"{host}:{self.front.settings.action_port}",
            [f"{host}:{server.settings.rasa_port}" for server in self.rasa_servers],
            [f"{host}:{server.settings.action_port}" for server in self.action_servers],
        )

    def start(self) -> None:
        for server in self.action_servers:
            server.start_action_server(wait=False)
        for server in self.action_servers:
            server.wait_until_ready()
        # The first Rasa server creates the tracker tables; the others start together.
        first, *others = self.rasa_servers
        first.start_rasa_server()
        for server in others:
            server.start_rasa_server(wait=False)
        for server in others:
            server.wait_until_ready()
        # A private directory (0700) for the configuration (0600); no secrets in it.
        self.config_dir = tempfile.TemporaryDirectory(prefix="jinling-haproxy-")
        self.front.start_haproxy(write_private(self.haproxy_config(),
                                               Path(self.config_dir.name)))

    def stop(self) -> None:
        self.front.stop()
        for server in [*self.rasa_servers, *self.action_servers]:
            server.stop()
        if self.config_dir is not None:
            self.config_dir.cleanup()
            self.config_dir = None

    def __enter__(self) -> ScaleOut:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--replicas", type=int, default=2)
    args = parser.parse_args()
    settings = load_settings()
    model = ensure_model(settings)
    prepare_library(settings.database_url)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with ScaleOut(settings, model, args.replicas) as deployment:
        print(f"Starting {args.replicas} action servers and Rasa servers ...", file=sys.stderr)
        deployment.start()
        deployment.front.start_admin_console()
        deployment.front.start_relay()
        deployment.front.start_notices()
        deployment.front.start_staff_telegram()
        print(f"Scale-out running: HAProxy {settings.rasa_url}, staff console "
              f"{settings.admin_url}. Press Ctrl-C to stop.", flush=True)
        # Ctrl-C stops it, also when it was started from a background job (`make
        # scale-out &` starts with SIGINT ignored), as bot.run does.
        signal.signal(signal.SIGINT, lambda *_: stop.set())
        while not stop.wait(1):
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
