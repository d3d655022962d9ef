"""Catalogue at scale: import rate of the synthetic catalogue (bot.demo.generate) and
catalogue-search latency through the real action server, on SQLite and PostgreSQL.

``python -m bench.catalogue [--scale N]`` prints the markdown section;
bench/run.py uses `catalogue_section()`.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from sqlalchemy import select, text

from bench.stats import percentile
from bot.action_request import action_request, run_action
from bot.db.engine import session_factory
from bot.db.migrate import upgrade
from bot.db.models import BibRecord
from bot.db.scratch import scratch_postgres_database
from bot.demo.generate import ENDINGS, NOUNS, PLACES, TOPICS, generate, isbn_for
from bot.http_json import free_port
from bot.processes import AssistantProcesses
from bot.settings import load_settings

SCALE = 300_000
ACTION = "action_search_catalogue"
WARM_UP_QUERIES = 5
SEED = 7
# Words that appear in no synthetic record (checked: every one of them finds nothing).
NO_HIT = [
    "量子纠缠", "哈利波特", "蒸汽朋克", "区块链", "火星殖民", "xylophone", "quantum",
    "化石猎人", "潜水艇", "葡萄酒", "足球战术", "象棋残局", "毛线编织", "航天飞机",
    "外星人", "冰川融化", "咖啡烘焙", "魔方", "太极拳", "滑雪",
]


@dataclass
class Query:
    kind: str
    entity: str
    value: str
    text: str


@dataclass
class BackendRun:
    backend: str
    records: int = 0
    items: int = 0
    import_seconds: float = 0.0
    size_mb: float = 0.0
    timings: dict[str, list[float]] = field(default_factory=dict)
    found: int = 0
    misses: dict[str, int] = field(default_factory=dict)  # queries without hits, by kind

    @property
    def latencies(self) -> list[float]:
        return [t for values in self.timings.values() for t in values]


def misspelt(title: str, rng: random.Random) -> str:
    """The title with one of its characters replaced by a common other one."""
    position = rng.randrange(len(title))
    return title[:position] + rng.choice("的一是在不了有和人这中大为上个国") + title[position + 1:]


def query_mix(database_url: str, scale: int) -> list[Query]:
    """About 220 queries: words, two words, titles, misspelt titles (one character
    wrong: the near-match search), authors, ISBNs and misses."""
    rng = random.Random(SEED)
    ids = rng.sample(range(1, scale + 1), min(scale, 60))
    with session_factory(database_url)() as session:
        rows = session.execute(
            select(BibRecord.title, BibRecord.author).where(BibRecord.id.in_(ids))
        ).all()
    titles = [title for title, _ in rows][:30]
    authors = [author.split("、")[0] for _, author in rows][-30:]
    queries = [Query("one word", "title", word, f"有没有{word}")
               for word in rng.sample(NOUNS + PLACES + TOPICS, 50)]
    for _ in range(20):
        words = f"{rng.choice(PLACES)} {rng.choice(NOUNS)}"
        queries.append(Query("two words", "title", words, f"找一下{words}"))
        words = f"{rng.choice(TOPICS)} {rng.choice(ENDINGS).removeprefix('的')}"
        queries.append(Query("two words", "title", words, f"查查{words}"))
    queries += [Query("exact title", "title", title, f"有没有《{title}》") for title in titles]
    queries += [Query("misspelt title", "title", typo, f"有没有{typo}")
                for typo in (misspelt(title, rng) for title in titles[:20])]
    queries += [Query("author", "author", name, f"{name}的书") for name in authors]
    queries += [Query("ISBN", "isbn", isbn, f"ISBN {isbn}")
                for isbn in (isbn_for(rng.randint(1, scale)) for _ in range(30))]
    queries += [Query("no hit", "title", word, f"有没有{word}") for word in NO_HIT]
    rng.shuffle(queries)
    return queries


def action_call(query: Query) -> dict:
    """What Rasa posts to the action server for `action_search_catalogue`."""
    return action_request(
        ACTION, query.text, "search_catalogue", [{"entity": query.entity, "value": query.value}],
        slots={"search_query": None, "search_offset": None},
    )


def measure_search(run: BackendRun, database_url: str, queries: list[Query]) -> None:
    """Sequential requests (one client) to the real action server."""
    settings = replace(load_settings(), action_port=free_port(), database_url=database_url)
    with open(os.devnull, "w") as log, AssistantProcesses(settings, Path("unused"), log) as servers:
        servers.start_action_server()
        for query in queries[:WARM_UP_QUERIES]:  # jieba dictionary, connection pool
            run_action(settings, action_call(query))
        for query in queries:
            started = time.perf_counter()
            answer = run_action(settings, action_call(query))
            elapsed = (time.perf_counter() - started) * 1000
            run.timings.setdefault(query.kind, []).append(elapsed)
            first = answer["responses"][0]["text"]  # type: ignore[index]
            if first.startswith("找到") or "您要找的是不是" in first:  # near matches too
                run.found += 1
            elif first.startswith("没有找到"):
                run.misses[query.kind] = run.misses.get(query.kind, 0) + 1
            else:
                raise RuntimeError(f"unexpected answer to {query.text!r}: {first!r}")


def import_catalogue(run: BackendRun, database_url: str, scale: int) -> None:
    upgrade(database_url)
    started = time.perf_counter()
    run.records, run.items = generate(database_url, scale)
    run.import_seconds = time.perf_counter() - started


@contextmanager
def sqlite_database() -> Iterator[tuple[str, Path]]:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "catalogue.db"
        yield f"sqlite:///{path}", path


def run_backend(backend: str, database_url: str, scale: int) -> BackendRun:
    run = BackendRun(backend)
    print(f"{backend}: generating {scale} records ...", file=sys.stderr)
    import_catalogue(run, database_url, scale)
    print(f"{backend}: {run.records} records, {run.items} items in "
          f"{run.import_seconds:.0f} s; measuring search ...", file=sys.stderr)
    measure_search(run, database_url, query_mix(database_url, scale))
    return run


def measure(scale: int) -> list[BackendRun]:
    runs = []
    with sqlite_database() as (url, path):
        run = run_backend("SQLite (FTS5)", url, scale)
        session_factory(url).kw["bind"].dispose()
        run.size_mb = sum(p.stat().st_size for p in path.parent.iterdir()) / 2**20
        runs.append(run)
    with scratch_postgres_database("bench_catalogue") as url:
        run = run_backend("PostgreSQL (tsvector + GIN)", url, scale)
        with session_factory(url)() as session:
            run.size_mb = session.execute(
                text("SELECT pg_database_size(current_database())")
            ).scalar_one() / 2**20
        runs.append(run)
    return runs


def catalogue_section(scale: int = SCALE) -> list[str]:
    """Markdown lines: import rate and search latency per backend."""
    runs = measure(scale)
    kinds = list(dict.fromkeys(kind for run in runs for kind in run.timings))
    lines = [
        "## Catalogue at scale (bench/catalogue.py)",
        "",
        f"Synthetic catalogue from `python -m bot.demo.generate --scale {scale}` "
        "(deterministic; about 3.33 copies per record), imported into a fresh, migrated "
        "database with the full-text index maintained during the import (batches of "
        "5,000 records, one commit each).",
        "",
        "| backend | records | items | import s | records/s | items/s | database MB |",
        "|---|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {run.backend} | {run.records:,} | {run.items:,} | {run.import_seconds:.0f} | "
        f"{run.records / run.import_seconds:,.0f} | {run.items / run.import_seconds:,.0f} | "
        f"{run.size_mb:,.0f} |"
        for run in runs
    ]
    lines += [
        "",
        "Catalogue search through the real action server (`python -m bot.action_server`): "
        f"`POST /webhook` running `{ACTION}`, one client, sequential requests, "
        f"after {WARM_UP_QUERIES} warm-up requests. Latency includes HTTP, jieba "
        "segmentation, the full-text query, the capped match count and per-branch "
        "availability of the first page (3 titles).",
        "",
        "| backend | queries | with hits | without | p50 ms | p95 ms | max ms |",
        "|---|---|---|---|---|---|---|",
    ]
    for run in runs:
        values = run.latencies
        lines.append(
            f"| {run.backend} | {len(values)} | {run.found} | {sum(run.misses.values())} | "
            f"{statistics.median(values):.1f} | {percentile(values, 0.95):.1f} | "
            f"{max(values):.1f} |"
        )
    lines += [
        "",
        "p50 / p95 ms by kind of query (without hits: per backend if they differ):",
        "",
        "| kind | queries | without hits | " + " | ".join(run.backend for run in runs) + " |",
        "|---|---|---|" + "---|" * len(runs),
    ]
    for kind in kinds:
        cells = [
            f"{statistics.median(run.timings[kind]):.1f} / "
            f"{percentile(run.timings[kind], 0.95):.1f}"
            for run in runs
        ]
        misses = " / ".join(dict.fromkeys(str(run.misses.get(kind, 0)) for run in runs))
        lines.append(f"| {kind} | {len(runs[0].timings[kind])} | {misses} | "
                     + " | ".join(cells) + " |")
    lines.append("")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.catalogue", description=__doc__)
    parser.add_argument("--scale", type=int, default=SCALE,
                        help=f"synthetic records per backend (default {SCALE})")
    args = parser.parse_args()
    started = time.perf_counter()
    print("\n".join(catalogue_section(args.scale)))
    print(f"bench.catalogue took {time.perf_counter() - started:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
