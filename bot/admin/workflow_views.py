"""The console's editorial-workflow routes, shared by FAQ entries and directory resources:
save (new or edited, with edit conflicts), submit, history with rollback, review queue
with approve / reject, audit log. A `Section` says which workflow service
(bot/services/sql/workflow.py) and which URLs and templates; `add_entry_routes` and
`add_review_routes` put the routes on a blueprint, which itself only lists, parses its
form and renders its editor."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, redirect

from bot.admin.views import render
from bot.services.faq_model import ConflictError, FaqError, VersionInfo
from bot.services.sql.workflow import EditorialWorkflow

CONFLICT_HINT = ("你的修改没有保存：下方保留了你填写的内容，旁边是对方保存的最新版本。"
                 "请核对、合并后再次保存。")
#: renders the editor: (request, content, status, **context)
Editor = Callable[..., HTTPResponse]


@dataclass(frozen=True)
class Section:
    service: str  # the workflow's name on request.app.ctx
    list_url: str  # the list; LIST/new, LIST/<id> (history), LIST/<id>/edit
    version_url: str  # VERSION/<id>/submit, /rollback, /approve, /reject
    review_url: str
    missing: str  # the error for an unknown entry
    history_template: str
    review_template: str

    def workflow(self, request: Request) -> EditorialWorkflow[Any]:
        workflow: EditorialWorkflow[Any] = getattr(request.app.ctx, self.service)
        return workflow


def as_int(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        raise FaqError("请求参数无效，请刷新页面后重试。") from None


async def saved(request: Request, section: Section, version_id: int) -> HTTPResponse:
    """After a save: submit too if asked, then back to the entry's history."""
    workflow, done = section.workflow(request), "saved"
    if request.form.get("action") == "submit":
        workflow.submit(request.ctx.user, version_id)
        done = "submitted"
    entry_id = workflow.version(version_id).entry_id
    return redirect(f"{section.list_url}/{entry_id}?done={done}", status=303)


async def create(request: Request, section: Section, content: Any,
                 editor: Editor) -> HTTPResponse:
    try:
        version_id = section.workflow(request).save_draft(request.ctx.user, content)
    except FaqError as error:
        return editor(request, content, 400, error=str(error))
    return await saved(request, section, version_id)


def current(request: Request, section: Section,
            entry_id: int) -> tuple[int, VersionInfo[Any]]:
    """The entry's revision and newest version (revision first: a save in between then
    shows up as a conflict instead of being overwritten)."""
    workflow = section.workflow(request)
    revision = workflow.revision(entry_id)
    return revision, workflow.versions(entry_id)[0]


def edit_page(request: Request, section: Section, entry_id: int,
              editor: Editor) -> HTTPResponse:
    revision, newest = current(request, section, entry_id)
    return editor(request, newest.content, entry_id=entry_id, entry_key=newest.entry_key,
                  revision=revision, loaded=newest)


async def save(request: Request, section: Section, entry_id: int, content: Any,
               editor: Editor) -> HTTPResponse:
    expected = as_int(request.form.get("revision"))
    try:
        version_id = section.workflow(request).save_draft(
            request.ctx.user, content, entry_id=entry_id, expected_revision=expected)
    except ConflictError as error:
        revision, latest = current(request, section, entry_id)
        return editor(request, content, 409, entry_id=entry_id, entry_key=latest.entry_key,
                      revision=revision, latest=latest, error=f"{error} {CONFLICT_HINT}")
    except FaqError as error:
        return editor(request, content, 400, entry_id=entry_id,
                      entry_key=request.form.get("entry_key") or "", revision=expected,
                      error=str(error))
    return await saved(request, section, version_id)


def history_page(request: Request, section: Section, entry_id: int, status: int = 200,
                 error: str = "") -> HTTPResponse:
    workflow = section.workflow(request)
    versions = workflow.versions(entry_id)
    if not versions:
        raise FaqError(section.missing)
    return render(request, section.history_template, status=status, error=error,
                  section=section, entry_id=entry_id, versions=versions,
                  current=versions[0], audit=workflow.audit(entry_id))


async def step(request: Request, section: Section, version_id: int, action: str,
               done: str) -> HTTPResponse:
    """Submit or roll back a version; a refusal is shown on the history page."""
    workflow = section.workflow(request)
    entry_id = workflow.version(version_id).entry_id
    try:
        getattr(workflow, action)(request.ctx.user, version_id)
    except FaqError as error:
        return history_page(request, section, entry_id, 400, str(error))
    return redirect(f"{section.list_url}/{entry_id}?done={done}", status=303)


def _published(versions: list[VersionInfo[Any]]) -> VersionInfo[Any] | None:
    return next((v for v in versions if v.state == "published"), None)


def review_page(request: Request, section: Section, status: int = 200,
                error: str = "") -> HTTPResponse:
    workflow = section.workflow(request)
    items = [(draft, _published(workflow.versions(draft.entry_id)))
             for draft in workflow.review_queue()]
    return render(request, section.review_template, status=status, error=error,
                  section=section, items=items)


async def decide(request: Request, section: Section, version_id: int, decision: str,
                 done: str) -> HTTPResponse:
    """Approve or reject a version; a refusal is shown on the review queue."""
    comment = request.form.get("comment") or ""
    try:
        getattr(section.workflow(request), decision)(request.ctx.user, version_id, comment)
    except FaqError as error:
        return review_page(request, section, 403, str(error))
    return redirect(f"{section.review_url}?done={done}", status=303)


def audit_page(request: Request, section: Section) -> HTTPResponse:
    return render(request, "audit.html", records=section.workflow(request).audit())


def add_entry_routes(bp: Blueprint, section: Section, content_from: Callable[[Any], Any],
                     editor: Editor) -> None:
    """POST LIST/new, GET and POST LIST/<id>/edit, GET LIST/<id> (history), POST
    VERSION/<id>/submit and VERSION/<id>/rollback."""

    async def create_entry(request: Request) -> HTTPResponse:
        return await create(request, section, content_from(request.form), editor)

    async def edit_entry(request: Request, entry_id: int) -> HTTPResponse:
        return edit_page(request, section, entry_id, editor)

    async def save_entry(request: Request, entry_id: int) -> HTTPResponse:
        return await save(request, section, entry_id, content_from(request.form), editor)

    async def entry_history(request: Request, entry_id: int) -> HTTPResponse:
        return history_page(request, section, entry_id)

    async def submit(request: Request, version_id: int) -> HTTPResponse:
        return await step(request, section, version_id, "submit", "submitted")

    async def rollback(request: Request, version_id: int) -> HTTPResponse:
        return await step(request, section, version_id, "rollback", "rolled_back")

    entry, version = f"{section.list_url}/<entry_id:int>", f"{section.version_url}/<version_id:int>"
    for handler, uri, method in (
            (create_entry, f"{section.list_url}/new", "POST"),
            (edit_entry, f"{entry}/edit", "GET"), (save_entry, f"{entry}/edit", "POST"),
            (entry_history, entry, "GET"), (submit, f"{version}/submit", "POST"),
            (rollback, f"{version}/rollback", "POST")):
        bp.add_route(handler, uri, methods=[method], name=handler.__name__)


def add_review_routes(bp: Blueprint, section: Section, audit_url: str) -> None:
    """GET REVIEW (the queue), POST VERSION/<id>/approve and VERSION/<id>/reject, GET
    audit_url (the audit log)."""

    async def queue(request: Request) -> HTTPResponse:
        return review_page(request, section)

    async def approve(request: Request, version_id: int) -> HTTPResponse:
        return await decide(request, section, version_id, "approve", "approved")

    async def reject(request: Request, version_id: int) -> HTTPResponse:
        return await decide(request, section, version_id, "reject", "rejected")

    async def audit_log(request: Request) -> HTTPResponse:
        return audit_page(request, section)

    version = f"{section.version_url}/<version_id:int>"
    for handler, uri, method in (
            (queue, section.review_url, "GET"), (approve, f"{version}/approve", "POST"),
            (reject, f"{version}/reject", "POST"), (audit_log, audit_url, "GET")):
        bp.add_route(handler, uri, methods=[method], name=handler.__name__)
