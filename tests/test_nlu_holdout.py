"""NLU quality on the held-out split (never trained on): fails below the floor.

The real figures are reported by `make bench` in docs/benchmarks.md.
"""

from pathlib import Path

from bot.evaluation import evaluate, http_parser, load_examples
from bot.processes import AssistantProcesses

HOLDOUT = Path(__file__).parent / "data" / "nlu_holdout.yml"
MIN_INTENT_ACCURACY = 0.90
MIN_ENTITY_RECALL = 0.70


def test_holdout_split_is_not_in_training_data() -> None:
    training = {e.text for e in load_examples(Path("nlu_data/nlu.yml"))}
    held_out = {e.text for e in load_examples(HOLDOUT)}
    assert len(held_out) >= 150
    assert not training & held_out


def test_intent_accuracy_on_holdout(assistant: AssistantProcesses) -> None:
    report = evaluate(http_parser(assistant.settings.rasa_url), load_examples(HOLDOUT))
    worst = report.confusions.most_common(5)
    assert report.accuracy >= MIN_INTENT_ACCURACY, f"{report.accuracy:.3f}, confusions {worst}"
    assert report.entity_recall >= MIN_ENTITY_RECALL, f"entity recall {report.entity_recall:.3f}"
