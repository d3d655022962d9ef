"""The staff console (bot.admin) in a real headless Chromium against a real server process:
sign-in, CSRF, changing one's password, the edit → submit → review → publish workflow,
edit conflicts, history and rollback, escaping, import/export and the unanswered-questions
inbox."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook
from playwright.sync_api import Browser, BrowserContext, Page, expect

from bot.admin.auth import LOGIN_REFUSED
from bot.db.migrate import upgrade
from bot.http_json import free_port
from bot.knowledge_cli import setup
from bot.services.faq_files import COLUMNS
from bot.services.faq_model import FaqContent, StaffRef
from bot.services.sql.faq import SqlKnowledge
from bot.services.sql.session import SqlStore
from bot.services.sql.staff import SqlStaff
from bot.settings import PROJECT_ROOT

PASSWORDS = {"editor": "editor123", "editor2": "editor2pw", "reviewer": "reviewer123",
             "admin": "admin123"}
TEST_ROWS = [
    {"id": "test-conflict", "question": "测试：冲突条目的问题是什么", "category": "about",
     "answer": "冲突条目的原始答案。"},
    {"id": "test-rollback", "question": "测试：回滚条目的问题是什么", "category": "about",
     "answer": "回滚条目的第一版答案。"},
]


@dataclass
class Console:
    url: str
    knowledge: SqlKnowledge
    staff: SqlStaff

    def user(self, username: str) -> StaffRef:
        found = self.staff.authenticate(username, PASSWORDS[username])
        assert found is not None
        return found

    def entry_id(self, key: str) -> int:
        return next(e.entry_id for e in self.knowledge.entries(key) if e.key == key)


def _wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the console exited:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url + "/login", timeout=2):
                return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    pytest.fail(f"the console did not answer within 60 s:\n{log.read_text()}")


@contextmanager
def running_console(database_url: str, log: Path, **variables: str) -> Iterator[str]:
    """`python -m bot.admin` on a free port (with these extra environment variables);
    yields its URL."""
    port = free_port()
    env = {**os.environ, "ADMIN_PORT": str(port), "LIBRARY_HOST": "127.0.0.1",
           "LIBRARY_DATABASE_URL": database_url, **variables}
    with log.open("w") as output:
        process = subprocess.Popen([sys.executable, "-m", "bot.admin"], cwd=PROJECT_ROOT,
                                   env=env, stdout=output, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process, log)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    """A fresh database (knowledge/faq, demo staff, test entries) and `python -m bot.admin`."""
    var_dir = tmp_path_factory.mktemp("admin")
    database_url = f"sqlite:///{var_dir / 'library.db'}"
    upgrade(database_url)
    setup(database_url, demo_mode=True)
    store = SqlStore(database_url)
    knowledge, staff = SqlKnowledge(store), SqlStaff(store)
    report = knowledge.import_rows(TEST_ROWS, user=None, publish=True)
    assert not report.errors, report.errors
    staff.create_user("editor2", "编辑小张", "editor", PASSWORDS["editor2"])
    with running_console(database_url, var_dir / "console.log") as url:
        yield Console(url, knowledge, staff)


def signed_in(browser: Browser, console: Console, username: str,
              password: str = "") -> tuple[BrowserContext, Page]:
    context = browser.new_context(base_url=console.url, accept_downloads=True)
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password or PASSWORDS[username])
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="条目列表")).to_be_visible()
    return context, page


def csrf_token(page: Page) -> str:
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    assert token
    return token


def new_entry(page: Page, question: str, answer: str, button: str = "保存草稿",
              category: str = "设施服务") -> None:
    page.goto("/entries/new")
    page.get_by_label("问题", exact=True).fill(question)
    page.get_by_label("相似问法（每行一个）").fill(f"{question}？\n{question}呢")
    page.get_by_label("答案", exact=True).fill(answer)
    page.get_by_label("分类").select_option(label=category)
    page.get_by_role("button", name=button).click()


def test_login_failure_success_and_logout(browser: Browser, console: Console) -> None:
    context = browser.new_context(base_url=console.url)
    page = context.new_page()
    page.goto("/entries")
    expect(page).to_have_url(f"{console.url}/login")
    page.get_by_label("用户名").fill("editor")
    page.get_by_label("密码").fill("wrong password")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("alert")).to_have_text(LOGIN_REFUSED)
    expect(page.get_by_label("用户名")).to_have_value("editor")

    page.get_by_label("密码").fill("editor123")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="条目列表")).to_be_visible()
    expect(page.locator("header")).to_contain_text("编辑小王（编辑）")
    cookie = next(c for c in context.cookies() if c["name"] == "admin_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"

    page.get_by_role("button", name="退出").click()
    expect(page).to_have_url(f"{console.url}/login")
    page.goto("/review")
    expect(page).to_have_url(f"{console.url}/login")
    context.close()


def test_change_own_password_ends_other_sessions(browser: Browser, console: Console) -> None:
    first, second = "first-password-1", "second-password-2"
    console.staff.create_user("changer", "换密码的馆员", "editor", first)
    other, other_page = signed_in(browser, console, "changer", first)
    context, page = signed_in(browser, console, "changer", first)
    page.get_by_role("link", name="修改密码").click()
    expect(page.get_by_role("heading", name="修改密码")).to_be_visible()

    def change(current: str, new: str, again: str) -> None:
        page.get_by_label("当前密码").fill(current)
        page.get_by_label("新密码", exact=True).fill(new)
        page.get_by_label("再次输入新密码").fill(again)
        page.get_by_role("button", name="修改密码").click()

    change("wrong-password", second, second)
    expect(page.get_by_role("alert")).to_have_text("当前密码不正确，或尝试次数过多，请稍后再试。")
    change(first, second, "second-password-3")
    expect(page.get_by_role("alert")).to_have_text("两次输入的新密码不一致。")
    # The browser stops a short password (minlength); the server refuses it too.
    form = {"current": first, "new": "short", "again": "short"}
    response = context.request.post("/account/password",
                                    form={**form, "csrf_token": csrf_token(page)})
    assert response.status == 400 and "密码至少需要 10 个字符。" in response.text()
    response = context.request.post("/account/password",
                                    form={"current": first, "new": second, "again": second})
    assert response.status == 403 and "请求被拒绝" in response.text()

    change(first, second, second)
    expect(page.get_by_role("status")).to_contain_text("密码已修改")
    page.goto("/entries")
    expect(page.get_by_role("heading", name="条目列表")).to_be_visible()
    other_page.goto("/entries")
    expect(other_page).to_have_url(f"{console.url}/login")
    assert console.staff.authenticate("changer", first) is None
    assert console.staff.authenticate("changer", second) is not None
    other.close()
    context.close()


def test_search_and_category_filter(browser: Browser, console: Console) -> None:
    context, page = signed_in(browser, console, "editor")
    page.get_by_placeholder("搜索问题、答案或编号").fill("冲突条目")
    page.get_by_label("分类").select_option(label="关于本馆")
    page.get_by_role("button", name="搜索").click()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("测试：冲突条目的问题是什么")
    expect(rows.first).to_contain_text("已发布")
    page.get_by_label("分类").select_option(label="借阅")
    page.get_by_role("button", name="搜索").click()
    expect(page.locator("tbody")).to_contain_text("没有符合条件的条目")
    context.close()


def test_create_submit_refuse_and_approve(browser: Browser, console: Console) -> None:
    question, answer = "天文望远镜可以外借吗", "天文望远镜可以在二楼服务台外借，借期三天。"
    editor, page = signed_in(browser, console, "editor")
    new_entry(page, question, answer)
    expect(page.get_by_role("status")).to_have_text("草稿已保存。")
    expect(page.locator("tr.version").first).to_contain_text("草稿")
    page.get_by_role("button", name="提交审核").click()
    expect(page.get_by_role("status")).to_contain_text("已提交审核")
    expect(page.locator("tr.version").first).to_contain_text("待审核")

    # The editor sees the queue but gets no approve button; forcing the POST is refused.
    page.goto("/review")
    section = page.locator("section.review", has_text=question)
    expect(section).to_contain_text(answer)
    expect(section.get_by_role("button", name="通过并发布")).to_have_count(0)
    version_id = section.get_attribute("id").removeprefix("review-")
    refused = editor.request.post(f"/versions/{version_id}/approve",
                                  form={"csrf_token": csrf_token(page), "comment": "好"})
    assert refused.status == 403
    assert "只有审核员或管理员可以审核。" in refused.text()

    reviewer, review_page = signed_in(browser, console, "reviewer")
    review_page.goto("/review")
    section = review_page.locator("section.review", has_text=question)
    expect(section).to_contain_text("新条目，尚未发布过")
    section.get_by_label("审核意见").fill("内容准确")
    section.get_by_role("button", name="通过并发布").click()
    expect(review_page.get_by_role("status")).to_have_text("已审核通过并发布。")
    expect(review_page.locator("section.review", has_text=question)).to_have_count(0)

    published = console.knowledge.answer(question)
    assert (published.kind, published.answer) == ("answer", answer)
    page.goto("/entries?q=天文望远镜")
    expect(page.locator("tbody tr")).to_contain_text("已发布")
    editor.close()
    reviewer.close()


def test_reviewer_cannot_approve_own_draft(browser: Browser, console: Console) -> None:
    question = "报告厅可以预约举办读书会吗"
    context, page = signed_in(browser, console, "reviewer")
    new_entry(page, question, "可以，请提前一周在官网预约报告厅。", button="保存并提交审核")
    expect(page.get_by_role("status")).to_contain_text("已提交审核")
    page.goto("/review")
    page.locator("section.review", has_text=question).get_by_role(
        "button", name="通过并发布").click()
    expect(page.get_by_role("alert")).to_have_text(
        "不能审核自己提交的内容，请由其他审核员审核。")
    expect(page.locator("section.review", has_text=question)).to_have_count(1)
    context.close()


def test_reject_with_comment(browser: Browser, console: Console) -> None:
    question = "自习室的台灯坏了找谁修"
    editor, page = signed_in(browser, console, "editor")
    new_entry(page, question, "请联系三楼服务台。", button="保存并提交审核")
    reviewer, review_page = signed_in(browser, console, "reviewer")
    review_page.goto("/review")
    section = review_page.locator("section.review", has_text=question)
    section.get_by_role("button", name="驳回").click()
    expect(review_page.get_by_role("alert")).to_have_text("驳回时请填写意见，方便编辑修改。")
    section = review_page.locator("section.review", has_text=question)
    section.get_by_label("审核意见").fill("请写明服务台电话")
    section.get_by_role("button", name="驳回").click()
    expect(review_page.get_by_role("status")).to_contain_text("已驳回")

    page.reload()
    row = page.locator("tr.version").first
    expect(row).to_contain_text("已驳回")
    expect(row).to_contain_text("请写明服务台电话")
    expect(row).to_contain_text("审核员老李")
    page.goto(f"/entries?q={question}")
    expect(page.locator("tbody tr")).to_contain_text("已驳回")
    editor.close()
    reviewer.close()


def test_simultaneous_edits_conflict(browser: Browser, console: Console) -> None:
    entry_id = console.entry_id("test-conflict")
    first, first_page = signed_in(browser, console, "editor")
    second, second_page = signed_in(browser, console, "editor2")
    for page in (first_page, second_page):
        page.goto(f"/entries/{entry_id}/edit")
    first_page.get_by_label("答案", exact=True).fill("第一位编辑的答案。")
    second_page.get_by_label("答案", exact=True).fill("第二位编辑的答案。")
    first_page.get_by_role("button", name="保存草稿").click()
    expect(first_page.get_by_role("status")).to_have_text("草稿已保存。")

    second_page.get_by_role("button", name="保存草稿").click()
    expect(second_page.get_by_role("alert")).to_contain_text("该条目已被其他人修改")
    expect(second_page.get_by_label("答案", exact=True)).to_have_value("第二位编辑的答案。")
    expect(second_page.locator("section.latest")).to_contain_text("第一位编辑的答案。")
    assert console.knowledge.versions(entry_id)[0].content.answer == "第一位编辑的答案。"

    # Having seen the other change, saving again is a deliberate overwrite.
    second_page.get_by_role("button", name="保存草稿").click()
    expect(second_page.get_by_role("status")).to_have_text("草稿已保存。")
    assert console.knowledge.versions(entry_id)[0].content.answer == "第二位编辑的答案。"
    first.close()
    second.close()


def test_history_and_rollback(browser: Browser, console: Console) -> None:
    entry_id = console.entry_id("test-rollback")
    knowledge, editor = console.knowledge, console.user("editor")
    content = knowledge.versions(entry_id)[0].content
    content = FaqContent(**{**content.__dict__, "answer": "回滚条目的第二版答案。"})
    draft = knowledge.save_draft(editor, content, entry_id, knowledge.revision(entry_id))
    knowledge.submit(editor, draft)
    knowledge.approve(console.user("admin"), draft, "第二版")
    assert knowledge.published_answer(entry_id).answer == "回滚条目的第二版答案。"

    editor_context, editor_page = signed_in(browser, console, "editor")
    editor_page.goto(f"/entries/{entry_id}")
    expect(editor_page.locator("tr.version")).to_have_count(2)
    expect(editor_page.get_by_role("button", name="回滚到此版本")).to_have_count(0)

    context, page = signed_in(browser, console, "reviewer")
    page.goto(f"/entries/{entry_id}")
    expect(page.locator("#v2")).to_contain_text("已发布")
    expect(page.locator("#v2")).to_contain_text("编辑小王")
    expect(page.locator("#v2")).to_contain_text("第二版")
    expect(page.locator("#v1")).to_contain_text("历史版本")
    page.locator("#v1").get_by_role("button", name="回滚到此版本").click()
    expect(page.get_by_role("status")).to_contain_text("已回滚")
    expect(page.locator("#v3")).to_contain_text("已发布")
    expect(page.locator("#v3")).to_contain_text("回滚到第 1 版")
    expect(page.locator("table.audit")).to_contain_text("回滚")
    assert knowledge.published_answer(entry_id).answer == "回滚条目的第一版答案。"

    page.goto("/audit")
    expect(page.locator("table.audit tbody tr").first).to_contain_text("审核员老李")
    expect(page.locator("table.audit tbody tr").first).to_contain_text("回滚")
    editor_context.close()
    context.close()


def test_posts_without_csrf_token_are_refused(browser: Browser, console: Console) -> None:
    context, page = signed_in(browser, console, "editor")
    form = {"question": "没有校验码的问题", "answer": "不应保存。", "category": "about"}
    for token in (None, "wrong-token"):
        data = form if token is None else {**form, "csrf_token": token}
        response = context.request.post("/entries/new", form=data)
        assert response.status == 403
        assert "请求被拒绝" in response.text()
    assert not console.knowledge.entries("没有校验码的问题")

    # With the right token it works (so the refusals above were about the token).
    response = context.request.post("/entries/new",
                                    form={**form, "csrf_token": csrf_token(page)})
    assert response.ok and "草稿已保存" in response.text()
    # The login form has its own token too.
    anonymous = browser.new_context(base_url=console.url)
    response = anonymous.request.post("/login", form={"username": "editor",
                                                      "password": "editor123"})
    assert response.status == 403
    assert not [c for c in anonymous.cookies() if c["name"] == "admin_session"]
    anonymous.close()
    context.close()


def test_user_text_is_escaped(browser: Browser, console: Console) -> None:
    question = "脚本测试<script>window.pwned = 1</script>"
    answer = "<script>document.title = 'pwned'</script><b id=bold>不是粗体</b>"
    console.knowledge.record_unanswered("<script>window.inbox = 1</script>读者问题",
                                        "rest", "no_answer")
    context, page = signed_in(browser, console, "editor")
    new_entry(page, question, answer, button="保存并提交审核")
    expect(page.get_by_role("status")).to_contain_text("已提交审核")
    for path in ("/entries?q=脚本测试", page.url, "/review", "/unanswered"):
        page.goto(path)
        main = page.locator("main")
        expect(main).to_contain_text("<script>")
        assert page.locator("main script").count() == 0
        assert page.locator("#bold").count() == 0
        assert page.evaluate("[window.pwned, window.inbox]") == [None, None]
        assert page.title() != "pwned"
    expect(page.locator("main")).to_contain_text("<script>window.inbox = 1</script>读者问题")
    page.goto("/review")
    expect(page.locator("main")).to_contain_text(answer)
    context.close()


def test_service_errors_are_messages(browser: Browser, console: Console) -> None:
    context, page = signed_in(browser, console, "editor")
    new_entry(page, "测试：冲突条目的问题是什么", "重复的问题。")
    expect(page.get_by_role("alert")).to_contain_text("与条目 test-conflict 的问题重复")
    expect(page.get_by_label("答案", exact=True)).to_have_value("重复的问题。")
    page.get_by_label("问题", exact=True).fill("链接格式不对的问题")
    page.get_by_label("链接（可选）").fill("ftp://example.org")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_role("alert")).to_contain_text("链接必须以 http:// 或 https:// 开头")
    response = page.goto("/entries/999999")
    assert response is not None and response.status == 400
    expect(page.get_by_role("alert")).to_have_text("没有这个条目")
    context.close()


def test_import_with_broken_row_imports_nothing(browser: Browser, console: Console) -> None:
    rows = [
        {"id": "import-ok", "question": "导入测试：能不能借投影仪", "answer": "可以。",
         "category": "facilities"},
        {"id": "import-bad", "question": "导入测试：答案为空的问题", "answer": "",
         "category": "no-such-category"},
    ]
    context, page = signed_in(browser, console, "editor")
    page.goto("/transfer")
    page.get_by_label("文件").set_input_files({
        "name": "faq.yml", "mimeType": "application/x-yaml",
        "buffer": yaml.safe_dump(rows, allow_unicode=True).encode(),
    })
    page.get_by_role("button", name="导入").click()
    expect(page.get_by_role("alert")).to_contain_text("没有导入任何条目")
    errors = page.locator("ul.errors li")
    expect(errors).to_have_count(1)
    expect(errors.first).to_contain_text("第 2 行")
    expect(errors.first).to_contain_text("答案不能为空")
    expect(errors.first).to_contain_text("未知分类：no-such-category")
    assert not console.knowledge.entries("导入测试")

    page.get_by_label("文件").set_input_files({
        "name": "faq.yml", "mimeType": "application/x-yaml",
        "buffer": yaml.safe_dump(rows[:1], allow_unicode=True).encode(),
    })
    page.get_by_role("button", name="导入").click()
    expect(page.get_by_role("status")).to_contain_text("已导入 1 个条目")
    [imported] = console.knowledge.entries("导入测试")
    assert imported.pending_state == "in_review"

    page.get_by_label("文件").set_input_files({
        "name": "faq.txt", "mimeType": "text/plain", "buffer": b"hello"})
    page.get_by_role("button", name="导入").click()
    expect(page.get_by_role("alert")).to_contain_text("只支持 .yml、.yaml 和 .xlsx 文件")
    context.close()


def test_export_downloads_workbook_and_yaml(browser: Browser, console: Console) -> None:
    context, page = signed_in(browser, console, "editor")
    page.goto("/transfer")
    published = console.knowledge.export_rows()
    with page.expect_download() as info:
        page.get_by_role("link", name="下载 Excel (.xlsx)").click()
    download = info.value
    assert download.suggested_filename == "faq.xlsx"
    sheet = load_workbook(io.BytesIO(Path(download.path()).read_bytes())).active
    lines = list(sheet.iter_rows(values_only=True))
    assert list(lines[0]) == COLUMNS
    assert len(lines) == len(published) + 1
    assert {line[0] for line in lines[1:]} == {row["id"] for row in published}

    with page.expect_download() as info:
        page.get_by_role("link", name="下载 YAML (.yml)").click()
    assert yaml.safe_load(Path(info.value.path()).read_text("utf-8")) == published
    context.close()


def test_unanswered_question_becomes_draft_in_two_clicks(
    browser: Browser, console: Console
) -> None:
    reader_question = "图书馆有没有 3D 打印机可以用"
    console.knowledge.record_unanswered(reader_question, "rest", "no_answer")
    console.knowledge.record_unanswered("这条问题会被忽略", "rest", "no_answer")
    context, page = signed_in(browser, console, "editor")
    page.get_by_role("link", name="未解答问题").click()
    row = page.locator("tr.unanswered", has_text=reader_question)
    row.get_by_role("link", name="转为草稿").click()  # click 1
    expect(page.locator("p.reader-question")).to_contain_text(reader_question)
    expect(page.get_by_label("问题", exact=True)).to_have_value(reader_question)
    page.get_by_label("答案", exact=True).fill("创客空间有 3D 打印机，需要预约。")
    page.get_by_role("button", name="保存草稿").click()  # click 2
    expect(page.get_by_role("status")).to_have_text("已根据读者的问题创建草稿。")
    expect(page.locator("tr.version").first).to_contain_text("草稿")
    drafted = console.knowledge.unanswered("drafted")
    assert [q.text for q in drafted] == [reader_question]
    [entry] = console.knowledge.entries("3D 打印机")
    assert entry.pending_state == "draft" and not entry.published

    page.goto("/unanswered")
    expect(page.locator("tr.unanswered", has_text=reader_question)).to_have_count(0)
    page.locator("tr.unanswered", has_text="这条问题会被忽略").get_by_role(
        "button", name="忽略").click()
    expect(page.get_by_role("status")).to_have_text("已忽略该问题。")
    expect(page.locator("tr.unanswered", has_text="这条问题会被忽略")).to_have_count(0)
    assert [q.text for q in console.knowledge.unanswered("dismissed")] == ["这条问题会被忽略"]
    context.close()
