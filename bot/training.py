"""Train the Rasa model only when its inputs changed.

The model file is named after a hash of the *content* of everything training reads
(config, domain, training data, the jieba dictionary) and of the Rasa version, so
edits are detected even when timestamps lie, and a changed jieba dictionary forces a
full retrain (Rasa's own cache does not notice dictionary edits).

Run as ``python -m bot.training`` to print the path of an up-to-date model.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from bot.processes import OFFLINE_RASA
from bot.settings import PROJECT_ROOT, Settings, load_settings

TRAINING_INPUTS = ("config.yml", "domain.yml", "nlu_data", "knowledge/jieba")
MODEL_PREFIX = "model-"


def training_files(root: Path = PROJECT_ROOT) -> list[Path]:
    """Every file that training reads, in a stable order."""
    files: list[Path] = []
    for name in TRAINING_INPUTS:
        path = root / name
        if path.is_dir():
            files.extend(p for p in path.rglob("*") if p.is_file())
        elif path.is_file():
            files.append(path)
    return sorted(files)


def content_hash(root: Path = PROJECT_ROOT) -> str:
    """Hash of the training inputs' paths and bytes, plus the Rasa version."""
    from rasa import __version__ as rasa_version

    digest = hashlib.sha256(f"rasa {rasa_version}\n".encode())
    for path in training_files(root):
        digest.update(str(path.relative_to(root)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def model_path(settings: Settings, root: Path = PROJECT_ROOT) -> Path:
    """Where the model for the current inputs is (or will be) stored."""
    return settings.model_dir / f"{MODEL_PREFIX}{content_hash(root)}.tar.gz"


def ensure_model(settings: Settings) -> Path:
    """Returns an up-to-date model, training one first if the inputs changed."""
    target = model_path(settings)
    if target.exists():
        print(f"Model is up to date: {target}", file=sys.stderr)
        return target
    print(f"Training data or config changed: training {target.name} ...", file=sys.stderr)
    settings.model_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            str(Path(sys.executable).with_name("rasa")),
            "train",
            "--config", "config.yml",
            "--domain", "domain.yml",
            "--data", "nlu_data",
            "--out", str(settings.model_dir),
            "--fixed-model-name", target.name.removesuffix(".tar.gz"),
            "--force",
        ],
        cwd=PROJECT_ROOT,
        check=True,
        env={**os.environ, **OFFLINE_RASA},
    )
    for old in settings.model_dir.glob(f"{MODEL_PREFIX}*.tar.gz"):
        if old != target:
            old.unlink()
    return target


if __name__ == "__main__":
    print(ensure_model(load_settings()))
