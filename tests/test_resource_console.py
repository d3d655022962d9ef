"""The digital-resource pages of the staff console against a real `python -m bot.admin`
process, over plain HTTP: the loaded directory, edit → submit → review → publish with
the audit log, a broken address refused with a clear message, edit conflicts, CSRF and
escaping."""

from __future__ import annotations

import html
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookiejar import CookieJar

import pytest

from bot.db.migrate import upgrade
from bot.knowledge_cli import setup
from bot.resource_setup import load_resources
from bot.services.sql.resources import SqlResources
from bot.services.sql.session import SqlStore
from tests.test_admin_console import PASSWORDS, running_console

pytestmark = pytest.mark.timeout(120)
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Page:
    status: int
    url: str
    text: str

    def has(self, fragment: str) -> bool:
        return fragment in html.unescape(self.text)


class Staff:
    """A browser-less staff member: cookies, the page's CSRF token, form posts."""

    def __init__(self, base: str) -> None:
        self.base, self.csrf = base, ""
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()))

    def open(self, path: str, form: dict[str, str] | None = None) -> Page:
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        try:
            with self.opener.open(self.base + path, data=data, timeout=30) as response:
                page = Page(response.status, response.geturl(), response.read().decode())
        except urllib.error.HTTPError as error:
            page = Page(error.code, error.geturl(), error.read().decode())
        if token := CSRF.search(page.text):
            self.csrf = token.group(1)
        return page

    def post(self, path: str, form: dict[str, str]) -> Page:
        return self.open(path, {"csrf_token": self.csrf, **form})

    def sign_in(self, username: str) -> Staff:
        self.open("/login")
        assert self.post("/login", {"username": username,
                                    "password": PASSWORDS[username]}).status == 200
        return self


@dataclass
class Console:
    url: str
    directory: SqlResources

    def staff(self, username: str) -> Staff:
        return Staff(self.url).sign_in(username)

    def entry_id(self, name: str) -> int:
        return next(e.entry_id for e in self.directory.entries(name) if e.name == name)


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    var_dir = tmp_path_factory.mktemp("resource-console")
    database_url = f"sqlite:///{var_dir / 'library.db'}"
    upgrade(database_url)
    setup(database_url, demo_mode=True)
    load_resources(database_url)
    with running_console(database_url, var_dir / "console.log") as url:
        yield Console(url, SqlResources(SqlStore(database_url)))


def form(name: str, url: str = "", **extra: str) -> dict[str, str]:
    return {"name": name, "kind": "journal", "subjects": "历史\n南京",
            "audience_all": "1", "access_remote": "1", "url": url,
            "description": "测试用的期刊资源。", "action": "save", **extra}


def test_loaded_directory_is_listed(console: Console) -> None:
    page = console.staff("editor").open("/resources?kind=journal")
    assert page.status == 200 and page.has('href="/resources" class="here">数字资源')
    assert page.has("学术期刊") and page.has("外文期刊与外文数据库")
    assert not page.has("电子图书") and page.has("已发布")


def test_broken_address_is_refused_and_the_form_kept(console: Console) -> None:
    editor = console.staff("editor")
    page = editor.post("/resources/new", form("测试坏链接期刊", url="javascript:alert(1)"))
    assert page.status == 400
    assert page.has("网址无效：必须以 http:// 或 https:// 开头（不接受 javascript:、ftp: 等）")
    assert page.has('value="测试坏链接期刊"') and page.has('value="javascript:alert(1)"')
    page = editor.post("/resources/new", form("测试坏链接期刊", url="https://bad host.cn/"))
    assert page.status == 400 and page.has("网址无效：不能包含空格")
    assert not console.directory.entries("测试坏链接期刊")


def test_draft_review_publish_with_audit(console: Console) -> None:
    editor, reviewer = console.staff("editor"), console.staff("reviewer")
    page = editor.post("/resources/new", form("测试梅花山史料期刊", url="https://nj.example.cn/",
                                              action="submit"))
    assert page.status == 200 and page.has("已提交审核")
    assert console.directory.find("梅花山史料") == []  # in review: not for readers

    queue = editor.open("/resources/review")
    version_id = re.search(r'id="review-(\d+)"', queue.text).group(1)
    assert queue.has("新资源，尚未发布过") and "通过并发布" not in queue.text
    refused = editor.post(f"/resource-versions/{version_id}/approve", {"comment": "好"})
    assert refused.status == 403 and refused.has("只有审核员或管理员可以审核。")

    reviewer.open("/resources/review")
    page = reviewer.post(f"/resource-versions/{version_id}/approve", {"comment": "核对无误"})
    assert page.status == 200 and page.has("已审核通过并发布。")
    (card,) = console.directory.find("梅花山史料")
    assert card.url == "https://nj.example.cn/" and card.access == ("remote",)

    history = editor.open(f"/resources/{console.entry_id('测试梅花山史料期刊')}")
    for action in ("保存草稿", "提交审核", "审核通过", "核对无误", "审核员老李", "编辑小王"):
        assert history.has(action), action
    assert 'href="https://nj.example.cn/"' not in history.text  # addresses shown as text
    key = console.directory.versions(console.entry_id("测试梅花山史料期刊"))[0].entry_key
    audit = reviewer.open("/resources/audit")
    assert audit.has(key) and audit.has("审核通过")


def test_reject_and_edit_conflict(console: Console) -> None:
    entry_id = console.entry_id("学术期刊")
    first, second = console.staff("editor"), console.staff("admin")
    page = first.open(f"/resources/{entry_id}/edit")
    revision = re.search(r'name="revision" value="(\d+)"', page.text).group(1)
    base = form("学术期刊", revision=revision, entry_key="res-journals")
    assert first.post(f"/resources/{entry_id}/edit",
                      {**base, "description": "第一位编辑的简介。"}).has("草稿已保存。")
    second.open(f"/resources/{entry_id}/edit")
    page = second.post(f"/resources/{entry_id}/edit",
                       {**base, "description": "第二位编辑的简介。"})
    assert page.status == 409 and page.has("该条目已被其他人修改")
    assert page.has("第一位编辑的简介。") and page.has("第二位编辑的简介。")

    draft = console.directory.versions(entry_id)[0]
    first.open(f"/resources/{entry_id}")
    assert first.post(f"/resource-versions/{draft.version_id}/submit", {}).has("已提交审核")
    reviewer = console.staff("reviewer")
    reviewer.open("/resources/review")
    page = reviewer.post(f"/resource-versions/{draft.version_id}/reject", {"comment": ""})
    assert page.status == 403 and page.has("驳回时请填写意见")
    page = reviewer.post(f"/resource-versions/{draft.version_id}/reject",
                         {"comment": "请写明数据库名称"})
    assert page.has("已驳回")
    assert console.directory.find("学术期刊")[0].description.startswith("据 2009 年")


def test_csrf_and_escaping(console: Console) -> None:
    editor = console.staff("editor")
    bare = urllib.parse.urlencode(form("测试无校验码")).encode()
    with pytest.raises(urllib.error.HTTPError) as refused:
        editor.opener.open(console.url + "/resources/new", data=bare, timeout=30)
    assert refused.value.code == 403
    name = "测试<script>window.pwned=1</script>"
    page = editor.post("/resources/new", form(name, description="<b id=bold>不是粗体</b>"))
    assert page.status == 200 and "<script>window.pwned" not in page.text
    assert "&lt;script&gt;" in page.text and "<b id=bold>" not in page.text
    listing = editor.open("/resources?" + urllib.parse.urlencode({"q": "测试<script>"}))
    assert "&lt;script&gt;" in listing.text and "<script>window" not in listing.text
