"""The digital-resource directory in the console: list, new/edit form (edit conflicts as
for FAQ entries), history with audit and rollback, review queue. The workflow and its
routes are the FAQ's (bot/services/sql/workflow.py, bot/admin/workflow_views.py); a
broken address is refused when saved."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from bot.admin.views import render, templates
from bot.admin.workflow_views import Section, add_entry_routes, add_review_routes
from bot.services.resource_model import ACCESS, AUDIENCES, KINDS, ResourceContent

bp = Blueprint("resources")
RESOURCES = Section("resources", "/resources", "/resource-versions", "/resources/review",
                    "没有这个数字资源", "resource_history.html", "resource_review.html")
templates.globals.update(resource_kinds=KINDS, resource_audiences=AUDIENCES,
                         resource_access=ACCESS)


def content_from(form: dict) -> ResourceContent:
    return ResourceContent(
        name=(form.get("name") or "").strip(), kind=form.get("kind") or "",
        description=(form.get("description") or "").strip(),
        subjects=[s.strip() for s in (form.get("subjects") or "").splitlines() if s.strip()],
        audience=[code for code in AUDIENCES if form.get(f"audience_{code}")],
        access=[code for code in ACCESS if form.get(f"access_{code}")],
        access_note=(form.get("access_note") or "").strip(),
        url=(form.get("url") or "").strip(), placeholder=bool(form.get("placeholder")),
        source=form.get("source") or "",
    )


def editor_page(request: Request, content: ResourceContent, status: int = 200,
                **context: object) -> HTTPResponse:
    for name, default in (("entry_id", None), ("entry_key", ""), ("revision", ""),
                          ("latest", None), ("loaded", None)):
        context.setdefault(name, default)
    return render(request, "resource_edit.html", status=status, section=RESOURCES,
                  form=content, subjects="\n".join(content.subjects), **context)


@bp.get("/resources")
async def resource_list(request: Request) -> HTTPResponse:
    search = (request.args.get("q") or "").strip()
    kind = request.args.get("kind") or ""
    kind = kind if kind in KINDS else ""
    return render(request, "resources.html", section=RESOURCES, search=search, kind=kind,
                  resources=request.app.ctx.resources.entries(search, kind))


@bp.get("/resources/new")
async def new_resource(request: Request) -> HTTPResponse:
    return editor_page(request, ResourceContent(name="", kind=next(iter(KINDS)),
                                                description=""))


add_entry_routes(bp, RESOURCES, content_from, editor_page)
add_review_routes(bp, RESOURCES, "/resources/audit")
