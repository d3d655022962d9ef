"""Catalogue search relevance on judged reader queries (tests/data/catalogue_relevance.yml,
written by someone who had not read the search code): each query as the search action
sends it (the reader's words without filler, actions/catalogue.py) against the demo
catalogue, scored by success@1, success@3 and MRR (over the first 10 results) per kind
of query. `python -m bench.catalogue_relevance [--write]` (run by `make bench`).

For queries about books the library does not hold (kind not_held), success means no
result at all (nothing confidently wrong); they are reported apart.
"""

from __future__ import annotations

import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from actions.catalogue import FILLER
from bench.sections import replace_section
from bot import wiring
from bot.db.migrate import upgrade
from bot.demo.load import load_demo
from bot.services.interface import Catalogue
from bot.settings import PROJECT_ROOT, load_settings

JUDGEMENTS = PROJECT_ROOT / "tests" / "data" / "catalogue_relevance.yml"
BEGIN = "<!-- catalogue relevance: bench/catalogue_relevance.py -->"
END = "<!-- end of catalogue relevance -->"
DEPTH = 10
# Today's search before query understanding (issue 14), measured with this script on
# 2026-12-01: the baseline every later figure is reported beside.
BASELINE = {"success@1": 0.64, "success@3": 0.65, "MRR": 0.64}


@dataclass
class Scores:
    ranks: dict[str, list[int | None]] = field(default_factory=lambda: defaultdict(list))
    empty_for_not_held: list[bool] = field(default_factory=list)

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
        query = FILLER.sub(" ", case["query"]).strip()
        hits = catalogue.search(query, limit=DEPTH).hits if query else []
        if case["kind"] == "not_held":
            scores.empty_for_not_held.append(not hits)
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


def section(scores: Scores) -> str:
    overall = scores.of()
    lines = [
        BEGIN,
        "### Catalogue relevance (`python -m bench.catalogue_relevance`)",
        "",
        f"{sum(len(r) for r in scores.ranks.values())} judged queries over the demo "
        "catalogue (tests/data/catalogue_relevance.yml, written without reading the search "
        "code), each sent as the search action sends it. Targets: success@1 ≥ 0.85, "
        "success@3 ≥ 0.95.",
        "",
        "| kind | queries | success@1 | success@3 | MRR |",
        "|---|---:|---:|---:|---:|",
    ]
    for kind in sorted(scores.ranks, key=lambda k: -len(scores.ranks[k])):
        s = scores.of(kind)
        lines.append(f"| {kind} | {len(scores.ranks[kind])} | {s['success@1']:.2f} "
                     f"| {s['success@3']:.2f} | {s['MRR']:.2f} |")
    lines.append(f"| **all** | {sum(len(r) for r in scores.ranks.values())} "
                 f"| **{overall['success@1']:.2f}** | **{overall['success@3']:.2f}** "
                 f"| **{overall['MRR']:.2f}** |")
    lines.append(f"| baseline (search before issue 14) | | {BASELINE['success@1']:.2f} "
                 f"| {BASELINE['success@3']:.2f} | {BASELINE['MRR']:.2f} |")
    empty = scores.empty_for_not_held
    lines += ["", f"Titles the library does not hold: {sum(empty)} of {len(empty)} "
              "searches found nothing (the others offered some other book).", END]
    return "\n".join(lines)


def main(arguments: list[str]) -> None:
    cases = yaml.safe_load(JUDGEMENTS.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as directory:
        block = section(measure(demo_catalogue(Path(directory)), cases))
    print(block)
    if "--write" in arguments:
        replace_section(BEGIN, END, block)


if __name__ == "__main__":
    main(sys.argv[1:])
