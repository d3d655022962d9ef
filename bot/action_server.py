"""The action server: rasa-sdk's app, bound to the configured host and answering only
the Rasa server.

`rasa run actions` binds to 0.0.0.0 and has no authentication of its own, so anyone who
could reach its port could run any action for any conversation (list a verified
reader's holds, place or cancel them). This entry point binds to LIBRARY_HOST (loopback
by default) and refuses every request but the health check that does not carry the
secret shared with the Rasa server (ACTION_SERVER_TOKEN, sent by Rasa as the
X-Action-Token header: endpoints.yml), compared in constant time.

Run as ``python -m bot.action_server`` (bot.processes does).
"""

from __future__ import annotations

import hmac

from rasa_sdk.endpoint import create_app
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.action_request import TOKEN_HEADER
from bot.settings import load_settings

OPEN_PATHS = frozenset({"/health"})


def action_app(token: str) -> Sanic:
    """rasa-sdk's app with the project's actions, behind the shared secret."""
    app = create_app("actions", cors_origins=None)

    @app.middleware("request")
    async def authenticate(request: Request) -> HTTPResponse | None:
        if request.path in OPEN_PATHS:
            return None
        given = request.headers.get(TOKEN_HEADER, "")
        if token and hmac.compare_digest(given.encode(), token.encode()):
            return None
        return response.json({"error": "unauthorised"}, status=401)

    return app


def main() -> None:
    settings = load_settings()
    action_app(settings.action_server_token).run(
        host=settings.host, port=settings.action_port, workers=1, access_log=False,
    )


if __name__ == "__main__":
    main()
