"""Unanswered readers' questions: turn one into a draft (prefilled form) or dismiss it."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, redirect

from bot.admin.entries import content_from, editor_page, form_values
from bot.admin.views import render
from bot.services.faq_model import (
    CATEGORIES,
    MAX_QUESTION_CHARS,
    FaqContent,
    FaqError,
    UnansweredInfo,
)

bp = Blueprint("inbox")


@bp.get("/unanswered")
async def inbox(request: Request) -> HTTPResponse:
    return render(request, "unanswered.html",
                  questions=request.app.ctx.knowledge.unanswered("open"))


def _open_question(request: Request, question_id: int) -> UnansweredInfo:
    for question in request.app.ctx.knowledge.unanswered("open"):
        if question.question_id == question_id:
            return question
    raise FaqError("这条问题已经处理过或不存在。")


@bp.get("/unanswered/<question_id:int>/draft")
async def draft_form(request: Request, question_id: int) -> HTTPResponse:
    question = _open_question(request, question_id)
    content = FaqContent(question=question.text.strip()[:MAX_QUESTION_CHARS], answer="",
                         category=next(iter(CATEGORIES)), source="读者未解答问题")
    return editor_page(request, form=form_values(content), unanswered=question)


@bp.post("/unanswered/<question_id:int>/draft")
async def create_draft(request: Request, question_id: int) -> HTTPResponse:
    question = _open_question(request, question_id)
    content = content_from(request.form)
    knowledge = request.app.ctx.knowledge
    try:
        version_id = knowledge.draft_from_unanswered(request.ctx.user, question_id, content)
    except FaqError as error:
        return editor_page(request, 400, form=form_values(content), unanswered=question,
                           error=str(error))
    entry_id = knowledge.version(version_id).entry_id
    return redirect(f"/entries/{entry_id}?done=drafted", status=303)


@bp.post("/unanswered/<question_id:int>/dismiss")
async def dismiss(request: Request, question_id: int) -> HTTPResponse:
    request.app.ctx.knowledge.dismiss_unanswered(request.ctx.user, question_id)
    return redirect("/unanswered?done=dismissed", status=303)
