"""Odd requests get a plain answer, never an error page: a path with control characters
(e.g. ``%00``) or longer than MAX_PATH_CHARS is refused (400) before anything else
looks at it, and the static files are served from memory by name (404 for any other
name), so no file-system path is ever built from the URL."""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote

from sanic import Blueprint, Request
from sanic.exceptions import NotFound
from sanic.response import HTTPResponse, raw

from bot.admin.views import HERE, message
from bot.settings import PROJECT_ROOT

MAX_PATH_CHARS = 1024
bp = Blueprint("static_files")


def _load(directory: Path) -> dict[str, tuple[bytes, str]]:
    files = {}
    for path in directory.iterdir():
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        textual = kind.startswith("text/") or kind.endswith("javascript")
        files[path.name] = (path.read_bytes(), f"{kind}; charset=utf-8" if textual else kind)
    return files


#: files installed by npm (package.json, `make setup`), served like the console's own
VENDOR_FILES = {"echarts.min.js": PROJECT_ROOT / "node_modules/echarts/dist/echarts.min.js"}
STATIC_FILES = {**_load(HERE / "static"),
                **{name: (path.read_bytes(), "application/javascript; charset=utf-8")
                   for name, path in VENDOR_FILES.items() if path.is_file()}}


async def refuse_odd_paths(request: Request) -> HTTPResponse | None:
    """Request middleware (first of all): 400 for a path no page could have."""
    path = unquote(request.path)
    if len(request.path) > MAX_PATH_CHARS or any(ord(c) < 32 or ord(c) == 127 for c in path):
        return message(request, "请求的地址无效。", 400)
    return None


@bp.get("/static/<name:str>")
async def static_file(_request: Request, name: str) -> HTTPResponse:
    if name not in STATIC_FILES:
        raise NotFound("no such file")
    body, content_type = STATIC_FILES[name]
    return raw(body, content_type=content_type)
