"""Rasa's own checks: data validation and the test stories."""

import os
import subprocess
import sys
from pathlib import Path

from bot.settings import PROJECT_ROOT

RASA = str(Path(sys.executable).with_name("rasa"))
QUIET = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "SQLALCHEMY_SILENCE_UBER_WARNING": "1"}


def test_training_data_is_valid() -> None:
    result = subprocess.run(
        [RASA, "data", "validate", "--fail-on-warnings",
         "--domain", "domain.yml", "--data", "nlu_data", "--config", "config.yml"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, env=QUIET,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_stories_predict_every_action(model: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        [RASA, "test", "core", "--model", str(model), "--stories", "tests/stories",
         "--endpoints", "endpoints.yml", "--fail-on-prediction-errors",
         "--out", str(tmp_path)],
        cwd=PROJECT_ROOT, capture_output=True, text=True,
        env={**QUIET, "ACTION_SERVER_URL": "http://127.0.0.1:9/webhook",
             "RASA_TRACKER_DB": str(tmp_path / "tracker.db")},
    )
    failed = (tmp_path / "failed_test_stories.yml")
    details = failed.read_text() if failed.exists() else result.stderr[-3000:]
    assert result.returncode == 0, details
