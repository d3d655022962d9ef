"""Catalogue search over the full-text index (SQLite FTS5 / PostgreSQL tsvector)."""

from __future__ import annotations

import re
from collections import defaultdict

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from bot.db.models import BibRecord, Branch, Item
from bot.services.interface import BranchAvailability, SearchResult, TitleHit
from bot.services.search_text import isbn13, isbn_in, title_key, tokens
from bot.services.sql.session import SqlStore

# How many matches are counted at most (the reader sees "超过 N 条").
COUNT_CAP = 1000

_SQLITE_SEARCH = """
    SELECT rowid AS id FROM bib_fts WHERE bib_fts MATCH :match
    ORDER BY bm25(bib_fts) LIMIT :limit OFFSET :offset
"""
_SQLITE_COUNT = "SELECT count(*) FROM (SELECT 1 FROM bib_fts WHERE bib_fts MATCH :match LIMIT :cap)"
_POSTGRES_SEARCH = """
    SELECT id FROM bib_record WHERE search_vector @@ to_tsquery('simple', :match)
    ORDER BY ts_rank(search_vector, to_tsquery('simple', :match)) DESC, id
    LIMIT :limit OFFSET :offset
"""
_POSTGRES_COUNT = """
    SELECT count(*) FROM (SELECT 1 FROM bib_record
    WHERE search_vector @@ to_tsquery('simple', :match) LIMIT :cap) AS capped
"""


BRACKETED_TITLE = re.compile(r"《([^》]+)》")


class SqlCatalogue:
    def __init__(self, store: SqlStore) -> None:
        self.store = store

    def _match_expression(self, groups: list[list[str]]) -> str:
        """OR of AND-groups, in the dialect's full-text syntax. Tokens hold only word
        characters (see search_text), so quoting them is safe."""
        if self.store.dialect == "sqlite":
            return " OR ".join(
                "(" + " AND ".join(f'"{word}"' for word in group) + ")" for group in groups
            )
        return " | ".join("(" + " & ".join(group) + ")" for group in groups)

    def _matching_ids(
        self, session: Session, groups: list[list[str]], limit: int, offset: int
    ) -> tuple[list[int], int]:
        match = self._match_expression(groups)
        sqlite = self.store.dialect == "sqlite"
        ids = session.execute(
            text(_SQLITE_SEARCH if sqlite else _POSTGRES_SEARCH),
            {"match": match, "limit": limit, "offset": offset},
        ).scalars().all()
        total = session.execute(
            text(_SQLITE_COUNT if sqlite else _POSTGRES_COUNT), {"match": match, "cap": COUNT_CAP}
        ).scalar_one()
        return list(ids), total

    def search(self, query: str, limit: int = 5, offset: int = 0) -> SearchResult:
        if (isbn := isbn_in(query)) and isbn13(isbn):  # also inside "ISBN 978… 有吗"
            return self.by_isbn(isbn)
        if bracketed := BRACKETED_TITLE.search(query):  # "请问你们馆有《边城》吗"
            query = bracketed.group(1)
        words = list(dict.fromkeys(tokens(query)))
        if not words:
            return SearchResult(hits=[], total=0)
        with self.store.session() as session:
            ids, total = self._matching_ids(session, [words], limit, offset)
            if not total and len(words) >= 3:
                # A wrong or differently segmented word: all words but one must match.
                groups = [words[:i] + words[i + 1:] for i in range(len(words))]
                ids, total = self._matching_ids(session, groups, limit, offset)
            hits = self._hits(session, ids, exact_title=title_key(query))
        return SearchResult(hits=hits, total=total)

    def by_isbn(self, isbn: str) -> SearchResult:
        normalised = isbn13(isbn)
        if not normalised:
            return SearchResult(hits=[], total=0)
        with self.store.session() as session:
            ids = session.execute(
                select(BibRecord.id).where(BibRecord.isbn == normalised)
            ).scalars().all()
            hits = self._hits(session, list(ids))
        return SearchResult(hits=hits, total=len(hits))

    def title(self, bib_id: int) -> TitleHit | None:
        with self.store.session() as session:
            hits = self._hits(session, [bib_id])
        return hits[0] if hits else None

    def _hits(self, session: Session, ids: list[int], exact_title: str = "") -> list[TitleHit]:
        if not ids:
            return []
        records = {
            record.id: record
            for record in session.execute(select(BibRecord).where(BibRecord.id.in_(ids))).scalars()
        }
        availability = self._availability(session, ids)
        hits = [
            TitleHit(
                bib_id=record.id, title=record.title, author=record.author,
                publisher=record.publisher, year=record.year, isbn=record.isbn,
                call_number=record.call_number, availability=availability.get(record.id, []),
            )
            for record in (records[i] for i in ids if i in records)
        ]
        # An exact title match goes first, whatever the full-text rank says.
        hits.sort(key=lambda hit: title_key(hit.title) != exact_title)
        return hits

    @staticmethod
    def _availability(session: Session, ids: list[int]) -> dict[int, list[BranchAvailability]]:
        on_shelf = func.sum(func.cast(Item.status == "on_shelf", type_=Item.id.type))
        rows = session.execute(
            select(
                Item.bib_id, Branch.name, func.count(Item.id), on_shelf,
                func.min(Item.location),
                func.min(Item.due_date).filter(Item.status == "on_loan"),
            )
            .join(Branch, Branch.id == Item.branch_id)
            .where(Item.bib_id.in_(ids), Item.status != "lost")
            .group_by(Item.bib_id, Branch.name)
            .order_by(Item.bib_id, on_shelf.desc(), Branch.name)
        ).all()
        result: dict[int, list[BranchAvailability]] = defaultdict(list)
        for bib_id, branch, total, shelf, location, next_due in rows:
            result[bib_id].append(
                BranchAvailability(branch=branch, on_shelf=int(shelf or 0), total=total,
                                   location=location or "", next_due=next_due)
            )
        return result
