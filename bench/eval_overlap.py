"""Are the reader evaluations (tests/data/reader_eval*/) disjoint
from what the assistant learns from (nlu_data/ examples, the FAQ's questions and
paraphrases)? Compared after normalisation — the retriever's own (繁體 → 简体,
full-width → half-width, volume numbers), lower case, without punctuation, whitespace
and emoji — exactly, and by character-bigram Jaccard similarity for near-duplicates."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import yaml

from bot.evaluation import load_examples
from bot.knowledge_cli import knowledge_files
from bot.services.search_text import normalise
from bot.settings import PROJECT_ROOT

#: the reader evaluation sets, in the order they were written (see their READMEs)
EVAL_DIRS = tuple(PROJECT_ROOT / "tests" / "data" / name
                  for name in ("reader_eval", "reader_eval_fresh", "reader_eval_third",
                               "reader_eval_fourth", "reader_eval_fifth",
                               "reader_eval_sixth", "reader_eval_seventh",
                               "reader_eval_eighth", "reader_eval_ninth",
                               "reader_eval_tenth", "reader_eval_eleventh",
                               "reader_eval_twelfth", "reader_eval_thirteenth",
                               "reader_eval_fourteenth", "reader_eval_fifteenth",
                               "reader_eval_sixteenth", "reader_eval_seventeenth",
                               "reader_eval_eighteenth", "reader_eval_nineteenth",
                               "reader_eval_twentieth", "reader_eval_twentyfirst",
                               "reader_eval_twentysecond", "reader_eval_twentythird",
                               "reader_eval_twentyfourth", "reader_eval_twentyfifth",
                               "reader_eval_twentysixth", "reader_eval_twentyseventh",
                               "reader_eval_twentyeighth", "reader_eval_twentyninth",
                               "reader_eval_thirtieth", "reader_eval_thirtyfirst",
                               "reader_eval_thirtysecond", "reader_eval_thirtythird",
                               "reader_eval_thirtyfourth", "reader_eval_thirtyfifth",
                               "reader_eval_thirtysixth", "reader_eval_thirtyseventh",
                               "reader_eval_thirtyeighth", "reader_eval_thirtyninth",
                               "reader_eval_fortieth", "reader_eval_fortyfirst"))
TRAINING_FILES = ("nlu.yml", "loans.yml", "digital_resources.yml", "faq_questions.yml")
NEAR = 0.8
#: texts this short ("你好", "谢谢") are everyone's words, not copied phrasings
SHORTEST_PHRASING = 5
_NOT_TEXT = re.compile(r"[\W_]+")


def plain(text: str) -> str:
    return _NOT_TEXT.sub("", normalise(text))


def _bigrams(text: str) -> frozenset[str]:
    return frozenset(text[i:i + 2] for i in range(len(text) - 1))


@cache
def training_texts() -> tuple[str, ...]:
    texts = [e.text for name in TRAINING_FILES
             for e in load_examples(PROJECT_ROOT / "nlu_data" / name)]
    for path in knowledge_files():
        for entry in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            texts += [entry["question"], *(entry.get("paraphrases") or [])]
    return tuple(texts)


def evaluation_texts() -> list[str]:
    texts = []
    for directory in EVAL_DIRS:
        messages, talks = (yaml.safe_load((directory / name).read_text(encoding="utf-8"))
                           for name in ("messages.yml", "conversations.yml"))
        texts += [case["text"] for case in messages]
        texts += [turn["text"] for talk in talks for turn in talk["turns"]]
    return texts


@dataclass(frozen=True)
class Overlap:
    evaluation: str
    training: str
    similarity: float


def overlaps() -> list[Overlap]:
    """Evaluation phrasings (of SHORTEST_PHRASING characters or more) that equal or
    nearly equal a training text after normalisation."""
    known = {plain(text): text for text in training_texts()}
    grams = [(_bigrams(p), text) for p, text in known.items()]
    found = []
    for text in dict.fromkeys(evaluation_texts()):
        mine = plain(text)
        if len(mine) < SHORTEST_PHRASING:
            continue
        if mine in known:
            found.append(Overlap(text, known[mine], 1.0))
            continue
        query = _bigrams(mine)
        best = max(((len(query & g) / len(query | g), t) for g, t in grams if query | g),
                   default=(0.0, ""))
        if best[0] >= NEAR:
            found.append(Overlap(text, best[1], round(best[0], 2)))
    return found


def overlap_report() -> str:
    found = overlaps()
    exact = [o for o in found if o.similarity == 1.0]
    lines = [
        f"Disjointness (bench/eval_overlap.py): of {len(set(evaluation_texts()))} distinct "
        f"evaluation texts, {len(exact)} equal a training text or FAQ paraphrase after "
        f"normalisation and {len(found) - len(exact)} more are near-duplicates "
        f"(character-bigram Jaccard ≥ {NEAR}); texts under {SHORTEST_PHRASING} characters "
        f"(你好, 谢谢 …) are not counted."
    ]
    lines += [f"- “{o.evaluation}” ~ “{o.training}” ({o.similarity})" for o in found]
    return "\n".join(lines)


if __name__ == "__main__":
    print(overlap_report())
