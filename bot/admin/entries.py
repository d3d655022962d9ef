"""Entry list, new/edit form (with edit-conflict handling), entry history, submit, rollback."""

from __future__ import annotations

import asyncio

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, redirect

from bot import clock
from bot.admin.views import render
from bot.admin.workflow_views import Section, add_entry_routes
from bot.services.faq_model import CATEGORIES, FaqContent
from bot.statistics.health import knowledge_health

bp = Blueprint("entries")
FAQ = Section("knowledge", "/entries", "/versions", "/review", "没有这个条目",
              "history.html", "review.html")


def content_from(form: dict) -> FaqContent:
    return FaqContent(
        question=(form.get("question") or "").strip(),
        answer=(form.get("answer") or "").strip(),
        category=form.get("category") or "",
        paraphrases=[p.strip() for p in (form.get("paraphrases") or "").splitlines()
                     if p.strip()],
        link=(form.get("link") or "").strip(),
        placeholder=bool(form.get("placeholder")),
        source=form.get("source") or "",
    )


def form_values(content: FaqContent) -> dict:
    return {"question": content.question, "answer": content.answer,
            "category": content.category, "paraphrases": "\n".join(content.paraphrases),
            "link": content.link, "placeholder": content.placeholder, "source": content.source}


def editor_page(request: Request, status: int = 200, **context: object) -> HTTPResponse:
    context.setdefault("entry_id", None)
    context.setdefault("entry_key", "")
    context.setdefault("revision", "")
    context.setdefault("unanswered", None)
    context.setdefault("latest", None)
    context.setdefault("loaded", None)
    return render(request, "edit.html", status=status, section=FAQ, **context)


def _editor(request: Request, content: FaqContent, status: int = 200,
            **context: object) -> HTTPResponse:
    return editor_page(request, status, form=form_values(content), **context)


@bp.get("/")
async def home(_request: Request) -> HTTPResponse:
    return redirect("/entries")


@bp.get("/entries")
async def entry_list(request: Request) -> HTTPResponse:
    search = (request.args.get("q") or "").strip()
    category = request.args.get("category") or ""
    if category not in CATEGORIES:
        category = ""
    found = request.app.ctx.knowledge.entries(search, category)
    health = None if search or category else await asyncio.to_thread(
        knowledge_health, request.app.ctx.statistics, clock.today())
    return render(request, "entries.html", section=FAQ, entries=found, search=search,
                  category=category, health=health)


@bp.get("/entries/new")
async def new_entry(request: Request) -> HTTPResponse:
    content = FaqContent(question="", answer="", category=next(iter(CATEGORIES)))
    return editor_page(request, form=form_values(content))


add_entry_routes(bp, FAQ, content_from, _editor)
