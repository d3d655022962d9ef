"""The scale-out configuration against this machine's PostgreSQL and Redis: two action
servers and two Rasa servers (tracker store on PostgreSQL, Redis lock store, library data
on PostgreSQL) behind the sticky router."""

from __future__ import annotations

import dataclasses
import threading
import urllib.error
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import redis
from sqlalchemy import create_engine, text

from bot.db.scratch import scratch_postgres_database
from bot.http_json import free_port, post_json
from bot.router import StickyRouter, sender_of
from bot.scale_out import ScaleOut
from bot.settings import Settings
from bot.setup_library import prepare_library

REDIS_URL = "redis://127.0.0.1:6379/7"


@pytest.fixture(scope="module")
def deployment(test_settings: Settings, model: Path,
               tmp_path_factory: pytest.TempPathFactory) -> Iterator[ScaleOut]:
    var_dir = tmp_path_factory.mktemp("scale-out")
    with scratch_postgres_database("library_scale") as library_url, \
            scratch_postgres_database("rasa_tracker") as tracker_url:
        prepare_library(library_url)
        settings = dataclasses.replace(
            test_settings, rasa_port=free_port(), var_dir=var_dir, database_url=library_url,
            tracker_url=tracker_url, redis_url=REDIS_URL,
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


def test_a_conversation_continues_when_its_process_goes_down(deployment: ScaleOut) -> None:
    sender = "scale-failover-reader"
    assert "读者证" in say(deployment, sender, "我想预约《三体》")
    replicas = {replica.settings.rasa_url: replica for replica in deployment.replicas}
    preferred = StickyRouter(list(replicas)).order(sender)[0]
    replicas[preferred].stop()  # the process that had this conversation
    # The other process picks the conversation up from PostgreSQL: the form goes on.
    assert "密码" in say(deployment, sender, "JL00000001")


def test_the_router_keeps_a_conversation_on_one_replica() -> None:
    urls = ["http://127.0.0.1:1", "http://127.0.0.1:2", "http://127.0.0.1:3"]
    router = StickyRouter(urls)
    chosen = {router.order(f"reader-{n}")[0] for n in range(30)}
    assert chosen == set(urls)  # conversations are spread
    assert all(router.order("reader-7")[0] == router.order("reader-7")[0] for _ in range(5))


@pytest.mark.parametrize("path, query, body, sender", [
    ("/webhooks/rest/webhook", "", b'{"sender": "a1", "message": "hi"}', "a1"),
    ("/webhooks/widget/message", "", b'{"session_id": "b2", "text": "hi"}', "b2"),
    ("/webhooks/wechat/webhook", "signature=x&openid=oC3", b"<xml></xml>", "oC3"),
    ("/webhooks/widget/updates", "session_id=e5&token=t&after=0", b"", "e5"),
    ("/webhooks/telegram/webhook", "", b'{"update_id": 1, "message": {"chat": {"id": 42}}}',
     "42"),
    ("/conversations/d4/tracker", "", b"", "d4"),
    ("/webhooks/rest/webhook", "", b"not json", ""),
])
def test_the_router_finds_the_conversation_of_each_channel(
    path: str, query: str, body: bytes, sender: str,
) -> None:
    assert sender_of(path, query, body) == sender
