"""Entry list, new/edit form (with edit-conflict handling), entry history, submit, rollback."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, redirect

from bot.admin.views import render
from bot.services.faq_model import CATEGORIES, ConflictError, FaqContent, FaqError, VersionInfo

bp = Blueprint("entries")
CONFLICT_HINT = ("你的修改没有保存：下方保留了你填写的内容，旁边是对方保存的最新版本。"
                 "请核对、合并后再次保存。")


def as_int(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        raise FaqError("请求参数无效，请刷新页面后重试。") from None


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
    return render(request, "edit.html", status=status, **context)


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
    return render(request, "entries.html", entries=found, search=search, category=category)


@bp.get("/entries/new")
async def new_entry(request: Request) -> HTTPResponse:
    content = FaqContent(question="", answer="", category=next(iter(CATEGORIES)))
    return editor_page(request, form=form_values(content))


async def _saved(request: Request, version_id: int, done: str = "saved") -> HTTPResponse:
    knowledge, user = request.app.ctx.knowledge, request.ctx.user
    if request.form.get("action") == "submit":
        knowledge.submit(user, version_id)
        done = "submitted"
    entry_id = knowledge.version(version_id).entry_id
    return redirect(f"/entries/{entry_id}?done={done}", status=303)


@bp.post("/entries/new")
async def create_entry(request: Request) -> HTTPResponse:
    content = content_from(request.form)
    try:
        version_id = request.app.ctx.knowledge.save_draft(request.ctx.user, content)
    except FaqError as error:
        return editor_page(request, 400, form=form_values(content), error=str(error))
    return await _saved(request, version_id)


def _current(request: Request, entry_id: int) -> tuple[int, VersionInfo]:
    """The entry's revision and newest version (revision first: a save in between then
    shows up as a conflict instead of being overwritten)."""
    knowledge = request.app.ctx.knowledge
    revision = knowledge.revision(entry_id)
    return revision, knowledge.versions(entry_id)[0]


@bp.get("/entries/<entry_id:int>/edit")
async def edit_entry(request: Request, entry_id: int) -> HTTPResponse:
    revision, current = _current(request, entry_id)
    return editor_page(request, form=form_values(current.content), entry_id=entry_id,
                       entry_key=current.entry_key, revision=revision, loaded=current)


@bp.post("/entries/<entry_id:int>/edit")
async def save_entry(request: Request, entry_id: int) -> HTTPResponse:
    content = content_from(request.form)
    expected = as_int(request.form.get("revision"))
    try:
        version_id = request.app.ctx.knowledge.save_draft(
            request.ctx.user, content, entry_id=entry_id, expected_revision=expected)
    except ConflictError as error:
        revision, latest = _current(request, entry_id)
        return editor_page(request, 409, form=form_values(content), entry_id=entry_id,
                           entry_key=latest.entry_key, revision=revision, latest=latest,
                           error=f"{error} {CONFLICT_HINT}")
    except FaqError as error:
        return editor_page(request, 400, form=form_values(content), entry_id=entry_id,
                           entry_key=request.form.get("entry_key") or "", revision=expected,
                           error=str(error))
    return await _saved(request, version_id)


def _history(request: Request, entry_id: int, status: int = 200,
             error: str = "") -> HTTPResponse:
    knowledge = request.app.ctx.knowledge
    versions = knowledge.versions(entry_id)
    if not versions:
        raise FaqError("没有这个条目")
    return render(request, "history.html", status=status, error=error, entry_id=entry_id,
                  versions=versions, current=versions[0], audit=knowledge.audit(entry_id))


@bp.get("/entries/<entry_id:int>")
async def entry_history(request: Request, entry_id: int) -> HTTPResponse:
    return _history(request, entry_id)


@bp.post("/versions/<version_id:int>/submit")
async def submit(request: Request, version_id: int) -> HTTPResponse:
    knowledge = request.app.ctx.knowledge
    entry_id = knowledge.version(version_id).entry_id
    try:
        knowledge.submit(request.ctx.user, version_id)
    except FaqError as error:
        return _history(request, entry_id, 400, str(error))
    return redirect(f"/entries/{entry_id}?done=submitted", status=303)


@bp.post("/versions/<version_id:int>/rollback")
async def rollback(request: Request, version_id: int) -> HTTPResponse:
    knowledge = request.app.ctx.knowledge
    entry_id = knowledge.version(version_id).entry_id
    try:
        knowledge.rollback(request.ctx.user, version_id)
    except FaqError as error:
        return _history(request, entry_id, 400, str(error))
    return redirect(f"/entries/{entry_id}?done=rolled_back", status=303)
