"""Catalogue search relevance on judged reader queries (tests/data/catalogue_relevance.yml,
written by someone who had not read the search code): each query as the search action
sends it (the reader's words without filler, actions/catalogue.py) against the demo
catalogue, scored by success@1, success@3 and MRR (over the first 10 results) per kind
of query. `python -m bench.catalogue_relevance [--write]` (run by `make bench`).

For queries about books the library does not hold (kind not_held), success means nothing
confidently wrong: no result, or only near matches offered as "您要找的是不是" (the
result's `near` flag); they are reported apart. Near matches count as results for the
other kinds: the reader sees them, as candidates to choose from.
"""

from __future__ import annotations

import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bench.sections import replace_section
from bot import wiring
from bot.db.migrate import upgrade
from bot.demo.load import load_demo
from bot.services.interface import Catalogue
from bot.settings import PROJECT_ROOT, load_settings

JUDGEMENTS = PROJECT_ROOT / "tests" / "data" / "catalogue_relevance.yml"
#: written later by another helper, scored only after the search was finished: a check
#: that the figures on the first set were not tuned to it
HELD_OUT = PROJECT_ROOT / "tests" / "data" / "catalogue_relevance_fresh.yml"
BEGIN = "<!-- catalogue relevance: bench/catalogue_relevance.py -->"
END = "<!-- end of catalogue relevance -->"
DEPTH = 10
# The search before issue 14 (commit 7eaf6a9^, this scoring run on a checkout of it on
# 2026-12-02): the baseline every later figure is reported beside.
BASELINES = {
    JUDGEMENTS: {"success@1": 0.66, "success@3": 0.67, "MRR": 0.66},
    HELD_OUT: {"success@1": 0.51, "success@3": 0.52, "MRR": 0.51},
}


@dataclass
class Scores:
    ranks: dict[str, list[int | None]] = field(default_factory=lambda: defaultdict(list))
    not_held: list[str] = field(default_factory=list)  # "nothing" | "near" | "confident"

    def of(self, kind: str | None = None) -> dict[str, float]:
        ranks = [r for k, rs in self.ranks.items() if kind in (None, k) for r in rs]
        total = max(1, len(ranks))
        return {
            "success@1": sum(r == 1 for r in ranks) / total,
            "success@3": sum(r is not None and r <= 3 for r in ranks) / total,
            "MRR": sum(1 / r for r in ranks if r) / total,
        }


def isbn_of(record_isbn: str | None) -> str:
    return (record_isbn or "").replace("-", "")


def measure(catalogue: Catalogue, cases: list[dict]) -> Scores:
    scores = Scores()
    for case in cases:
        result = catalogue.search(case["query"], limit=DEPTH)
        hits = result.hits
        if case["kind"] == "not_held":
            scores.not_held.append("nothing" if not hits else "near" if result.near
                                   else "confident")
            continue
        wanted = {str(isbn) for isbn in case["relevant"]}
        rank = next((n for n, hit in enumerate(hits, start=1) if isbn_of(hit.isbn) in wanted),
                    None)
        scores.ranks[case["kind"]].append(rank)
    return scores


def demo_catalogue(directory: Path) -> Catalogue:
    url = f"sqlite:///{directory / 'catalogue.db'}"
    upgrade(url)
    load_demo(url)
    return wiring.library_services(load_settings().with_database(url)).catalogue


def table(path: Path, scores: Scores) -> list[str]:
    overall, baseline = scores.of(), BASELINES[path]
    lines = [f"`{path.relative_to(PROJECT_ROOT)}`:", "",
             "| kind | queries | success@1 | success@3 | MRR |", "|---|---:|---:|---:|---:|"]
    for kind in sorted(scores.ranks, key=lambda k: -len(scores.ranks[k])):
        s = scores.of(kind)
        lines.append(f"| {kind} | {len(scores.ranks[kind])} | {s['success@1']:.2f} "
                     f"| {s['success@3']:.2f} | {s['MRR']:.2f} |")
    lines.append(f"| **all** | {sum(len(r) for r in scores.ranks.values())} "
                 f"| **{overall['success@1']:.2f}** | **{overall['success@3']:.2f}** "
                 f"| **{overall['MRR']:.2f}** |")
    lines.append(f"| baseline (search before issue 14) | | {baseline['success@1']:.2f} "
                 f"| {baseline['success@3']:.2f} | {baseline['MRR']:.2f} |")
    held = scores.not_held
    return [*lines, "", f"Titles the library does not hold ({len(held)} searches): "
                    f"{held.count('nothing')} found nothing, {held.count('near')} offered "
                    f"near matches as “您要找的是不是”, {held.count('confident')} presented "
                    "another book as a plain result.", ""]


def section(catalogue: Catalogue) -> str:
    lines = [
        BEGIN,
        "### Catalogue relevance (`python -m bench.catalogue_relevance`)",
        "",
        "Judged queries over the demo catalogue, written by helpers who had not read the "
        "search code (see the .md beside each set), each sent to the catalogue service as "
        "the reader typed it. The second set was written after the search work and scored "
        "once, untuned. Targets: success@1 ≥ 0.85, success@3 ≥ 0.95.",
        "",
    ]
    for path in (JUDGEMENTS, HELD_OUT):
        cases = yaml.safe_load(path.read_text(encoding="utf-8"))
        lines += table(path, measure(catalogue, cases))
    return "\n".join([*lines, END])


def main(arguments: list[str]) -> None:
    with tempfile.TemporaryDirectory() as directory:
        block = section(demo_catalogue(Path(directory)))
    print(block)
    if "--write" in arguments:
        replace_section(BEGIN, END, block)


if __name__ == "__main__":
    main(sys.argv[1:])
