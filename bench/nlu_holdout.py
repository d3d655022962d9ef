"""`python -m bench.nlu_holdout [--write]`: intent accuracy and entity recall on both
held-out splits, on a freshly set-up assistant (its NLU pipeline, signals included),
without the rest of `make bench`; --write replaces that section of docs/benchmarks.md."""

from __future__ import annotations

import sys

from bench.reader_eval import evaluated_assistant
from bench.run import HOLDOUT_SPLITS, NLU_BEGIN, NLU_END, holdout_block
from bench.sections import replace_section
from bot.evaluation import evaluate, http_parser, load_examples


def main(arguments: list[str]) -> None:
    with evaluated_assistant() as (settings, _reset):
        reports = {label: evaluate(http_parser(settings), load_examples(path))
                   for label, path in HOLDOUT_SPLITS.items()}
    block = holdout_block(reports)
    print(block)
    if "--write" in arguments:
        replace_section(NLU_BEGIN, NLU_END, block)
        print("Wrote docs/benchmarks.md", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
