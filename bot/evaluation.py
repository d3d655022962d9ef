"""NLU and FAQ-retrieval evaluation on held-out examples, shared by the test suite
and the benchmark.

Examples are parsed by a running Rasa server (`POST /model/parse`), so what is
measured is the deployed model, not a re-trained copy. A prediction of
`nlu_fallback` counts as wrong: the reader did not get the intended answer.
"""

from __future__ import annotations

import json
import urllib.request
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rasa.shared.nlu.training_data.loading import load_data

from bot.services.sql.faq import SqlKnowledge
from bot.settings import Settings


@dataclass(frozen=True)
class Example:
    text: str
    intent: str
    entities: tuple[tuple[str, str], ...]  # (entity, value)


@dataclass
class NluReport:
    total: int = 0
    correct: int = 0
    confusions: Counter = field(default_factory=Counter)  # (gold, predicted) -> count
    gold_counts: Counter = field(default_factory=Counter)
    predicted_counts: Counter = field(default_factory=Counter)
    entity_expected: int = 0
    entity_found: int = 0

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    @property
    def macro_f1(self) -> float:
        scores = []
        for intent, gold in self.gold_counts.items():
            hits = gold - sum(n for (g, _), n in self.confusions.items() if g == intent)
            predicted = self.predicted_counts[intent]
            precision = hits / predicted if predicted else 0.0
            recall = hits / gold
            total = precision + recall
            scores.append(2 * precision * recall / total if total else 0.0)
        return sum(scores) / len(scores) if scores else 0.0

    @property
    def entity_recall(self) -> float:
        return self.entity_found / self.entity_expected if self.entity_expected else 1.0


def load_examples(path: Path) -> list[Example]:
    data = load_data(str(path))
    return [
        Example(
            text=message.get("text"),
            intent=message.get("intent"),
            entities=tuple(
                (e["entity"], str(e.get("value", ""))) for e in message.get("entities") or []
            ),
        )
        for message in data.intent_examples
    ]


def http_parser(settings: Settings) -> Callable[[str], dict]:
    """A parse function backed by a running Rasa server's HTTP API."""

    def parse(text: str) -> dict:
        request = urllib.request.Request(
            settings.rasa_api_url("/model/parse"),
            data=json.dumps({"text": text}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.load(response)

    return parse


def evaluate(parse: Callable[[str], dict], examples: list[Example]) -> NluReport:
    report = NluReport()
    for example in examples:
        result = parse(example.text)
        predicted = result["intent"]["name"]
        report.total += 1
        report.gold_counts[example.intent] += 1
        report.predicted_counts[predicted] += 1
        if predicted == example.intent:
            report.correct += 1
        else:
            report.confusions[(example.intent, predicted)] += 1
        found = {(e["entity"], str(e.get("value"))) for e in result.get("entities", [])}
        report.entity_expected += len(example.entities)
        report.entity_found += sum(1 for entity in example.entities if entity in found)
    return report


@dataclass
class RankingReport:
    total: int = 0
    top1: int = 0
    top3: int = 0
    misses: list[tuple[str, str]] = field(default_factory=list)  # (question, expected key)

    def share(self, count: int) -> float:
        return count / self.total if self.total else 0.0

    def count(self, question: str, expected: str, ranked: list[str]) -> None:
        """One question: `ranked` holds the keys of the best matches, best first."""
        self.total += 1
        self.top1 += ranked[:1] == [expected]
        self.top3 += expected in ranked[:3]
        if ranked[:1] != [expected]:
            self.misses.append((question, expected))


@dataclass
class FaqReport(RankingReport):
    to_person: int = 0  # no answer and no suggestion: the reader is offered a person
    menus: int = 0  # "您是不是想问" with choices
    direct_correct: int = 0  # the right entry's answer, given directly
    wrong_answers: int = 0  # answered confidently with the wrong entry


def evaluate_faq(knowledge: SqlKnowledge, cases: list[dict]) -> FaqReport:
    """cases: {"question": ..., "expected": entry key}."""
    ids = knowledge.entry_ids()
    keys = {entry_id: key for key, entry_id in ids.items()}
    report = FaqReport()
    for case in cases:
        ranked = knowledge.ranked_entries(case["question"], limit=3)
        report.count(case["question"], case["expected"], [keys[i] for i in ranked])
        answer = knowledge.answer(case["question"], lenient=True)
        report.to_person += answer.kind == "none"
        report.menus += answer.kind == "suggest"
        right = answer.entry_id == ids[case["expected"]]
        report.direct_correct += answer.kind == "answer" and right
        report.wrong_answers += answer.kind == "answer" and not right
    return report
