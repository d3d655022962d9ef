"""FAQ retrieval: BM25 over the published questions and paraphrases.

Texts are normalised like catalogue search (繁體, full-width), reader variants are
mapped to the library's canonical terms (knowledge/faq/synonyms.yml: 借书证 → 读者证),
and both jieba words and character bigrams are indexed, so a different segmentation
or a typo still meets the right entry. Each entry is one document (question,
paraphrases and answer together): readers' wordings vary more than any single
paraphrase, and an entry's words taken together describe its topic best.
Scores are normalised by the query's best possible score, so thresholds mean the
same for short and long questions, and words no text has lower the score.
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
# Very common words carry no meaning for matching a question.
STOPWORDS = {"的", "了", "吗", "呢", "啊", "呀", "吧", "我", "你", "你们", "请问", "请", "一下",
             "是", "在", "有", "要", "能", "可以", "怎么", "如何", "什么", "哪里", "图书馆", "馆"}
_CJK = re.compile(r"[\u4e00-\u9fff]+")


@cache
def synonym_table() -> list[tuple[str, str]]:
    """(variant, canonical) pairs, longest variant first."""
    if not SYNONYMS_FILE.exists():
        return []
    data = yaml.safe_load(SYNONYMS_FILE.read_text(encoding="utf-8")) or {}
    pairs = [
        (normalise(variant), normalise(canonical))
        for canonical, variants in data.items()
        for variant in variants or []
        if normalise(variant) and normalise(variant) != normalise(canonical)
    ]
    return sorted(pairs, key=lambda pair: -len(pair[0]))


@lru_cache(maxsize=65536)
def terms(text: str) -> tuple[str, ...]:
    """Words (without stopwords) and CJK character bigrams of a normalised text."""
    text = normalise(text)
    for variant, canonical in synonym_table():
        text = text.replace(variant, canonical)
    words = [word for word in tokens(text) if word not in STOPWORDS]
    bigrams = [
        "#" + run[i:i + 2] for run in _CJK.findall(text) for i in range(len(run) - 1)
    ]
    return (*words, *bigrams)


@dataclass(frozen=True)
class Ranked:
    entry_id: int
    score: float  # 0..1: share of the query's best possible score
    matched_text: str


class Bm25Index:
    """An in-memory index of (entry id, text) pairs."""

    def __init__(self, documents: list[tuple[int, str]]) -> None:
        self.documents = documents
        self.term_counts = [Counter(terms(text)) for _, text in documents]
        self.lengths = [sum(counts.values()) for counts in self.term_counts]
        self.average_length = sum(self.lengths) / len(self.lengths) if documents else 1.0
        frequency: Counter = Counter()
        for counts in self.term_counts:
            frequency.update(counts.keys())
        total = len(documents)
        self.idf = {t: math.log(1 + (total - n + 0.5) / (n + 0.5)) for t, n in frequency.items()}
        self.max_idf = math.log(1 + (total + 0.5) / 0.5)

    def _score(self, query: Counter, index: int) -> float:
        counts, length = self.term_counts[index], self.lengths[index]
        score = 0.0
        for term in query:
            tf = counts.get(term, 0)
            if tf:
                norm = tf + K1 * (1 - B + B * length / self.average_length)
                score += self.idf[term] * tf * (K1 + 1) / norm
        return score

    def rank(self, question: str, limit: int = 5) -> list[Ranked]:
        query = Counter(terms(question))
        # BM25 saturates at idf * (K1 + 1) per term: the ceiling of a perfect match.
        # A term no document has counts as the rarest term would.
        ceiling = sum(self.idf.get(term, self.max_idf) * (K1 + 1) for term in query)
        if not ceiling:
            return []
        best: dict[int, Ranked] = {}
        for index, (entry_id, text) in enumerate(self.documents):
            score = self._score(query, index) / ceiling
            if score > 0 and (entry_id not in best or score > best[entry_id].score):
                best[entry_id] = Ranked(entry_id, score, text)
        return sorted(best.values(), key=lambda r: -r.score)[:limit]
