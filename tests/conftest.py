"""Shared fixtures: the trained model and a running assistant on free ports."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.http_json import free_port, post_json
from bot.processes import AssistantProcesses
from bot.settings import Settings, load_settings
from bot.setup_library import prepare_library
from bot.training import ensure_model

# The shared headless Chromium (`browser` fixture) for browser tests.
pytest_plugins = ["tests.browser"]

Chat = Callable[[str, str], list[dict]]


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
def assistant(test_settings: Settings, model: Path) -> Iterator[AssistantProcesses]:
    """The real Rasa server (REST channel, HTTP API) and the real action server."""
    log_path = test_settings.var_dir / "servers.log"
    with log_path.open("w") as log, AssistantProcesses(test_settings, model, log) as processes:
        processes.start_action_server()
        processes.start_rasa_server()
        yield processes


@pytest.fixture(scope="session")
def chat(assistant: AssistantProcesses) -> Chat:
    """Sends one message through the REST channel; returns the bot's replies."""
    url = assistant.settings.rasa_url + "/webhooks/rest/webhook"

    def send(sender: str, message: str) -> list[dict]:
        replies = post_json(url, {"sender": sender, "message": message})
        assert isinstance(replies, list)
        return replies

    return send
