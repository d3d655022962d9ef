"""HAProxy as the scale-out front (deploy/haproxy/, bot/haproxy_config.py), against
stand-ins of the Rasa and action servers (tests/standins/replicas.py): the rendered
configuration passes `haproxy -c`; every request of one conversation reaches the same
replica on every channel; a replica that stops loses only its own conversations, which
come back when it is up again; the action servers are used in turn and one that stops
is left out; callers from elsewhere reach only the reader channels and are named to
them. The same front with real Rasa servers: tests/test_scale_out.py."""

from __future__ import annotations

import json
import socket
import stat
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

import pytest

from bot.haproxy_config import render, write_private
from bot.http_json import free_port
from bot.processes import haproxy_binary, wait_until_answering
from tests.standins.replicas import Replicas
from tests.standins.telegram_api import callback_update, edited_update, text_update

pytestmark = pytest.mark.timeout(60)

RASA = ("rasa-a", "rasa-b", "rasa-c")
ACTIONS = ("action-a", "action-b")
#: how long a condition may take (HAProxy checks every 2 s and needs 2 checks to agree)
DEADLINE_SECONDS = 20


class Front:
    """HAProxy started on a rendered configuration in front of stand-in replicas."""

    def __init__(self, rasa: Replicas, actions: Replicas, reader_port: int,
                 action_port: int) -> None:
        self.rasa, self.actions, self.reader_port = rasa, actions, reader_port
        self.url = f"http://127.0.0.1:{reader_port}"
        self.action_url = f"http://127.0.0.1:{action_port}"

    def send(self, path: str, body: bytes | None = None, base: str = "") -> str:
        """The replica that answered the request (POST when there is a body)."""
        request = urllib.request.Request((base or self.url) + path, data=body, headers={
            "Content-Type": "application/json" if body and body[:1] == b"{" else "text/xml"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.load(response)["replica"]


def poll(condition: Callable[[], bool], what: str) -> None:
    """Waits until condition() holds, failing after DEADLINE_SECONDS."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"not within {DEADLINE_SECONDS} s: {what}")
        time.sleep(0.2)


def rendered(reader_port: int, action_port: int, rasa: list[str], actions: list[str],
             user: str = "", reader_options: str = "") -> str:
    return render(f"127.0.0.1:{reader_port} {reader_options}", f"127.0.0.1:{action_port}",
                  rasa, actions, user)


@contextmanager
def running_front(directory: Path, reader_options: str = "") -> Iterator[Front]:
    reader_port, action_port = free_port(), free_port()
    with Replicas(RASA) as rasa, Replicas(ACTIONS) as actions:
        config = write_private(rendered(reader_port, action_port,
                                        [rasa.address(name) for name in RASA],
                                        [actions.address(name) for name in ACTIONS],
                                        reader_options=reader_options), directory)
        with (directory / "haproxy.log").open("w") as log:
            process = subprocess.Popen([haproxy_binary(), "-f", str(config), "-db"],
                                       stdout=log, stderr=subprocess.STDOUT)
        try:
            started = Front(rasa, actions, reader_port, action_port)
            # Both frontends open at once; the readers' may expect the PROXY protocol.
            wait_until_answering(started.action_url + "/health", process, DEADLINE_SECONDS)
            yield started
        finally:
            process.terminate()
            process.wait(timeout=10)


@pytest.fixture
def front(tmp_path: Path) -> Iterator[Front]:
    with running_front(tmp_path) as started:
        yield started


@pytest.mark.parametrize("user", ["", "haproxy"])  # Debian's package adds the user haproxy
def test_the_rendered_configuration_passes_haproxy_check(tmp_path: Path, user: str) -> None:
    addresses = [f"127.0.0.1:{free_port()}" for _ in range(len(RASA) + len(ACTIONS))]
    config = write_private(rendered(free_port(), free_port(), addresses[:len(RASA)],
                                    addresses[len(RASA):], user), tmp_path)
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    checked = subprocess.run([haproxy_binary(), "-c", "-dW", "-f", str(config)],
                             capture_output=True, text=True, timeout=30)
    assert checked.returncode == 0, checked.stdout + checked.stderr  # -dW: no warnings
    text = config.read_text()
    assert text.count("bind 127.0.0.1:") == 2 and "@" not in text  # every marker filled
    assert text.count("    server rasa") == 3 and text.count("    server action") == 2


def test_a_lone_rasa_server_is_never_taken_out_for_failed_requests() -> None:
    """Under overload its slow answers would become none at all (503 for everyone)."""
    def watched(servers: list[str]) -> bool:
        return "on-error mark-down" in render("127.0.0.1:5005", "127.0.0.1:5055", servers,
                                              ["127.0.0.1:5151"])

    assert not watched(["127.0.0.1:5101"])
    assert "default-server no-check" in render("127.0.0.1:5005", "127.0.0.1:5055",
                                               ["127.0.0.1:5101"], ["127.0.0.1:5151"])
    assert watched(["127.0.0.1:5101", "127.0.0.1:5102"])


@pytest.mark.parametrize("bind", ["127.0.0.1:5005\n    bind 0.0.0.0:80", " ", "x # y"])
def test_a_bind_line_cannot_smuggle_in_configuration(bind: str) -> None:
    with pytest.raises(ValueError):
        render(bind, "127.0.0.1:5055", ["127.0.0.1:5101"], ["127.0.0.1:5151"])


def test_a_server_address_or_user_cannot_smuggle_in_configuration() -> None:
    with pytest.raises(ValueError):
        render("127.0.0.1:5005", "127.0.0.1:5055", ["127.0.0.1:5101 backup"], ["a:1"])
    with pytest.raises(ValueError):
        render("127.0.0.1:5005", "127.0.0.1:5055", ["a:1"], ["a:1"], user="root\n    x")


def json_body(payload: object) -> bytes:
    return json.dumps(payload).encode()


def rest_requests(sender: str) -> list[tuple[str, bytes | None]]:
    """Turns of a REST conversation and Rasa's HTTP API on it ("rest:<sender>")."""
    return [("/webhooks/rest/webhook", json_body({"sender": sender, "message": text}))
            for text in ("你好", "明天开门吗", "我想预约《三体》")] + [
        (f"/conversations/rest:{sender}/tracker?token=t", None)]


def wechat_requests(openid: str) -> list[tuple[str, bytes | None]]:
    """Message pushes of one reader: WeChat signs each one afresh."""
    return [("/webhooks/wechat/webhook?" + urlencode(
        {"signature": f"s{turn}", "timestamp": str(1700000000 + turn), "nonce": str(turn),
         "openid": openid, "encrypt_type": "aes", "msg_signature": f"m{turn}"}),
        f"<xml><FromUserName><![CDATA[{openid}]]></FromUserName></xml>".encode())
        for turn in range(3)]


def widget_requests(session: str) -> list[tuple[str, bytes | None]]:
    signed = {"session_id": session, "token": "t" * 64}
    return [("/webhooks/widget/message", json_body({**signed, "text": "你好"})),
            ("/webhooks/widget/updates?" + urlencode({**signed, "after": 0}), None),
            ("/webhooks/widget/message", json_body({**signed, "text": "我的预约"})),
            ("/webhooks/widget/logout", json_body(signed))]


def telegram_requests(chat_id: int) -> list[tuple[str, bytes | None]]:
    """A message, a button press, an edited message and Rasa's HTTP API on the chat."""
    return [("/webhooks/telegram/webhook", json_body(update)) for update in (
        text_update(chat_id, "你好"), callback_update(chat_id, "/greet"),
        edited_update(chat_id, "你好！"))] + [(f"/conversations/{chat_id}/tracker", None)]


CHANNELS: dict[str, Callable[[int], list[tuple[str, bytes | None]]]] = {
    "rest": lambda n: rest_requests(f"reader-{n}"),
    "wechat": lambda n: wechat_requests(f"oJinling{n:04d}Xq7"),
    "widget": lambda n: widget_requests(f"Wsession{n:024d}"),
    "telegram": lambda n: telegram_requests(-1001234567890 - n if n % 4 == 0 else 530000000 + n),
}


@pytest.mark.parametrize("channel", list(CHANNELS))
def test_every_request_of_a_conversation_reaches_one_replica(front: Front,
                                                             channel: str) -> None:
    replicas_used, bodies_sent = set(), set()
    for number in range(12):
        requests = CHANNELS[channel](number)
        answered = {front.send(path, body) for path, body in requests}
        assert len(answered) == 1, f"conversation {number} was spread over {answered}"
        replicas_used |= answered
        bodies_sent |= {body for _, body in requests if body}
    assert len(replicas_used) > 1  # conversations are spread over the replicas
    received = [item for items in front.rasa.received.values() for item in items]
    # Bodies pass unchanged; callers on this machine get no proxy header (for the REST
    # channel, which answers only direct local callers when it has no token).
    assert {item.body for item in received if item.body} == bodies_sent
    assert not any("X-Forwarded-For" in item.headers for item in received)


def test_requests_without_a_conversation_are_spread(front: Front) -> None:
    answered = {front.send("/webhooks/widget/session", b"{}") for _ in range(12)}
    assert len(answered) > 1  # round robin


def test_a_stopped_replica_loses_only_its_own_conversations(front: Front) -> None:
    senders = [f"failover-{n}" for n in range(24)]

    def placement() -> dict[str, str]:
        return {sender: front.send(*rest_requests(sender)[0]) for sender in senders}

    before = placement()
    stopped = before[senders[0]]
    moved = {sender for sender, replica in before.items() if replica == stopped}
    front.rasa.stop(stopped)
    # Answered at once by another replica (the request is re-sent when the connection
    # is refused), and for good once HAProxy's checks have taken the replica out.
    after = placement()
    assert all(after[sender] != stopped for sender in moved)
    assert {s: r for s, r in after.items() if s not in moved} == \
        {s: r for s, r in before.items() if s not in moved}  # consistent hashing
    front.rasa.start(stopped)
    poll(lambda: placement() == before, f"{stopped}'s conversations back on it")


def test_the_action_servers_are_used_in_turn_and_a_stopped_one_is_left_out(
    front: Front,
) -> None:
    def call() -> str:
        return front.send("/webhook", json_body({"next_action": "action_hours"}),
                          base=front.action_url)

    assert {call() for _ in range(4)} == set(ACTIONS)
    front.actions.stop("action-a")
    assert {call() for _ in range(4)} == {"action-b"}


def from_address(front: Front, source: str, request: str) -> tuple[int, str]:
    """Status and body of a request HAProxy takes to come from `source` (PROXY protocol)."""
    with socket.create_connection(("127.0.0.1", front.reader_port), timeout=10) as connection:
        connection.sendall(f"PROXY TCP4 {source} 127.0.0.1 40000 {front.reader_port}\r\n"
                           .encode() + request.encode())
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split()[1]), body.decode()


def test_callers_from_elsewhere_reach_only_the_reader_channels(tmp_path: Path) -> None:
    """Here the readers' bind accepts the PROXY protocol, so that a caller from the
    internet can be played on this machine."""
    headers = "Host: assistant\r\nConnection: close\r\n"
    body = json.dumps({"sender": "remote-reader", "message": "你好"})
    rest = (f"POST /webhooks/rest/webhook HTTP/1.1\r\n{headers}Content-Type: application/json"
            f"\r\nContent-Length: {len(body.encode())}\r\n\r\n{body}")
    with running_front(tmp_path, "accept-proxy") as front:
        for path in ("/conversations/remote-reader/tracker", "/model/parse", "/status", "/"):
            status, _ = from_address(front, "203.0.113.9", f"GET {path} HTTP/1.1\r\n{headers}\r\n")
            assert status == 404  # Rasa's HTTP API is for this machine only
        status, answer = from_address(front, "203.0.113.9", rest)
        assert status == 200
        replica = json.loads(answer)["replica"]
        # The reader's address, for Sanic (SANIC_PROXIES_COUNT=1) and the REST channel,
        # which refuses a forwarded caller without REST_CHANNEL_TOKEN.
        assert [item.headers.get("X-Forwarded-For") for item in front.rasa.received[replica]] \
            == ["203.0.113.9"]
        status, _ = from_address(front, "127.0.0.1", f"GET /status HTTP/1.1\r\n{headers}\r\n")
        assert status == 200
