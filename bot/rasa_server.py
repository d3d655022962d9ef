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


def main() -> None:
    if any(arg.startswith("--auth-token") for arg in sys.argv[1:]):
        sys.exit("bot.rasa_server takes the API token from RASA_API_TOKEN, not an option")
    settings = load_settings()
    for name, value in settings.environment().items():
        if not os.environ.get(name):
            os.environ[name] = value
    rasa_cli.create_argument_parser = _parser_adding_token(  # type: ignore[assignment]
        rasa_cli.create_argument_parser, settings.rasa_api_token)
    sys.argv = ["rasa", "run", *sys.argv[1:]]
    rasa_cli.main()


if __name__ == "__main__":
    main()
