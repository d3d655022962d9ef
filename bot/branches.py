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


#: a branch's name that holds its district's or place's own ("江宁区图书馆", "金陵图书馆河西分馆")
_PLACE_IN_NAME = (re.compile(r"(.{2})\w*区图书馆"), re.compile(r"金陵图书馆(.{2})分馆"))


def place_name(branch_name: str) -> str | None:
    """The district or place a branch is named for ("江宁" of 江宁区图书馆, "河西" of
    金陵图书馆河西分馆), which readers call it by; None for the others."""
    found = next((m for pattern in _PLACE_IN_NAME if (m := pattern.fullmatch(branch_name))),
                 None)
    return found.group(1) if found else None


@cache
def branch_aliases() -> list[tuple[str, str]]:
    """(normalised alias, branch name)."""
    pairs = {(normalise(alias), branch["name"])
             for branch in branches() for alias in [branch["name"], *branch.get("aliases", [])]}
    return sorted(pairs)
