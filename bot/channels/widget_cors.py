"""Cross-origin rules of the widget's routes: only the library's own pages
(settings.widget_origins) may call them from a browser.

Rasa wraps its whole app in sanic-cors, which answers every OPTIONS request itself (with
the server's --cors origins, none by default) before any route runs, and adds its own
headers to every response. The widget therefore puts its own request middleware in front
when the server starts: it answers preflight requests for the widget's routes, and every
widget response is marked as handled so sanic-cors leaves it alone.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sanic_cors.core import SANIC_CORS_EVALUATED

logger = logging.getLogger(__name__)

ALLOWED_METHODS = "GET, POST, OPTIONS"
ALLOWED_HEADERS = "Content-Type, Last-Event-ID"
PREFLIGHT_MAX_AGE_SECONDS = "600"


class OriginPolicy:
    """Which browser origins may use the routes of one blueprint."""

    def __init__(self, origins: Iterable[str], blueprint_name: str) -> None:
        self.origins = frozenset(origin.rstrip("/") for origin in origins)
        self.blueprint_name = blueprint_name

    def refusal(self, request: Request) -> str | None:
        """Why the request's origin is refused; None if allowed. Requests without an
        Origin header do not come from another site's page and are allowed."""
        origin = request.headers.get("origin")
        if origin is None or origin in self.origins:
            return None
        return f"origin {origin[:100]!r} not allowed"

    def headers(self, request: Request) -> dict[str, str]:
        """CORS headers for a response to this request (marks CORS as handled)."""
        setattr(request.ctx, SANIC_CORS_EVALUATED, "1")
        origin = request.headers.get("origin")
        if origin is None or origin not in self.origins:
            return {"Vary": "Origin"}
        return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}

    def _ours(self, request: Request) -> bool:
        route = request.route
        return route is not None and f".{self.blueprint_name}." in f".{route.name}."

    def preflight(self, request: Request) -> HTTPResponse | None:
        """Request middleware: answers preflight requests to our routes."""
        if request.method != "OPTIONS" or not self._ours(request):
            return None
        headers = self.headers(request)
        refused = self.refusal(request)
        if refused:
            logger.warning("Widget preflight refused with 403: %s (%s)", refused, request.path)
            return response.text("", status=403, headers=headers)
        return response.empty(status=204, headers={
            **headers,
            "Access-Control-Allow-Methods": ALLOWED_METHODS,
            "Access-Control-Allow-Headers": ALLOWED_HEADERS,
            "Access-Control-Max-Age": PREFLIGHT_MAX_AGE_SECONDS,
        })

    def install(self, app: Sanic) -> None:
        """Puts the preflight middleware before sanic-cors's (call when the server starts)."""
        if self.preflight not in app.request_middleware:
            app.request_middleware.appendleft(self.preflight)
