"""The signed-in user's own account: changing the password (the current one, then the
new one twice). Other sessions of the user end; this one stays signed in."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, redirect

from bot.admin.auth import SESSION_COOKIE, hashing
from bot.admin.views import render
from bot.services.passwords import MIN_PASSWORD_LENGTH, password_problem

bp = Blueprint("account")
PAGE = "/account/password"


def _page(request: Request, status: int = 200, error: str = "") -> HTTPResponse:
    return render(request, "password.html", status=status, error=error,
                  min_length=MIN_PASSWORD_LENGTH)


@bp.get(PAGE)
async def password_form(request: Request) -> HTTPResponse:
    return _page(request)


@bp.post(PAGE)
async def change_password(request: Request) -> HTTPResponse:
    user, staff = request.ctx.user, request.app.ctx.staff
    current = request.form.get("current") or ""
    new = request.form.get("new") or ""
    if new != (request.form.get("again") or ""):
        return _page(request, 400, "两次输入的新密码不一致。")
    if problem := password_problem(new, user.username):
        return _page(request, 400, problem)
    if new == current:
        return _page(request, 400, "新密码不能与当前密码相同。")
    if await hashing(request, staff.authenticate, user.username, current) is None:
        return _page(request, 400, "当前密码不正确，或尝试次数过多，请稍后再试。")
    await hashing(request, staff.set_password, user.username, new,
                  request.cookies.get(SESSION_COOKIE) or "")
    return redirect(f"{PAGE}?done=password_changed", status=303)
