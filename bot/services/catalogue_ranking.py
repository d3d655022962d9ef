"""The order of catalogue results, in Python over the index's best candidates: the exact
title first, then a title that starts with or holds the reader's words, then the
author's works, then near titles (a wrong character, a homophone), then books on the
topic; children's books first when the reader asked for them; ties go to the title
with more copies on the shelf, then to the index's own rank."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from bot.services.catalogue_query import CHILDREN_SUBJECTS, EDITION_WORDS, CatalogueQuery
from bot.services.search_text import near_keys, normalise, title_key

#: a title or author at least this similar to the reader's words is offered as
#: "您要找的是不是" (one wrong character in a four-character title scores 0.67)
NEAR = 0.5
#: a book on the topic must hold at least this share of the reader's words
TOPIC = 0.5
# Tiers of relevance, best first.
EXACT, PREFIX, INSIDE, AUTHOR, NEAR_MATCH, ON_TOPIC, NONE = 6, 5, 4, 3, 2, 1, 0
_MAIN_TITLE = re.compile(r"[（(：:—]")
_SERIES = re.compile(r"[：:—]")
_EDITION = re.compile(r"[（(][^）)]*[）)]")


def main_title(title: str) -> str:
    """The title without subtitle or edition: 置身事内 of 置身事内：中国政府与经济发展."""
    return _MAIN_TITLE.split(title)[0]


def title_parts(title: str) -> list[str]:
    """The title's parts, main title first: a series' name, then the book's own title
    (国际大奖小说：夏洛的网), without an edition in brackets (（新版）)."""
    return [part for part in _SERIES.split(_EDITION.sub("", title)) if part.strip()]


@dataclass(frozen=True)
class Candidate:
    bib_id: int
    title: str
    author: str
    publisher: str
    subjects: str
    summary: str
    on_shelf: int


def _dice(first: set[str], second: set[str]) -> float:
    return 2 * len(first & second) / (len(first) + len(second)) if first and second else 0.0


def similarity(typed: str, recorded: str) -> float:
    """How alike two spellings are, by shared character pairs or shared pinyin pairs."""
    shorter, longer = sorted((len(typed), len(recorded)))
    if longer > 3 * shorter:  # too different in length to reach NEAR
        return 0.0
    typed_keys, recorded_keys = set(near_keys(typed)), set(near_keys(recorded))
    return max(_dice({k for k in typed_keys if not k.isascii()},
                     {k for k in recorded_keys if not k.isascii()}),
               _dice({k for k in typed_keys if k.isascii()},
                     {k for k in recorded_keys if k.isascii()}))


_NATIONALITY = re.compile(r"[\[［(（【〔][^\]］)）】〕]*[\]］)）】〕]")
_ROLE = re.compile(r"(?:主编|编著|选编|编|著|译|绘|图|文|等|"
                   r"口述|笔录|撰写|撰|修订|整理|校注|改编)+")


def author_names(author: str) -> list[str]:
    """The people in an author field: "[美]斯蒂芬·金 著；张三 等译" → 斯蒂芬金, 张三."""
    parts = re.split(r"[\s,，、;；/]+", _NATIONALITY.sub(" ", author))
    return [key for key in map(title_key, parts) if key and not _ROLE.fullmatch(key)]


_TRAILING_ROLE = re.compile(f"(?:{_ROLE.pattern})$")
#: the dots between the parts of a foreign name ("费尔迪南·德·索绪尔")
_NAME_DOTS = re.compile(r"[·•・.．]")
#: a foreign name's last part shorter than this is no name readers use alone (罗斯 of
#: 俄罗斯)
SURNAME_LENGTH = 3


def names_readers_use(author: str) -> list[str]:
    """author_names, and of a foreign name its last part, which readers use alone
    ("索绪尔" of "[瑞士] 费尔迪南·德·索绪尔 著")."""
    parts = re.split(r"[\s,，、;；/]+", _NATIONALITY.sub(" ", author))
    surnames = [_TRAILING_ROLE.sub("", title_key(_NAME_DOTS.split(part)[-1]))
                for part in parts if _NAME_DOTS.search(part)]
    return [*author_names(author), *(name for name in surnames if len(name) >= SURNAME_LENGTH)]


class Relevance(NamedTuple):
    tier: int
    strength: float = 0.0  # within the tier: how whole the name, how near the spelling


def _title_tier(query: CatalogueQuery, title: str) -> int:
    full, main = title_key(title), title_key(main_title(title))
    keys = {title_key(part) for part in [query.phrase, *query.segments]} - {""}
    if main in keys or full in keys:
        return EXACT
    keys -= EDITION_WORDS  # 中文版 alone is in many titles and names none
    if any(main.startswith(key) for key in keys):
        return PREFIX
    if any(key in full for key in keys) or (len(main) >= 2 and any(main in key for key in keys)):
        return INSIDE
    if any(key.endswith("的" + main) for key in keys):  # a one-character title after its
        return INSIDE  # author ("某作家的飘")
    return NONE


def _by_author(query: CatalogueQuery, names: list[str]) -> Relevance:
    keys = {title_key(part) for part in query.segments} - {""}
    if any(len(name) >= 2 and name in key for key in keys for name in names):
        return Relevance(AUTHOR, 1.0)  # the whole name
    if any(len(key) >= 2 and key in name for key in keys for name in names):
        return Relevance(AUTHOR, 0.5)  # part of the name: 霍金 for 史蒂芬霍金
    if any(len(word) >= 2 and word in name for word in query.words for name in names):
        return Relevance(NEAR_MATCH, NEAR)  # a word of it: 史蒂芬 of 史蒂芬金 ≠ 史蒂芬霍金
    return Relevance(NONE)


def relevance(query: CatalogueQuery, candidate: Candidate) -> tuple[Relevance, float]:
    """How the candidate matches, and the share of the reader's words it holds."""
    record = normalise(" ".join((candidate.title, candidate.author, candidate.publisher,
                                 candidate.subjects, candidate.summary)))
    # (of a long telling, the share of its telling words, when that is the larger)
    coverage = max((sum(word in record for word in words) / len(words) if words else 0.0)
                   for words in (query.words, query.telling_words))
    tier = _title_tier(query, candidate.title)
    if tier > AUTHOR:
        return Relevance(tier), coverage
    names = author_names(candidate.author)
    near = max((similarity(part, text) for part in query.segments
                for text in [candidate.title, main_title(candidate.title), *names]),
               default=0.0)
    best = max(_by_author(query, names),
               Relevance(NEAR_MATCH, near) if near >= NEAR else Relevance(NONE))
    if best.tier == NONE and coverage >= TOPIC:
        best = Relevance(ON_TOPIC, coverage)
    return best, coverage


def named_only_in_summary(query: CatalogueQuery, candidate: Candidate) -> bool:
    """Whether a reader who named something (not a topic: "讲黑洞的书") finds its words in
    the book's summary alone, not in its title, author or subjects ("群雄逐鹿" in the
    summary of 三国演义): no book of that name, so the result is near."""
    named = normalise(" ".join((candidate.title, candidate.author, candidate.subjects)))
    return (bool(query.words) and not query.asks_a_topic
            and not any(word in named for word in query.words))


def characters_shared(query: CatalogueQuery, title: str) -> float:
    """How many of the characters typed the main title holds (of "昨天的世界", 昨日的世界
    more than 平凡的世界): between titles equally near by character pairs, the nearer."""
    main = set(title_key(main_title(title)))
    return max((len(set(segment) & main) / len(set(segment) | main)
                for segment in map(title_key, query.segments) if segment), default=0.0)


def ranked(query: CatalogueQuery, candidates: list[Candidate],
           keep_all: bool) -> list[tuple[Relevance, Candidate]]:
    """The candidates, best first (the index's order breaks remaining ties); without
    keep_all, only those worth showing."""
    def order(scored: tuple[tuple[Relevance, float], Candidate]) -> tuple[float, ...]:
        (match, coverage), candidate = scored
        for_children = query.for_children and any(
            word in candidate.subjects for word in CHILDREN_SUBJECTS)
        near_title = characters_shared(query, candidate.title) if match.tier == NEAR_MATCH else 0.0
        return (-match.tier, -for_children, -match.strength, -coverage, -near_title,
                -candidate.on_shelf)

    scored = sorted(((relevance(query, candidate), candidate) for candidate in candidates),
                    key=order)
    return [(match, candidate) for (match, _), candidate in scored
            if keep_all or match.tier > NONE]
