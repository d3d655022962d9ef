"""`python -m bench.load [--quick] [--write]`: the load test of issue 17.

Concurrent readers (each one a conversation sending a few messages one after another,
the next as soon as the previous one is answered) against the scale-out setup on this
machine (bot/scale_out.py: N Rasa servers and N action servers behind HAProxy,
PostgreSQL tracker store and library, Redis locks), on the REST channel and on the
WeChat webhook (safe mode, signed and encrypted as WeChat's servers do it,
tests/standins/wechat.py; HAProxy hashes it on the `openid` query parameter).

Each replica count is started once and every reader count and both channels run
against it. Reported per (channel, replicas, readers): messages, throughput (answered
messages per second of the run), p50/p95/p99 of the reply time, errors (HTTP errors,
timeouts, empty replies) and, for WeChat, the share answered passively within WeChat's
5 s (the channel answers "success" after 4 s and sends the reply later through the
customer-service API, which this run does not start). ``--write`` puts the table into
docs/benchmarks.md between the markers below; docs/deployment.md's capacity plan uses it.

Full run (estimated 45-60 minutes on 2 cores): ``.venv/bin/python -m bench.load --write``.
Smoke test (about 5 minutes): ``.venv/bin/python -m bench.load --quick``.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import math
import os
import platform
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import httpx

from bench.sections import replace_section
from bench.stats import percentile
from bench.wechat import WECHAT_MIX, WECHAT_WINDOW_SECONDS
from bot.channels.guard import NO_REPLY_TEXT
from bot.db.scratch import scratch_postgres_database
from bot.http_json import free_port
from bot.scale_out import ScaleOut
from bot.settings import Settings, load_settings
from bot.setup_library import prepare_library
from bot.training import ensure_model
from tests.standins.wechat import Answer, Delivery, WeChatPush, message_xml

BEGIN = "<!-- load test: bench/load.py -->"
END = "<!-- end of load test -->"
#: full matrix (issue 17): concurrent readers, replica counts, messages per reader
READERS = (50, 200, 500)
REPLICAS = (1, 2, 4)
MESSAGES = 3
QUICK_READERS, QUICK_REPLICAS, QUICK_MESSAGES = (10, 20), (1, 2), 1
CHANNELS = ("rest", "wechat")
# The bench mix without 转人工: after a handoff the assistant stays out of the
# conversation, and a reader's next messages go to the librarian's ticket.
LOAD_MIX = WECHAT_MIX
# A Redis database no other test or benchmark uses (tests 0 and 7, the default 1,
# bench/latency.py 8).
LOAD_REDIS = "redis://127.0.0.1:6379/10"
# The WeChat channel in safe mode (as bench/run.py measures it), with a customer-service
# API nobody answers: replies too late for the passive answer are only queued.
WECHAT_TOKEN, WECHAT_APP_ID = "load-token", "wx00000000000load"
WECHAT_AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
WECHAT_API_NOBODY_ANSWERS = "http://127.0.0.1:9"
#: REST: beyond HAProxy's `timeout server` (65 s), so that HAProxy's 504 is what is seen
REST_TIMEOUT_SECONDS = 90.0
WECHAT_TIMEOUT_SECONDS = 30.0
#: the machine counts as idle again when a new conversation's first turn takes this long
IDLE_REPLY_SECONDS = 1.5
SETTLE_DEADLINE_SECONDS = 600.0


@dataclass(frozen=True)
class Plan:
    """Assumptions of the capacity plan for 南京共享图书馆 (docs/deployment.md, "How many
    replicas"): the main library and 12 district libraries. Estimates, to be replaced
    by the library's own figures (gate counts, website and WeChat statistics)."""

    #: readers a day in the network: 8,000 at the main library, 1,500 at each of the
    #: 12 district libraries, 4,000 more online only
    readers_per_day: int = 8000 + 12 * 1500 + 4000
    #: share of them who ask the assistant something that day
    share_asking: float = 0.05
    messages_per_conversation: float = 4
    #: share of a day's messages in its busiest hour (weekend afternoon)
    peak_hour_share: float = 0.15
    #: how much faster than the peak hour's average the busiest minutes are (a WeChat
    #: article pushed to the followers, an opening-hours change)
    burst_factor: float = 10
    #: load a replica is planned for, as a share of its measured capacity
    headroom: float = 0.7
    #: replicas kept spare, so that one can fail or be upgraded
    spare: int = 1

    @property
    def peak_messages_per_second(self) -> float:
        return (self.readers_per_day * self.share_asking * self.messages_per_conversation
                * self.peak_hour_share / 3600 * self.burst_factor)

    def replicas(self, per_core: float) -> int:
        """One replica (Rasa server + action server) per core."""
        return math.ceil(self.peak_messages_per_second / (self.headroom * per_core)) + self.spare


@dataclass
class Run:
    """One (channel, replicas, readers) cell of the matrix."""

    channel: str
    replicas: int
    readers: int
    messages: int = 0
    seconds: float = 0.0
    #: reply times of the answered messages (ms)
    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    #: WeChat: messages answered passively within WeChat's 5 s
    passive: int = 0

    @property
    def answered(self) -> int:
        return len(self.latencies)

    @property
    def throughput(self) -> float:
        return self.answered / self.seconds if self.seconds else 0.0

    @property
    def passive_share(self) -> float:
        return self.passive / self.messages if self.messages else 0.0

    def p(self, share: float) -> float:
        return percentile(self.latencies, share) if self.latencies else float("nan")

    def row(self) -> str:
        passive = f"{self.passive_share:.1%}" if self.channel == "wechat" else "–"
        errors = sum(self.errors.values())
        detail = (" (" + ", ".join(f"{kind} {n}" for kind, n in self.errors.most_common())
                  + ")") if errors else ""
        return (f"| {self.channel} | {self.replicas} | {self.readers} | {self.messages} | "
                f"{self.throughput:.1f} | {self.p(.5):.0f} | {self.p(.95):.0f} | "
                f"{self.p(.99):.0f} | {errors}{detail} | {passive} |")


async def _timed(run: Run, request: Awaitable[httpx.Response],
                 judge: Callable[[httpx.Response, float], str | None]) -> None:
    """Sends one message (request is not yet awaited); records its reply time, or the
    kind of error it met (judge names what is wrong with a 200 reply, if anything)."""
    run.messages += 1
    started = time.perf_counter()
    try:
        reply = await request
    except httpx.TimeoutException:
        run.errors["timeout"] += 1
        return
    except httpx.HTTPError as error:
        run.errors[type(error).__name__] += 1
        return
    seconds = time.perf_counter() - started
    if reply.status_code != 200:
        run.errors[f"HTTP {reply.status_code}"] += 1
        return
    problem = judge(reply, seconds)
    if problem:
        run.errors[problem] += 1
        return
    run.latencies.append(seconds * 1000)


async def _rest_reader(client: httpx.AsyncClient, settings: Settings, index: int,
                       messages: int, run: Run) -> None:
    url = settings.rasa_url + "/webhooks/rest/webhook"
    sender = f"load-{uuid.uuid4().hex[:12]}"

    def judge(reply: httpx.Response, seconds: float) -> str | None:
        texts = [message.get("text") for message in reply.json()]
        if not texts:
            return "empty reply"
        return "no-reply apology" if NO_REPLY_TEXT in texts else None

    for turn in range(messages):
        text = LOAD_MIX[(index + turn) % len(LOAD_MIX)]
        await _timed(run, client.post(
            url, json={"sender": sender, "message": text}, headers=settings.rest_headers,
            timeout=REST_TIMEOUT_SECONDS), judge)


def _wechat_judge(push: WeChatPush, delivery: Delivery,
                  run: Run) -> Callable[[httpx.Response, float], str | None]:
    """What is wrong with WeChat's view of this reply, if anything; counts it as passive
    when it carries the answer within WeChat's window."""
    def judge(reply: httpx.Response, seconds: float) -> str | None:
        try:
            content = push.reply_content(Answer(reply.status_code, reply.text), delivery)
        except (AssertionError, ValueError, IndexError, KeyError):
            return "invalid reply"
        if content is not None and NO_REPLY_TEXT in content:
            return "no-reply apology"
        if content is not None and seconds <= WECHAT_WINDOW_SECONDS:
            run.passive += 1
        return None

    return judge


async def _wechat_reader(client: httpx.AsyncClient, push: WeChatPush, index: int,
                         messages: int, run: Run) -> None:
    openid = f"oLoad{uuid.uuid4().hex[:23]}"
    for turn in range(messages):
        delivery = push.delivery(message_xml(
            openid, "text", Content=LOAD_MIX[(index + turn) % len(LOAD_MIX)]))
        await _timed(run, client.post(
            push.url, params=delivery.query, content=delivery.body,
            headers={"Content-Type": "text/xml"}, timeout=WECHAT_TIMEOUT_SECONDS),
            _wechat_judge(push, delivery, run))


def wechat_push(settings: Settings) -> WeChatPush:
    return WeChatPush(settings.wechat_token, settings.wechat_app_id, settings.wechat_aes_key,
                      settings.rasa_url + "/webhooks/wechat/webhook")


def run_load(settings: Settings, channel: str, replicas: int, readers: int,
             messages: int) -> Run:
    """`readers` conversations at once on `channel`, `messages` messages each."""
    run = Run(channel, replicas, readers)
    push = wechat_push(settings)

    async def everyone() -> None:
        limits = httpx.Limits(max_connections=readers, max_keepalive_connections=readers)
        async with httpx.AsyncClient(limits=limits) as client:
            started = time.perf_counter()
            if channel == "rest":
                await asyncio.gather(*(_rest_reader(client, settings, index, messages, run)
                                       for index in range(readers)))
            else:
                await asyncio.gather(*(_wechat_reader(client, push, index, messages, run)
                                       for index in range(readers)))
            run.seconds = time.perf_counter() - started

    asyncio.run(everyone())
    return run


def settle(settings: Settings) -> None:
    """Waits until the servers are idle again: a WeChat message answered "success" is
    still being handled after its reply, and the next run should not pay for it."""
    url = settings.rasa_url + "/webhooks/rest/webhook"
    deadline = time.monotonic() + SETTLE_DEADLINE_SECONDS
    with httpx.Client(timeout=REST_TIMEOUT_SECONDS) as client:
        while time.monotonic() < deadline:
            started = time.perf_counter()
            client.post(url, json={"sender": f"settle-{uuid.uuid4().hex[:12]}",
                                   "message": "你好"}, headers=settings.rest_headers)
            if time.perf_counter() - started < IDLE_REPLY_SECONDS:
                return
            time.sleep(1)
    print("warning: the servers were still busy after "
          f"{SETTLE_DEADLINE_SECONDS:.0f} s", file=sys.stderr)


def warm_up(settings: Settings, replicas: int) -> None:
    """A few conversations on each channel, so that first-turn costs are not measured."""
    for channel in CHANNELS:
        run_load(settings, channel, replicas, readers=4 * replicas, messages=2)
    settle(settings)


def measure(readers: tuple[int, ...], replicas: tuple[int, ...], messages: int,
            log_path: Path) -> list[Run]:
    base = load_settings()
    model = ensure_model(base)
    runs: list[Run] = []
    with tempfile.TemporaryDirectory() as var, \
            scratch_postgres_database("load_library") as library_url, \
            scratch_postgres_database("load_tracker") as tracker_url:
        prepare_library(library_url)
        for count in replicas:
            settings = dataclasses.replace(
                base, host="127.0.0.1", rasa_port=free_port(), action_port=free_port(),
                admin_port=free_port(), chat_port=free_port(), var_dir=Path(var),
                database_url=library_url, tracker_url=tracker_url, redis_url=LOAD_REDIS,
                wechat_token=WECHAT_TOKEN, wechat_app_id=WECHAT_APP_ID, wechat_app_secret="",
                wechat_aes_key=WECHAT_AES_KEY, wechat_api_base=WECHAT_API_NOBODY_ANSWERS)
            print(f"Starting {count} Rasa server(s) and action server(s) ...", file=sys.stderr)
            started = time.perf_counter()
            with log_path.open("a") as log, ScaleOut(settings, model, count, log) as deployment:
                deployment.start()
                print(f"  up after {time.perf_counter() - started:.0f} s", file=sys.stderr)
                warm_up(settings, count)
                for channel in CHANNELS:
                    for readers_now in readers:
                        run = run_load(settings, channel, count, readers_now, messages)
                        runs.append(run)
                        print(run.row(), file=sys.stderr, flush=True)
                        settle(settings)
    return runs


def capacity(runs: list[Run]) -> dict[int, float]:
    """Per replica count, the highest throughput (msg/s) of a run in which nothing failed:
    the rate at which the setup answers messages when it is never idle. The readers of
    the matrix wait all at once (a closed loop of 50 to 500), far more than a city's
    network has waiting at any moment, so the plan keeps the load well below this
    rate rather than looking for a row within WeChat's window (plan_lines)."""
    best: dict[int, float] = {}
    for run in runs:
        if not run.errors:
            best[run.replicas] = max(best.get(run.replicas, 0.0), run.throughput)
    return best


def per_core(fits: dict[int, float], cores: int) -> float:
    """Measured capacity per core: replicas beyond the cores share them."""
    return max((value / min(count, cores) for count, value in fits.items()), default=0.0)


def plan_lines(fits: dict[int, float], cores: int, plan: Plan = Plan()) -> list[str]:
    """The capacity plan's arithmetic with this run's figures (docs/deployment.md)."""
    c = per_core(fits, cores)
    r = plan.peak_messages_per_second
    lines = [
        f"Capacity plan for 南京共享图书馆 (main library and 12 district libraries; the "
        f"assumptions and the formula are in docs/deployment.md, \"How many replicas\"): "
        f"peak R = {plan.readers_per_day:,} readers/day × {plan.share_asking:.0%} asking × "
        f"{plan.messages_per_conversation:g} messages × {plan.peak_hour_share:.0%} in the peak "
        f"hour / 3600 s × burst {plan.burst_factor:g} = **{r:.2f} msg/s**; "
        f"capacity per core c = max(C / cores used) = **{c:.2f} msg/s**"]
    if c:
        n = plan.replicas(c)
        lines[0] += (f"; replicas N = ⌈R / ({plan.headroom:g} × c)⌉ + {plan.spare} = "
                     f"⌈{r:.2f} / {plan.headroom * c:.2f}⌉ + {plan.spare} = "
                     f"**{n}** (one per core). At that load each working replica is busy "
                     f"{r / ((n - plan.spare) * c):.0%} of the time; messages arriving at "
                     f"random then wait about {waiting_p95(r / (n - plan.spare), c):.1f} s "
                     "at the 95th percentile (M/M/1 estimate), inside WeChat's 5 s.")
    else:
        lines[0] += "; no run finished without errors, so no plan."
    return lines


def waiting_p95(arrivals: float, capacity: float) -> float:
    """95th percentile of the time a message spends in one replica (M/M/1: exponential
    with rate capacity − arrivals)."""
    return math.log(20) / (capacity - arrivals) if capacity > arrivals else math.inf


def section(runs: list[Run], messages: int, minutes: float) -> str:
    fits = capacity(runs)
    lines = [
        BEGIN,
        "### Load test: concurrent readers on 1, 2 and 4 replicas (REST and WeChat)",
        "",
        f"`python -m bench.load --write` (in `make bench`), "
        f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {platform.machine()}, "
        f"{os.cpu_count()} cores, {minutes:.0f} minutes. `bot.scale_out` with N Rasa "
        "servers and N action servers behind HAProxy on this one machine (PostgreSQL "
        "tracker store and library, Redis locks). Each reader is a conversation sending "
        f"{messages} message(s) of the bench mix one after another (the next once the "
        "previous is answered); all readers start at once. Throughput: answered messages "
        "per second of the run. Errors: HTTP errors, timeouts (REST 90 s, HAProxy "
        "answers 504 after 65 s), empty replies, the channels' apology for a turn that "
        "produced no reply, WeChat replies WeChat would refuse. "
        "WeChat: safe mode; a reply not ready after 4 s is answered \"success\" and sent "
        "later through the customer-service API, so the share answered passively within "
        "5 s is what readers feel.",
        "",
        "| channel | replicas | concurrent readers | messages | throughput msg/s | p50 ms "
        "| p95 ms | p99 ms | errors | WeChat answered passively ≤ 5 s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|---:|",
        *(run.row() for run in runs),
        "",
        "Capacity (used by the capacity plan in docs/deployment.md): per replica count, "
        "the highest throughput of a run without errors, i.e. the rate at which the "
        "setup answers when it is never idle.",
        "",
        "| replicas | capacity msg/s (C) |",
        "|---:|---:|",
        *(f"| {count} | {fits[count]:.1f} |" if count in fits else
          f"| {count} | none of the loads measured |"
          for count in sorted({run.replicas for run in runs})),
        "",
        *plan_lines(fits, os.cpu_count() or 1),
        END,
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        help=f"smoke test: readers {QUICK_READERS}, replicas {QUICK_REPLICAS}, "
                             f"{QUICK_MESSAGES} message each")
    parser.add_argument("--readers", type=int, nargs="+", help="concurrent readers")
    parser.add_argument("--replicas", type=int, nargs="+", help="replica counts")
    parser.add_argument("--messages", type=int, help="messages per reader")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()
    readers = tuple(args.readers or (QUICK_READERS if args.quick else READERS))
    replicas = tuple(args.replicas or (QUICK_REPLICAS if args.quick else REPLICAS))
    messages = args.messages or (QUICK_MESSAGES if args.quick else MESSAGES)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="jinling-load-") as logs:
        log_path = Path(logs) / "servers.log"
        try:
            runs = measure(readers, replicas, messages, log_path)
        except BaseException:
            if log_path.exists():
                print(log_path.read_text(errors="replace")[-4000:], file=sys.stderr)
            raise
    block = section(runs, messages, (time.perf_counter() - started) / 60)
    print(block)
    print(f"took {time.perf_counter() - started:.0f} s", file=sys.stderr)
    if args.write:
        replace_section(BEGIN, END, block)


if __name__ == "__main__":
    main()
