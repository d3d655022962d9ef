"""Train the Rasa model only when its inputs changed.

The model file is named after a hash of the *content* of everything training reads
(config, domain, training data, the jieba dictionary), of the lock file (so a model
left by older package versions is never used) and of the Rasa version, so edits are
detected even when timestamps lie, and a changed jieba dictionary forces a full
retrain (Rasa's own cache does not notice dictionary edits). A model file that cannot
be read whole (a training or copy that was cut off) is trained again.

Training writes its log to ``<var>/training.log`` and prints a few progress lines with
an estimate of the time left instead of Rasa's progress bars.

Run as ``python -m bot.training`` to print the path of an up-to-date model.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import time
import zlib
from pathlib import Path

from bot.processes import OFFLINE_RASA
from bot.settings import PROJECT_ROOT, Settings, load_settings

TRAINING_INPUTS = ("config.yml", "domain.yml", "nlu_data", "knowledge/jieba",
                   "requirements.lock")
MODEL_PREFIX = "model-"
#: A full training from a fresh clone on the 2-core reference machine, used for the first
#: estimate; later estimates use the last training's own duration.
EXPECTED_TRAINING_SECONDS = 165
LAST_DURATION_FILE = "last-training-seconds"
PROGRESS_EVERY_SECONDS = 20

_COMPONENT = re.compile(r"Starting to train component '(\w+)'")
_EPOCHS = re.compile(r"Epochs:\s+\d+%\|[^|]*\|\s*(\d+)/(\d+)")


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


def is_intact(model: Path) -> bool:
    """Whether the model archive reads to its end (gzip checksums included) and holds
    Rasa's metadata."""
    try:
        with tarfile.open(model, "r:gz") as archive:
            names = set()
            for member in archive:
                names.add(Path(member.name).name)
                stream = archive.extractfile(member)
                while stream is not None and stream.read(1 << 20):
                    pass
    except (OSError, EOFError, tarfile.TarError, zlib.error):
        return False
    return "metadata.json" in names


def ensure_model(settings: Settings) -> Path:
    """Returns an up-to-date model, training one first if the inputs changed."""
    target = model_path(settings)
    if target.exists():
        if is_intact(target):
            print(f"Model is up to date: {target}", file=sys.stderr)
            return target
        print(f"The model file {target} is damaged: training it again.", file=sys.stderr)
        target.unlink()
    settings.model_dir.mkdir(parents=True, exist_ok=True)
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    train(settings, target)
    for old in settings.model_dir.glob(f"{MODEL_PREFIX}*.tar.gz"):
        if old != target:
            old.unlink()
    return target


def train(settings: Settings, target: Path) -> None:
    """Trains into a scratch folder beside the target, then moves the model into place
    (a cut-off training never leaves a file under the target's name)."""
    log_path = settings.var_dir / "training.log"
    expected = _expected_seconds(settings.model_dir)
    print(f"Training the model (about {_minutes(expected)} on a 2-core machine; "
          f"log in {log_path}) ...", file=sys.stderr, flush=True)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(dir=settings.model_dir) as scratch, \
            log_path.open("w") as log:
        process = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("rasa")), "train",
                "--config", "config.yml", "--domain", "domain.yml", "--data", "nlu_data",
                "--out", scratch, "--fixed-model-name", "model", "--force",
            ],
            cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT,
            env={**os.environ, **OFFLINE_RASA},
        )
        try:
            _report_progress(process, log_path, started, expected)
        except BaseException:  # Ctrl-C, a test's time limit: no training left behind
            process.kill()
            process.wait()
            raise
        if process.returncode != 0:
            raise SystemExit(f"Training failed (exit {process.returncode}); see {log_path}.")
        os.replace(Path(scratch) / "model.tar.gz", target)
    seconds = time.monotonic() - started
    (settings.model_dir / LAST_DURATION_FILE).write_text(f"{seconds:.0f}\n")
    print(f"Model trained in {_minutes(seconds)}: {target}", file=sys.stderr, flush=True)


def _report_progress(process: subprocess.Popen, log_path: Path, started: float,
                     expected: float) -> None:
    """Until the process ends: one line per component trained, and every
    PROGRESS_EVERY_SECONDS the epoch reached and an estimate of the time left. Reads
    only what the log gained since the last look."""
    component, epoch, last_report = "", "", started
    with log_path.open(encoding="utf-8", errors="replace") as log:
        while process.poll() is None:
            time.sleep(1)
            new_text = log.read()
            for component in _COMPONENT.findall(new_text):
                epoch = ""
                print(f"  training {component} ...", file=sys.stderr, flush=True)
            since_component = new_text[max(new_text.rfind("Starting to train"), 0):]
            if epochs := _EPOCHS.findall(since_component):
                epoch = "epoch {}/{}, ".format(*epochs[-1])
            now = time.monotonic()
            if now - last_report >= PROGRESS_EVERY_SECONDS:
                last_report = now
                left = expected - (now - started)
                eta = f"about {_minutes(left)} left" if left >= 15 else "nearly done"
                print(f"  {component or 'preparing'}: {epoch}{_minutes(now - started)} "
                      f"elapsed, {eta}", file=sys.stderr, flush=True)


def _expected_seconds(model_dir: Path) -> float:
    try:
        return float((model_dir / LAST_DURATION_FILE).read_text())
    except (OSError, ValueError):
        return EXPECTED_TRAINING_SECONDS


def _minutes(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest:02d} s" if minutes else f"{rest} s"


if __name__ == "__main__":
    print(ensure_model(load_settings()))
