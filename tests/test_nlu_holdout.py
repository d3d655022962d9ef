"""NLU quality on held-out examples (never trained on): fails below the floor.

Two splits: `nlu_holdout.yml`, written alongside the training data (and looked at
during development to find weak spots), and `nlu_holdout_independent.yml`, written by
someone who saw neither the training data nor the first split. The real figures are
reported by `make bench` in docs/benchmarks.md.
"""

from pathlib import Path

import pytest

from bot.evaluation import evaluate, http_parser, load_examples
from bot.processes import AssistantProcesses

DATA = Path(__file__).parent / "data"
# split file -> (minimum intent accuracy, minimum entity recall)
FLOORS = {
    "nlu_holdout.yml": (0.90, 0.70),
    "nlu_holdout_independent.yml": (0.80, 0.60),
}


@pytest.mark.parametrize("split", FLOORS)
def test_held_out_examples_are_not_in_training_data(split: str) -> None:
    training = {e.text for name in ("nlu.yml", "faq_questions.yml")
                for e in load_examples(Path("nlu_data") / name)}
    held_out = {e.text for e in load_examples(DATA / split)}
    assert len(held_out) >= 150
    assert not training & held_out


@pytest.mark.parametrize("split", FLOORS)
def test_intent_accuracy_on_held_out_examples(assistant: AssistantProcesses, split: str) -> None:
    min_accuracy, min_entity_recall = FLOORS[split]
    report = evaluate(http_parser(assistant.settings), load_examples(DATA / split))
    worst = report.confusions.most_common(5)
    assert report.accuracy >= min_accuracy, f"{report.accuracy:.3f}, confusions {worst}"
    assert report.entity_recall >= min_entity_recall, f"entity recall {report.entity_recall:.3f}"
