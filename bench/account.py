"""`python -m bench.account --write`: the reader's account in chat (loans, a renewal,
fees) timed turn by turn on the SQL backend and on SIP2 (the stand-in ILS), and the
notice scheduler's throughput on SQLite and PostgreSQL."""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from datetime import time as day_time
from pathlib import Path

from sqlalchemy import insert, select

from bench.sections import replace_section
from bench.stats import percentile
from bot import clock
from bot.db.engine import session_factory
from bot.db.models import BibRecord, CardType, Item, Loan, Reader, ReaderSession
from bot.http_json import free_port, post_json
from bot.notices import run_pass
from bot.processes import AssistantProcesses
from bot.settings import load_settings
from bot.setup_library import prepare_library
from bot.training import ensure_model
from bot.wiring import notices
from tests.library_db import BACKENDS, fresh_database
from tests.standins.sip2_server import sip2_standin

BEGIN, END = "<!-- account:begin -->", "<!-- account:end -->"
CONVERSATION = ["我借了哪些书", "JL00000001", "reader123", "续借第二本", "我有没有欠费"]
REPEATS = 10
NOTICE_READERS = 2000


@contextlib.contextmanager
def assistant(backend: str, directory: Path) -> Iterator[str]:
    """A whole assistant on its own demo library; yields its REST webhook URL."""
    var_dir = directory / backend
    var_dir.mkdir()
    settings = dataclasses.replace(
        load_settings(), rasa_port=free_port(), action_port=free_port(),
        admin_port=free_port(), chat_port=free_port(), var_dir=var_dir,
        tracker_db=var_dir / "rasa_tracker.db",
        database_url=f"sqlite:///{var_dir / 'library.db'}")
    prepare_library(settings.database_url)
    with contextlib.ExitStack() as stack:
        if backend == "sip2":
            settings = stack.enter_context(sip2_standin(settings.database_url)).configure(
                settings)
        log = stack.enter_context((var_dir / "servers.log").open("w"))
        servers = stack.enter_context(AssistantProcesses(settings, ensure_model(settings), log))
        servers.start_action_server(wait=False)
        servers.start_rasa_server(wait=False)
        servers.wait_until_ready()
        yield settings.rasa_url + "/webhooks/rest/webhook"


def conversation_turns(url: str) -> list[float]:
    """Milliseconds per turn of CONVERSATION, REPEATS times (a new conversation each)."""
    timings = []
    for repeat in range(REPEATS):
        for message in CONVERSATION:
            started = time.perf_counter()
            post_json(url, {"sender": f"bench-account-{repeat}", "message": message})
            timings.append((time.perf_counter() - started) * 1000)
    return timings


def seed_due_loans(url: str, readers: int) -> None:
    """`readers` readers, each verified on Telegram with one loan due in two days."""
    today, now = clock.today(), clock.now()
    with session_factory(url).begin() as session:
        card_type = session.execute(select(CardType.code)).scalars().first()
        bib_id = session.execute(select(BibRecord.id)).scalars().first()
        branch_id = session.execute(select(Item.branch_id)).scalars().first()
        first_reader = session.execute(insert(Reader).values(
            card_number="BENCH0000000", name="测试", card_type_code=card_type,
            expires_on=today + timedelta(days=365), password_hash="x")
        ).inserted_primary_key[0]
        session.execute(insert(Reader), [dict(
            card_number=f"BENCH{n:07d}", name="测试", card_type_code=card_type,
            expires_on=today + timedelta(days=365), password_hash="x")
            for n in range(1, readers)])
        reader_ids = range(first_reader, first_reader + readers)
        first_item = session.execute(insert(Item).values(
            bib_id=bib_id, branch_id=branch_id, barcode="B00000000", status="on_loan")
        ).inserted_primary_key[0]
        session.execute(insert(Item), [dict(
            bib_id=bib_id, branch_id=branch_id, barcode=f"B{n:08d}", status="on_loan")
            for n in range(1, readers)])
        session.execute(insert(Loan), [dict(
            reader_id=reader_id, item_id=first_item + n, loaned_on=today,
            due_date=today + timedelta(days=2), renewals=0)
            for n, reader_id in enumerate(reader_ids)])
        session.execute(insert(ReaderSession), [dict(
            reader_id=reader_id, channel="telegram", sender_id=str(reader_id),
            expires_at=now + timedelta(hours=1)) for reader_id in reader_ids])


def notices_per_second(backend: str, directory: Path) -> float:
    with fresh_database(backend, directory) as url:
        seed_due_loans(url, NOTICE_READERS)
        service = notices(dataclasses.replace(load_settings(), database_url=url))
        daytime = datetime.combine(clock.today(), day_time(10, 0))
        started = time.perf_counter()
        sent = 0
        while handled := run_pass(service, daytime, limit=500).handled:
            sent += handled
        return sent / (time.perf_counter() - started)


def section(turns: dict[str, list[float]], rates: dict[str, float]) -> str:
    lines = [
        BEGIN, "## The reader's account in chat (loans, renewals, fees, notices)", "",
        f"Command: `python -m bench.account --write` (in `make bench`). {REPEATS} conversations "
        f"of {len(CONVERSATION)} turns through the REST channel (" + " → ".join(
            f"“{m}”" for m in CONVERSATION) + "), one at a time, each backend with its own "
        "assistant and demo library; SIP2 is the stand-in ILS of tests/standins/ on this "
        "machine (a real ILS adds its network and processing time).", "",
        "| backend | turns | p50 ms | p95 ms | max ms |", "|---|---|---|---|---|"]
    for backend, timings in turns.items():
        lines.append(f"| {backend} | {len(timings)} | {percentile(timings, 0.5):.0f} | "
                     f"{percentile(timings, 0.95):.0f} | {max(timings):.0f} |")
    lines += ["", f"Notice scheduler: {NOTICE_READERS} readers with a loan due in two days, "
              "each verified on Telegram; passes of up to 500 until nothing is due "
              "(notices recorded and queued to the outbox; sending is the relay's).", "",
              "| database | notices per second |", "|---|---|"]
    lines += [f"| {backend} | {rate:.0f} |" for backend, rate in rates.items()]
    lines.append(END)
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        directory = Path(work)
        turns = {}
        for backend in ("sql", "sip2"):
            with assistant(backend, directory) as url:
                turns[backend] = conversation_turns(url)
        rates = {backend: notices_per_second(backend, directory) for backend in BACKENDS}
    block = section(turns, rates)
    print(block)
    if args.write:
        replace_section(BEGIN, END, block)


if __name__ == "__main__":
    main()
