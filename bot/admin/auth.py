"""Sign-in: server-side sessions in an HttpOnly, SameSite=Lax cookie (also Secure when
the console is served over HTTPS: ADMIN_PUBLIC_URL), and a CSRF token (one per session)
that every POST form must carry in its ``csrf_token`` field.

Failed sign-ins are throttled per client address (bot.admin.throttle) and per account
(bot.services.sql.staff); every refusal gets the same answer. Password hashing is slow
on purpose, so it runs in a thread, at most HASHING_SLOTS at a time: a flood of sign-ins
queues there while every other page keeps answering.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import math
import secrets
from collections.abc import Callable
from typing import TypeVar

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, redirect

from bot.admin.views import message, render

SESSION_COOKIE = "admin_session"
LOGIN_COOKIE = "admin_login_csrf"  # double-submit token for the login form itself
PUBLIC_PATHS = ("/login", "/static/", "/favicon.ico")
CSRF_REFUSED = "请求被拒绝：表单校验码无效或已过期，请刷新页面后重试。"
LOGIN_REFUSED = "用户名或密码错误，或尝试次数过多，请稍后再试。"
HASHING_SLOTS = 2  # Argon2 takes 64 MiB and a core or two per hash

bp = Blueprint("auth")
logger = logging.getLogger(__name__)
Result = TypeVar("Result")


async def hashing(request: Request, work: Callable[..., Result], *args: object) -> Result:
    """Runs work (which hashes a password) in a thread, in one of the hashing slots."""
    async with request.app.ctx.hashing_slots:
        return await asyncio.to_thread(work, *args)


def set_cookie(request: Request, response: HTTPResponse, name: str, value: str) -> None:
    response.cookies[name] = value
    response.cookies[name]["httponly"] = True
    response.cookies[name]["samesite"] = "Lax"
    response.cookies[name]["path"] = "/"
    if request.app.ctx.secure_cookies:
        response.cookies[name]["secure"] = True


def _same(given: str | None, expected: str | None) -> bool:
    return bool(given and expected) and hmac.compare_digest(given, expected)


async def require_session(request: Request) -> HTTPResponse | None:
    """Request middleware: sign-in for every page, CSRF check for every POST."""
    if request.path.startswith(PUBLIC_PATHS):
        return None
    token = request.cookies.get(SESSION_COOKIE)
    found = request.app.ctx.staff.session_user(token) if token else None
    if found is None:
        return redirect("/login", status=303)
    request.ctx.user, request.ctx.csrf = found
    if request.method == "POST" and not _same(request.form.get("csrf_token"), found[1]):
        return message(request, CSRF_REFUSED, 403)
    return None


def _login_page(request: Request, status: int = 200, error: str = "",
                username: str = "") -> HTTPResponse:
    # Reused while the browser keeps it: another tab (or the favicon request's redirect)
    # loading /login must not invalidate a form that is already open.
    token = request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(32)
    response = render(request, "login.html", status=status, error=error, username=username,
                      login_csrf=token)
    set_cookie(request, response, LOGIN_COOKIE, token)
    return response


@bp.get("/login")
async def login_form(request: Request) -> HTTPResponse:
    return _login_page(request)


@bp.post("/login")
async def login(request: Request) -> HTTPResponse:
    if not _same(request.form.get("csrf_token"), request.cookies.get(LOGIN_COOKIE)):
        return _login_page(request, 403, CSRF_REFUSED)
    username = (request.form.get("username") or "").strip()
    address = request.remote_addr or request.ip
    throttle = request.app.ctx.login_throttle
    if wait := throttle.attempt(address):
        logger.warning("staff sign-in from %s refused: too many failures (%.0f s to wait)",
                       address, wait)
        response = _login_page(request, 429, LOGIN_REFUSED, username)
        response.headers["Retry-After"] = str(math.ceil(wait))
        return response
    staff = request.app.ctx.staff
    user = await hashing(request, staff.authenticate, username,
                         request.form.get("password") or "")
    if user is None:
        throttle.failed(address)
        return _login_page(request, 401, LOGIN_REFUSED, username)
    throttle.succeeded(address)
    token, _csrf = staff.open_session(user)
    response = redirect("/entries", status=303)
    set_cookie(request, response, SESSION_COOKIE, token)
    del response.cookies[LOGIN_COOKIE]
    return response


@bp.post("/logout")
async def logout(request: Request) -> HTTPResponse:
    request.app.ctx.staff.close_session(request.cookies.get(SESSION_COOKIE))
    response = redirect("/login", status=303)
    del response.cookies[SESSION_COOKIE]
    return response
