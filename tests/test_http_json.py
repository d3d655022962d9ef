"""bot/http_json.py: free ports for test and benchmark servers."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from bot import http_json

pytestmark = pytest.mark.timeout(10)


class ReusingKernel:
    """socket.socket whose probes are offered the port of the probe before, then a new one
    (what Linux now and then does once a probe is closed)."""

    offered: Iterator[int]

    def __init__(self, *args: object) -> None:
        self.port = next(self.offered)

    def __enter__(self) -> ReusingKernel:
        return self

    def __exit__(self, *exc_info: object) -> None:
        pass

    def bind(self, address: tuple[str, int]) -> None:
        pass

    def getsockname(self) -> tuple[str, int]:
        return "127.0.0.1", self.port


def test_a_port_offered_again_is_not_handed_out_twice(monkeypatch: pytest.MonkeyPatch) -> None:
    ReusingKernel.offered = iter([40995, 40995, 40995, 40997])
    monkeypatch.setattr(http_json, "_HANDED_OUT", set())
    monkeypatch.setattr(http_json.socket, "socket", ReusingKernel)
    assert [http_json.free_port(), http_json.free_port()] == [40995, 40997]


def test_free_ports_can_be_listened_on() -> None:
    ports = {http_json.free_port() for _ in range(20)}
    assert len(ports) == 20
    with socket.create_server(("127.0.0.1", ports.pop())):
        pass
