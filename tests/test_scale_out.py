"""The scale-out configuration against this machine's PostgreSQL and Redis: two action
servers and two Rasa servers (tracker store on PostgreSQL, Redis lock store, library data
on PostgreSQL) behind HAProxy (bot/scale_out.py). How HAProxy spreads and keeps the
conversations of every channel is tested faster against stand-ins in
tests/test_haproxy_front.py."""

from __future__ import annotations

import dataclasses
import http.client
import json
import re
import threading
import time
import urllib.error
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import redis
from sqlalchemy import create_engine, text

from bot.db.scratch import scratch_postgres_database
from bot.http_json import free_port, post_json
from bot.scale_out import ScaleOut
from bot.settings import Settings
from bot.setup_library import prepare_library

REDIS_URL = "redis://127.0.0.1:6379/7"
#: HAProxy's log line of a request: client port, Rasa server, method and path
#: (deploy/haproxy/haproxy.cfg.in: log-format)
LOGGED = r"^\S*127\.0\.0\.1:{port} .* readers rasa/rasa(\d+) .* POST /webhooks/rest/webhook$"

# Starting two action servers and two Rasa servers counts towards the first test.
pytestmark = pytest.mark.timeout(300)


@pytest.fixture(scope="module")
def deployment(test_settings: Settings, model: Path,
               tmp_path_factory: pytest.TempPathFactory) -> Iterator[ScaleOut]:
    var_dir = tmp_path_factory.mktemp("scale-out")
    with scratch_postgres_database("library_scale") as library_url, \
            scratch_postgres_database("rasa_tracker") as tracker_url:
        prepare_library(library_url)
        settings = dataclasses.replace(
            test_settings, rasa_port=free_port(), var_dir=var_dir, database_url=library_url,
            action_port=free_port(), tracker_url=tracker_url, redis_url=REDIS_URL,
        )
        with (var_dir / "servers.log").open("w") as log, \
                ScaleOut(settings, model, replicas=2, log=log) as scale_out:
            scale_out.start()
            yield scale_out


def say(deployment: ScaleOut, sender: str, message: str) -> str:
    replies = post_json(deployment.front.settings.rasa_url + "/webhooks/rest/webhook",
                        {"sender": sender, "message": message})
    return "\n".join(reply.get("text", "") for reply in replies)


def test_without_a_token_the_rest_channel_answers_only_local_callers(
    deployment: ScaleOut,
) -> None:
    """No REST_CHANNEL_TOKEN here: a request a reverse proxy forwarded is refused."""
    url = deployment.front.settings.rasa_url + "/webhooks/rest/webhook"
    with pytest.raises(urllib.error.HTTPError) as refused:
        post_json(url, {"sender": "via-proxy", "message": "你好"},
                  headers={"X-Forwarded-For": "203.0.113.7"})
    assert refused.value.code == 403
    assert say(deployment, "local-tool", "你好")


def test_concurrent_conversations_are_answered_and_stored_in_postgresql(
    deployment: ScaleOut,
) -> None:
    senders = [f"scale-reader-{number}" for number in range(8)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda sender: say(deployment, sender, "明天开门吗"), senders))
    assert all("金陵图书馆明天" in answer for answer in answers)
    engine = create_engine(deployment.front.settings.tracker_url, future=True)
    with engine.connect() as connection:
        stored = set(connection.execute(text("SELECT DISTINCT sender_id FROM events")).scalars())
    engine.dispose()
    assert {f"rest:{sender}" for sender in senders} <= stored


def test_each_turn_takes_the_conversations_lock_in_redis(deployment: ScaleOut) -> None:
    client = redis.Redis.from_url(REDIS_URL)
    commands: list[str] = []

    def watch(monitor: redis.client.Monitor) -> None:
        """Records Redis commands on this conversation's lock until it is released."""
        for event in monitor.listen():
            command = str(event["command"])
            if "scale-lock-reader" in command:
                commands.append(command)
                if command.startswith("DEL "):
                    return

    with client.monitor() as monitor:
        listening = threading.Thread(target=watch, args=(monitor,), daemon=True)
        listening.start()
        say(deployment, "scale-lock-reader", "你好")
        listening.join(timeout=30)
    client.close()
    key = "jinling:lock:rest:scale-lock-reader"
    assert commands[0].startswith(f"GET {key}")
    assert any(command.startswith(f"SET {key}") for command in commands)
    assert commands[-1] == f"DEL {key}"


def turn_on_server(deployment: ScaleOut, sender: str, message: str) -> tuple[int, str]:
    """A REST turn and the index of the Rasa server HAProxy sent it to, found in HAProxy's
    log by this connection's port (the line is written when the turn is over)."""
    front = urlsplit(deployment.front.settings.rasa_url)
    connection = http.client.HTTPConnection(front.hostname, front.port, timeout=60)
    connection.connect()
    logged = re.compile(LOGGED.format(port=connection.sock.getsockname()[1]), re.M)
    connection.request("POST", "/webhooks/rest/webhook",
                       json.dumps({"sender": sender, "message": message}),
                       {"Content-Type": "application/json"})
    replies = json.load(connection.getresponse())
    connection.close()
    log = deployment.front.settings.var_dir / "servers.log"
    deadline = time.monotonic() + 10
    while not (found := logged.findall(log.read_text())):
        assert time.monotonic() < deadline, "HAProxy did not log the turn"
        time.sleep(0.1)
    return int(found[-1]) - 1, "\n".join(reply.get("text", "") for reply in replies)


def test_a_conversation_continues_when_its_process_goes_down(deployment: ScaleOut) -> None:
    sender = "scale-failover-reader"
    server, _ = turn_on_server(deployment, sender, "你好")
    again, answer = turn_on_server(deployment, sender, "我想预约《三体》")
    assert again == server  # sticky
    assert "读者证" in answer
    deployment.rasa_servers[server].stop()  # the process that had this conversation
    # Another process picks the conversation up from PostgreSQL: the form goes on.
    assert "密码" in say(deployment, sender, "JL00000001")


def test_turns_go_on_when_an_action_server_stops(deployment: ScaleOut) -> None:
    deployment.action_servers[0].stop()
    for number in range(4):  # the remaining action server runs every action
        assert "金陵图书馆明天" in say(deployment, f"scale-action-{number}", "明天开门吗")
