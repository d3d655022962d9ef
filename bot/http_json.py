"""Tiny JSON-over-HTTP helpers (standard library only) for talking to our servers."""

from __future__ import annotations

import json
import socket
import threading
import urllib.request

#: ports free_port has handed out in this process, never handed out again
_HANDED_OUT: set[int] = set()
_HANDING_OUT = threading.Lock()


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
    """A TCP port that is free right now (for test and benchmark servers).

    The probe is closed before the port is used, so the kernel may offer the same port
    to the next probe: ports asked for one after another (a front and the replicas
    behind it) would now and then be one port, and a server would answer on another's
    address. A port is therefore handed out once per process.
    """
    with _HANDING_OUT:
        while True:
            with socket.socket() as probe:
                probe.bind((host, 0))
                port: int = probe.getsockname()[1]
            if port not in _HANDED_OUT:
                _HANDED_OUT.add(port)
                return port
