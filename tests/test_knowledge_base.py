"""The FAQ knowledge base and its editorial workflow, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.services.faq_model import ConflictError, FaqContent, FaqError, StaffRef
from bot.services.sql.faq import SqlKnowledge
from bot.services.sql.session import SqlStore
from bot.services.sql.staff import SqlStaff
from tests.library_db import BACKENDS, fresh_database


@pytest.fixture(scope="module", params=BACKENDS)
def store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SqlStore]:
    with fresh_database(request.param, tmp_path_factory.mktemp("kb"), demo=False) as url:
        yield SqlStore(url)


@pytest.fixture(scope="module")
def staff(store: SqlStore) -> dict[str, StaffRef]:
    accounts = SqlStaff(store)
    return {
        role: accounts.create_user(f"{role}-user", f"{role} 测试", role, f"{role}-pw")
        for role in ("editor", "reviewer", "admin")
    }


@pytest.fixture(scope="module")
def knowledge(store: SqlStore) -> SqlKnowledge:
    base = SqlKnowledge(store)
    report = base.import_rows([
        {"id": "wifi-1", "question": "馆里有WiFi吗？",
         "paraphrases": ["怎么连无线网", "上网密码"],
         "answer": "馆内提供免费无线网络。", "category": "facilities"},
        {"id": "card-1", "question": "怎么办理读者证？",
         "paraphrases": ["办证需要什么", "借书证怎么办"],
         "answer": "请携带身份证件到服务台办理。", "category": "reader_card", "placeholder": True},
        {"id": "renew-1", "question": "图书可以续借吗？",
         "paraphrases": ["怎么续借", "书快到期了能延期吗"],
         "answer": "可以在到期前续借一次。", "category": "borrowing"},
    ], user=None, publish=True)
    assert report.errors == [] and report.imported == 3
    return base


def content(question: str, answer: str = "测试答案。", **extra: object) -> FaqContent:
    return FaqContent(question=question, answer=answer, category="services", **extra)


def publish(knowledge: SqlKnowledge, staff: dict[str, StaffRef], item: FaqContent) -> int:
    version_id = knowledge.save_draft(staff["editor"], item)
    knowledge.submit(staff["editor"], version_id)
    knowledge.approve(staff["reviewer"], version_id)
    return knowledge.version(version_id).entry_id


def test_readers_get_published_answers(knowledge: SqlKnowledge) -> None:
    answer = knowledge.answer("借書證怎麼辦")
    assert answer.kind == "answer" and answer.question == "怎么办理读者证？"
    assert answer.placeholder
    assert knowledge.answer("量子力学与宇宙的起源").kind == "none"


def test_review_before_publishing_and_live_answers(
    knowledge: SqlKnowledge, staff: dict[str, StaffRef]
) -> None:
    question = "可以带宠物进馆吗？"
    pets = content(question, "导盲犬以外的宠物不能进馆。", paraphrases=["能带狗来吗"])
    version_id = knowledge.save_draft(staff["editor"], pets)
    assert knowledge.answer("能带狗来图书馆吗").kind != "answer"  # a draft is not live
    knowledge.submit(staff["editor"], version_id)
    with pytest.raises(FaqError, match="只有审核员"):
        knowledge.approve(staff["editor"], version_id)
    own_draft = knowledge.save_draft(staff["reviewer"], content("还书箱在哪里？"))
    knowledge.submit(staff["reviewer"], own_draft)
    with pytest.raises(FaqError, match="不能审核自己"):
        knowledge.approve(staff["reviewer"], own_draft)
    knowledge.approve(staff["reviewer"], version_id, "好")
    live = knowledge.answer("可以带宠物进馆吗")
    assert live.kind == "answer" and "导盲犬" in live.answer


def test_reject_needs_a_comment_and_keeps_the_published_version(
    knowledge: SqlKnowledge, staff: dict[str, StaffRef]
) -> None:
    entry_id = publish(knowledge, staff, content("自习室几点关门？", "自习室与馆同时闭馆。"))
    revision = knowledge.revision(entry_id)
    draft = knowledge.save_draft(staff["editor"], content("自习室几点关门？", "改错了"),
                                 entry_id=entry_id, expected_revision=revision)
    knowledge.submit(staff["editor"], draft)
    with pytest.raises(FaqError, match="意见"):
        knowledge.reject(staff["reviewer"], draft, "  ")
    knowledge.reject(staff["reviewer"], draft, "答案不对")
    assert knowledge.published_answer(entry_id).answer == "自习室与馆同时闭馆。"
    assert knowledge.version(draft).review_comment == "答案不对"


def test_two_editors_at_once_the_second_is_told(
    knowledge: SqlKnowledge, staff: dict[str, StaffRef]
) -> None:
    entry_id = publish(knowledge, staff, content("复印一页多少钱？"))
    opened_at = knowledge.revision(entry_id)
    knowledge.save_draft(staff["editor"], content("复印一页多少钱？", "第一位编辑"),
                         entry_id=entry_id, expected_revision=opened_at)
    with pytest.raises(ConflictError):
        knowledge.save_draft(staff["admin"], content("复印一页多少钱？", "第二位编辑"),
                             entry_id=entry_id, expected_revision=opened_at)
    latest = knowledge.versions(entry_id)[0]
    assert latest.content.answer == "第一位编辑"


def test_rollback_and_audit_log(knowledge: SqlKnowledge, staff: dict[str, StaffRef]) -> None:
    entry_id = publish(knowledge, staff, content("存包柜怎么用？", "第一版答案"))
    first = knowledge.versions(entry_id)[0].version_id
    second = knowledge.save_draft(staff["editor"], content("存包柜怎么用？", "第二版答案"),
                                  entry_id=entry_id, expected_revision=knowledge.revision(entry_id))
    knowledge.submit(staff["editor"], second)
    knowledge.approve(staff["admin"], second)
    assert knowledge.published_answer(entry_id).answer == "第二版答案"
    with pytest.raises(FaqError):
        knowledge.rollback(staff["editor"], first)  # editors cannot roll back
    knowledge.rollback(staff["reviewer"], first)
    assert knowledge.published_answer(entry_id).answer == "第一版答案"
    actions = [record.action for record in knowledge.audit(entry_id)]
    assert actions[:4] == ["rollback", "approve", "submit", "draft"]
    assert {record.user for record in knowledge.audit(entry_id)} >= {"reviewer 测试",
                                                                      "editor 测试"}


def test_bad_content_is_refused(knowledge: SqlKnowledge, staff: dict[str, StaffRef]) -> None:
    with pytest.raises(FaqError, match="答案不能为空"):
        knowledge.save_draft(staff["editor"], content("一个问题？", "   "))
    with pytest.raises(FaqError, match="不能超过"):
        knowledge.save_draft(staff["editor"], content("另一个问题？", "长" * 6000))
    with pytest.raises(FaqError, match="重复"):
        knowledge.save_draft(staff["editor"], content("馆里有 WiFi 吗"))
    script = knowledge.save_draft(staff["editor"], content("脚本？", "<script>alert(1)</script>"))
    assert knowledge.version(script).content.answer == "<script>alert(1)</script>"


def test_import_with_a_broken_row_imports_nothing(knowledge: SqlKnowledge,
                                                  staff: dict[str, StaffRef]) -> None:
    before = len(knowledge.entries())
    report = knowledge.import_rows([
        {"question": "好的一行？", "answer": "好。", "category": "services"},
        {"question": "坏的一行？", "answer": "", "category": "services"},
        {"question": "分类不对？", "answer": "好。", "category": "nonsense"},
    ], user=staff["editor"], publish=False)
    assert report.imported == 0
    assert [error[:5] for error in report.errors] == ["第 2 行", "第 3 行"]
    assert len(knowledge.entries()) == before
    good = knowledge.import_rows([{"question": "导入的问题？", "answer": "导入的答案。",
                                   "category": "services"}], user=staff["editor"], publish=False)
    assert good.imported == 1
    assert any(v.content.question == "导入的问题？" for v in knowledge.review_queue())


def test_unanswered_inbox_to_draft(knowledge: SqlKnowledge, staff: dict[str, StaffRef]) -> None:
    knowledge.record_unanswered("你们有盲文书吗", "rest", "no_faq_match")
    (question,) = [q for q in knowledge.unanswered() if q.text == "你们有盲文书吗"]
    version_id = knowledge.draft_from_unanswered(
        staff["editor"], question.question_id, content("有盲文图书吗？", "有，在无障碍阅览区。"))
    assert knowledge.version(version_id).state == "draft"
    assert all(q.text != "你们有盲文书吗" for q in knowledge.unanswered())


def test_staff_sessions(store: SqlStore, staff: dict[str, StaffRef]) -> None:
    accounts = SqlStaff(store)
    assert accounts.authenticate("editor-user", "wrong") is None
    user = accounts.authenticate("editor-user", "editor-pw")
    token, csrf = accounts.open_session(user)
    assert accounts.session_user(token) == (user, csrf)
    accounts.close_session(token)
    assert accounts.session_user(token) is None
