"""Review queue (draft next to the published version; approve / reject) and audit log."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, redirect

from bot.admin.views import render
from bot.services.faq_model import FaqError, VersionInfo

bp = Blueprint("review")


def _published(versions: list[VersionInfo]) -> VersionInfo | None:
    return next((v for v in versions if v.state == "published"), None)


def review_page(request: Request, status: int = 200, error: str = "") -> HTTPResponse:
    knowledge = request.app.ctx.knowledge
    items = [(draft, _published(knowledge.versions(draft.entry_id)))
             for draft in knowledge.review_queue()]
    return render(request, "review.html", status=status, error=error, items=items)


@bp.get("/review")
async def queue(request: Request) -> HTTPResponse:
    return review_page(request)


@bp.post("/versions/<version_id:int>/approve")
async def approve(request: Request, version_id: int) -> HTTPResponse:
    try:
        request.app.ctx.knowledge.approve(request.ctx.user, version_id,
                                          request.form.get("comment") or "")
    except FaqError as error:
        return review_page(request, 403, str(error))
    return redirect("/review?done=approved", status=303)


@bp.post("/versions/<version_id:int>/reject")
async def reject(request: Request, version_id: int) -> HTTPResponse:
    try:
        request.app.ctx.knowledge.reject(request.ctx.user, version_id,
                                         request.form.get("comment") or "")
    except FaqError as error:
        return review_page(request, 403, str(error))
    return redirect("/review?done=rejected", status=303)


@bp.get("/audit")
async def audit_log(request: Request) -> HTTPResponse:
    return render(request, "audit.html", records=request.app.ctx.knowledge.audit())
