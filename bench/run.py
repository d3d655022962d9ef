"""`make bench`: measure the assistant on this machine and write docs/benchmarks.md.

Every figure is produced here; the document says which command produced it.
"""

from __future__ import annotations

import dataclasses
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from playwright.sync_api import sync_playwright

from bench.catalogue import catalogue_section
from bench.faq import faq_section
from bench.handoff import measure_handoff
from bench.latency import (
    REFERENCE_MIX,
    latency_section,
    reference_assistant,
    scaled_out_under_load,
    turn_breakdown,
    under_load,
)
from bench.messages import MESSAGE_MIX
from bench.training_curve import CURVE_BEGIN, CURVE_END
from bench.wechat import measure_wechat
from bench.widget import measure_widget
from bot.baselines import intent_baseline
from bot.evaluation import NluReport, evaluate, http_parser, load_examples
from bot.http_json import free_port
from bot.processes import AssistantProcesses, child_environment
from bot.settings import PROJECT_ROOT, Settings, load_settings
from bot.setup_library import prepare_library
from bot.training import ensure_model
from tests.browser import CHROMIUM, CHROMIUM_ARGS

OUTPUT = PROJECT_ROOT / "docs" / "benchmarks.md"
# The held-out split, and a second one written independently by someone who never saw
# the training data or the first split (the first was used to find weak spots).
HOLDOUT_SPLITS = {
    "held-out split (looked at during development to find weak spots)":
        PROJECT_ROOT / "tests" / "data" / "nlu_holdout.yml",
    "independent split": PROJECT_ROOT / "tests" / "data" / "nlu_holdout_independent.yml",
}
COMMAND = "make bench"
NLU_BEGIN = "<!-- NLU on held-out examples: bench/run.py, bench/nlu_holdout.py -->"
NLU_END = "<!-- end of NLU on held-out examples -->"
# The WeChat channel in safe mode, with a customer-service API nobody answers (a reply
# too late for the passive answer is queued; this run starts no relay).
BENCH_WECHAT = {
    "wechat_token": "bench-token", "wechat_app_id": "wx0000000000bench",
    "wechat_app_secret": "", "wechat_aes_key": "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
    "wechat_api_base": "http://127.0.0.1:9",
}


def resident_memory_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def measure_training() -> tuple[float, float]:
    """Full training from scratch (no cache): seconds and model size in MB."""
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        subprocess.run(
            [str(Path(sys.executable).with_name("rasa")), "train", "--force",
             "--config", "config.yml", "--domain", "domain.yml", "--data", "nlu_data",
             "--out", out, "--fixed-model-name", "bench"],
            cwd=PROJECT_ROOT, check=True, capture_output=True,
            env={**child_environment(load_settings()), "TF_CPP_MIN_LOG_LEVEL": "3"},
        )
        seconds = time.perf_counter() - started
        size = (Path(out) / "bench.tar.gz").stat().st_size / 2**20
    return seconds, size


def kept_training_curve() -> str:
    """The training-curve block of the current document (bench.training_curve writes
    it; `make bench` runs that right after this)."""
    text = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
    start, end = text.find(CURVE_BEGIN), text.find(CURVE_END)
    return text[start:end + len(CURVE_END)] if 0 <= start < end else ""


def nlu_section(label: str, path: Path, report: NluReport) -> list[str]:
    baseline = intent_baseline(load_examples(path))
    lines = [
        f"#### {label}: `{path.relative_to(PROJECT_ROOT)}` ({report.total} examples, "
        "never trained on)",
        "",
        f"- intent accuracy: **{report.accuracy:.3f}**; macro-F1: **{report.macro_f1:.3f}**",
        "- trivial baseline (intent of the nearest training example by character 1-3-grams, "
        f"bot/baselines.py): intent accuracy {baseline.accuracy:.3f}; "
        f"macro-F1 {baseline.macro_f1:.3f}",
        f"- entity recall (entity and value both right): {report.entity_recall:.3f}",
        "- confusion pairs (gold → predicted: count):",
    ]
    pairs = report.confusions.most_common(10)
    lines += [f"  - {gold} → {predicted}: {n}" for (gold, predicted), n in pairs] or ["  - none"]
    return lines


def holdout_block(reports: dict[str, NluReport]) -> str:
    """The NLU section between its markers (bench/nlu_holdout.py rewrites it alone)."""
    return "\n".join([
        NLU_BEGIN,
        "### NLU on held-out examples",
        "",
        *(line for label, path in HOLDOUT_SPLITS.items()
          for line in [*nlu_section(label, path, reports[label]), ""]),
        NLU_END,
    ])


def channel_section(widget: dict, wechat: dict, handoff: dict) -> list[str]:
    def row(label: str, figures: dict) -> str:
        return f"| {label} | {figures['p50_ms']} | {figures['p95_ms']} | {figures['max_ms']} |"

    return [
        "### Reader channels and the staff desk (headless Chromium, same machine)",
        "",
        f"- demo page with the widget, median of {widget['page_loads']} cold loads: first "
        f"contentful paint {widget['first_contentful_paint_ms']} ms, widget button usable "
        f"{widget['launcher_visible_ms']} ms",
        f"- widget reply latency in the browser (send → reply rendered), "
        f"{widget['replies']} messages: p50 {widget['reply_p50_ms']} ms, "
        f"p95 {widget['reply_p95_ms']} ms",
        f"- WeChat webhook (AES safe mode, signed like WeChat's servers), {wechat['users']} "
        f"readers at once, {wechat['messages']} messages: p50 {wechat['p50_ms']} ms, p95 "
        f"{wechat['p95_ms']} ms, max {wechat['max_ms']} ms; answered passively within 5 s: "
        f"{wechat['passive_within_5s']:.1%} (the rest answer \"success\" and are sent through "
        f"the customer-service API); errors: {wechat['errors']}",
        "",
        f"Handoff, reader widget ↔ staff desk ({handoff['rounds']} rounds; both pages get "
        "new messages pushed by Server-Sent Events):",
        "",
        "| direction | p50 ms | p95 ms | max ms |",
        "|---|---|---|---|",
        row("reader message → on the staff desk", handoff["reader_to_staff"]),
        row("librarian answer → in the reader's widget", handoff["staff_to_reader"]),
    ]


def measure_in_browser(settings: Settings) -> tuple[dict, dict]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=CHROMIUM_ARGS)
        try:
            return measure_widget(settings, browser), measure_handoff(settings, browser)
        finally:
            browser.close()


def main() -> None:
    base = load_settings()
    model = ensure_model(base)
    print("Measuring full training ...", file=sys.stderr)
    train_seconds, model_mb = measure_training()

    with tempfile.TemporaryDirectory() as var:
        chat_port = free_port()
        settings = dataclasses.replace(
            base, host="127.0.0.1", rasa_port=free_port(), action_port=free_port(),
            chat_port=chat_port, admin_port=free_port(), var_dir=Path(var),
            tracker_db=Path(var) / "tracker.db",
            database_url=f"sqlite:///{Path(var) / 'library.db'}",
            widget_origins=(f"http://127.0.0.1:{chat_port}",), **BENCH_WECHAT,
        )
        prepare_library(settings.database_url)
        with open(os.devnull, "w") as log, AssistantProcesses(settings, model, log) as servers:
            servers.start_action_server()
            started = time.perf_counter()
            servers.start_rasa_server()
            start_seconds = time.perf_counter() - started
            rasa_pid = servers.children[-1].pid
            print("Evaluating NLU and REST latency ...", file=sys.stderr)
            reports = {
                label: evaluate(http_parser(settings), load_examples(path))
                for label, path in HOLDOUT_SPLITS.items()
            }
            ours = under_load(settings.rasa_url, MESSAGE_MIX)
            breakdown = turn_breakdown(settings)
            memory_mb = resident_memory_mb(rasa_pid)
            print("Measuring the channels and the staff desk ...", file=sys.stderr)
            servers.start_admin_console()
            wechat = measure_wechat(settings)
            widget, handoff = measure_in_browser(settings)
        print("Measuring two Rasa processes ...", file=sys.stderr)
        scaled = scaled_out_under_load(settings, model)
    print("Measuring the reference assistant ...", file=sys.stderr)
    with reference_assistant() as reference_url:
        reference = under_load(reference_url, REFERENCE_MIX)

    lines = [
        "# Benchmarks",
        "",
        f"Produced by `{COMMAND}` on {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, "
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}.",
        "Rerun the command to refresh every figure below.",
        "",
        "## Rasa assistant (`make bench` → bench/run.py)",
        "",
        f"- full training from scratch (`rasa train --force`): {train_seconds:.0f} s",
        f"- model size: {model_mb:.1f} MB",
        f"- Rasa server start until it answers (model load): {start_seconds:.1f} s",
        f"- Rasa server resident memory after the runs below: {memory_mb:.0f} MB",
        "",
        holdout_block(reports),
        "",
        kept_training_curve(),
        "",
        *latency_section(ours, reference, scaled, breakdown),
        "",
        *channel_section(widget, wechat, handoff),
        "",
        *catalogue_section(),
        "",
        *faq_section(),
        "",
    ]
    OUTPUT.write_text("\n".join(lines), encoding="utf-8")
    print(f"Wrote {OUTPUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
