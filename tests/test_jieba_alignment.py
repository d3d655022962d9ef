"""Entity annotations must fall on jieba token boundaries (with the library's
dictionary), otherwise Rasa drops or misreads them."""

from pathlib import Path

import jieba
import pytest
from rasa.shared.nlu.training_data.loading import load_data

from bot.settings import PROJECT_ROOT

DICTIONARY_DIR = PROJECT_ROOT / "knowledge" / "jieba"
DATA_FILES = [
    PROJECT_ROOT / "nlu_data" / "nlu.yml",
    PROJECT_ROOT / "nlu_data" / "faq_questions.yml",
    *sorted((PROJECT_ROOT / "tests" / "data").glob("nlu_holdout*.yml")),
]


@pytest.fixture(scope="module")
def segmenter() -> jieba.Tokenizer:
    tokenizer = jieba.Tokenizer()
    for path in sorted(DICTIONARY_DIR.iterdir()):
        tokenizer.load_userdict(str(path))
    return tokenizer


@pytest.mark.parametrize("data_file", DATA_FILES, ids=lambda p: p.name)
def test_entities_align_with_tokens(segmenter: jieba.Tokenizer, data_file: Path) -> None:
    misaligned = []
    for message in load_data(str(data_file)).intent_examples:
        text = message.get("text")
        starts = {start for _, start, _ in segmenter.tokenize(text)}
        ends = {end for _, _, end in segmenter.tokenize(text)}
        for entity in message.get("entities") or []:
            if entity["start"] not in starts or entity["end"] not in ends:
                misaligned.append(f"{text!r}: {text[entity['start']:entity['end']]!r}")
    assert not misaligned, "\n".join(misaligned[:20])


def test_lookup_and_synonym_values_are_single_dictionary_words(
    segmenter: jieba.Tokenizer,
) -> None:
    data = load_data(str(PROJECT_ROOT / "nlu_data" / "nlu.yml"))
    values = {v for table in data.lookup_tables if table["name"] == "branch"
              for v in table["elements"]}
    values |= {value for value in data.entity_synonyms.values()}
    # One dictionary word per space-separated word ("Jinling Library" is two).
    split = [
        v for v in values
        if len([t for t in segmenter.cut(v) if t.strip()]) != len(v.split())
    ]
    assert not split, split
