"""The digital-resource directory (数字资源导航) on SQLite and PostgreSQL: what readers
find (matching, access from where they are), drafts never shown, broken addresses
refused and never shown as links, the FAQ's workflow with its audit log, and the
directory loaded from knowledge/resources/ at setup."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import update

from bot import clock
from bot.db.models import ResourceEntry, ResourceVersion
from bot.resource_setup import load_resources, resource_rows
from bot.services.faq_model import ConflictError, FaqError, StaffRef
from bot.services.resource_model import ResourceContent, url_problem
from bot.services.sql.resources import SqlResources
from bot.services.sql.session import SqlStore
from bot.services.sql.staff import SqlStaff
from tests.library_db import BACKENDS, fresh_database

pytestmark = pytest.mark.timeout(120)

ROWS = [
    {"id": "t-ebooks", "name": "测试电子书库", "type": "ebook", "subjects": ["文学", "历史"],
     "audience": ["all"], "access": ["onsite"], "url": "https://ebooks.example.cn/",
     "description": "馆内可读的电子书。"},
    {"id": "t-ebooks-home", "name": "测试远程电子书", "type": "ebook", "subjects": ["小说"],
     "audience": ["adult"], "access": ["remote", "app"], "access_note": "用读者证号登录",
     "url": "https://remote.example.cn/", "description": "在家也能读的电子书。"},
    {"id": "t-foreign", "name": "测试外文期刊库", "type": "journal", "subjects": ["外文", "学术"],
     "audience": ["adult"], "access": ["remote"], "url": "https://foreign.example.cn/",
     "description": "英文学术期刊全文。"},
    {"id": "t-journals", "name": "测试中文期刊库", "type": "journal", "subjects": ["学术"],
     "audience": ["all"], "access": ["onsite"], "description": "中文期刊。"},
    {"id": "t-kids-audio", "name": "测试少儿听书", "type": "audio", "subjects": ["故事", "儿歌"],
     "audience": ["children"], "access": ["app"], "url": "https://kids.example.cn/",
     "description": "给孩子听的故事。"},
    {"id": "t-audio", "name": "测试有声书库", "type": "audio", "subjects": ["有声书"],
     "audience": ["all"], "access": [], "description": "有声读物。", "placeholder": True},
]


@pytest.fixture(scope="module", params=BACKENDS)
def url(request: pytest.FixtureRequest,
        tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with fresh_database(request.param, tmp_path_factory.mktemp("resources"), demo=False) as url:
        yield url


@pytest.fixture(scope="module")
def staff(url: str) -> dict[str, StaffRef]:
    accounts = SqlStaff(SqlStore(url))
    return {role: accounts.create_user(f"res-{role}", f"{role} 测试", role, f"{role}-pw")
            for role in ("editor", "reviewer", "admin")}


@pytest.fixture(scope="module")
def directory(url: str) -> SqlResources:
    resources = SqlResources(SqlStore(url))
    report = resources.import_rows(ROWS, user=None, publish=True)
    assert report.errors == [] and report.imported == len(ROWS)
    return resources


def keys(directory: SqlResources, query: str, **where: str) -> list[str]:
    return [card.key for card in directory.find(query, **where)]


def content(name: str, **extra: object) -> ResourceContent:
    fields = {"kind": "video", "description": "测试视频资源。", **extra}
    return ResourceContent(name=name, **fields)


def test_type_audience_and_place_words(directory: SqlResources) -> None:
    assert keys(directory, "有没有外文期刊数据库") == ["t-foreign"]
    # From home: what works from outside the library first, the in-library one last.
    assert keys(directory, "在家能看电子书吗") == ["t-ebooks-home", "t-ebooks"]
    assert keys(directory, "电子书", where="onsite")[0] == "t-ebooks"
    # For children: the children's audio first, then audio meant for everyone.
    assert keys(directory, "适合孩子的有声书") == ["t-kids-audio", "t-audio"]
    # Only a place: everything, what works on a phone first, unknown access next (5 shown).
    assert keys(directory, "手机上能用什么") == ["t-kids-audio", "t-ebooks-home", "t-audio",
                                              "t-journals", "t-foreign"]
    assert keys(directory, "有历史类的资源吗") == ["t-ebooks"]
    assert keys(directory, "期刊") == ["t-journals", "t-foreign"]


def test_empty_and_unmatched_requests_find_nothing(directory: SqlResources) -> None:
    for query in ("", "   ", "？？", "数字资源", "有没有数据库"):
        assert directory.find(query) == []
    assert directory.find("量子物理") == []
    assert directory.kind_counts() == {"ebook": 2, "journal": 2, "audio": 2}


def test_drafts_are_never_shown(directory: SqlResources, staff: dict[str, StaffRef]) -> None:
    editor, reviewer = staff["editor"], staff["reviewer"]
    draft = directory.save_draft(editor, content("测试纪录片库", subjects=["纪录片"]))
    assert directory.find("纪录片") == []
    directory.submit(editor, draft)
    assert directory.find("纪录片") == []
    directory.approve(reviewer, draft)
    assert keys(directory, "纪录片") == [directory.version(draft).entry_key]

    # A new draft of a published resource: readers keep the published version.
    entry_id = directory.version(draft).entry_id
    changed = content("测试纪录片库", subjects=["纪录片"], description="改过的简介。")
    second = directory.save_draft(editor, changed, entry_id, directory.revision(entry_id))
    directory.submit(editor, second)
    assert directory.find("纪录片")[0].description == "测试视频资源。"
    directory.reject(reviewer, second, "简介太短")
    assert directory.find("纪录片")[0].description == "测试视频资源。"
    directory.unpublish(reviewer, entry_id)
    assert directory.find("纪录片") == []


@pytest.mark.parametrize("address", [
    "javascript:alert(1)", "ftp://files.example.cn/", "www.example.cn", "https://",
    "https://exa mple.cn/", 'https://example.cn/"onclick=', "https://user@example.cn/",
    "http://localhost/", "https://example.cn/" + "a" * 300,
])
def test_broken_addresses_are_refused(directory: SqlResources, staff: dict[str, StaffRef],
                                      address: str) -> None:
    with pytest.raises(FaqError, match="网址无效"):
        directory.save_draft(staff["editor"], content("测试坏链接", url=address))
    report = directory.import_rows([{**ROWS[0], "id": "t-bad", "name": "坏链接", "url": address}],
                                   user=staff["editor"], publish=False)
    assert report.imported == 0 and "网址无效" in report.errors[0]
    assert not directory.entries("坏链接")


def test_good_addresses_are_accepted() -> None:
    for address in ("https://www.jllib.cn/", "http://jllib.org.cn/a?b=1&c=2#d",
                    "HTTPS://EXAMPLE.CN", "https://例子.中国/"):
        assert url_problem(address) is None, address


def test_a_stored_broken_address_is_never_a_link(directory: SqlResources) -> None:
    """Rows written around the checks (by hand, by an old version) lose their link."""
    entry_id = next(e.entry_id for e in directory.entries("测试中文期刊库"))
    with directory.store.session() as session:
        session.execute(update(ResourceVersion).where(ResourceVersion.entry_id == entry_id)
                        .values(url="javascript:alert(1)"))
        session.execute(update(ResourceEntry).where(ResourceEntry.id == entry_id)
                        .values(revision=ResourceEntry.revision + 1))
    card = next(card for card in directory.find("期刊") if card.key == "t-journals")
    assert card.url == ""


def test_review_rules_and_audit_log(directory: SqlResources,
                                    staff: dict[str, StaffRef]) -> None:
    editor, reviewer, admin = staff["editor"], staff["reviewer"], staff["admin"]
    first = directory.save_draft(reviewer, content("测试讲座回放", subjects=["讲座"]))
    directory.submit(reviewer, first)
    with pytest.raises(FaqError, match="不能审核自己提交的内容"):
        directory.approve(reviewer, first)
    with pytest.raises(FaqError, match="只有审核员或管理员可以审核"):
        directory.approve(editor, first)
    with pytest.raises(FaqError, match="驳回时请填写意见"):
        directory.reject(admin, first, "  ")
    directory.approve(admin, first, "可以")
    entry_id = directory.version(first).entry_id

    with pytest.raises(FaqError, match="名称重复"):
        directory.save_draft(editor, content("测试讲座回放"))
    second = directory.save_draft(editor, content("测试讲座回放", url="https://v.example.cn/"),
                                  entry_id, directory.revision(entry_id))
    with pytest.raises(ConflictError):  # someone saved in between
        directory.save_draft(editor, content("测试讲座回放"), entry_id, 0)
    directory.submit(editor, second)
    directory.approve(reviewer, second)
    assert directory.find("讲座")[0].url == "https://v.example.cn/"
    directory.rollback(reviewer, first)
    assert directory.find("讲座")[0].url == ""

    audit = directory.audit(entry_id)
    assert [(r.action, r.user, r.version_number) for r in reversed(audit)] == [
        ("draft", "reviewer 测试", 1), ("submit", "reviewer 测试", 1),
        ("approve", "admin 测试", 1), ("draft", "editor 测试", 2),
        ("submit", "editor 测试", 2), ("approve", "reviewer 测试", 2),
        ("rollback", "reviewer 测试", 3),
    ]
    assert all(r.at.date() == clock.today() for r in audit)
    assert [v.state for v in directory.versions(entry_id)] == [
        "published", "superseded", "superseded"]
    summary = next(e for e in directory.entries("讲座回放"))
    assert summary.published and summary.pending_state == ""


def test_import_of_a_broken_file_imports_nothing(directory: SqlResources,
                                                 staff: dict[str, StaffRef]) -> None:
    report = directory.import_rows([
        {"name": "测试一", "type": "ebook", "description": "好的一行。"},
        {"name": "测试二", "type": "magazine", "description": ""},
        {"name": "测试三", "type": "ebook", "description": "x", "subjects": "不是列表"},
        {"name": "测试一", "type": "ebook", "description": "重复。"},
    ], user=staff["editor"], publish=False)
    assert report.imported == 0
    assert report.errors == [
        "第 2 行：未知类型：magazine；简介不能为空",
        "第 3 行：格式不对（subjects 应为列表）",
        "第 4 行：与前面的行名称重复",
    ]
    assert not directory.entries("测试一")


@pytest.mark.parametrize("backend", BACKENDS)
def test_knowledge_file_is_loaded_at_setup(backend: str, tmp_path: Path) -> None:
    """knowledge/resources/: confirmed entries name their source, the rest are marked
    placeholders; every address is a valid link."""
    rows = resource_rows()
    for row in rows:
        assert row["placeholder"] or row["source"], row["id"]
        assert not row["url"] or url_problem(row["url"]) is None, row["id"]
    with fresh_database(backend, tmp_path, demo=False) as url:
        load_resources(url)
        load_resources(url)  # a second setup leaves the directory alone
        loaded = SqlResources(SqlStore(url))
        assert len(loaded.published()) == len(rows)
        assert len(loaded.audit()) == len(rows)
        assert keys(loaded, "有没有外文期刊数据库") == ["res-foreign-journals"]
        assert keys(loaded, "在家能看电子书吗") == ["res-ebooks"]
        assert keys(loaded, "适合孩子的有声书") == ["res-children", "res-audio"]
        placeholders = {card.key for card in loaded.published() if card.placeholder}
        assert {"res-foreign-journals", "res-children", "res-audio"} <= placeholders
