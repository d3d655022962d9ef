"""The Sanic application: services, routes, error pages and security headers."""

from __future__ import annotations

import asyncio

from sanic import Request, Sanic
from sanic.exceptions import NotFound
from sanic.response import HTTPResponse

from bot import wiring
from bot.admin import (
    account,
    auth,
    desk,
    entries,
    guard,
    inbox,
    resources,
    review,
    statistics,
    transfer,
)
from bot.admin.throttle import AddressThrottle
from bot.admin.views import message
from bot.services.faq_files import FaqFileError
from bot.services.faq_model import FaqError
from bot.services.handoff_model import HandoffError
from bot.services.interface import ServiceUnavailableError
from bot.settings import Settings

SECURITY_HEADERS = {
    # Same-origin files only: no inline script or style, no other hosts (the desk's
    # desk.js polls JSON endpoints of this server).
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; connect-src 'self'; "
                               "style-src 'self'; img-src 'self'; form-action 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def create_app(settings: Settings, name: str = "library_admin",
               secure_cookies: bool = False) -> Sanic:
    """secure_cookies: the console is served over HTTPS (cookies marked Secure)."""
    app = Sanic(name)
    app.ctx.knowledge = wiring.knowledge_admin(settings)
    app.ctx.resources = wiring.resources_admin(settings)
    app.ctx.staff = wiring.staff_accounts(settings)
    app.ctx.desk = wiring.staff_desk(settings)
    app.ctx.statistics = wiring.statistics_store(settings)
    app.ctx.secure_cookies = secure_cookies
    app.ctx.login_throttle = AddressThrottle()
    app.ctx.hashing_slots = asyncio.Semaphore(auth.HASHING_SLOTS)
    for blueprint in (guard.bp, auth.bp, account.bp, entries.bp, review.bp, transfer.bp,
                      inbox.bp, desk.bp, statistics.bp, resources.bp):
        app.blueprint(blueprint)
    app.register_middleware(guard.refuse_odd_paths, "request")
    app.register_middleware(auth.require_session, "request")

    @app.on_response
    async def security_headers(_request: Request, response: HTTPResponse) -> None:
        for header, value in SECURITY_HEADERS.items():
            response.headers.setdefault(header, value)

    @app.exception(FaqError, FaqFileError)
    async def refused(request: Request, error: Exception) -> HTTPResponse:
        return message(request, str(error), 400)

    @app.exception(HandoffError)
    async def handoff_refused(request: Request, error: HandoffError) -> HTTPResponse:
        return desk.refused(request, error)

    @app.exception(ServiceUnavailableError)
    async def unavailable(request: Request, _error: Exception) -> HTTPResponse:
        return message(request, "数据库暂时不可用，请稍后再试。", 503)

    @app.exception(NotFound)
    async def not_found(request: Request, _error: Exception) -> HTTPResponse:
        return message(request, "页面不存在。", 404)

    return app
