"""Reply latency under load, beside a minimal Rasa 3.6 assistant, and where a turn's
time goes.

The reference is Rasa's own starter project (`rasa init`'s files, shipped inside the
rasa package: default pipeline and policies, no custom actions), trained once per Rasa
version into models/reference/ and served by the same `rasa run` on the same machine.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import rasa_sdk

from bench.messages import MESSAGE_MIX
from bench.stats import percentile
from bot.action_request import run_action
from bot.db.scratch import scratch_postgres_database
from bot.http_json import free_port, post_json
from bot.processes import OFFLINE_RASA, VENV_BIN, wait_until_answering
from bot.scale_out import ScaleOut
from bot.settings import PROJECT_ROOT, Settings
from bot.setup_library import prepare_library

#: concurrent conversations -> messages each
LOADS = {1: 60, 8: 15, 40: 5}
REFERENCE_MIX = ["hello", "I am very sad", "yes", "great, thanks", "are you a bot?", "bye"]
REFERENCE_MODELS = PROJECT_ROOT / "models" / "reference"
SCALE_OUT_REDIS = "redis://127.0.0.1:6379/8"


def rest_latencies(rasa_url: str, concurrency: int, per_conversation: int,
                   mix: list[str]) -> list[float]:
    """Milliseconds per REST round trip, `concurrency` conversations at once."""
    url = rasa_url + "/webhooks/rest/webhook"

    def conversation(index: int) -> list[float]:
        sender = f"bench-{uuid.uuid4().hex[:8]}"
        timings = []
        for turn in range(per_conversation):
            started = time.perf_counter()
            post_json(url, {"sender": sender, "message": mix[(index + turn) % len(mix)]})
            timings.append((time.perf_counter() - started) * 1000)
        return timings

    with ThreadPoolExecutor(concurrency) as pool:
        return [t for timings in pool.map(conversation, range(concurrency)) for t in timings]


def under_load(rasa_url: str, mix: list[str]) -> dict[int, list[float]]:
    return {n: rest_latencies(rasa_url, n, per, mix) for n, per in LOADS.items()}


def _reference_model() -> Path:
    """Rasa's starter project (copied to models/reference/project), trained once for this
    Rasa version."""
    from rasa import __version__ as rasa_version

    # No dots in the name: Rasa cuts a fixed model name at its first dot.
    model = REFERENCE_MODELS / f"reference-{rasa_version.replace('.', '_')}.tar.gz"
    if not model.exists() or not (REFERENCE_MODELS / "project").is_dir():
        print("Training the reference assistant (Rasa's starter project) ...", file=sys.stderr)
        project = REFERENCE_MODELS / "project"
        shutil.rmtree(project, ignore_errors=True)
        import rasa.cli

        shutil.copytree(Path(rasa.cli.__file__).parent / "initial_project", project)
        subprocess.run(
            [str(VENV_BIN / "rasa"), "train", "--out", str(REFERENCE_MODELS),
             "--fixed-model-name", model.name.removesuffix(".tar.gz")],
            cwd=project, check=True, capture_output=True, env={**OFFLINE_RASA,
                                                                "PATH": "/usr/bin:/bin"},
        )
    return model


@contextmanager
def reference_assistant() -> Iterator[str]:
    """A running reference assistant; yields its URL."""
    model, port = _reference_model(), free_port()
    process = subprocess.Popen(
        [str(VENV_BIN / "rasa"), "run", "--model", str(model), "--interface", "127.0.0.1",
         "--port", str(port), "--credentials", "credentials.yml"],
        cwd=REFERENCE_MODELS / "project", stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**OFFLINE_RASA, "PATH": "/usr/bin:/bin"},
    )
    try:
        wait_until_answering(f"http://127.0.0.1:{port}/", process, 300)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


def scaled_out_under_load(settings: Settings, model: Path) -> dict[int, list[float]]:
    """The same load on two Rasa servers and two action servers behind HAProxy
    (bot.scale_out: conversations in PostgreSQL, locks in Redis, library on PostgreSQL)."""
    with scratch_postgres_database("bench_library") as library_url, \
            scratch_postgres_database("bench_tracker") as tracker_url:
        prepare_library(library_url)
        scaled = dataclasses.replace(settings, rasa_port=free_port(), action_port=free_port(),
                                     database_url=library_url, tracker_url=tracker_url,
                                     redis_url=SCALE_OUT_REDIS)
        with open(os.devnull, "w") as log, ScaleOut(scaled, model, replicas=2,
                                                    log=log) as deployment:
            deployment.start()
            return under_load(deployment.front.settings.rasa_url, MESSAGE_MIX)


def _get_json(url: str) -> object:
    with urllib.request.urlopen(url, timeout=60) as response:
        return json.load(response)


def _median_ms(call: Callable[[], object], repeat: int = 20) -> float:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def turn_breakdown(settings: Settings, message: str = "明天开门吗") -> dict[str, float]:
    """Median ms of each stage of one turn, each measured alone through Rasa's HTTP API
    and the action server, on a conversation that has just had that turn."""
    sender = f"breakdown-{uuid.uuid4().hex[:8]}"
    post_json(settings.rasa_url + "/webhooks/rest/webhook", {"sender": sender,
                                                           "message": message})
    conversation = f"/conversations/rest:{sender}"
    tracker = _get_json(settings.rasa_api_url(conversation + "/tracker"))
    domain = _get_json(settings.rasa_api_url("/domain"))
    stages = {
        "whole turn through the REST channel": lambda: post_json(
            settings.rasa_url + "/webhooks/rest/webhook",
            {"sender": f"breakdown-{uuid.uuid4().hex[:8]}", "message": message}),
        "NLU (`/model/parse`)": lambda: post_json(settings.rasa_api_url("/model/parse"),
                                                 {"text": message}),
        "policy prediction (`/predict`)": lambda: post_json(
            settings.rasa_api_url(conversation + "/predict"), {}),
        "tracker store load (`/tracker`)": lambda: _get_json(
            settings.rasa_api_url(conversation + "/tracker")),
        "action server (`action_opening_hours`)": lambda: run_action(
            settings, {"next_action": "action_opening_hours", "sender_id": tracker["sender_id"],
                       "tracker": tracker, "domain": domain, "version": rasa_sdk.__version__}),
    }
    return {stage: _median_ms(call) for stage, call in stages.items()}


def latency_section(ours: dict[int, list[float]], reference: dict[int, list[float]],
                    scaled: dict[int, list[float]], breakdown: dict[str, float]) -> list[str]:
    def p(values: list[float], share: float) -> float:
        return percentile(values, share) if share != 0.5 else statistics.median(values)

    lines = [
        "### Reply latency under load: this assistant beside a minimal Rasa assistant",
        "",
        "REST channel, one Rasa server and (ours) its action server; each conversation sends "
        "its messages one after another; reference: Rasa 3.6's starter project (`rasa init`: "
        "default pipeline and policies, no custom actions) on the same machine.",
        "",
        "| concurrent conversations | messages | ours p50 ms | ours p95 ms | reference p50 ms "
        "| reference p95 ms | p95 ratio | ours on 2 processes p50 ms | p95 ms |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for n in LOADS:
        lines.append(
            f"| {n} | {len(ours[n])} | {p(ours[n], .5):.0f} | {p(ours[n], .95):.0f} | "
            f"{p(reference[n], .5):.0f} | {p(reference[n], .95):.0f} | "
            f"{p(ours[n], .95) / p(reference[n], .95):.1f} | {p(scaled[n], .5):.0f} | "
            f"{p(scaled[n], .95):.0f} |")
    lines += [
        "",
        f"Our message mix: {', '.join(MESSAGE_MIX)}. Reference mix: {', '.join(REFERENCE_MIX)}. "
        "\"2 processes\": `bot.scale_out` with two Rasa servers and two action servers behind "
        "HAProxy (PostgreSQL tracker store and library, Redis locks), same machine.",
        "",
        "Where one turn's time goes (\"明天开门吗\", one conversation at a time, median of 20; "
        "the whole turn is a new conversation's first turn; each stage is measured alone, so "
        "they need not add up):",
        "",
        "| stage | median ms |",
        "|---|---|",
        *(f"| {stage} | {ms:.1f} |" for stage, ms in breakdown.items()),
    ]
    return lines
