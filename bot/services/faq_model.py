"""Plain data of the FAQ knowledge base and its editorial workflow."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Generic, TypeVar

CATEGORIES = {
    "reader_card": "读者证", "borrowing": "借阅", "reservations": "预约", "hours": "开放时间",
    "location": "地址交通", "facilities": "设施服务", "children": "少儿服务",
    "digital": "数字资源", "events": "活动", "services": "特色服务", "contact": "联系我们",
    "about": "关于本馆",
}
ROLES = ("editor", "reviewer", "admin")
MAX_QUESTION_CHARS = 200
MAX_ANSWER_CHARS = 5000


class FaqError(Exception):
    """A request the editorial workflow (FAQ or digital-resource directory) refuses; the
    message is shown to the staff member."""


class ConflictError(FaqError):
    """Someone else changed the entry since it was opened for editing."""


@dataclass(frozen=True)
class StaffRef:
    user_id: int
    username: str
    display_name: str
    role: str


@dataclass
class FaqContent:
    question: str
    answer: str
    category: str
    paraphrases: list[str] = field(default_factory=list)
    link: str = ""
    placeholder: bool = False
    source: str = ""

    def problems(self) -> list[str]:
        """What is wrong with this content, in Chinese, for the editor."""
        found = []
        if not self.question.strip():
            found.append("问题不能为空")
        elif len(self.question) > MAX_QUESTION_CHARS:
            found.append(f"问题不能超过 {MAX_QUESTION_CHARS} 字")
        if not self.answer.strip():
            found.append("答案不能为空")
        elif len(self.answer) > MAX_ANSWER_CHARS:
            found.append(f"答案不能超过 {MAX_ANSWER_CHARS} 字")
        if self.category not in CATEGORIES:
            found.append(f"未知分类：{self.category}")
        if self.link and not self.link.startswith(("http://", "https://")):
            found.append("链接必须以 http:// 或 https:// 开头")
        if any(len(p) > MAX_QUESTION_CHARS for p in self.paraphrases):
            found.append(f"每个相似问法不能超过 {MAX_QUESTION_CHARS} 字")
        return found


ContentT = TypeVar("ContentT")


@dataclass(frozen=True)
class VersionInfo(Generic[ContentT]):
    """A version of a FAQ entry (content: FaqContent) or of a directory resource
    (content: ResourceContent)."""

    version_id: int
    entry_id: int
    entry_key: str
    number: int
    state: str
    content: ContentT
    author: str
    reviewer: str
    review_comment: str
    created_at: datetime
    reviewed_at: datetime | None


@dataclass(frozen=True)
class EntrySummary:
    entry_id: int
    key: str
    question: str
    category: str
    published: bool
    pending_state: str  # "" | draft | in_review | rejected
    revision: int
    updated_at: datetime


@dataclass(frozen=True)
class AuditRecord:
    at: datetime
    user: str
    action: str
    entry_key: str
    version_number: int | None
    detail: str


@dataclass(frozen=True)
class UnansweredInfo:
    question_id: int
    text: str
    channel: str
    reason: str
    asked_at: datetime
    status: str


@dataclass(frozen=True)
class FaqAnswer:
    """What the assistant does with a reader's question."""

    kind: str  # answer | suggest | none
    entry_id: int | None = None
    key: str = ""  # the entry's stable id, e.g. reader_card-001
    question: str = ""
    answer: str = ""
    link: str = ""
    placeholder: bool = False
    # (entry id, question): the choices of a "suggest", or related questions of an answer
    suggestions: list[tuple[int, str]] = field(default_factory=list)


@dataclass(frozen=True)
class ImportReport:
    imported: int
    errors: list[str]  # "第 3 行：答案不能为空"; non-empty → nothing was imported
