"""FAQ retrieval: BM25 over the published questions and paraphrases.

Texts are normalised like catalogue search (繁體, full-width), reader variants are
mapped to the library's canonical terms (knowledge/faq/synonyms.yml: 借书证 → 读者证),
and jieba words, character bigrams and (weighted down) single characters are indexed,
so a different segmentation, a typo or a word sharing one character still meets the
right entry. Each entry is one document: readers' wordings
vary more than any single paraphrase, and an entry's words taken together describe
its topic best. The document's asked field (question and paraphrases) counts fully,
its answer half, and a word's rarity (IDF) is measured on the asked field: most answers
share the same referral (以官网公告为准, 说“转人工”, 金陵图书馆), and counted fully
those words looked common to every entry, so the synonyms mapping readers' words onto
them (真人客服 → 转人工, 网站 → 官网) lost their weight.
Scores are normalised by the query's best possible score, so thresholds mean the
same for short and long questions, and words no text has lower the score.

A second, literal reading (`Bm25Index.literal_leader`) counts only the message's
character bigrams found in an entry's asked texts, without jieba, synonyms, stopwords
or weights: when it singles out the same entry as BM25, the two readings agree
(bot/services/sql/faq.py uses that to answer instead of offering a menu).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache, lru_cache

import yaml

from bot.services.search_text import normalise, tokens
from bot.settings import PROJECT_ROOT

SYNONYMS_FILE = PROJECT_ROOT / "knowledge" / "faq" / "synonyms.yml"
K1, B = 1.2, 0.75
ANSWER_WEIGHT = 0.5  # a term in the answer counts half as much as in a question
# Very common words carry no meaning for matching a question.
STOPWORDS = {"的", "了", "吗", "呢", "啊", "呀", "吧", "我", "你", "你们", "请问", "请", "一下",
             "是", "在", "有", "要", "能", "可以", "怎么", "如何", "什么", "哪里", "图书馆", "馆",
             "呃", "嗯", "这个", "那个", "就是"}
_CJK = re.compile(r"[\u4e00-\u9fff]+")


@cache
def synonym_table() -> dict[str, str]:
    """Canonical term by variant."""
    if not SYNONYMS_FILE.exists():
        return {}
    data = yaml.safe_load(SYNONYMS_FILE.read_text(encoding="utf-8")) or {}
    return {
        normalise(variant): normalise(canonical)
        for canonical, variants in data.items()
        for variant in variants or []
        if normalise(variant) and normalise(variant) != normalise(canonical)
    }


#: the card said bare before its expiry ("证过期了要重办吗", "我的卡到期了"; not 身份证, 居住证,
#: 社保卡 …): the reader card, so that its validity, not a loan overdue, is asked
BARE_CARD = re.compile(r"(?:(?<![\u4e00-\u9fff])|(?<=[我的这那张]))[证卡](?=过期|到期|失效)")


@cache
def _variant_pattern() -> re.Pattern[str] | None:
    """Every variant, longest first, so the longest one at a position wins."""
    variants = sorted(synonym_table(), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, variants))) if variants else None


@lru_cache(maxsize=65536)
def terms(text: str) -> tuple[str, ...]:
    """Words (without stopwords), CJK character bigrams and single characters of a
    normalised text (none if it holds only stopwords), each variant replaced by its
    canonical term in one pass: a
    canonical term is not rewritten again (金图讲座 → 金图讲坛, not on to 金陵图书馆讲坛
    through the variant 金图)."""
    text = BARE_CARD.sub("读者证", normalise(text))
    if pattern := _variant_pattern():
        text = pattern.sub(lambda match: synonym_table()[match.group()], text)
    words = [word for word in tokens(text) if word not in STOPWORDS]
    # "呃……这个……", "那是啥": nothing asked, whatever its characters share
    if not any(set(word) - FUNCTION_CHARS for word in words):
        return ()
    runs = _CJK.findall(text)
    bigrams = ["#" + run[i:i + 2] for run in runs for i in range(len(run) - 1)]
    characters = [CHARACTER + character for run in runs for character in run
                  if character not in FUNCTION_CHARS | NAME_CHARS]
    return (*words, *bigrams, *characters)


#: single characters are terms too, marked so and weighted down: a reader's word and an
#: entry's may share only one character (捐给 / 捐书, 撕了 / 撕破), which
#: bigrams miss. Chosen on the FAQ hold-out and the long-message set (weights 0.15–1):
#: at 0.2, answered directly and right 0.839 → 0.850 and 0.506 → 0.556, wrongly 0.015 →
#: 0.015 and 0.019 → 0.013; at full weight more is answered and more of it wrongly.
CHARACTER = "@"
CHARACTER_WEIGHT = 0.2
#: characters of the library's own name, in nearly every entry: no topic of their own
NAME_CHARS = frozenset("金陵图书馆")

_NOT_WORD = re.compile(r"[\W_]+")
#: the fewest bigrams an entry must share with a message to single it out
LITERAL_MIN_SHARED = 2
#: the nearest asked text (Bm25Index.nearest_asked): how near, and how far ahead
NEAREST_SIMILARITY = 0.3
NEAREST_MARGIN = 0.05


#: characters of asking and pointing, not of a subject: a bigram of two of them (怎么,
#: 么样, 是不) says nothing about what is asked ("今天天气怎么样" is not "金图怎么样")
FUNCTION_CHARS = frozenset("怎么样吗呢啊吧呀什啥哪里几是的了有没不可以能要会请问"
                           "你我他她们这那个一下就")


def literal_bigrams(text: str) -> frozenset[str]:
    """The character bigrams of a normalised text without punctuation or spaces, less
    those made of function characters alone."""
    plain = _NOT_WORD.sub("", normalise(text))
    return frozenset(pair for i in range(len(plain) - 1)
                     if not set(pair := plain[i:i + 2]) <= FUNCTION_CHARS)


_CLAUSE_END = re.compile(r"[，。！？,.!?；;…~～\s]+")


def cjk_length(text: str) -> int:
    return sum(len(run) for run in _CJK.findall(text))


def clause_pairs(text: str) -> list[str]:
    """Each two neighbouring clauses of a message ("我家孩子五年级了，想让他自己去，不知道
    允不允许小学生单独入馆" → three pairs): a long message's question usually lies in
    one clause and its subject in the one before or after it."""
    clauses = [c for c in _CLAUSE_END.split(text) if cjk_length(c) >= 2]
    return [clauses[i] + "，" + clauses[i + 1] for i in range(len(clauses) - 1)]


@dataclass(frozen=True)
class Document:
    entry_id: int
    asked: str  # the question and its paraphrases
    answer: str


@dataclass(frozen=True)
class Ranked:
    entry_id: int
    score: float  # 0..1: share of the query's best possible score


class Bm25Index:
    """An in-memory BM25 index of FAQ entries, the answer field weighted down."""

    def __init__(self, documents: list[Document]) -> None:
        self.entry_ids = [document.entry_id for document in documents]
        self.position = {entry_id: index for index, entry_id in enumerate(self.entry_ids)}
        #: per document: the character bigrams of each asked text (question, paraphrases)
        self.asked_bigrams = [[bigrams for line in document.asked.splitlines()
                               if (bigrams := literal_bigrams(line))]
                              for document in documents]
        self.literal = [frozenset().union(*asked) for asked in self.asked_bigrams]
        #: per document: term -> weighted count (a term of the answer counts less)
        self.term_counts: list[dict[str, float]] = []
        frequency: Counter = Counter()
        for document in documents:
            asked = Counter(terms(document.asked))
            frequency.update(asked.keys())
            counts: dict[str, float] = dict(asked)
            for term, count in Counter(terms(document.answer)).items():
                counts[term] = counts.get(term, 0) + ANSWER_WEIGHT * count
            self.term_counts.append(counts)
        self.lengths = [sum(counts.values()) for counts in self.term_counts]
        self.average_length = sum(self.lengths) / len(self.lengths) if documents else 1.0
        total = len(documents)
        # A term no question or paraphrase has counts as the rarest term would.
        self.idf = {t: math.log(1 + (total - n + 0.5) / (n + 0.5)) for t, n in frequency.items()}
        self.max_idf = math.log(1 + (total + 0.5) / 0.5)

    def _score(self, query: Counter, index: int) -> float:
        counts, length = self.term_counts[index], self.lengths[index]
        score = 0.0
        for term in query:
            tf = counts.get(term, 0)
            if tf:
                norm = tf + K1 * (1 - B + B * length / self.average_length)
                score += self._weight(term) * tf * (K1 + 1) / norm
        return score

    def _weight(self, term: str) -> float:
        rarity = self.idf.get(term, self.max_idf)
        return rarity * CHARACTER_WEIGHT if term.startswith(CHARACTER) else rarity

    def rank(self, question: str, limit: int = 5) -> list[Ranked]:
        query = Counter(terms(question))
        # BM25 saturates at idf * (K1 + 1) per term: the ceiling of a perfect match.
        ceiling = sum(self._weight(term) * (K1 + 1) for term in query)
        if not ceiling:
            return []
        ranked = [
            Ranked(entry_id, score)
            for index, entry_id in enumerate(self.entry_ids)
            if (score := self._score(query, index) / ceiling) > 0
        ]
        return sorted(ranked, key=lambda r: -r.score)[:limit]

    def literal_leader(self, question: str) -> int | None:
        """The entry whose asked texts share strictly more of the message's character
        bigrams than any other's, and at least LITERAL_MIN_SHARED; None when none does
        or two tie ("那是啥" shares one bigram, 是啥, with every "…是啥" paraphrase), and
        None when none of the bigrams it shares is of a subject: a bigram with any
        asking or pointing character (FUNCTION_CHARS: 能, 一, 不, 有 … as in 能调, 一点)
        or of the library's name alone (图书) names nothing."""
        query = literal_bigrams(question)
        shared = sorted(
            ((len(query & literal), entry_id)
             for entry_id, literal in zip(self.entry_ids, self.literal, strict=True)),
            reverse=True)
        if not shared or shared[0][0] < LITERAL_MIN_SHARED or (
                len(shared) > 1 and shared[1][0] == shared[0][0]):
            return None
        leader = shared[0][1]
        subject = [pair for pair in query & self.literal[self.position[leader]]
                   if FUNCTION_CHARS.isdisjoint(pair) and not set(pair) <= NAME_CHARS]
        return leader if subject else None

    def nearest_asked(self, question: str, candidates: list[int]) -> int | None:
        """The candidate one of whose asked texts is nearest the message (Dice overlap of
        character bigrams), at least NEAREST_SIMILARITY and NEAREST_MARGIN ahead of every
        other candidate's nearest; None when none is. Unlike BM25, which adds up an
        entry's words over all its paraphrases (five paraphrases that say 押金 outweigh
        two), it compares the message with one wording at a time."""
        query = literal_bigrams(question)
        nearest = sorted(
            (max((2 * len(query & asked) / (len(query) + len(asked))
                  for asked in self.asked_bigrams[self.position[entry_id]]), default=0.0),
             entry_id)
            for entry_id in candidates if query)
        if not nearest or nearest[-1][0] < NEAREST_SIMILARITY or (
                len(nearest) > 1 and nearest[-1][0] - nearest[-2][0] < NEAREST_MARGIN):
            return None
        return nearest[-1][1]
