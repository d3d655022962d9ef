"""Import (.yml/.xlsx → drafts in review, all or nothing) and export of published entries."""

from __future__ import annotations

from pathlib import PurePath

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, raw

from bot.admin.views import render
from bot.services.faq_files import FaqFileError, read_rows, write_rows

bp = Blueprint("transfer")
CONTENT_TYPES = {
    "yml": "application/x-yaml; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def transfer_page(request: Request, status: int = 200, **context: object) -> HTTPResponse:
    context.setdefault("errors", [])
    context.setdefault("imported", None)
    return render(request, "transfer.html", status=status, **context)


@bp.get("/transfer")
async def transfer(request: Request) -> HTTPResponse:
    return transfer_page(request)


@bp.post("/import")
async def import_file(request: Request) -> HTTPResponse:
    upload = request.files.get("file")
    if upload is None or not upload.name or not upload.body:
        return transfer_page(request, 400, error="请选择要导入的 .yml 或 .xlsx 文件。")
    kind = PurePath(upload.name).suffix.lstrip(".").lower()
    try:
        rows = read_rows(upload.body, kind)
    except FaqFileError as error:
        return transfer_page(request, 400, error=f"没有导入任何条目：{error}")
    report = request.app.ctx.knowledge.import_rows(rows, request.ctx.user, publish=False)
    if report.errors:
        return transfer_page(request, 400, errors=report.errors,
                             error=f"文件中有 {len(report.errors)} 处错误，没有导入任何条目。")
    return transfer_page(request, imported=report.imported)


@bp.get("/export/<kind:str>")
async def export_file(request: Request, kind: str) -> HTTPResponse:
    if kind not in CONTENT_TYPES:
        raise FaqFileError("只支持导出 .yml 和 .xlsx 文件")
    data = write_rows(request.app.ctx.knowledge.export_rows(), kind)
    return raw(data, content_type=CONTENT_TYPES[kind],
               headers={"Content-Disposition": f'attachment; filename="faq.{kind}"'})
