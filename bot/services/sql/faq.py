"""The FAQ knowledge base: reader answers from published versions, and the editorial
workflow (draft → review by someone else → published, rollback, audit log).

Readers only ever see published versions. The retrieval index is rebuilt when the
published set changes (checked on every question with one cheap query), so an approved
edit is answered within seconds and no retraining is needed.
"""

from __future__ import annotations

import dataclasses
import threading

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from bot import clock
from bot.db.models import AuditLog, FaqEntry, FaqVersion, StaffUser, UnansweredQuestion
from bot.services.faq_model import (
    AuditRecord,
    ConflictError,
    EntrySummary,
    FaqAnswer,
    FaqContent,
    FaqError,
    ImportReport,
    StaffRef,
    UnansweredInfo,
    VersionInfo,
)
from bot.services.faq_retrieval import Bm25Index, Document
from bot.services.search_text import title_key
from bot.services.sql.session import SqlStore

# When to answer (share of the query's best possible score): the best entry scores at
# least ANSWER_SCORE and is clearly ahead — by CLEAR_MARGIN, or the runner-up reaches at
# most CLEAR_RATIO of its score. Chosen on the FAQ hold-out split (tests/data/
# faq_holdout.yml: 0.57 → 0.80 answered directly and right, 1.1 % answered wrongly, the
# rest a "您是不是想问" menu); the independent reader evaluation checks it (make eval).
# When only one entry reaches SUGGEST_SCORE (and it reaches ANSWER_SCORE), it is
# answered: a menu of one is no choice.
ANSWER_SCORE = 0.15
SUGGEST_SCORE = 0.10
CLEAR_MARGIN = 0.05
CLEAR_RATIO = 0.8
SUGGESTIONS = 3
# Related questions offered after an answer: those within this share of its score.
RELATED_SHARE = 0.5
PENDING = ("draft", "in_review", "rejected")
REVIEWERS = ("reviewer", "admin")


def _content(version: FaqVersion) -> FaqContent:
    return FaqContent(
        question=version.question, answer=version.answer, category=version.category,
        paraphrases=[p for p in version.paraphrases.splitlines() if p.strip()],
        link=version.link, placeholder=version.placeholder, source=version.source,
    )


class SqlKnowledge:
    def __init__(self, store: SqlStore) -> None:
        self.store = store
        self._index: tuple[object, Bm25Index, dict[int, FaqVersion]] | None = None
        self._index_lock = threading.Lock()

    # --- readers ------------------------------------------------------------------

    def _published_state(self, session: Session) -> object:
        return tuple(session.execute(
            select(func.count(FaqEntry.id), func.max(FaqEntry.updated_at),
                   func.sum(FaqEntry.revision))
        ).one())

    def _current_index(self) -> tuple[Bm25Index, dict[int, tuple[FaqVersion, str]]]:
        """The index of the published entries, and each one's version and key by id."""
        with self.store.session() as session:
            state = self._published_state(session)
            with self._index_lock:
                if self._index is None or self._index[0] != state:
                    rows = session.execute(
                        select(FaqVersion, FaqEntry.key).join(
                            FaqEntry, FaqEntry.published_version_id == FaqVersion.id)
                    ).all()
                    documents = [
                        Document(v.entry_id, "\n".join([v.question, v.paraphrases]), v.answer)
                        for v, _key in rows
                    ]
                    session.expunge_all()
                    self._index = (state, Bm25Index(documents),
                                   {v.entry_id: (v, key) for v, key in rows})
                return self._index[1], self._index[2]

    def answer(self, question: str) -> FaqAnswer:
        index, published = self._current_index()
        ranked = index.rank(question, limit=SUGGESTIONS + 1)
        if not ranked or ranked[0].score < SUGGEST_SCORE:
            return FaqAnswer(kind="none")
        top = ranked[0]
        runner_up = ranked[1].score if len(ranked) > 1 else 0.0
        clear = top.score - runner_up >= CLEAR_MARGIN or runner_up <= CLEAR_RATIO * top.score
        # A menu of one is no choice: the only candidate is answered.
        if top.score >= ANSWER_SCORE and (clear or runner_up < SUGGEST_SCORE):
            related = [(r.entry_id, published[r.entry_id][0].question)
                       for r in ranked[1:SUGGESTIONS]
                       if r.score >= max(SUGGEST_SCORE, RELATED_SHARE * top.score)]
            return dataclasses.replace(self._as_answer(*published[top.entry_id]),
                                       suggestions=related)
        return FaqAnswer(kind="suggest", suggestions=[
            (r.entry_id, published[r.entry_id][0].question)
            for r in ranked[:SUGGESTIONS] if r.score >= SUGGEST_SCORE
        ])

    def ranked_entries(self, question: str, limit: int = 3) -> list[int]:
        """Entry ids of the best matches, best first (for measuring retrieval)."""
        index, _ = self._current_index()
        return [ranked.entry_id for ranked in index.rank(question, limit=limit)]

    def entry_ids(self) -> dict[str, int]:
        """Entry id by stable key."""
        with self.store.session() as session:
            return dict(session.execute(select(FaqEntry.key, FaqEntry.id)).all())

    def published_answer(self, entry_id: int) -> FaqAnswer | None:
        _, published = self._current_index()
        found = published.get(entry_id)
        return self._as_answer(*found) if found else None

    @staticmethod
    def _as_answer(version: FaqVersion, key: str) -> FaqAnswer:
        return FaqAnswer(kind="answer", entry_id=version.entry_id, key=key,
                         question=version.question, answer=version.answer, link=version.link,
                         placeholder=version.placeholder)

    def record_unanswered(self, text: str, channel: str, reason: str) -> None:
        with self.store.session() as session:
            session.add(UnansweredQuestion(text=text[:1000], channel=channel, reason=reason,
                                           asked_at=clock.now()))

    # --- browsing -----------------------------------------------------------------

    def entries(self, search: str = "", category: str = "") -> list[EntrySummary]:
        with self.store.session() as session:
            latest = (
                select(FaqVersion.entry_id, func.max(FaqVersion.number).label("number"))
                .group_by(FaqVersion.entry_id).subquery()
            )
            query = (
                select(FaqEntry, FaqVersion)
                .join(latest, latest.c.entry_id == FaqEntry.id)
                .join(FaqVersion, (FaqVersion.entry_id == FaqEntry.id)
                      & (FaqVersion.number == latest.c.number))
                .order_by(FaqEntry.key)
            )
            if category:
                query = query.where(FaqVersion.category == category)
            if search:
                pattern = f"%{search}%"
                query = query.where(or_(FaqVersion.question.like(pattern),
                                        FaqVersion.answer.like(pattern),
                                        FaqVersion.paraphrases.like(pattern),
                                        FaqEntry.key.like(pattern)))
            return [
                EntrySummary(
                    entry_id=entry.id, key=entry.key, question=version.question,
                    category=version.category, published=entry.published_version_id is not None,
                    pending_state=version.state if version.state in PENDING else "",
                    revision=entry.revision, updated_at=entry.updated_at,
                )
                for entry, version in session.execute(query).all()
            ]

    def versions(self, entry_id: int) -> list[VersionInfo]:
        """Every version of an entry, newest first."""
        with self.store.session() as session:
            return self._versions(session, FaqVersion.entry_id == entry_id)

    def version(self, version_id: int) -> VersionInfo:
        with self.store.session() as session:
            found = self._versions(session, FaqVersion.id == version_id)
        if not found:
            raise FaqError("没有这个版本")
        return found[0]

    def review_queue(self) -> list[VersionInfo]:
        with self.store.session() as session:
            return self._versions(session, FaqVersion.state == "in_review")

    @staticmethod
    def _versions(session: Session, condition: object) -> list[VersionInfo]:
        author, reviewer = StaffUser.__table__.alias(), StaffUser.__table__.alias()
        rows = session.execute(
            select(FaqVersion, FaqEntry.key, author.c.display_name, reviewer.c.display_name)
            .join(FaqEntry, FaqEntry.id == FaqVersion.entry_id)
            .outerjoin(author, author.c.id == FaqVersion.author_id)
            .outerjoin(reviewer, reviewer.c.id == FaqVersion.reviewer_id)
            .where(condition).order_by(FaqVersion.created_at.desc(), FaqVersion.id.desc())
        ).all()
        return [
            VersionInfo(
                version_id=v.id, entry_id=v.entry_id, entry_key=key, number=v.number,
                state=v.state, content=_content(v), author=author_name or "系统",
                reviewer=reviewer_name or "", review_comment=v.review_comment,
                created_at=v.created_at, reviewed_at=v.reviewed_at,
            )
            for v, key, author_name, reviewer_name in rows
        ]

    def revision(self, entry_id: int) -> int:
        with self.store.session() as session:
            entry = session.get(FaqEntry, entry_id)
            if entry is None:
                raise FaqError("没有这个条目")
            return entry.revision

    def audit(self, entry_id: int | None = None, limit: int = 200) -> list[AuditRecord]:
        with self.store.session() as session:
            query = (
                select(AuditLog, StaffUser.display_name, FaqEntry.key, FaqVersion.number)
                .outerjoin(StaffUser, StaffUser.id == AuditLog.user_id)
                .outerjoin(FaqEntry, FaqEntry.id == AuditLog.entry_id)
                .outerjoin(FaqVersion, FaqVersion.id == AuditLog.version_id)
                .order_by(AuditLog.id.desc()).limit(limit)
            )
            if entry_id is not None:
                query = query.where(AuditLog.entry_id == entry_id)
            return [
                AuditRecord(at=log.at, user=user or "系统", action=log.action,
                            entry_key=key or "", version_number=number, detail=log.detail)
                for log, user, key, number in session.execute(query).all()
            ]

    # --- editing ------------------------------------------------------------------

    @staticmethod
    def _log(session: Session, user: StaffRef | None, action: str, entry: FaqEntry,
             version: FaqVersion | None, detail: str = "") -> None:
        session.add(AuditLog(at=clock.now(), user_id=user.user_id if user else None, action=action,
                             entry_id=entry.id, version_id=version.id if version else None,
                             detail=detail))

    @staticmethod
    def _touch(session: Session, entry: FaqEntry, expected_revision: int | None) -> None:
        """Bumps the entry's revision; refuses if someone changed it meanwhile."""
        query = update(FaqEntry).where(FaqEntry.id == entry.id)
        if expected_revision is not None:
            query = query.where(FaqEntry.revision == expected_revision)
        changed = session.execute(
            query.values(revision=FaqEntry.revision + 1, updated_at=clock.now())
            .execution_options(synchronize_session=False)
        )
        if changed.rowcount != 1:
            raise ConflictError("该条目已被其他人修改，请刷新后在最新内容上重新编辑。")
        session.refresh(entry)

    @staticmethod
    def _check_duplicate(session: Session, content: FaqContent, own_key: str | None) -> None:
        wanted = title_key(content.question)
        others = session.execute(
            select(FaqEntry.key, FaqVersion.question)
            .join(FaqVersion, FaqVersion.entry_id == FaqEntry.id)
            .where(FaqVersion.state.in_(("published", *PENDING[:2])))
        ).all()
        for key, question in others:
            if title_key(question) == wanted and key != own_key:
                raise FaqError(f"与条目 {key} 的问题重复：{question}")

    def save_draft(
        self, user: StaffRef, content: FaqContent, entry_id: int | None = None,
        expected_revision: int | None = None, key: str = "",
    ) -> int:
        """A new draft (of a new entry if entry_id is None); returns the version id."""
        problems = content.problems()
        if problems:
            raise FaqError("；".join(problems))
        with self.store.session() as session:
            if entry_id is None:
                self._check_duplicate(session, content, None)
                count = session.execute(select(func.count(FaqEntry.id))).scalar_one()
                entry = FaqEntry(key=key or f"{content.category}-new-{count + 1}", revision=0,
                                 updated_at=clock.now())
                session.add(entry)
                session.flush()
            else:
                entry = session.get(FaqEntry, entry_id)
                if entry is None:
                    raise FaqError("没有这个条目")
                self._check_duplicate(session, content, entry.key)
                self._touch(session, entry, expected_revision)
                # One pending draft per entry: a new draft replaces the old one.
                session.execute(
                    update(FaqVersion).where(FaqVersion.entry_id == entry.id,
                                             FaqVersion.state.in_(PENDING))
                    .values(state="discarded").execution_options(synchronize_session=False)
                )
            number = (session.execute(
                select(func.max(FaqVersion.number)).where(FaqVersion.entry_id == entry.id)
            ).scalar_one() or 0) + 1
            version = self._new_version(entry, number, content, "draft", user)
            session.add(version)
            session.flush()
            self._log(session, user, "draft", entry, version)
            return version.id

    @staticmethod
    def _new_version(entry: FaqEntry, number: int, content: FaqContent, state: str,
                     user: StaffRef | None) -> FaqVersion:
        return FaqVersion(
            entry_id=entry.id, number=number, question=content.question.strip(),
            paraphrases="\n".join(p.strip() for p in content.paraphrases if p.strip()),
            answer=content.answer.strip(), category=content.category, link=content.link,
            placeholder=content.placeholder, source=content.source, state=state,
            author_id=user.user_id if user else None, created_at=clock.now(),
        )

    def _pending(self, session: Session, version_id: int, state: str) -> FaqVersion:
        version = session.get(FaqVersion, version_id, with_for_update=True)
        if version is None or version.state != state:
            raise FaqError("这个版本已经不在该状态（可能已被他人处理），请刷新。")
        return version

    def submit(self, user: StaffRef, version_id: int) -> None:
        with self.store.session() as session:
            version = self._pending(session, version_id, "draft")
            version.state = "in_review"
            entry = session.get(FaqEntry, version.entry_id)
            self._touch(session, entry, None)
            self._log(session, user, "submit", entry, version)

    def _review(self, user: StaffRef, version_id: int, approve: bool, comment: str) -> None:
        if user.role not in REVIEWERS:
            raise FaqError("只有审核员或管理员可以审核。")
        with self.store.session() as session:
            version = self._pending(session, version_id, "in_review")
            if version.author_id == user.user_id:
                raise FaqError("不能审核自己提交的内容，请由其他审核员审核。")
            entry = session.get(FaqEntry, version.entry_id)
            version.reviewer_id, version.reviewed_at = user.user_id, clock.now()
            version.review_comment = comment.strip()
            if approve:
                self._publish(session, entry, version)
            else:
                version.state = "rejected"
            self._touch(session, entry, None)
            self._log(session, user, "approve" if approve else "reject", entry, version, comment)

    @staticmethod
    def _publish(session: Session, entry: FaqEntry, version: FaqVersion) -> None:
        session.execute(
            update(FaqVersion).where(FaqVersion.entry_id == entry.id,
                                     FaqVersion.state == "published",
                                     FaqVersion.id != version.id)
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
            earlier = session.get(FaqVersion, version_id)
            if earlier is None or earlier.state not in ("published", "superseded"):
                raise FaqError("只能回滚到曾经发布过的版本。")
            entry = session.get(FaqEntry, earlier.entry_id)
            number = session.execute(
                select(func.max(FaqVersion.number)).where(FaqVersion.entry_id == entry.id)
            ).scalar_one() + 1
            version = self._new_version(entry, number, _content(earlier), "published", user)
            version.reviewer_id, version.reviewed_at = user.user_id, clock.now()
            version.review_comment = f"回滚到第 {earlier.number} 版"
            session.add(version)
            session.flush()
            self._publish(session, entry, version)
            self._touch(session, entry, None)
            self._log(session, user, "rollback", entry, version, f"回滚到第 {earlier.number} 版")
            return version.id

    def unpublish(self, user: StaffRef, entry_id: int) -> None:
        if user.role not in REVIEWERS:
            raise FaqError("只有审核员或管理员可以下线条目。")
        with self.store.session() as session:
            entry = session.get(FaqEntry, entry_id)
            if entry is None or entry.published_version_id is None:
                raise FaqError("这个条目没有已发布的版本。")
            version = session.get(FaqVersion, entry.published_version_id)
            version.state = "superseded"
            entry.published_version_id = None
            self._touch(session, entry, None)
            self._log(session, user, "unpublish", entry, version)

    # --- unanswered questions -----------------------------------------------------

    def unanswered(self, status: str = "open", limit: int = 200) -> list[UnansweredInfo]:
        with self.store.session() as session:
            rows = session.execute(
                select(UnansweredQuestion).where(UnansweredQuestion.status == status)
                .order_by(UnansweredQuestion.asked_at.desc()).limit(limit)
            ).scalars().all()
            return [UnansweredInfo(q.id, q.text, q.channel, q.reason, q.asked_at, q.status)
                    for q in rows]

    def dismiss_unanswered(self, user: StaffRef, question_id: int) -> None:
        with self.store.session() as session:
            question = session.get(UnansweredQuestion, question_id)
            if question is None:
                raise FaqError("没有这条问题")
            question.status = "dismissed"

    def draft_from_unanswered(
        self, user: StaffRef, question_id: int, content: FaqContent
    ) -> int:
        """Turns an unanswered question into a draft of a new entry; returns the version."""
        version_id = self.save_draft(user, content)
        with self.store.session() as session:
            question = session.get(UnansweredQuestion, question_id)
            if question is None:
                raise FaqError("没有这条问题")
            question.status = "drafted"
            question.entry_id = session.get(FaqVersion, version_id).entry_id
        return version_id

    # --- import and export --------------------------------------------------------

    def export_rows(self) -> list[dict]:
        """Published entries as plain rows (YAML/Excel export)."""
        with self.store.session() as session:
            rows = session.execute(
                select(FaqEntry.key, FaqVersion)
                .join(FaqVersion, FaqVersion.id == FaqEntry.published_version_id)
                .order_by(FaqEntry.key)
            ).all()
            return [
                {"id": key, "question": v.question,
                 "paraphrases": [p for p in v.paraphrases.splitlines() if p],
                 "answer": v.answer, "category": v.category, "link": v.link,
                 "placeholder": v.placeholder, "source": v.source}
                for key, v in rows
            ]

    def import_rows(self, rows: list[dict], user: StaffRef | None, publish: bool) -> ImportReport:
        """All rows or none: every broken row is reported and nothing is imported.

        With a user, rows become drafts in review (someone else must approve them);
        without one (setup from knowledge/), they are published directly."""
        parsed: list[tuple[str, FaqContent]] = []
        errors: list[str] = []
        seen: set[str] = set()
        for number, row in enumerate(rows, start=1):
            try:
                content = FaqContent(
                    question=str(row.get("question") or ""), answer=str(row.get("answer") or ""),
                    category=str(row.get("category") or ""),
                    paraphrases=[str(p) for p in row.get("paraphrases") or []],
                    link=str(row.get("link") or ""), placeholder=bool(row.get("placeholder")),
                    source=str(row.get("source") or ""),
                )
            except (AttributeError, TypeError) as error:
                errors.append(f"第 {number} 行：格式不对（{error}）")
                continue
            problems = content.problems()
            key = str(row.get("id") or "").strip()
            if title_key(content.question) in seen:
                problems.append("与前面的行问题重复")
            seen.add(title_key(content.question))
            if problems:
                errors.append(f"第 {number} 行：{'；'.join(problems)}")
            parsed.append((key, content))
        if errors:
            return ImportReport(imported=0, errors=errors)
        try:
            with self.store.session() as session:
                for key, content in parsed:
                    self._import_one(session, key, content, user, publish)
        except FaqError as error:
            return ImportReport(imported=0, errors=[str(error)])
        return ImportReport(imported=len(parsed), errors=[])

    def _import_one(self, session: Session, key: str, content: FaqContent,
                    user: StaffRef | None, publish: bool) -> None:
        entry = session.execute(
            select(FaqEntry).where(FaqEntry.key == key)
        ).scalar_one_or_none() if key else None
        if entry is None:
            count = session.execute(select(func.count(FaqEntry.id))).scalar_one()
            entry = FaqEntry(key=key or f"{content.category}-import-{count + 1}", revision=0,
                             updated_at=clock.now())
            session.add(entry)
            session.flush()
        number = (session.execute(
            select(func.max(FaqVersion.number)).where(FaqVersion.entry_id == entry.id)
        ).scalar_one() or 0) + 1
        version = self._new_version(entry, number, content,
                                    "published" if publish else "in_review", user)
        session.add(version)
        session.flush()
        if publish:
            self._publish(session, entry, version)
        entry.revision += 1
        entry.updated_at = clock.now()
        self._log(session, user, "import", entry, version)

    def is_empty(self) -> bool:
        with self.store.session() as session:
            return not session.execute(select(func.count(FaqEntry.id))).scalar_one()
