"""Held-out NLU quality and training time against DIET's epochs and size.

Each variant is `config.yml` with some DIETClassifier settings replaced; it is trained
NLU-only from scratch (`rasa train nlu`, no cache) and evaluated in process on both
held-out splits. The policies are not part of this curve: they do not change what the
NLU predicts.

    .venv/bin/python -m bench.training_curve            # every variant, prints JSON lines
    .venv/bin/python -m bench.training_curve light-40   # one variant
    .venv/bin/python -m bench.training_curve --write    # every variant, into the block
                                                        # of docs/benchmarks.md (make bench)
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bench.sections import replace_section
from bot.evaluation import NluReport, evaluate, load_examples
from bot.processes import OFFLINE_RASA
from bot.settings import PROJECT_ROOT

CURVE_BEGIN = "<!-- training curve: bench/training_curve.py -->"
CURVE_END = "<!-- end of training curve -->"
SPLITS = {
    "held-out": PROJECT_ROOT / "tests" / "data" / "nlu_holdout.yml",
    "independent": PROJECT_ROOT / "tests" / "data" / "nlu_holdout_independent.yml",
}
# DIET's defaults: 2 transformer layers of 256 units, 20-dimensional embeddings.
DEFAULT_SIZE: dict[str, Any] = {}
# One small transformer layer.
SMALL_SIZE = {"number_of_transformer_layers": 1, "transformer_size": 128,
              "hidden_layers_sizes": {"text": [256]}}
# No transformer: sparse features through one feed-forward layer (a bag of n-grams).
LIGHT_SIZE = {"number_of_transformer_layers": 0, "hidden_layers_sizes": {"text": [256]}}


@dataclass(frozen=True)
class Variant:
    """config.yml with its DIETClassifier replaced by `components`."""

    name: str
    components: tuple[dict[str, Any], ...]

    def config(self) -> dict[str, Any]:
        config = yaml.safe_load((PROJECT_ROOT / "config.yml").read_text(encoding="utf-8"))
        pipeline = []
        for component in config["pipeline"]:
            if component["name"] == "DIETClassifier":
                pipeline += [dict(c) for c in self.components]
            else:
                pipeline.append(component)
        config["pipeline"] = pipeline
        config.pop("policies", None)
        return config


def diet(epochs: int, size: dict[str, Any]) -> tuple[dict[str, Any], ...]:
    return ({"name": "DIETClassifier", "epochs": epochs, "random_seed": 2021,
             "constrain_similarities": True, **size},)


# Intents by logistic regression over the sparse features, entities by a CRF.
LINEAR = ({"name": "LogisticRegressionClassifier", "max_iter": 300},
          {"name": "CRFEntityExtractor"})


VARIANTS = [
    *(Variant(f"default-{n}", diet(n, DEFAULT_SIZE)) for n in (20, 40, 80, 160)),
    *(Variant(f"small-{n}", diet(n, SMALL_SIZE)) for n in (20, 40, 80)),
    *(Variant(f"light-{n}", diet(n, LIGHT_SIZE)) for n in (10, 20, 40, 80, 160)),
    Variant("linear", LINEAR),
]


def train(variant: Variant, out: Path) -> tuple[Path, float]:
    config = out / "config.yml"
    config.write_text(yaml.safe_dump(variant.config(), allow_unicode=True), encoding="utf-8")
    started = time.perf_counter()
    subprocess.run(
        [str(Path(sys.executable).with_name("rasa")), "train", "nlu", "--config", str(config),
         "--nlu", "nlu_data", "--domain", "domain.yml", "--out", str(out),
         "--fixed-model-name", "curve"],
        cwd=PROJECT_ROOT, check=True, capture_output=True,
        env={**OFFLINE_RASA, "PATH": "/usr/bin:/bin", "TF_CPP_MIN_LOG_LEVEL": "3",
             "HOME": str(out)},
    )
    return out / "curve.tar.gz", time.perf_counter() - started


def held_out_reports(model: Path) -> dict[str, NluReport]:
    from rasa.core.agent import Agent

    async def run() -> dict[str, NluReport]:
        agent = Agent.load(str(model))
        reports = {}
        for split, path in SPLITS.items():
            texts = load_examples(path)
            parsed = {e.text: await agent.parse_message(e.text) for e in texts}
            reports[split] = evaluate(parsed.__getitem__, texts)
        return reports

    return asyncio.run(run())


def measure(variant: Variant) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        model, seconds = train(variant, Path(tmp))
        reports = held_out_reports(model)
        row: dict[str, Any] = {"variant": variant.name, "train_s": round(seconds, 1),
                               "model_mb": round(model.stat().st_size / 2**20, 1)}
    for split, report in reports.items():
        row[f"{split}_accuracy"] = round(report.accuracy, 3)
        row[f"{split}_macro_f1"] = round(report.macro_f1, 3)
    return row


def curve_block(rows: list[dict[str, Any]]) -> str:
    """The curve as the marked block of docs/benchmarks.md."""
    lines = [
        CURVE_BEGIN,
        "### Training curve: held-out quality against DIET's epochs and size",
        "",
        "`python -m bench.training_curve --write` (run by `make bench`): each variant is "
        "config.yml's pipeline with DIETClassifier's size and epochs replaced, trained "
        "NLU-only from scratch (`rasa train nlu`, no cache) and evaluated on both held-out "
        "splits; `nlu_fallback` counts as wrong. default = 2 transformer layers of 256 "
        "units (DIET's defaults); small = 1 layer of 128 after a 256-unit feed-forward layer; "
        "light = no transformer, one "
        "256-unit feed-forward layer over the sparse features; linear = no DIET: logistic "
        "regression for intents and a CRF for entities.",
        "",
        "| variant | NLU training s | model MB | held-out acc | held-out macro-F1 "
        "| independent acc | independent macro-F1 |",
        "|---|---|---|---|---|---|---|",
        *(f"| {r['variant']} | {r['train_s']:.0f} | {r['model_mb']} | "
          f"{r['held-out_accuracy']:.3f} | {r['held-out_macro_f1']:.3f} | "
          f"{r['independent_accuracy']:.3f} | {r['independent_macro_f1']:.3f} |"
          for r in rows),
        CURVE_END,
    ]
    return "\n".join(lines)


def write_block(rows: list[dict[str, Any]]) -> None:
    replace_section(CURVE_BEGIN, CURVE_END, curve_block(rows))


def main(arguments: list[str]) -> None:
    write = "--write" in arguments
    names = [a for a in arguments if a != "--write"]
    rows = []
    for variant in (v for v in VARIANTS if not names or v.name in names):
        rows.append(measure(variant))
        print(json.dumps(rows[-1]), flush=True)
    if write:
        write_block(rows)


if __name__ == "__main__":
    main(sys.argv[1:])
