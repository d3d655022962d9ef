"""The action server answers only the Rasa server: it listens on the configured host
(loopback) and refuses requests without the shared secret (issue: a hand-made request
listed a verified reader's holds and placed and cancelled holds without a password)."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest

from bot.action_request import TOKEN_HEADER, action_request, run_action
from bot.http_json import post_json
from bot.processes import AssistantProcesses

LIST_HOLDS = action_request("action_list_reservations", "我的预约", "list_reservations")


def listening_addresses(port: int) -> set[str]:
    """Local addresses of the listening TCP sockets on `port` (from /proc/net/tcp*)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as rows:
            for row in list(rows)[1:]:
                local, state = row.split()[1], row.split()[3]
                address, hex_port = local.split(":")
                if state == "0A" and int(hex_port, 16) == port:
                    found.add(address)
    return found


def test_the_action_server_listens_on_loopback_only(assistant: AssistantProcesses) -> None:
    assert listening_addresses(assistant.settings.action_port) == {"0100007F"}  # 127.0.0.1


@pytest.mark.parametrize("headers", [{}, {TOKEN_HEADER: "guessed"}, {TOKEN_HEADER: ""}])
def test_a_request_without_the_secret_is_refused(assistant: AssistantProcesses,
                                                 headers: dict[str, str]) -> None:
    with pytest.raises(urllib.error.HTTPError) as refused:
        post_json(assistant.settings.action_server_url, LIST_HOLDS, headers=headers)
    assert refused.value.code == 401


def test_rasa_and_the_health_check_get_through(assistant: AssistantProcesses) -> None:
    answer = run_action(assistant.settings, action_request("action_opening_hours", "几点开门",
                                                           "ask_opening_hours"))
    assert answer["responses"]
    health = assistant.settings.action_server_url.removesuffix("/webhook") + "/health"
    with urllib.request.urlopen(health, timeout=10) as response:
        assert response.status == 200
