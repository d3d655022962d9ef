"""The scale-out configuration on one machine: several action servers and Rasa servers
sharing conversations in PostgreSQL (tracker store) with Redis locks, behind the sticky
router on RASA_PORT, plus the staff console and the relay.

``make scale-out REPLICAS=2`` (needs RASA_TRACKER_URL; LIBRARY_DATABASE_URL should be
PostgreSQL too, so that every process sees the same library data).
"""

from __future__ import annotations

import argparse
import dataclasses
import signal
import sys
import threading
from pathlib import Path
from typing import IO

from bot.http_json import free_port
from bot.processes import AssistantProcesses
from bot.settings import Settings, load_settings
from bot.setup_library import prepare_library
from bot.training import ensure_model


class ScaleOut:
    """Replica i is a Rasa server that calls action server i; the router is the front."""

    def __init__(self, settings: Settings, model: Path, replicas: int = 2,
                 log: IO[str] | None = None) -> None:
        if not settings.tracker_url:
            raise ValueError("the scale-out setup needs RASA_TRACKER_URL (PostgreSQL)")
        self.front = AssistantProcesses(settings, model, log)
        self.replicas = [
            AssistantProcesses(
                dataclasses.replace(settings, rasa_port=free_port(), action_port=free_port()),
                model, log,
            )
            for _ in range(replicas)
        ]

    def start(self) -> None:
        for replica in self.replicas:
            replica.start_action_server(wait=False)
        for replica in self.replicas:
            replica.wait_until_ready()
        # The first Rasa server creates the tracker tables; the others start together.
        first, *others = self.replicas
        first.start_rasa_server()
        for replica in others:
            replica.start_rasa_server(wait=False)
        for replica in others:
            replica.wait_until_ready()
        self.front.start_router([replica.settings.rasa_url for replica in self.replicas])

    def stop(self) -> None:
        self.front.stop()
        for replica in self.replicas:
            replica.stop()

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
        print(f"Scale-out running: router {settings.rasa_url}, staff console "
              f"{settings.admin_url}. Press Ctrl-C to stop.", flush=True)
        try:
            while not stop.wait(1):
                pass
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
