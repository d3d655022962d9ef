"""`rasa run` with its HTTP API token taken from the settings (RASA_API_TOKEN, or the
secret kept in var/), never from the command line, where `ps` shows it to every user
of the machine. ``python -m bot.rasa_server [rasa run options]``.

Started on its own (a systemd unit, docs/deployment.md) rather than by bot.processes, it
fills in what endpoints*.yml expand from the settings, as bot.processes does for its
children: ACTION_SERVER_URL, the parts of RASA_TRACKER_URL and REDIS_URL, and the
secrets kept in LIBRARY_VAR_DIR. A variable set to a non-empty value is left alone."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

import rasa.__main__ as rasa_cli
import rasa.core.tracker_store as rasa_tracker_store

from bot.settings import load_settings


def _parser_adding_token(create_parser: Any, token: str) -> Any:
    """Rasa's own argument parser, with --auth-token filled in after parsing."""
    def create() -> argparse.ArgumentParser:
        parser = create_parser()
        parse = parser.parse_args

        def parse_with_token(*args: Any, **kwargs: Any) -> argparse.Namespace:
            parsed = parse(*args, **kwargs)
            parsed.auth_token = token
            return parsed

        parser.parse_args = parse_with_token  # type: ignore[method-assign]
        return parser

    return create


def _tracker_store_errors_are_not_hidden() -> None:
    """Rasa wraps the tracker store in a FailSafeTrackerStore that, when the database
    fails, carries on with an empty in-memory conversation: the reader's form is
    forgotten and the message is answered as if the conversation had just begun (a
    wrong answer instead of an apology). Here the error is raised instead, so that the
    channel guard tells the reader to try again (bot/channels/guard.py) and the stored
    conversation goes on once the database is back. Connections are also checked
    before use (pool_pre_ping): after a database restart the next turn is answered
    instead of failing on a connection the server closed."""
    def raise_error(_store: Any, error: Exception) -> None:
        raise error

    original_kwargs = rasa_tracker_store.create_engine_kwargs

    def with_pre_ping(url: Any) -> dict[str, Any]:
        return {**original_kwargs(url), "pool_pre_ping": True}

    rasa_tracker_store.create_engine_kwargs = with_pre_ping
    store = rasa_tracker_store.FailSafeTrackerStore
    store.on_tracker_store_error = raise_error  # type: ignore[method-assign]
    store.on_tracker_store_retrieve_error = raise_error  # type: ignore[method-assign]


def main() -> None:
    if any(arg.startswith("--auth-token") for arg in sys.argv[1:]):
        sys.exit("bot.rasa_server takes the API token from RASA_API_TOKEN, not an option")
    settings = load_settings()
    for name, value in settings.environment().items():
        if not os.environ.get(name):
            os.environ[name] = value
    rasa_cli.create_argument_parser = _parser_adding_token(  # type: ignore[assignment]
        rasa_cli.create_argument_parser, settings.rasa_api_token)
    _tracker_store_errors_are_not_hidden()
    sys.argv = ["rasa", "run", *sys.argv[1:]]
    rasa_cli.main()


if __name__ == "__main__":
    main()
