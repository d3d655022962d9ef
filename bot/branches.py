"""The library's branches as readers name them (knowledge/library/branches.yml): read by
the NLU signals and the spelling corrector, which must not import each other's heavy
dependencies."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import yaml

from bot.services.search_text import normalise
from bot.settings import PROJECT_ROOT

#: the province's library, which readers mix up with this one ("南图几点关门"; not 河南图书馆)
OTHER_LIBRARY = re.compile(r"南京图书馆|(?<![河湖云江济海指西东华岭闽越])南图|省图|江苏省图书馆")
#: ... also by its street, its old names and slips ("中山东路那个馆", "省馆", "楠图"): enough to
#: say the reader means it, not to route a message to it
OTHER_LIBRARY_SAID = re.compile(f"{OTHER_LIBRARY.pattern}|省馆|中山东路|大行宫|[楠难]图|"
                                r"南京图书官|南京图书管")

BRANCHES_FILE = PROJECT_ROOT / "knowledge" / "library" / "branches.yml"


@cache
def branches() -> list[dict[str, Any]]:
    return yaml.safe_load(BRANCHES_FILE.read_text(encoding="utf-8")) or []


@cache
def branch_aliases() -> list[tuple[str, str]]:
    """(normalised alias, branch name)."""
    pairs = {(normalise(alias), branch["name"])
             for branch in branches() for alias in [branch["name"], *branch.get("aliases", [])]}
    return sorted(pairs)
