"""The model is retrained exactly when the content of a training input changes."""

import os
import shutil
from pathlib import Path

from bot.settings import PROJECT_ROOT
from bot.training import TRAINING_INPUTS, content_hash, training_files


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
