"""Sections of docs/benchmarks.md that one script owns, between its marker comments."""

from __future__ import annotations

from bot.settings import PROJECT_ROOT

BENCHMARKS = PROJECT_ROOT / "docs" / "benchmarks.md"


def replace_section(begin: str, end: str, block: str) -> None:
    """Puts block (which starts with begin and ends with end) in place of the section
    between the markers, or at the end of the document if there is none yet."""
    text = BENCHMARKS.read_text(encoding="utf-8")
    start, stop = text.find(begin), text.find(end)
    if start < 0 or stop < 0:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    else:
        text = text[:start] + block + text[stop + len(end):]
    BENCHMARKS.write_text(text, encoding="utf-8")
