"""Tiny JSON-over-HTTP helpers (standard library only) for talking to our servers."""

from __future__ import annotations

import json
import socket
import urllib.request


def post_json(url: str, payload: object, timeout: float = 60,
              headers: dict[str, str] | None = None) -> object:
    """POSTs payload as JSON and returns the decoded JSON answer."""
    request = urllib.request.Request(
        url, data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.load(response)


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that is free right now (for test and benchmark servers)."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]
