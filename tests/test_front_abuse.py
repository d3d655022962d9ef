"""Bad input at the scale-out front (issue 17): a slow client holding connections
(slowloris), a burst of 1,000 messages from one sender, a replica that answers 500s,
Redis unreachable when a Rasa server starts. HAProxy (deploy/haproxy/haproxy.cfg.in)
runs in front of stand-in replicas (no trained model) that can be told to be slow like
a Rasa process or to fail; everyone else must keep being served.

The last test starts one real Rasa server (needs the trained model, about a minute)."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import aiohttp
import httpx
import pytest

from bot.channels.guard import NO_REPLY_TEXT
from bot.db.scratch import scratch_postgres_database
from bot.haproxy_config import render, write_private
from bot.http_json import free_port
from bot.processes import AssistantProcesses, haproxy_binary, wait_until_answering
from bot.settings import load_settings
from bot.setup_library import prepare_library
from bot.training import ensure_model
from tests.standins.replicas import Replicas

pytestmark = pytest.mark.timeout(90)

#: how long a condition may take (HAProxy checks every 2 s and needs 2 checks to agree)
DEADLINE_SECONDS = 25
#: what "answered promptly" means for another reader while the front is under abuse
PROMPT_SECONDS = 1.0
FLOOD_LIMIT = 20  # messages per conversation in 10 s (the template's `flooding`)


@dataclasses.dataclass
class Front:
    rasa: Replicas
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@contextmanager
def running_front(directory: Path, rasa_names: list[str],
                  reader_options: str = "") -> Iterator[Front]:
    """HAProxy on the rendered template before stand-in Rasa servers (and one action
    server); stopped on exit."""
    reader_port, action_port = free_port(), free_port()
    with Replicas(rasa_names) as rasa, Replicas(["action"]) as actions:
        config = write_private(render(
            f"127.0.0.1:{reader_port} {reader_options}".strip(), f"127.0.0.1:{action_port}",
            [rasa.address(name) for name in rasa_names], [actions.address("action")]),
            directory)
        log = directory / "haproxy.log"
        with log.open("w") as output:
            process = subprocess.Popen([haproxy_binary(), "-f", str(config), "-db"],
                                       stdout=output, stderr=subprocess.STDOUT)
        try:
            wait_until_answering(f"http://127.0.0.1:{action_port}/health", process,
                                 DEADLINE_SECONDS)
            yield Front(rasa, reader_port, log)
        finally:
            process.terminate()
            process.wait(timeout=10)


def rest(front: Front, sender: str, text: str = "你好", timeout: float = 10,
         ) -> tuple[int, dict, float]:
    """Status, JSON body and seconds of one REST message through the front."""
    request = urllib.request.Request(
        front.url + "/webhooks/rest/webhook",
        data=json.dumps({"sender": sender, "message": text}).encode(),
        headers={"Content-Type": "application/json"})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.load(response), time.perf_counter() - started
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}"), time.perf_counter() - started


def poll(condition: Callable[[], bool], what: str, seconds: float = DEADLINE_SECONDS,
         every: float = 0.2) -> None:
    """Checks condition() every `every` seconds until it holds; fails after `seconds`."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"not within {seconds} s: {what}")
        time.sleep(every)


def placement(front: Front, senders: list[str]) -> dict[str, tuple[int, str]]:
    """Per sender: status and the replica that answered ("" when it failed)."""
    answered = {}
    for sender in senders:
        status, body, _ = rest(front, sender)
        answered[sender] = (status, body.get("replica", ""))
    return answered


# -- a slow client holding connections ----------------------------------------------


def slow_connection(port: int, source: str = "") -> socket.socket:
    """A connection that has sent only the start of a request's headers."""
    connection = socket.create_connection(("127.0.0.1", port), timeout=30)
    if source:  # played through the PROXY protocol, as a client from elsewhere
        connection.sendall(f"PROXY TCP4 {source} 127.0.0.1 40000 {port}\r\n".encode())
    connection.sendall(b"POST /webhooks/rest/webhook HTTP/1.1\r\nHost: a")
    return connection


def test_a_slowloris_client_neither_blocks_others_nor_stays(tmp_path: Path) -> None:
    """300 connections dribbling header bytes: other readers are answered at once, and
    `timeout http-request` (10 s) cuts every slow one with 408."""
    with running_front(tmp_path, ["rasa-a", "rasa-b"]) as front:
        slow = [slow_connection(front.port) for _ in range(300)]
        stop = threading.Event()

        def dribble() -> None:  # one more header byte per connection every 0.5 s
            while not stop.wait(0.5):
                for connection in slow:
                    with suppress(OSError):  # HAProxy may have cut it already
                        connection.sendall(b"a")

        dribbler = threading.Thread(target=dribble, daemon=True)
        dribbler.start()
        try:
            started = time.monotonic()
            for number in range(30):  # others, while the slow connections are open
                status, body, seconds = rest(front, f"reader-{number}")
                assert status == 200 and body["replica"], body
                assert seconds < PROMPT_SECONDS, f"{seconds:.2f} s for an ordinary reader"
            assert time.monotonic() - started < 9  # all of them before any slow one is cut

            def answer_of(connection: socket.socket) -> bytes:
                connection.settimeout(DEADLINE_SECONDS)
                received = b""
                while chunk := connection.recv(4096):
                    received += chunk
                return received

            answers = [answer_of(connection) for connection in slow]
            cut_after = time.monotonic() - started
        finally:
            stop.set()
            dribbler.join(timeout=5)
            for connection in slow:
                connection.close()
        assert all(answer.startswith(b"HTTP/1.1 408") for answer in answers), \
            {answer[:40] for answer in answers}
        assert cut_after < 10 + 5
        # Nothing of the slow requests reached a replica.
        assert all("reader-" in body for name in front.rasa.ports
                   for body in front.rasa.bodies(name))


def refused(connection: socket.socket) -> bool:
    """Whether HAProxy closes this connection without an answer (within 1 s)."""
    connection.settimeout(1)
    try:
        return connection.recv(4096) == b""
    except TimeoutError:
        return False  # let in: it waits for the rest of its request
    except ConnectionResetError:
        return True
    finally:
        connection.close()


def limit_reached(port: int, source: str, opened: float) -> bool:
    """Whether one more connection from `source` is closed without an answer while the
    held ones (opened at `opened`) last. Each held one is counted once HAProxy has read
    its PROXY line, which on a busy machine may come after the next connection's: try
    again until `timeout http-request` (10 s) would cut the held ones."""
    while time.monotonic() < opened + 8:
        if refused(slow_connection(port, source)):
            return True
    return False


def test_one_address_cannot_hold_every_connection(tmp_path: Path) -> None:
    """From one address elsewhere, connections beyond 200 are refused at once; another
    address is still served (the PROXY protocol plays the addresses)."""
    with running_front(tmp_path, ["rasa-a"], reader_options="accept-proxy") as front:
        for _attempt in range(3):  # a machine too busy to open 200 in time tries again
            opened = time.monotonic()
            held = [slow_connection(front.port, "203.0.113.7") for _ in range(200)]
            try:
                if not limit_reached(front.port, "203.0.113.7", opened):
                    continue
                with socket.create_connection(("127.0.0.1", front.port), timeout=10) as other:
                    body = json.dumps({"sender": "elsewhere", "message": "你好"})
                    other.sendall(
                        f"PROXY TCP4 198.51.100.4 127.0.0.1 40000 {front.port}\r\n"
                        "POST /webhooks/rest/webhook HTTP/1.1\r\nHost: a\r\n"
                        "Connection: close\r\nContent-Type: application/json\r\n"
                        f"Content-Length: {len(body)}\r\n\r\n{body}".encode())
                    answer = b""
                    while chunk := other.recv(4096):
                        answer += chunk
                assert answer.startswith(b"HTTP/1.1 200"), answer[:200]
                return
            finally:
                for connection in held:
                    connection.close()
        pytest.fail("a 201st connection was let in, three times")


# -- a burst of 1,000 messages from one sender ---------------------------------------


FLOOD_REQUESTS: dict[str, Callable[[str], tuple[str, dict[str, str], bytes]]] = {
    "rest": lambda sender: ("/webhooks/rest/webhook", {"Content-Type": "application/json"},
                            json.dumps({"sender": sender, "message": "你好"}).encode()),
    "wechat": lambda sender: (f"/webhooks/wechat/webhook?openid={sender}&signature=s",
                              {"Content-Type": "text/xml"}, b"<xml></xml>"),
    "telegram": lambda sender: ("/webhooks/telegram/webhook",
                                {"Content-Type": "application/json"},
                                json.dumps({"update_id": 1, "message": {
                                    "chat": {"id": int(sender)}, "text": "你好"}}).encode()),
}


@pytest.mark.parametrize("channel", list(FLOOD_REQUESTS))
def test_a_burst_from_one_sender_is_cut_and_the_others_are_answered(
    tmp_path: Path, channel: str,
) -> None:
    """1,000 messages at once from one conversation: 20 reach its replica (a busy
    one: 20 ms per request, one at a time), the rest are answered by HAProxy itself
    (REST: 429 with a Chinese message; WeChat: "success"; Telegram: 200, no retry);
    readers sharing that replica are answered within PROMPT_SECONDS meanwhile."""
    flooder = "530000001" if channel == "telegram" else f"flood{uuid.uuid4().hex[:8]}"
    statuses: list[int] = []
    bodies: set[bytes] = set()
    others: list[float] = []

    async def burst(front: Front) -> None:
        path, headers, body = FLOOD_REQUESTS[channel](flooder)
        # Two clients (aiohttp: cheap per request), so that the others do not queue
        # behind the burst in the client's own connection pool.
        async with aiohttp.ClientSession(
                front.url, connector=aiohttp.TCPConnector(limit=100),
                timeout=aiohttp.ClientTimeout(total=30)) as flood, \
                aiohttp.ClientSession(front.url,
                                      timeout=aiohttp.ClientTimeout(total=30)) as client:
            async def one() -> None:
                async with flood.post(path, headers=headers, data=body) as reply:
                    text = await reply.read()
                    statuses.append(reply.status)
                    if b"replica" not in text:
                        bodies.add(text)

            async def other(number: int) -> None:
                await asyncio.sleep(0.05 * number)  # spread over the burst
                started = time.perf_counter()
                async with client.post("/webhooks/rest/webhook", json={
                        "sender": f"other-{number}", "message": "明天开门吗"}) as reply:
                    assert reply.status == 200 and (await reply.json())["replica"]
                others.append(time.perf_counter() - started)

            await asyncio.gather(*(one() for _ in range(1000)),
                                 *(other(number) for number in range(20)))

    with running_front(tmp_path, ["rasa-a"]) as front:
        front.rasa.mode["rasa-a"] = "busy"
        asyncio.run(burst(front))
        passed = [body for body in front.rasa.bodies("rasa-a") if "other-" not in body]

    assert len(statuses) == 1000
    assert len(passed) == FLOOD_LIMIT, len(passed)
    assert max(others) < PROMPT_SECONDS, f"others waited up to {max(others):.2f} s"
    cut = [status for status in statuses if status != 200] if channel == "rest" else []
    if channel == "rest":
        assert len(cut) == 1000 - FLOOD_LIMIT and set(cut) == {429}
        (refusal,) = bodies
        assert json.loads(refusal)["message"] == "您发送消息太频繁了，请稍等片刻再发。"
    else:
        assert set(statuses) == {200}  # WeChat and Telegram would deliver it again
        assert bodies == ({b"success"} if channel == "wechat" else {b"{}"})


def test_a_reader_is_let_through_again_after_the_burst(tmp_path: Path) -> None:
    """The limit is a rate over 10 s, not a ban: a sender who writes again at a
    reader's pace (every refused message counts too) is let through within seconds."""
    with running_front(tmp_path, ["rasa-a"]) as front:
        sender = f"eager{uuid.uuid4().hex[:8]}"
        assert [rest(front, sender)[0] for _ in range(FLOOD_LIMIT + 1)][-2:] == [200, 429]
        poll(lambda: rest(front, sender)[0] == 200, "the sender let through again", 20,
             every=1.0)


# -- a replica answering 500s --------------------------------------------------------


def test_a_replica_answering_500s_is_taken_out_and_its_conversations_move(
    tmp_path: Path,
) -> None:
    """A replica whose health page answers but whose requests fail with 500: after 5
    failures in a row HAProxy takes it out (observe layer7) and its conversations are
    answered by the others; the other conversations never notice."""
    names = ["rasa-a", "rasa-b", "rasa-c"]
    with running_front(tmp_path, names) as front:
        senders = [f"conversation-{n}" for n in range(30)]
        before = placement(front, senders)
        assert {status for status, _ in before.values()} == {200}
        broken = before[senders[0]][1]
        stuck = [s for s in senders if before[s][1] == broken]
        front.rasa.mode[broken] = "error"

        failures = 0
        deadline = time.monotonic() + DEADLINE_SECONDS
        while True:
            now = placement(front, senders)
            failures += sum(status == 500 for status, _ in now.values())
            for sender in senders:  # the others keep their replica, without an error
                if sender not in stuck:
                    assert now[sender] == before[sender]
            if all(now[s][0] == 200 and now[s][1] != broken for s in stuck):
                break
            assert time.monotonic() < deadline, "the broken replica's conversations stay"
        assert 1 <= failures <= 5  # at most error-limit readers got the error
        server = f"rasa{names.index(broken) + 1}"  # the rendered configuration's name
        assert f"Server rasa/{server} is DOWN, reason: Health analyze" in front.log.read_text()


# -- Redis unreachable when a Rasa server starts --------------------------------------


def redis_server(port: int, directory: Path) -> subprocess.Popen:
    return subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(directory)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.mark.timeout(300)
def test_a_rasa_server_starts_without_redis_and_answers_once_it_is_there(
    tmp_path: Path,
) -> None:
    """Rasa's Redis lock store connects on first use, not at start: a Rasa server whose
    Redis is unreachable starts and passes HAProxy's check (GET /); each message then
    fails inside Rasa (no lock) and the reader gets the channels' apology
    (bot/channels/guard.py); once Redis is there, the same process answers without a
    restart."""
    redis_port = free_port()
    settings = load_settings()
    model = ensure_model(settings)
    with scratch_postgres_database("abuse_tracker") as tracker_url, \
            (tmp_path / "servers.log").open("w") as log:
        settings = dataclasses.replace(
            settings, host="127.0.0.1", rasa_port=free_port(), action_port=free_port(),
            var_dir=tmp_path, tracker_url=tracker_url,
            redis_url=f"redis://127.0.0.1:{redis_port}/0",
            database_url=f"sqlite:///{tmp_path / 'library.db'}")
        prepare_library(settings.database_url)
        redis_process: subprocess.Popen | None = None
        with AssistantProcesses(settings, model, log) as servers:
            try:
                servers.start_action_server(wait=False)
                servers.start_rasa_server(wait=False)
                servers.wait_until_ready()  # GET / answers although Redis is not there
                url = settings.rasa_url + "/webhooks/rest/webhook"

                def texts() -> list[str]:
                    reply = httpx.post(url, json={"sender": "no-redis", "message": "你好"},
                                       timeout=60)
                    assert reply.status_code == 200
                    return [message.get("text", "") for message in reply.json()]

                assert texts() == [NO_REPLY_TEXT]
                redis_process = redis_server(redis_port, tmp_path)

                def answered() -> bool:
                    now = texts()
                    return bool(now) and NO_REPLY_TEXT not in now

                poll(answered, "an answer once Redis is up", 30)
            finally:
                if redis_process is not None:
                    redis_process.terminate()
                    redis_process.wait(timeout=10)
