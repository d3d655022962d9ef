"""Rendering: Jinja2 templates (autoescape on for every template) and Chinese labels."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from sanic import Request
from sanic.response import HTTPResponse, html

from bot.services.faq_model import CATEGORIES

HERE = Path(__file__).resolve().parent
STATES = {
    "published": "已发布", "draft": "草稿", "in_review": "待审核", "rejected": "已驳回",
    "superseded": "历史版本", "discarded": "已作废",
}
ROLE_NAMES = {"editor": "编辑", "reviewer": "审核员", "admin": "管理员"}
ACTIONS = {
    "draft": "保存草稿", "submit": "提交审核", "approve": "审核通过", "reject": "驳回",
    "rollback": "回滚", "unpublish": "下线", "import": "导入",
}
REVIEWER_ROLES = ("reviewer", "admin")
# Confirmations after a redirect (?done=CODE): fixed texts, never reflected input.
NOTICES = {
    "saved": "草稿已保存。", "submitted": "已提交审核，等待审核员处理。",
    "approved": "已审核通过并发布。", "rejected": "已驳回，编辑会看到你的意见。",
    "rolled_back": "已回滚并发布该版本的内容。", "dismissed": "已忽略该问题。",
    "drafted": "已根据读者的问题创建草稿。",
    "password_changed": "密码已修改；你在其他浏览器或设备上的登录已退出。",
}

templates = Environment(
    loader=FileSystemLoader(HERE / "templates"), autoescape=True, undefined=StrictUndefined,
    trim_blocks=True, lstrip_blocks=True,
)
templates.globals.update(categories=CATEGORIES, states=STATES, role_names=ROLE_NAMES,
                         actions=ACTIONS)
templates.filters["when"] = lambda at: at.strftime("%Y-%m-%d %H:%M") if at else ""


def render(request: Request, name: str, status: int = 200, **context: Any) -> HTTPResponse:
    user = getattr(request.ctx, "user", None)
    context.setdefault("notice", NOTICES.get(request.args.get("done", ""), ""))
    context.setdefault("error", "")
    page = templates.get_template(name).render(
        user=user, csrf=getattr(request.ctx, "csrf", ""), path=request.path,
        is_reviewer=bool(user and user.role in REVIEWER_ROLES), **context,
    )
    return html(page, status=status)


def message(request: Request, text: str, status: int) -> HTTPResponse:
    return render(request, "message.html", status=status, text=text)
