"""Shared fixtures: the trained model and a running assistant on free ports."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
import redis
from sqlalchemy import create_engine
from sqlalchemy.exc import SQLAlchemyError

from bot import clock
from bot.db.scratch import POSTGRES_SERVER
from bot.http_json import free_port, post_json
from bot.processes import AssistantProcesses
from bot.settings import Settings, load_settings
from bot.setup_library import prepare_library
from bot.training import ensure_model
from tests.channel_credentials import (
    REST_TOKEN,
    TELEGRAM_SECRET,
    TELEGRAM_TOKEN,
    WECHAT_AES_KEY,
    WECHAT_APP_ID,
    WECHAT_SECRET,
    WECHAT_TOKEN,
)
from tests.standins.telegram_api import TelegramApiStandIn
from tests.standins.wechat import FakeWeChatApi

# The shared headless Chromium (`browser` fixture) for browser tests.
pytest_plugins = ["tests.browser"]

Chat = Callable[[str, str], list[dict]]


REQUIRED_SERVICES = {
    "PostgreSQL": POSTGRES_SERVER + "/postgres",
    "Redis": "redis://127.0.0.1:6379/0",
}


# The whole session runs on a known date, whatever today is: Wednesday 2026-10-28, 10:00
# in Nanjing (library and desk open, 春节 2027 ahead).
PINNED_NOW = datetime(2026, 10, 28, 10, 0)


def pytest_sessionstart(session: pytest.Session) -> None:
    """Pins the library's clock (clock.set_offset moves this process's clock, and
    load_settings() carries it to every server started), turns demo mode on (demo staff
    accounts in every database set up); stops at once, in one sentence,
    when a server the tests need is not running."""
    clock.set_offset(clock.offset_until(PINNED_NOW))
    os.environ["LIBRARY_DEMO_MODE"] = "1"  # databases set up here get the demo staff
    for name, url in REQUIRED_SERVICES.items():
        try:
            if name == "Redis":
                redis.Redis.from_url(url, socket_connect_timeout=3).ping()
            else:
                engine = create_engine(url, connect_args={"connect_timeout": 3})
                try:
                    engine.connect().close()
                finally:
                    engine.dispose()
        except (redis.RedisError, SQLAlchemyError) as error:
            pytest.exit(f"{name} is not reachable at {url} ({type(error).__name__}); the "
                        f"tests need it running (see README.md, 'Tests').", returncode=3)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Marks the tests that talk to the running Rasa server (marker `assistant`)."""
    for item in items:
        if "assistant" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.assistant)


@pytest.fixture(scope="session")
def model() -> Path:
    """The model for the current training data (trained by `make test` before pytest)."""
    return ensure_model(load_settings())


@pytest.fixture(scope="session")
def test_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Servers on free ports, with their own tracker store and a fresh demo library."""
    var_dir = tmp_path_factory.mktemp("var")
    chat_port = free_port()
    settings = dataclasses.replace(
        load_settings(),
        host="127.0.0.1",
        rasa_port=free_port(),
        action_port=free_port(),
        chat_port=chat_port,
        widget_origins=(f"http://127.0.0.1:{chat_port}",),
        admin_port=free_port(),
        var_dir=var_dir,
        tracker_db=var_dir / "rasa_tracker.db",
        database_url=f"sqlite:///{var_dir / 'library.db'}",
    )
    prepare_library(settings.database_url)
    return settings


@pytest.fixture(scope="session")
def telegram_api() -> Iterator[TelegramApiStandIn]:
    """The Telegram Bot API stand-in of the session's reader bot."""
    with TelegramApiStandIn({TELEGRAM_TOKEN: "jinling_library_bot"}) as standin:
        yield standin


@pytest.fixture(scope="session")
def wechat_api() -> Iterator[FakeWeChatApi]:
    """The WeChat API stand-in of the session's official account."""
    with FakeWeChatApi(WECHAT_APP_ID, WECHAT_SECRET).running() as fake:
        yield fake


@pytest.fixture(scope="session")
def assistant(test_settings: Settings, model: Path, telegram_api: TelegramApiStandIn,
              wechat_api: FakeWeChatApi) -> Iterator[AssistantProcesses]:
    """The real Rasa server and the real action server, started once for the session:
    every reader channel (REST, widget, WeChat in safe mode, Telegram) is configured,
    WeChat and Telegram pointed at their stand-ins."""
    settings = dataclasses.replace(
        test_settings,
        telegram_bot_token=TELEGRAM_TOKEN, telegram_webhook_secret=TELEGRAM_SECRET,
        telegram_api_base=telegram_api.base_url,
        wechat_token=WECHAT_TOKEN, wechat_app_id=WECHAT_APP_ID,
        wechat_app_secret=WECHAT_SECRET, wechat_aes_key=WECHAT_AES_KEY,
        wechat_api_base=wechat_api.url,
        rest_token=REST_TOKEN,
    )
    log_path = settings.var_dir / "servers.log"
    with log_path.open("w") as log, AssistantProcesses(settings, model, log) as processes:
        processes.start_action_server()
        processes.start_rasa_server()
        yield processes


@pytest.fixture(scope="session")
def chat(assistant: AssistantProcesses) -> Chat:
    """Sends one message through the REST channel; returns the bot's replies."""
    url = assistant.settings.rasa_url + "/webhooks/rest/webhook"

    def send(sender: str, message: str) -> list[dict]:
        replies = post_json(url, {"sender": sender, "message": message},
                            headers=assistant.settings.rest_headers)
        assert isinstance(replies, list)
        return replies

    return send
