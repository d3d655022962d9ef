"""Plain data of the digital-resource directory (数字资源导航): a resource's content as
staff edit it, what readers get (ResourceCard), and the checks that keep a broken link
from ever being shown as one."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

KINDS = {
    "ebook": "电子书", "journal": "期刊", "newspaper": "报纸", "audio": "有声读物",
    "video": "视频", "children": "少儿资源", "local": "地方文献",
}
AUDIENCES = {"all": "所有读者", "adult": "成人", "children": "少年儿童"}
#: how to get in, as staff tick it (order: how it is listed)
ACCESS = {"onsite": "在馆内网络", "remote": "馆外凭读者证远程访问", "app": "手机 App"}
MAX_NAME_CHARS = 100
MAX_URL_CHARS = 300
MAX_DESCRIPTION_CHARS = 2000
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_HOST = re.compile(rf"(?:{_LABEL}\.)+{_LABEL}")
_UNSAFE = re.compile(r"[\s\"'<>\\`{}|^\x00-\x1f\x7f]")


def url_problem(url: str) -> str | None:
    """Why url cannot be shown to readers as a link (in Chinese, for the editor, after
    "网址无效："), or None if it can: only complete http(s) addresses with a host name,
    without spaces or quotes."""
    if len(url) > MAX_URL_CHARS:
        return f"不能超过 {MAX_URL_CHARS} 个字符"
    if _UNSAFE.search(url):
        return "不能包含空格、引号、尖括号等字符"
    try:
        parts = urlsplit(url)
        host, _port = parts.hostname or "", parts.port
    except ValueError:
        return "格式不正确"
    if parts.scheme.lower() not in ("http", "https"):
        return "必须以 http:// 或 https:// 开头（不接受 javascript:、ftp: 等）"
    if parts.username is not None:
        return "不能包含用户名或密码"
    try:
        host = host.encode("idna").decode("ascii")  # 例子.中国 → xn--fsqu00a.xn--fiqs8s
    except UnicodeError:
        return "域名不正确"
    if not _HOST.fullmatch(host):
        return "缺少有效的域名，例如 https://www.example.cn/"
    return None


def safe_link(url: str) -> str:
    """url if it may be shown as a link, else "" (also for rows stored before a check)."""
    return url if url and url_problem(url) is None else ""


@dataclass
class ResourceContent:
    name: str
    kind: str
    description: str
    subjects: list[str] = field(default_factory=list)
    audience: list[str] = field(default_factory=lambda: ["all"])
    access: list[str] = field(default_factory=list)  # unknown: nothing ticked
    access_note: str = ""  # e.g. 用读者证号和密码登录
    url: str = ""
    placeholder: bool = False  # not confirmed by public sources: readers are told
    source: str = ""

    def problems(self) -> list[str]:
        """What is wrong with this content, in Chinese, for the editor."""
        found = []
        if not self.name.strip():
            found.append("名称不能为空")
        elif len(self.name) > MAX_NAME_CHARS:
            found.append(f"名称不能超过 {MAX_NAME_CHARS} 字")
        if self.kind not in KINDS:
            found.append(f"未知类型：{self.kind}")
        if not self.description.strip():
            found.append("简介不能为空")
        elif len(self.description) > MAX_DESCRIPTION_CHARS:
            found.append(f"简介不能超过 {MAX_DESCRIPTION_CHARS} 字")
        if not self.audience:
            found.append("请至少选择一类读者对象")
        found += [f"未知读者对象：{code}" for code in self.audience if code not in AUDIENCES]
        found += [f"未知访问方式：{code}" for code in self.access if code not in ACCESS]
        if self.url and (problem := url_problem(self.url)):
            found.append(f"网址无效：{problem}")
        return found


@dataclass(frozen=True)
class ResourceCard:
    """A published resource as readers get it (url: a safe link or "")."""

    resource_id: int
    key: str
    name: str
    kind: str
    description: str
    subjects: tuple[str, ...]
    audience: tuple[str, ...]
    access: tuple[str, ...]
    access_note: str
    url: str
    placeholder: bool


@dataclass(frozen=True)
class ResourceSummary:
    """A row of the console's list: the newest version of a resource."""

    entry_id: int
    key: str
    name: str
    kind: str
    published: bool
    pending_state: str  # "" | draft | in_review | rejected
    updated_at: datetime
