"""Trivial baselines: what the NLU model and the FAQ retriever must beat for their
quality floors to mean something (tests/test_nlu_holdout.py, tests/test_faq_quality.py;
`make bench` reports them beside the real figures).

Neither uses jieba, synonyms, stopwords or weights: texts are only lower-cased, with
punctuation and whitespace dropped, and compared as sets of character n-grams.

- Intents: the intent of the nearest training example (nlu_data/nlu.yml and
  faq_questions.yml) by Jaccard similarity of character 1-3-gram sets (the stronger
  simple choice: cosine of n-gram counts gets fewer held-out examples right, both
  splits taken together). No 繁體 → 简体: the NLU pipeline has none either.
- FAQ: each published entry scored by how many of the question's distinct character
  bigrams occur in any of its indexed texts (question and paraphrases), ties broken by
  the best single text's Jaccard similarity. 繁體 → 简体 as the retriever does.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import zhconv

from bot.evaluation import Example, NluReport, RankingReport, evaluate, load_examples
from bot.settings import PROJECT_ROOT

TRAINING_FILES = tuple(
    PROJECT_ROOT / "nlu_data" / name for name in ("nlu.yml", "faq_questions.yml")
)
_NOT_TEXT = re.compile(r"[\W_]+")


def _plain(text: str) -> str:
    """Lower-cased, without punctuation and whitespace."""
    return _NOT_TEXT.sub("", text.lower())


def _ngrams(text: str, sizes: range) -> frozenset[str]:
    return frozenset(text[i:i + n] for n in sizes for i in range(len(text) - n + 1))


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def nearest_neighbour_parser(training: list[Example]) -> Callable[[str], dict]:
    """A parse function (like Rasa's) answering the intent of the nearest example."""
    examples = [(_ngrams(_plain(e.text), range(1, 4)), e.intent) for e in training]

    def parse(text: str) -> dict:
        query = _ngrams(_plain(text), range(1, 4))
        _, intent = max(examples, key=lambda example: _jaccard(query, example[0]))
        return {"intent": {"name": intent}, "entities": []}

    return parse


def intent_baseline(examples: list[Example]) -> NluReport:
    """The nearest-neighbour baseline on held-out examples (entities: none found)."""
    training = [example for path in TRAINING_FILES for example in load_examples(path)]
    return evaluate(nearest_neighbour_parser(training), examples)


def _bigrams(text: str) -> frozenset[str]:
    return _ngrams(zhconv.convert(_plain(text), "zh-cn"), range(2, 3))


def bigram_overlap_ranker(rows: list[dict]) -> Callable[[str], list[str]]:
    """Entry keys by bigram overlap, best first; rows as `SqlKnowledge.export_rows()`."""
    entries = []
    for row in rows:
        texts = [_bigrams(text) for text in [row["question"], *row["paraphrases"]]]
        entries.append((row["id"], frozenset().union(*texts), texts))

    def rank(question: str) -> list[str]:
        query = _bigrams(question)
        scored = [
            ((len(query & union), max(_jaccard(query, text) for text in texts)), key)
            for key, union, texts in entries
        ]
        scored.sort(key=lambda pair: pair[0], reverse=True)
        return [key for (overlap, _), key in scored if overlap]

    return rank


def faq_baseline(rows: list[dict], cases: list[dict]) -> RankingReport:
    """The bigram-overlap baseline on held-out cases ({"question", "expected" key})."""
    rank = bigram_overlap_ranker(rows)
    report = RankingReport()
    for case in cases:
        report.count(case["question"], case["expected"], rank(case["question"])[:3])
    return report
