"""The editorial workflow shared by the FAQ and the digital-resource directory.

An entry has numbered versions. An editor saves a draft and submits it; someone else (a
reviewer or an admin) approves it, and then it is what readers get, or rejects it with a
comment. The next published version supersedes the previous one; an earlier published
version can be published again (rollback) and a published entry taken offline. Every
step is a row of the audit log, and readers only ever see published versions.

A subclass names its tables (entry, version and audit log, with the column names of
faq_entry, faq_version and audit_log) and says how its content is stored in a version.
"""

from __future__ import annotations

from typing import Any, ClassVar, Generic, Protocol, TypeVar

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from bot import clock
from bot.db.models import StaffUser
from bot.services.faq_model import (
    AuditRecord,
    ConflictError,
    FaqError,
    ImportReport,
    StaffRef,
    VersionInfo,
)
from bot.services.search_text import title_key
from bot.services.sql.session import SqlStore

PENDING = ("draft", "in_review", "rejected")
REVIEWERS = ("reviewer", "admin")


class Content(Protocol):
    def problems(self) -> list[str]: ...


ContentT = TypeVar("ContentT", bound=Content)


class EditorialWorkflow(Generic[ContentT]):
    entry_model: ClassVar[Any]
    version_model: ClassVar[Any]
    audit_model: ClassVar[Any]
    #: the version column two live entries may not share (after normalisation), and its
    #: name in messages to staff
    unique_column: ClassVar[str]
    unique_label: ClassVar[str]

    def __init__(self, store: SqlStore) -> None:
        self.store = store

    # --- what a subclass says about its content -----------------------------------

    @staticmethod
    def content_of(version: Any) -> ContentT:
        raise NotImplementedError

    @staticmethod
    def columns_of(content: ContentT) -> dict[str, Any]:
        """The version's content columns."""
        raise NotImplementedError

    @staticmethod
    def key_prefix(content: ContentT) -> str:
        """The start of a generated key for a new entry with this content."""
        raise NotImplementedError

    # --- reading ------------------------------------------------------------------

    def published_state(self, session: Session) -> object:
        """Changes whenever the published set may have changed (for caches)."""
        entry = self.entry_model
        return tuple(session.execute(
            select(func.count(entry.id), func.max(entry.updated_at), func.sum(entry.revision))
        ).one())

    def latest_versions(self) -> Select:
        """(entry, its newest version) of every entry, by key."""
        entry, version = self.entry_model, self.version_model
        latest = (
            select(version.entry_id, func.max(version.number).label("number"))
            .group_by(version.entry_id).subquery()
        )
        return (
            select(entry, version)
            .join(latest, latest.c.entry_id == entry.id)
            .join(version, (version.entry_id == entry.id) & (version.number == latest.c.number))
            .order_by(entry.key)
        )

    def versions(self, entry_id: int) -> list[VersionInfo[ContentT]]:
        """Every version of an entry, newest first."""
        with self.store.session() as session:
            return self._versions(session, self.version_model.entry_id == entry_id)

    def version(self, version_id: int) -> VersionInfo[ContentT]:
        with self.store.session() as session:
            found = self._versions(session, self.version_model.id == version_id)
        if not found:
            raise FaqError("没有这个版本")
        return found[0]

    def review_queue(self) -> list[VersionInfo[ContentT]]:
        with self.store.session() as session:
            return self._versions(session, self.version_model.state == "in_review")

    def _versions(self, session: Session, condition: object) -> list[VersionInfo[ContentT]]:
        entry, version = self.entry_model, self.version_model
        author, reviewer = StaffUser.__table__.alias(), StaffUser.__table__.alias()
        rows = session.execute(
            select(version, entry.key, author.c.display_name, reviewer.c.display_name)
            .join(entry, entry.id == version.entry_id)
            .outerjoin(author, author.c.id == version.author_id)
            .outerjoin(reviewer, reviewer.c.id == version.reviewer_id)
            .where(condition).order_by(version.created_at.desc(), version.id.desc())
        ).all()
        return [
            VersionInfo(
                version_id=v.id, entry_id=v.entry_id, entry_key=key, number=v.number,
                state=v.state, content=self.content_of(v), author=author_name or "系统",
                reviewer=reviewer_name or "", review_comment=v.review_comment,
                created_at=v.created_at, reviewed_at=v.reviewed_at,
            )
            for v, key, author_name, reviewer_name in rows
        ]

    def revision(self, entry_id: int) -> int:
        with self.store.session() as session:
            entry = session.get(self.entry_model, entry_id)
            if entry is None:
                raise FaqError("没有这个条目")
            return entry.revision

    def audit(self, entry_id: int | None = None, limit: int = 200) -> list[AuditRecord]:
        entry, version, log = self.entry_model, self.version_model, self.audit_model
        with self.store.session() as session:
            query = (
                select(log, StaffUser.display_name, entry.key, version.number)
                .outerjoin(StaffUser, StaffUser.id == log.user_id)
                .outerjoin(entry, entry.id == log.entry_id)
                .outerjoin(version, version.id == log.version_id)
                .order_by(log.id.desc()).limit(limit)
            )
            if entry_id is not None:
                query = query.where(log.entry_id == entry_id)
            return [
                AuditRecord(at=row.at, user=user or "系统", action=row.action,
                            entry_key=key or "", version_number=number, detail=row.detail)
                for row, user, key, number in session.execute(query).all()
            ]

    def is_empty(self) -> bool:
        with self.store.session() as session:
            return not session.execute(select(func.count(self.entry_model.id))).scalar_one()

    # --- editing ------------------------------------------------------------------

    def _log(self, session: Session, user: StaffRef | None, action: str, entry: Any,
             version: Any | None, detail: str = "") -> None:
        session.add(self.audit_model(
            at=clock.now(), user_id=user.user_id if user else None, action=action,
            entry_id=entry.id, version_id=version.id if version else None, detail=detail))

    def _touch(self, session: Session, entry: Any, expected_revision: int | None) -> None:
        """Bumps the entry's revision; refuses if someone changed it meanwhile."""
        model = self.entry_model
        query = update(model).where(model.id == entry.id)
        if expected_revision is not None:
            query = query.where(model.revision == expected_revision)
        changed = session.execute(
            query.values(revision=model.revision + 1, updated_at=clock.now())
            .execution_options(synchronize_session=False)
        )
        if changed.rowcount != 1:
            raise ConflictError("该条目已被其他人修改，请刷新后在最新内容上重新编辑。")
        session.refresh(entry)

    def _check_duplicate(self, session: Session, content: ContentT, own_key: str | None) -> None:
        wanted = title_key(self.columns_of(content)[self.unique_column])
        column = getattr(self.version_model, self.unique_column)
        others = session.execute(
            select(self.entry_model.key, column)
            .join(self.version_model, self.version_model.entry_id == self.entry_model.id)
            .where(self.version_model.state.in_(("published", *PENDING[:2])))
        ).all()
        for key, text in others:
            if title_key(text) == wanted and key != own_key:
                raise FaqError(f"与条目 {key} 的{self.unique_label}重复：{text}")

    def _new_entry(self, session: Session, key: str) -> Any:
        entry = self.entry_model(key=key, revision=0, updated_at=clock.now())
        session.add(entry)
        session.flush()
        return entry

    def _generated_key(self, session: Session, content: ContentT, how: str) -> str:
        count = session.execute(select(func.count(self.entry_model.id))).scalar_one()
        return f"{self.key_prefix(content)}-{how}-{count + 1}"

    def _new_version(self, session: Session, entry: Any, content: ContentT, state: str,
                     user: StaffRef | None) -> Any:
        number = (session.execute(
            select(func.max(self.version_model.number))
            .where(self.version_model.entry_id == entry.id)
        ).scalar_one() or 0) + 1
        version = self.version_model(
            entry_id=entry.id, number=number, state=state, created_at=clock.now(),
            author_id=user.user_id if user else None, **self.columns_of(content))
        session.add(version)
        session.flush()
        return version

    def save_draft(
        self, user: StaffRef, content: ContentT, entry_id: int | None = None,
        expected_revision: int | None = None, key: str = "",
    ) -> int:
        """A new draft (of a new entry if entry_id is None); returns the version id."""
        problems = content.problems()
        if problems:
            raise FaqError("；".join(problems))
        with self.store.session() as session:
            if entry_id is None:
                self._check_duplicate(session, content, None)
                entry = self._new_entry(
                    session, key or self._generated_key(session, content, "new"))
            else:
                entry = session.get(self.entry_model, entry_id)
                if entry is None:
                    raise FaqError("没有这个条目")
                self._check_duplicate(session, content, entry.key)
                self._touch(session, entry, expected_revision)
                # One pending draft per entry: a new draft replaces the old one.
                session.execute(
                    update(self.version_model)
                    .where(self.version_model.entry_id == entry.id,
                           self.version_model.state.in_(PENDING))
                    .values(state="discarded").execution_options(synchronize_session=False)
                )
            version = self._new_version(session, entry, content, "draft", user)
            self._log(session, user, "draft", entry, version)
            return version.id

    def _pending(self, session: Session, version_id: int, state: str) -> Any:
        version = session.get(self.version_model, version_id, with_for_update=True)
        if version is None or version.state != state:
            raise FaqError("这个版本已经不在该状态（可能已被他人处理），请刷新。")
        return version

    def submit(self, user: StaffRef, version_id: int) -> None:
        with self.store.session() as session:
            version = self._pending(session, version_id, "draft")
            version.state = "in_review"
            entry = session.get(self.entry_model, version.entry_id)
            self._touch(session, entry, None)
            self._log(session, user, "submit", entry, version)

    def _review(self, user: StaffRef, version_id: int, approve: bool, comment: str) -> None:
        if user.role not in REVIEWERS:
            raise FaqError("只有审核员或管理员可以审核。")
        with self.store.session() as session:
            version = self._pending(session, version_id, "in_review")
            if version.author_id == user.user_id:
                raise FaqError("不能审核自己提交的内容，请由其他审核员审核。")
            entry = session.get(self.entry_model, version.entry_id)
            version.reviewer_id, version.reviewed_at = user.user_id, clock.now()
            version.review_comment = comment.strip()
            if approve:
                self._publish(session, entry, version)
            else:
                version.state = "rejected"
            self._touch(session, entry, None)
            self._log(session, user, "approve" if approve else "reject", entry, version, comment)

    def _publish(self, session: Session, entry: Any, version: Any) -> None:
        model = self.version_model
        session.execute(
            update(model).where(model.entry_id == entry.id, model.state == "published",
                                model.id != version.id)
            .values(state="superseded").execution_options(synchronize_session=False)
        )
        version.state = "published"
        entry.published_version_id = version.id

    def approve(self, user: StaffRef, version_id: int, comment: str = "") -> None:
        self._review(user, version_id, approve=True, comment=comment)

    def reject(self, user: StaffRef, version_id: int, comment: str) -> None:
        if not comment.strip():
            raise FaqError("驳回时请填写意见，方便编辑修改。")
        self._review(user, version_id, approve=False, comment=comment)

    def rollback(self, user: StaffRef, version_id: int) -> int:
        """Publishes again the content of an earlier published version (already reviewed)
        as a new version; returns its id."""
        if user.role not in REVIEWERS:
            raise FaqError("只有审核员或管理员可以回滚。")
        with self.store.session() as session:
            earlier = session.get(self.version_model, version_id)
            if earlier is None or earlier.state not in ("published", "superseded"):
                raise FaqError("只能回滚到曾经发布过的版本。")
            entry = session.get(self.entry_model, earlier.entry_id)
            version = self._new_version(session, entry, self.content_of(earlier),
                                        "published", user)
            version.reviewer_id, version.reviewed_at = user.user_id, clock.now()
            version.review_comment = f"回滚到第 {earlier.number} 版"
            self._publish(session, entry, version)
            self._touch(session, entry, None)
            self._log(session, user, "rollback", entry, version, f"回滚到第 {earlier.number} 版")
            return version.id

    def unpublish(self, user: StaffRef, entry_id: int) -> None:
        if user.role not in REVIEWERS:
            raise FaqError("只有审核员或管理员可以下线条目。")
        with self.store.session() as session:
            entry = session.get(self.entry_model, entry_id)
            if entry is None or entry.published_version_id is None:
                raise FaqError("这个条目没有已发布的版本。")
            version = session.get(self.version_model, entry.published_version_id)
            version.state = "superseded"
            entry.published_version_id = None
            self._touch(session, entry, None)
            self._log(session, user, "unpublish", entry, version)

    # --- import -------------------------------------------------------------------

    def store_imports(self, parsed: list[tuple[str, ContentT]], user: StaffRef | None,
                      publish: bool) -> ImportReport:
        """Stores checked rows (key, content), all or none. With a user, rows become
        versions in review (someone else must approve them); without one (setup from
        knowledge/), they are published directly."""
        try:
            with self.store.session() as session:
                for key, content in parsed:
                    self._import_one(session, key, content, user, publish)
        except FaqError as error:
            return ImportReport(imported=0, errors=[str(error)])
        return ImportReport(imported=len(parsed), errors=[])

    def _import_one(self, session: Session, key: str, content: ContentT,
                    user: StaffRef | None, publish: bool) -> None:
        entry = session.execute(
            select(self.entry_model).where(self.entry_model.key == key)
        ).scalar_one_or_none() if key else None
        if entry is None:
            entry = self._new_entry(
                session, key or self._generated_key(session, content, "import"))
        version = self._new_version(session, entry, content,
                                    "published" if publish else "in_review", user)
        if publish:
            self._publish(session, entry, version)
        entry.revision += 1
        entry.updated_at = clock.now()
        self._log(session, user, "import", entry, version)
