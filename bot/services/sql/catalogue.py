"""Catalogue search over the full-text index (SQLite FTS5 / PostgreSQL tsvector)."""

from __future__ import annotations

import re
import time
from collections import defaultdict

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from bot.db.models import BibRecord, Branch, Item
from bot.services.catalogue_query import CatalogueQuery, understand
from bot.services.catalogue_ranking import (
    AUTHOR,
    NEAR_MATCH,
    ON_TOPIC,
    Candidate,
    Relevance,
    author_names,
    named_only_in_summary,
    names_readers_use,
    ranked,
)
from bot.services.interface import BranchAvailability, SearchResult, TitleHit
from bot.services.search_text import isbn13, near_keys, title_key
from bot.services.sql.session import SqlStore

# How many matches are counted at most (the reader sees "超过 N 条").
COUNT_CAP = 1000

_SQLITE_SEARCH = """
    SELECT rowid AS id FROM bib_fts WHERE bib_fts MATCH :match
    ORDER BY bm25(bib_fts) LIMIT :limit OFFSET :offset
"""
_SQLITE_COUNT = "SELECT count(*) FROM (SELECT 1 FROM bib_fts WHERE bib_fts MATCH :match LIMIT :cap)"
# ts_rank reads every match's vector: a very broad query (one common word, 100,000
# matches) is ranked among its first RANK_CAP matches in storage order, which keeps it
# inside the latency aim (docs/catalogue-search.md); narrower queries are ranked in full.
RANK_CAP = 2000
_POSTGRES_SEARCH = """
    SELECT id FROM (
        SELECT id, search_vector FROM bib_record
        WHERE search_vector @@ to_tsquery('simple', :match) LIMIT :rank_cap
    ) AS matching
    ORDER BY ts_rank(search_vector, to_tsquery('simple', :match)) DESC, id
    LIMIT :limit OFFSET :offset
"""
_POSTGRES_COUNT = """
    SELECT count(*) FROM (SELECT 1 FROM bib_record
    WHERE search_vector @@ to_tsquery('simple', :match) LIMIT :cap) AS capped
"""


#: how many of the index's best matches are ranked in Python (catalogue_ranking)
CANDIDATES = 50
#: how many near matches are ranked: a misremembered title is among the first few
NEAR_CANDIDATES = 20


#: an author's name is looked for in a reader's words from this length on, and a name this
#: short only when a word about the author's books follows it ("项飙的", "鲁敏得奖"; not
#: 路遥知马力, 豆豆想看, 王力宏)
SHORTEST_NAME = 2
LONGEST_NAME = 12
AFTER_A_SHORT_NAME = frozenset("的写那这著得有还新和跟与")
#: words before a name that tell of a place or a subject, not of an author (介绍某地的书)
ABOUT_A_PLACE = re.compile(r"(介绍|关于|讲|去|到|在)$")
#: how long the authors' names are kept before they are read again, in seconds
AUTHOR_NAMES_KEPT = 600.0


class SqlCatalogue:
    def __init__(self, store: SqlStore) -> None:
        self.store = store
        # the catalogue's authors' names, and when they were read (time.monotonic); two
        # threads that find them stale both read them, and either result is kept
        self._authors: tuple[float, tuple[frozenset[str], frozenset[str]]] | None = None

    def author_named(self, text: str) -> str | None:
        """The name of a catalogued author that the text holds whole ("莫言" of "莫言写高密
        的那部"), as the catalogue spells it without its dots: the first in the text, the
        longest there; None if none."""
        typed, (names, surnames) = title_key(text), self._author_names()
        for start in range(len(typed)):
            for end in range(min(len(typed), start + LONGEST_NAME), start + SHORTEST_NAME - 1, -1):
                name = typed[start:end]
                followed = end < len(typed) and typed[end] in AFTER_A_SHORT_NAME
                if name in names and (len(name) > SHORTEST_NAME or end == len(typed) or followed):
                    return name
                # a foreign name's last part alone, as an author's ("某某的书"), not a place
                # told of ("介绍卢森堡的")
                if name in surnames and followed and not ABOUT_A_PLACE.search(typed[:start]):
                    return name
        return None

    def _author_names(self) -> tuple[frozenset[str], frozenset[str]]:
        """Every author's name in the catalogue, and the last parts of foreign names
        that readers use alone, read again when AUTHOR_NAMES_KEPT has passed (records
        added or edited meanwhile are seen then)."""
        kept = self._authors
        if kept is not None and time.monotonic() - kept[0] < AUTHOR_NAMES_KEPT:
            return kept[1]
        with self.store.session() as session:
            fields = [field for field in session.execute(
                select(BibRecord.author).distinct()).scalars().all() if field]
        names = frozenset(name for field in fields for name in author_names(field)
                          if SHORTEST_NAME <= len(name) <= LONGEST_NAME)
        surnames = frozenset(name for field in fields for name in names_readers_use(field)
                             if name not in names and len(name) <= LONGEST_NAME)
        self._authors = (time.monotonic(), (names, surnames))
        return names, surnames

    def _match_expression(self, groups: list[list[str]]) -> str:
        """OR of AND-groups, in the dialect's full-text syntax. Tokens hold only word
        characters (see search_text), so quoting them is safe."""
        if self.store.dialect == "sqlite":
            return " OR ".join(
                "(" + " AND ".join(f'"{word}"' for word in group) + ")" for group in groups
            )
        return " | ".join("(" + " & ".join(group) + ")" for group in groups)

    def _matching_ids(
        self, session: Session, groups: list[list[str]], limit: int, offset: int = 0,
        count: bool = True,
    ) -> tuple[list[int], int]:
        """The best matches by the engine's rank, and (when asked) how many match."""
        match = self._match_expression(groups)
        sqlite = self.store.dialect == "sqlite"
        ids = session.execute(
            text(_SQLITE_SEARCH if sqlite else _POSTGRES_SEARCH),
            {"match": match, "limit": limit, "offset": offset, "rank_cap": RANK_CAP},
        ).scalars().all()
        total = session.execute(
            text(_SQLITE_COUNT if sqlite else _POSTGRES_COUNT), {"match": match, "cap": COUNT_CAP}
        ).scalar_one() if ids and count else len(ids)
        return list(ids), total

    def search(self, query: str, limit: int = 5, offset: int = 0) -> SearchResult:
        understood = understand(query)
        if understood.isbn:  # also inside "ISBN 978… 有吗"
            return self.by_isbn(understood.isbn)
        if not understood.words and not near_keys(understood.phrase):
            return SearchResult(hits=[], total=0)
        with self.store.session() as session:
            ids, total = (self._matching_ids(session, [list(understood.words)], CANDIDATES)
                          if understood.words else ([], 0))
            if ids and offset >= CANDIDATES:  # past the ranked window: the index's order
                ids, total = self._matching_ids(session, [list(understood.words)], limit, offset)
                return SearchResult(hits=self._hits(session, ids), total=total)
            records: dict[int, BibRecord] = {}
            if ids:
                window = ranked(understood, self._candidates(session, ids, records),
                                keep_all=True)
                best, first = window[0]
                near = best.tier == NEAR_MATCH or (
                    best.tier == ON_TOPIC and named_only_in_summary(understood, first))
            else:
                window = self._nearest(session, understood, records)
                total = len(window)
                # Near unless the best of them is the title or author the reader named.
                near = bool(window) and window[0][0].tier < AUTHOR
            page = [candidate.bib_id for _, candidate in window[offset:offset + limit]]
            hits = self._hits(session, page, records)
        return SearchResult(hits=hits, total=total, near=near)

    def _nearest(self, session: Session, understood: CatalogueQuery,
                 records: dict[int, BibRecord]) -> list[tuple[Relevance, Candidate]]:
        """Nothing has every word: titles and names near the reader's, else books on
        most of the words; each kept only when near enough (catalogue_ranking)."""
        for groups in (understood.near_titles(), understood.on_topic()):
            ids = (self._matching_ids(session, groups, NEAR_CANDIDATES, count=False)[0]
                   if groups else [])
            candidates = self._candidates(session, ids, records)
            if window := ranked(understood, candidates, keep_all=False):
                return window
        return []

    @staticmethod
    def _records(session: Session, ids: list[int]) -> dict[int, BibRecord]:
        return {record.id: record for record in session.execute(
            select(BibRecord).where(BibRecord.id.in_(ids))).scalars()} if ids else {}

    def _candidates(self, session: Session, ids: list[int],
                    records: dict[int, BibRecord]) -> list[Candidate]:
        """The records to rank; `records` keeps them for the page's hits."""
        records.update(self._records(session, ids))
        on_shelf = self._on_shelf(session, ids)
        return [Candidate(bib_id=record.id, title=record.title, author=record.author,
                          publisher=record.publisher, subjects=record.subjects or "",
                          summary=record.summary or "", on_shelf=on_shelf.get(record.id, 0))
                for record in (records[i] for i in ids if i in records)]

    @staticmethod
    def _on_shelf(session: Session, ids: list[int]) -> dict[int, int]:
        rows = session.execute(
            select(Item.bib_id, func.count(Item.id))
            .where(Item.bib_id.in_(ids), Item.status == "on_shelf").group_by(Item.bib_id)
        ).all()
        return {bib_id: count for bib_id, count in rows}

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

    def _hits(self, session: Session, ids: list[int],
              loaded: dict[int, BibRecord] | None = None) -> list[TitleHit]:
        """The titles with their availability, from records already `loaded` if given."""
        if not ids:
            return []
        records = loaded if loaded is not None else self._records(session, ids)
        availability = self._availability(session, ids)
        hits = [
            TitleHit(
                bib_id=record.id, title=record.title, author=record.author,
                publisher=record.publisher, year=record.year, isbn=record.isbn,
                call_number=record.call_number, availability=availability.get(record.id, []),
            )
            for record in (records[i] for i in ids if i in records)
        ]
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
