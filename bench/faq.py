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

import yaml

from bench.sections import replace_section
from bench.stats import percentile
from bot import wiring
from bot.baselines import faq_baseline
from bot.db.migrate import upgrade
from bot.evaluation import evaluate_faq
from bot.knowledge_cli import setup as knowledge_setup
from bot.settings import PROJECT_ROOT, load_settings

HOLDOUT = PROJECT_ROOT / "tests" / "data" / "faq_holdout.yml"
LONG_DEV = PROJECT_ROOT / "tests" / "data" / "faq_long_dev.yml"
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
        long_messages = yaml.safe_load(LONG_DEV.read_text(encoding="utf-8"))
        long_report = evaluate_faq(knowledge, [c for c in long_messages if c["expected"]])
        unanswerable = [c for c in long_messages if not c["expected"]]
        long_baseline = faq_baseline(rows, [c for c in long_messages if c["expected"]])
        wrongly_answered = sum(knowledge.answer(c["question"], lenient=True).kind == "answer"
                               for c in unanswerable)
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
        f"- long messages (`tests/data/faq_long_dev.yml`, {long_report.total} that one "
        "entry answers, the development set of the long-message rule): right answer "
        f"directly {long_report.share(long_report.direct_correct):.3f}, menu "
        f"{long_report.share(long_report.menus):.3f}, offered a person "
        f"{long_report.share(long_report.to_person):.3f}, wrong entry "
        f"{long_report.share(long_report.wrong_answers):.3f}; of {len(unanswerable)} that "
        f"no entry answers, {wrongly_answered} answered (the bigram baseline, which always "
        f"answers: right {long_baseline.share(long_baseline.top1):.3f}, wrong "
        f"{1 - long_baseline.share(long_baseline.top1):.3f}, all {len(unanswerable)} answered)",
        f"- index build: {build_ms:.0f} ms; answer latency p50 "
        f"{statistics.median(timings):.1f} ms, p95 {percentile(timings, 0.95):.1f} ms"
        " (in process, SQLite)",
        END,
    ]


if __name__ == "__main__":
    section = "\n".join(faq_section())
    print(section)
    if "--write" in sys.argv[1:]:
        replace_section(BEGIN, END, section)
