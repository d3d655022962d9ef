"""The model is retrained exactly when the content of a training input changes, and
when its file is damaged."""

import dataclasses
import os
import shutil
from pathlib import Path

import pytest

from bot import training
from bot.settings import PROJECT_ROOT, load_settings
from bot.training import (
    TRAINING_INPUTS,
    content_hash,
    ensure_model,
    is_intact,
    model_path,
    training_files,
)


def copy_inputs(target: Path) -> None:
    for name in TRAINING_INPUTS:
        source = PROJECT_ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        else:
            shutil.copy(source, target / name)


def test_training_reads_the_jieba_dictionary_and_data() -> None:
    names = {str(p.relative_to(PROJECT_ROOT)) for p in training_files()}
    assert "config.yml" in names and "domain.yml" in names
    assert any(n.startswith("knowledge/jieba/") for n in names)
    assert any(n.startswith("nlu_data/") for n in names)


def test_hash_ignores_timestamps_but_not_content(tmp_path: Path) -> None:
    copy_inputs(tmp_path)
    original = content_hash(tmp_path)
    dictionary = next((tmp_path / "knowledge" / "jieba").iterdir())
    os.utime(dictionary, (0, 0))
    assert content_hash(tmp_path) == original
    dictionary.write_text(dictionary.read_text(encoding="utf-8") + "新词条 10 n\n", "utf-8")
    assert content_hash(tmp_path) != original


def test_faq_questions_for_the_nlu_are_up_to_date() -> None:
    from bot.nlu_from_faq import OUTPUT, render

    assert OUTPUT.read_text(encoding="utf-8") == render(), "run python -m bot.nlu_from_faq"


def test_the_lock_file_is_a_training_input() -> None:
    """A model trained with other package versions is never used silently."""
    names = {str(p.relative_to(PROJECT_ROOT)) for p in training_files()}
    assert "requirements.lock" in names


def test_a_cut_off_model_file_is_trained_again(model: Path, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    assert is_intact(model)
    settings = dataclasses.replace(load_settings(), model_dir=tmp_path / "models",
                                   var_dir=tmp_path / "var")
    damaged = model_path(settings)
    damaged.parent.mkdir()
    damaged.write_bytes(model.read_bytes()[: model.stat().st_size // 2])
    assert not is_intact(damaged)
    trained: list[Path] = []
    monkeypatch.setattr(training, "train", lambda _settings, target: trained.append(target))
    assert ensure_model(settings) == damaged
    assert trained == [damaged] and not damaged.exists()
