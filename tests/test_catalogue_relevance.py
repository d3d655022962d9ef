"""Catalogue relevance floors on the judged reader queries (bench/catalogue_relevance.py
reports the figures; these hold them well above the search before issue 14)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bench.catalogue_relevance import BASELINES, HELD_OUT, JUDGEMENTS, demo_catalogue, measure

pytestmark = pytest.mark.timeout(180)

#: success@1, success@3 and the most "another book as a plain result" for titles not held
FLOORS = {JUDGEMENTS: (0.90, 0.94, 2), HELD_OUT: (0.85, 0.88, 5)}


def test_relevance_stays_above_its_floors(tmp_path: Path) -> None:
    catalogue = demo_catalogue(tmp_path)
    for path, (at_1, at_3, confident) in FLOORS.items():
        scores = measure(catalogue, yaml.safe_load(path.read_text(encoding="utf-8")))
        overall = scores.of()
        assert overall["success@1"] >= at_1 > BASELINES[path]["success@1"], path.name
        assert overall["success@3"] >= at_3 > BASELINES[path]["success@3"], path.name
        assert scores.not_held.count("confident") <= confident, path.name
