"""FAQ retrieval quality on held-out reader phrasings, and its speed.

``python -m bench.faq`` prints the markdown section (``--write``: puts it in
docs/benchmarks.md); bench/run.py includes it.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

from bench.sections import replace_section
from bench.stats import percentile
from bot import wiring
from bot.baselines import faq_baseline
from bot.db.migrate import upgrade
from bot.evaluation import evaluate_faq
from bot.knowledge_cli import setup as knowledge_setup
from bot.services.sql.faq import LONG_MESSAGE, SqlKnowledge
from bot.settings import PROJECT_ROOT, load_settings

HOLDOUT = PROJECT_ROOT / "tests" / "data" / "faq_holdout.yml"
LONG_DEV = PROJECT_ROOT / "tests" / "data" / "faq_long_dev.yml"
MEDIUM_DEV = PROJECT_ROOT / "tests" / "data" / "faq_medium_dev.yml"
BEGIN = "<!-- FAQ answering: bench/faq.py -->"
END = "<!-- end of FAQ answering -->"


def faq_section() -> list[str]:
    cases = yaml.safe_load(HOLDOUT.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite:///{Path(directory) / 'faq.db'}"
        upgrade(url)
        knowledge_setup(url)
        knowledge = wiring.knowledge_admin(load_settings().with_database(url))
        started = time.perf_counter()
        knowledge.answer("预热")  # builds the index
        build_ms = (time.perf_counter() - started) * 1000
        report = evaluate_faq(knowledge, cases)
        timings = []
        for case in cases:
            started = time.perf_counter()
            knowledge.answer(case["question"], lenient=True)
            timings.append((time.perf_counter() - started) * 1000)
        rows = knowledge.export_rows()
        baseline = faq_baseline(rows, cases)
        with_context = [context_line(knowledge, rows, path, label) for path, label in (
            (LONG_DEV, "long messages (`tests/data/faq_long_dev.yml`, {n} that one entry "
                       f"answers, {LONG_MESSAGE} CJK characters or more)"),
            (MEDIUM_DEV, "medium messages (`tests/data/faq_medium_dev.yml`, {n} that one "
                         "entry answers, 12–24 CJK characters)"))]
    return [
        BEGIN,
        "## FAQ answering (`make bench` → bench/faq.py)",
        "",
        f"- published entries: {len(rows)}; held-out reader phrasings: {report.total} "
        "(`tests/data/faq_holdout.yml`, written without seeing the indexed paraphrases)",
        f"- top-1 accuracy: **{report.share(report.top1):.3f}**; top-3: "
        f"**{report.share(report.top3):.3f}**",
        "- trivial baseline (character-bigram overlap with the indexed questions and "
        f"paraphrases, bot/baselines.py): top-1 {baseline.share(baseline.top1):.3f}; "
        f"top-3 {baseline.share(baseline.top3):.3f}",
        "- what a reader gets (the answer policy of bot/services/sql/faq.py for a message "
        "taken for a rule question): the right "
        f"answer directly **{report.share(report.direct_correct):.3f}**, a "
        f"\"您是不是想问\" menu {report.share(report.menus):.3f}, offered a person (no "
        f"answer, no suggestion) {report.share(report.to_person):.3f}, answered "
        f"confidently with the wrong entry {report.share(report.wrong_answers):.3f}",
        *with_context,
        f"- index build: {build_ms:.0f} ms; answer latency p50 "
        f"{statistics.median(timings):.1f} ms, p95 {percentile(timings, 0.95):.1f} ms"
        " (in process, SQLite)",
        END,
    ]


def context_line(knowledge: SqlKnowledge, rows: list[dict[str, Any]], path: Path,
                 label: str) -> str:
    """What readers get for the messages of a development set of the long-message rule
    (bot/services/sql/faq.py, LONG_MESSAGE and LENIENT_LONG_MESSAGE), beside the bigram baseline."""
    cases = yaml.safe_load(path.read_text(encoding="utf-8"))
    answerable = [c for c in cases if c["expected"]]
    unanswerable = [c for c in cases if not c["expected"]]
    report, baseline = evaluate_faq(knowledge, answerable), faq_baseline(rows, answerable)
    answered = sum(knowledge.answer(c["question"], lenient=True).kind == "answer"
                   for c in unanswerable)
    return (
        f"- {label.format(n=report.total)}, a development set of the long-message rule: "
        f"right answer directly {report.share(report.direct_correct):.3f}, menu "
        f"{report.share(report.menus):.3f}, offered a person "
        f"{report.share(report.to_person):.3f}, wrong entry "
        f"{report.share(report.wrong_answers):.3f}; of {len(unanswerable)} that no entry "
        f"answers, {answered} answered (the bigram baseline, which always answers: right "
        f"{baseline.share(baseline.top1):.3f}, wrong {1 - baseline.share(baseline.top1):.3f}, "
        f"all {len(unanswerable)} answered)")


if __name__ == "__main__":
    section = "\n".join(faq_section())
    print(section)
    if "--write" in sys.argv[1:]:
        replace_section(BEGIN, END, section)
