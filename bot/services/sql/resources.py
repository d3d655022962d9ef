"""The digital-resource directory (数字资源导航) in the library database: published
resources for readers (bot/services/resource_query.py ranks them), and the FAQ's
editorial workflow for staff (bot/services/sql/workflow.py: drafts, review by someone
else, publish, rollback, audit log).

Readers only ever get published versions; the published set is read again when it
changes (one cheap query per search), so an approved edit is live within seconds.
"""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

from sqlalchemy import or_, select

from bot.db.models import ResourceAuditLog, ResourceEntry, ResourceVersion
from bot.services.faq_model import ImportReport, StaffRef
from bot.services.resource_model import ResourceCard, ResourceContent, ResourceSummary, safe_link
from bot.services.resource_query import rank, read_request
from bot.services.search_text import title_key
from bot.services.sql.session import SqlStore
from bot.services.sql.workflow import PENDING, EditorialWorkflow

MAX_CARDS = 5
ROW_LISTS = ("subjects", "audience", "access")


def _lines(values: list[str]) -> str:
    return "\n".join(value.strip() for value in values if value.strip())


def _listed(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def content_from_row(row: dict[str, Any]) -> ResourceContent:
    """A row of knowledge/resources/*.yml (or an import file) as content; TypeError or
    AttributeError when a field has the wrong shape."""
    lists = {}
    for name in ROW_LISTS:
        value = row.get(name)
        if value is not None and not isinstance(value, list):
            raise TypeError(f"{name} 应为列表")
        lists[name] = [str(item).strip() for item in value or [] if str(item).strip()]
    return ResourceContent(
        name=str(row.get("name") or "").strip(), kind=str(row.get("type") or ""),
        description=str(row.get("description") or "").strip(),
        subjects=lists["subjects"], audience=lists["audience"] or ["all"],
        access=lists["access"], access_note=str(row.get("access_note") or "").strip(),
        url=str(row.get("url") or "").strip(), placeholder=bool(row.get("placeholder")),
        source=str(row.get("source") or ""),
    )


class SqlResources(EditorialWorkflow[ResourceContent]):
    entry_model, version_model, audit_model = ResourceEntry, ResourceVersion, ResourceAuditLog
    unique_column, unique_label = "name", "名称"

    def __init__(self, store: SqlStore) -> None:
        super().__init__(store)
        self._cache: tuple[object, list[ResourceCard]] | None = None
        self._cache_lock = threading.Lock()

    @staticmethod
    def content_of(version: ResourceVersion) -> ResourceContent:
        return ResourceContent(
            name=version.name, kind=version.kind, description=version.description,
            subjects=_listed(version.subjects), audience=_listed(version.audience),
            access=_listed(version.access), access_note=version.access_note, url=version.url,
            placeholder=version.placeholder, source=version.source,
        )

    @staticmethod
    def columns_of(content: ResourceContent) -> dict[str, Any]:
        return {
            "name": content.name.strip(), "kind": content.kind,
            "description": content.description.strip(), "subjects": _lines(content.subjects),
            "audience": _lines(content.audience), "access": _lines(content.access),
            "access_note": content.access_note.strip(), "url": content.url.strip(),
            "placeholder": content.placeholder, "source": content.source,
        }

    @staticmethod
    def key_prefix(content: ResourceContent) -> str:
        return f"res-{content.kind}"

    # --- readers ------------------------------------------------------------------

    def published(self) -> list[ResourceCard]:
        """Every published resource (read again only when the published set changed)."""
        with self.store.session() as session:
            state = self.published_state(session)
            with self._cache_lock:
                if self._cache is None or self._cache[0] != state:
                    rows = session.execute(
                        select(ResourceVersion, ResourceEntry.key)
                        .join(ResourceEntry,
                              ResourceEntry.published_version_id == ResourceVersion.id)
                        .order_by(ResourceEntry.key)
                    ).all()
                    self._cache = (state, [self._card(version, key) for version, key in rows])
                return self._cache[1]

    @staticmethod
    def _card(version: ResourceVersion, key: str) -> ResourceCard:
        return ResourceCard(
            resource_id=version.entry_id, key=key, name=version.name, kind=version.kind,
            description=version.description, subjects=tuple(_listed(version.subjects)),
            audience=tuple(_listed(version.audience)), access=tuple(_listed(version.access)),
            access_note=version.access_note, url=safe_link(version.url),
            placeholder=version.placeholder,
        )

    def find(self, query: str, audience: str | None = None,
             where: str | None = None) -> list[ResourceCard]:
        """The published resources that fit the reader's words, best first; none for an
        empty request (nothing asked for)."""
        request = read_request(query, audience, where)
        if request.empty:
            return []
        return rank(request, self.published())[:MAX_CARDS]

    def kind_counts(self) -> dict[str, int]:
        """How many published resources there are of each type."""
        return dict(Counter(card.kind for card in self.published()))

    # --- staff --------------------------------------------------------------------

    def entries(self, search: str = "", kind: str = "") -> list[ResourceSummary]:
        with self.store.session() as session:
            query = self.latest_versions()
            if kind:
                query = query.where(ResourceVersion.kind == kind)
            if search:
                pattern = f"%{search}%"
                query = query.where(or_(ResourceVersion.name.like(pattern),
                                        ResourceVersion.description.like(pattern),
                                        ResourceVersion.subjects.like(pattern),
                                        ResourceEntry.key.like(pattern)))
            return [
                ResourceSummary(
                    entry_id=entry.id, key=entry.key, name=version.name, kind=version.kind,
                    published=entry.published_version_id is not None,
                    pending_state=version.state if version.state in PENDING else "",
                    updated_at=entry.updated_at,
                )
                for entry, version in session.execute(query).all()
            ]

    def import_rows(self, rows: list[dict], user: StaffRef | None,
                    publish: bool) -> ImportReport:
        """All rows or none: every broken row is reported and nothing is imported."""
        parsed: list[tuple[str, ResourceContent]] = []
        errors: list[str] = []
        seen: set[str] = set()
        for number, row in enumerate(rows, start=1):
            try:
                content = content_from_row(row)
            except (AttributeError, TypeError) as error:
                errors.append(f"第 {number} 行：格式不对（{error}）")
                continue
            problems = content.problems()
            if title_key(content.name) in seen:
                problems.append("与前面的行名称重复")
            seen.add(title_key(content.name))
            if problems:
                errors.append(f"第 {number} 行：{'；'.join(problems)}")
            parsed.append((str(row.get("id") or "").strip(), content))
        if errors:
            return ImportReport(imported=0, errors=errors)
        return self.store_imports(parsed, user, publish)
