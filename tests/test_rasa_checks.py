"""Rasa's own checks: data validation and the test stories."""

import os
import subprocess
import sys
from pathlib import Path

from bot.settings import PROJECT_ROOT

RASA = str(Path(sys.executable).with_name("rasa"))
QUIET = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "SQLALCHEMY_SILENCE_UBER_WARNING": "1"}


# Warnings that are expected: the guard sends password_checked (never typed), the form
# asks with utter_ask_card_number, Rasa's default fallback action says utter_default,
# action_rephrase says utter_please_rephrase, action_small_talk the small-talk answers.
EXPECTED_WARNINGS = (
    "The utterance 'utter_please_rephrase' is not used",
    "The utterance 'utter_greet' is not used",
    "The utterance 'utter_iamabot' is not used",
    "The utterance 'utter_out_of_scope' is not used",
    "The intent 'password_checked' is listed in the domain file, but is not found",
    "The utterance 'utter_ask_card_number' is not used",
    "The utterance 'utter_default' is not used",
)


def test_training_data_is_valid() -> None:
    result = subprocess.run(
        [RASA, "data", "validate",
         "--domain", "domain.yml", "--data", "nlu_data", "--config", "config.yml"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, env=QUIET,
    )
    output = result.stdout + result.stderr
    warnings = [
        line for line in output.splitlines()
        if "UserWarning" in line and not any(expected in line for expected in EXPECTED_WARNINGS)
    ]
    assert result.returncode == 0, output[-3000:]
    assert not warnings, "\n".join(warnings)


def test_stories_predict_every_action(model: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        [RASA, "test", "core", "--model", str(model), "--stories", "tests/stories",
         "--endpoints", "endpoints.yml", "--fail-on-prediction-errors",
         "--out", str(tmp_path)],
        cwd=PROJECT_ROOT, capture_output=True, text=True,
        env={**QUIET, "ACTION_SERVER_URL": "http://127.0.0.1:9/webhook",
             "ACTION_SERVER_TOKEN": "unused",
             "RASA_TRACKER_DB": str(tmp_path / "tracker.db")},
    )
    failed = (tmp_path / "failed_test_stories.yml")
    details = failed.read_text() if failed.exists() else result.stderr[-3000:]
    assert result.returncode == 0, details
