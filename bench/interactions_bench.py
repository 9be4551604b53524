"""Busy days through the fake Discord: the bot in its own process, members clicking flat out, figures from the
bot's side.

    python -m bench.interactions_bench load [--members 200] [--seconds 20] [--progress-share 0.2]
    python -m bench.interactions_bench cpu [--members 20] [--rounds 5]

The fake Discord runs here (body validation off: this process then costs well under the bot); the bot runs in
a child process (`bench/_botside.py`, started through `simulator/run_bot.py`) whose CPU and timings
are read from inside it, so they are the bot's alone.

`load`: `--members` members, each clicking as soon as its last answer came (a closed loop): answer, Next,
answer, ... through 20-question quizzes (a new /quiz when one ends), and any interaction is a `/progress`
with probability `--progress-share`, so a member's figures change between two of its charts. After a warm-up,
`--seconds` of it: interactions/s, answer-click p50/p99 inside the bot (interaction received → response
sent), `/progress` chart delivery p99 (received → follow-up with the chart delivered), deadline misses (no
callback within Discord's 3 s, seen by the fake), lost answers (a click with no answer at all, or a
feedback shown without its row in the database), busy replies and deferrals, bot CPU per interaction.
Then the same members at twice that rate in an open loop (arrivals at a fixed rate, whatever the answers).

`cpu`: bot CPU per interaction kind (/quiz, answer click, Next, /progress), each measured alone over
`--members` members × `--rounds`, beside a bare discord.py bot answering a button with an embed edit on the
same fake, in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import random
import signal
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from simulator import FakeDiscord, FakeDiscordError, FakeUser

ROOT = Path(__file__).resolve().parent.parent
DEADLINE = 3.0
TOKEN = "bench-token"
BUSY_WORD = "busy"


class LoadFake(FakeDiscord):
    """FakeDiscord whose waiters are checked once per change in one pass. The base class wakes every waiting
    task on every change; with 200 members in flight that costs this process more CPU than the bot."""

    def __init__(self, **options: Any) -> None:
        self._waiters: list[tuple[Callable[[], bool], asyncio.Future[None]]] = []
        self._check_pending = False
        super().__init__(**options)

    def _notify(self) -> None:
        super()._notify()
        if not self._check_pending and self._waiters:
            self._check_pending = True
            asyncio.get_running_loop().call_soon(self._check_waiters)

    def _check_waiters(self) -> None:
        self._check_pending = False
        waiting = []
        for predicate, future in self._waiters:
            if future.done():
                continue
            if predicate():
                future.set_result(None)
            else:
                waiting.append((predicate, future))
        self._waiters = waiting

    async def _wait_until(self, predicate: Callable[[], bool], timeout: float, what: str) -> None:  # noqa: ASYNC109
        if predicate():
            return
        future = asyncio.get_running_loop().create_future()
        self._waiters.append((predicate, future))
        try:
            await asyncio.wait_for(future, timeout)
        except TimeoutError:
            raise FakeDiscordError(f"timed out after {timeout}s waiting for {what}") from None


def new_fake(validate_bodies: bool = False) -> LoadFake:
    return LoadFake(validate_bodies=validate_bodies, deferred_timeout=60)


@dataclass
class Outcome:
    kind: str
    token: str | None = None
    response_type: int | None = None
    busy: bool = False
    failed: str | None = None
    fake_ack: float | None = None  # dispatch → callback, as the fake saw it
    acked_at: float | None = None  # the fake's loop time of the callback


def custom_ids(message: dict | None) -> list[str]:
    if not message:
        return []
    return [c["custom_id"] for row in message.get("components") or [] for c in row.get("components") or []
            if "custom_id" in c]


@dataclass
class Member:
    user: FakeUser
    message: dict | None = None
    answered: bool = False

    def next_kind(self, rng: random.Random, progress_share: float) -> str:
        if rng.random() < progress_share:
            return "progress"
        if self.message is None:
            return "quiz"
        return "next" if self.answered else "answer"


class Driver:
    def __init__(self, fake: LoadFake, channel: Any, members: list[Member], rng: random.Random) -> None:
        self.fake, self.channel, self.members, self.rng = fake, channel, members, rng
        self.outcomes: list[Outcome] = []  # the current run's
        self.history: list[Outcome] = []  # every run's, the warm-up's included

    async def act(self, member: Member, kind: str) -> Outcome:
        outcome = Outcome(kind)
        try:
            if kind == "quiz":
                result = await self.fake.slash(member.user, self.channel, "quiz", count=20)
            elif kind == "progress":
                result = await self.fake.slash(member.user, self.channel, "progress")
            elif kind == "bare":
                result = await self.fake.slash(member.user, self.channel, "bare")
            elif kind == "bare-click":
                result = await self.fake.click(member.user, member.message, custom_ids(member.message)[0])
            else:
                prefix = "quiz:" if kind == "answer" else "quiz-next:"
                choices = [i for i in custom_ids(member.message) if i.startswith(prefix)]
                if not choices:  # the message moved on (a busy reply kept the old state): start again
                    member.message, member.answered = None, False
                    return await self.act(member, "quiz")
                result = await self.fake.click(member.user, member.message, self.rng.choice(choices))
        except FakeDiscordError as error:
            outcome.failed = str(error)[:200]
            self.outcomes.append(outcome)
            self.history.append(outcome)
            return outcome
        state = self.fake.interactions[result.interaction_id]
        outcome.token = result.token
        outcome.response_type = result.type
        if state.responded_at is not None:
            outcome.fake_ack = state.responded_at - state.dispatched_at
            outcome.acked_at = state.responded_at
        result_type = result.type
        if result_type == 6:  # acknowledged in time, the edit follows: the member waits for it
            with contextlib.suppress(FakeDiscordError):
                await result.wait_for_update(timeout=30)
        message = result.message  # one read: each is a deep copy of the message in the fake
        ids = custom_ids(message)
        if result_type == 6 and message is not None and ids != custom_ids(member.message):
            result_type = 7
        outcome.busy = result_type == 4 and BUSY_WORD in ((message or {}).get("content") or "").lower()
        if kind == "answer" and result_type == 4 and not outcome.busy:
            member.answered = True  # "you already answered this one": go on with Next
        if not outcome.busy:
            if kind in ("quiz", "bare"):
                member.message, member.answered = message, False
            elif kind in ("answer", "next", "bare-click") and result_type == 7:
                member.message = message
                member.answered = kind == "answer" and any(i.startswith("quiz-next:") for i in ids)
                if kind == "next" and not any(i.startswith("quiz:") for i in ids):
                    member.message, member.answered = None, False  # the summary: a new quiz next time
        self.outcomes.append(outcome)
        self.history.append(outcome)
        return outcome


class Bot:
    """The bot's process and its stats file."""

    def __init__(self, fake: LoadFake, kind: str, database: Path, folder: Path,
                 environment: dict[str, str] | None = None) -> None:
        self.fake, self.kind, self.database = fake, kind, database
        self.environment = environment or {}
        self.stats_path = folder / f"{kind}-stats.json"
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        env = self.fake.subprocess_env(TOKEN)
        env["PYTHONPATH"] = str(ROOT)
        env.update(self.environment)
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "simulator.run_bot", "bench._botside:main", self.kind,
            str(self.database), str(self.stats_path), env=env, cwd=ROOT)
        before = len(self.fake.command_overwrites)
        deadline = time.monotonic() + 60
        while len(self.fake.command_overwrites) == before or not self.fake._ready_sessions():
            if time.monotonic() > deadline or self.process.returncode is not None:
                raise RuntimeError(f"the {self.kind} bot did not start")
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.3)

    async def stats(self) -> dict[str, Any]:
        assert self.process is not None
        with contextlib.suppress(FileNotFoundError):
            self.stats_path.unlink()
        self.process.send_signal(signal.SIGUSR1)
        deadline = time.monotonic() + 30
        while not self.stats_path.exists():
            if time.monotonic() > deadline:
                raise RuntimeError("the bot wrote no stats")
            await asyncio.sleep(0.02)
        return json.loads(self.stats_path.read_text())

    async def stop(self) -> None:
        if self.process and self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), 20)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


def cpu_delta(before: dict[str, Any], after: dict[str, Any]) -> dict[str, float]:
    """CPU seconds between two stats dumps, the first dump's own cost left out."""
    return {"process_cpu": after["process_cpu"] - before["process_cpu_end"],
            "main_thread_cpu": after["main_thread_cpu"] - before["main_thread_cpu_end"],
            "children_cpu": after["children_cpu"] - before["children_cpu"]}


def bot_timings(stats: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["token"]: r for r in stats["records"]}


def first_response(record: dict[str, Any]) -> float | None:
    callbacks = [s for s in record["sent"] if "callback" in s[0]]
    return (callbacks[0][1] - record["received"]) if callbacks else None


def delivery(record: dict[str, Any]) -> float | None:
    """Received → the last response delivered (the follow-up with the chart after a deferral)."""
    return (record["sent"][-1][2] - record["received"]) if record["sent"] else None


# ---- load ---------------------------------------------------------------------------------------------------


async def drain(tasks: set[asyncio.Task[Any]], seconds: float = 30) -> None:
    if tasks:
        await asyncio.wait(tasks, timeout=seconds)


async def closed_loop(driver: Driver, seconds: float, share: float) -> None:
    stop = time.monotonic() + seconds

    async def member_loop(member: Member) -> None:
        while time.monotonic() < stop:
            await driver.act(member, member.next_kind(driver.rng, share))

    await asyncio.gather(*(member_loop(m) for m in driver.members))


async def open_loop(driver: Driver, seconds: float, share: float, rate: float) -> int:
    """Arrivals at `rate` per second from idle members; returns how many arrivals found no idle member."""
    idle = list(driver.members)
    tasks: set[asyncio.Task[Any]] = set()
    skipped = 0

    async def one(member: Member) -> None:
        try:
            await driver.act(member, member.next_kind(driver.rng, share))
        finally:
            idle.append(member)

    start = time.monotonic()
    issued = 0
    while (now := time.monotonic()) < start + seconds:
        due = int((now - start) * rate) - issued
        for _ in range(due):
            issued += 1
            if not idle:
                skipped += 1
                continue
            member = idle.pop(driver.rng.randrange(len(idle)))
            task = asyncio.create_task(one(member))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        await asyncio.sleep(0.002)
    await drain(tasks)
    return skipped


def answers_in_db(database: Path) -> int:
    with sqlite3.connect(database) as conn:
        return conn.execute("SELECT COUNT(*) FROM answers").fetchone()[0]


def deadline_misses(fake: LoadFake, since: int) -> int:
    """Interactions dispatched since the snowflake `since` that got no callback within Discord's deadline."""
    missed = 0
    for iid, state in fake.interactions.items():
        if iid <= since:
            continue
        if state.responded_at is None or state.responded_at - state.dispatched_at > DEADLINE:
            missed += 1
    return missed


def summarize(label: str, outcomes: list[Outcome], stats: dict[str, Any], cpu: dict[str, float],
              window: tuple[float, float]) -> dict[str, Any]:
    timings = bot_timings(stats)
    handled = [o for o in outcomes if o.response_type is not None]
    seconds = window[1] - window[0]
    in_window = [o for o in handled if o.acked_at is not None and window[0] <= o.acked_at <= window[1]]

    def inside(kind: str, measure: Callable[[dict[str, Any]], float | None], *, busy: bool = False) -> list[float]:
        values = []
        for o in outcomes:
            if o.kind == kind and o.token in timings and o.busy == busy and o.response_type is not None:
                value = measure(timings[o.token])
                if value is not None:
                    values.append(value)
        return values

    clicks = inside("answer", first_response)
    charts = [v for o in outcomes if o.kind == "progress" and o.response_type == 5 and o.token in timings
              for v in [delivery(timings[o.token])] if v is not None]
    figures = {
        "label": label, "interactions": len(handled), "per_second": len(in_window) / seconds,
        "answer_p50": pct(clicks, 0.5), "answer_p99": pct(clicks, 0.99),
        "answer_e2e_p99": pct([o.fake_ack for o in outcomes if o.kind == "answer" and o.fake_ack], 0.99),
        "chart_p50": pct(charts, 0.5), "chart_p99": pct(charts, 0.99), "charts": len(charts),
        "failed": sum(1 for o in outcomes if o.failed),
        "busy": sum(o.busy for o in outcomes),
        "deferred": sum(o.response_type in (5, 6) for o in outcomes),
        "progress": sum(o.kind == "progress" for o in outcomes),
        "cpu_ms_per_interaction": cpu["process_cpu"] * 1000 / max(len(handled), 1),
        "loop_cpu_ms_per_interaction": cpu["main_thread_cpu"] * 1000 / max(len(handled), 1),
        "pool_cpu_ms_per_interaction": cpu["children_cpu"] * 1000 / max(len(handled), 1),
        "bot_cpu_share": (cpu["process_cpu"] + cpu["children_cpu"]) / cpu["wall"],
    }
    return figures


def print_figures(f: dict[str, Any]) -> None:
    print(f"  {f['label']}")
    print(f"    {f['per_second']:.0f} interactions/s answered in the window, {f['interactions']:,} in all "
          f"({f['progress']:,} /progress); busy replies {f['busy']:,}, deferred {f['deferred']:,}")
    print(f"    answer click inside the bot: p50 {f['answer_p50'] * 1000:.0f} ms, p99 {f['answer_p99'] * 1000:.0f} ms"
          f" (end to end as the fake saw it: p99 {f['answer_e2e_p99'] * 1000:.0f} ms)")
    print(f"    /progress chart delivered: p50 {f['chart_p50'] * 1000:.0f} ms, p99 {f['chart_p99'] * 1000:.0f} ms "
          f"({f['charts']:,} charts)")
    print(f"    deadline misses {f['deadline_misses']} (the fake's count: no callback within {DEADLINE:.0f} s), "
          f"interactions that failed for the member {f['failed']}")
    print(f"    bot CPU per interaction {f['cpu_ms_per_interaction']:.2f} ms (event loop thread "
          f"{f['loop_cpu_ms_per_interaction']:.2f} ms, chart processes {f['pool_cpu_ms_per_interaction']:.2f} ms);"
          f" the bot used {f['bot_cpu_share']:.2f} cores; this process (the fake) {f['fake_cpu_share']:.2f}")


async def load(args: argparse.Namespace) -> None:
    rng = random.Random(11)
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "bench.sqlite3"
        async with new_fake(args.validate_bodies) as fake:
            guild = fake.add_guild("Bench chapter")
            channel = fake.add_text_channel(guild, "study")
            members = [Member(fake.add_member(guild, f"member{i}")) for i in range(args.members)]
            # arrivals at twice the rate need members free to click: the open loop draws from a larger crowd
            crowd = members + [Member(fake.add_member(guild, f"member{i}"))
                               for i in range(args.members, args.members * args.crowd)]
            driver = Driver(fake, channel, members, rng)
            options = {}
            if args.chart_processes is not None:
                options["BENCH_CHART_PROCESSES"] = str(args.chart_processes)
            if args.no_chart_cache:
                options["BENCH_CHART_CACHE"] = "0"
            bot = Bot(fake, "study", database, Path(folder), options)
            await bot.start()
            try:
                await closed_loop(driver, args.warmup, args.progress_share)
                runs = []
                before = await bot.stats()
                for label, rate in ((f"flat out, {args.members} members (closed loop)", None),
                                    (f"twice the saturation rate, {len(crowd)} members (open loop)", 0)):
                    driver.outcomes = []
                    fake_cpu = time.process_time()
                    since = max(fake.interactions, default=0)
                    started = time.monotonic()
                    skipped = 0
                    if rate is None:
                        await closed_loop(driver, args.seconds, args.progress_share)
                    else:
                        rate = 2 * runs[0]["per_second"]
                        label = f"{label}: {rate:.0f} arrivals/s"
                        driver.members = crowd
                        skipped = await open_loop(driver, args.seconds, args.progress_share, rate)
                    after = await bot.stats()
                    wall = time.monotonic() - started
                    cpu_used = {**cpu_delta(before, after), "wall": wall}
                    figures = summarize(label, driver.outcomes, after, cpu_used,
                                        (started, started + args.seconds))
                    figures["fake_cpu_share"] = (time.process_time() - fake_cpu) / wall
                    figures["deadline_misses"] = deadline_misses(fake, since)
                    figures["skipped"] = skipped
                    before = after
                    runs.append(figures)
                    await asyncio.sleep(1)
            finally:
                await bot.stop()
            rows = answers_in_db(database)
    acknowledged = sum(1 for o in driver.history if o.kind == "answer" and o.response_type in (6, 7))
    unanswered = sum(1 for o in driver.history if o.kind == "answer" and o.response_type is None)
    print(f"interactions through the fake Discord · {args.members} members, 1 in {round(1 / args.progress_share)}"
          f" interactions a /progress, {args.seconds:.0f} s per run · {os.cpu_count()} cores, load "
          f"{os.getloadavg()[0]:.2f}")
    for figures in runs:
        print_figures(figures)
        if figures.get("skipped"):
            print(f"    {figures['skipped']:,} arrivals found every member waiting (not sent)")
    lost = unanswered + max(acknowledged - rows, 0)
    print(f"  lost answers over all runs: {unanswered} clicks without any answer, "
          f"{max(acknowledged - rows, 0)} feedbacks shown without their row ({acknowledged:,} shown, {rows:,} rows)")
    flat, double = runs
    verdicts = [
        ("flat out: ≥ 400 interactions/s", flat["per_second"] >= 400),
        ("flat out: answer-click p99 ≤ 250 ms inside the bot", flat["answer_p99"] <= 0.25),
        ("flat out: charts p99 ≤ 2 s", flat["chart_p99"] <= 2.0),
        ("2× the rate: 0 deadline misses", double["deadline_misses"] == 0),
        ("0 lost answers", lost == 0),
    ]
    print("  goals: " + "; ".join(f"{goal}: {'reached' if ok else 'NOT reached'}" for goal, ok in verdicts))


# ---- cpu ----------------------------------------------------------------------------------------------------


async def phase(bot: Bot, driver: Driver, kind: str, members: list[Member], concurrency: int) -> dict[str, float]:
    before = await bot.stats()
    semaphore = asyncio.Semaphore(concurrency)
    counted: list[Outcome] = []

    async def one(member: Member) -> None:
        async with semaphore:
            counted.append(await driver.act(member, kind))

    await asyncio.gather(*(one(m) for m in members))
    after = await bot.stats()
    delta = cpu_delta(before, after)
    n = len([o for o in counted if o.response_type is not None])
    failed = len(counted) - n
    return {"n": n, "failed": failed, "busy": sum(o.busy for o in counted),
            **{k: v * 1000 / max(n, 1) for k, v in delta.items()}}


async def cpu(args: argparse.Namespace) -> None:
    rng = random.Random(12)
    results: dict[str, list[dict[str, float]]] = {}
    with tempfile.TemporaryDirectory() as folder:
        async with new_fake(False) as fake:
            guild = fake.add_guild("Bench chapter")
            channel = fake.add_text_channel(guild, "study")
            members = [Member(fake.add_member(guild, f"member{i}")) for i in range(args.members)]
            for kind in ("bare", "study"):
                for m in members:
                    m.message, m.answered = None, False
                driver = Driver(fake, channel, members, rng)
                bot = Bot(fake, kind, Path(folder) / f"{kind}.sqlite3", Path(folder))
                await bot.start()
                try:
                    if kind == "bare":
                        await phase(bot, driver, "bare", members, args.concurrency)
                        for _ in range(args.rounds * 2):
                            results.setdefault("bare button → embed edit", []).append(
                                await phase(bot, driver, "bare-click", members, args.concurrency))
                        continue
                    # warm-up: every code path once, caches filled
                    await phase(bot, driver, "quiz", members, args.concurrency)
                    await phase(bot, driver, "answer", members, args.concurrency)
                    await phase(bot, driver, "next", members, args.concurrency)
                    await phase(bot, driver, "progress", members, args.concurrency)
                    for _ in range(args.rounds):
                        results.setdefault("/quiz", []).append(
                            await phase(bot, driver, "quiz", members, args.concurrency))
                        results.setdefault("answer click", []).append(
                            await phase(bot, driver, "answer", members, args.concurrency))
                        results.setdefault("Next", []).append(
                            await phase(bot, driver, "next", members, args.concurrency))
                        bot.process.send_signal(signal.SIGUSR2)  # behind: what shedding an answer click costs
                        await asyncio.sleep(0.1)
                        results.setdefault("answer click answered busy", []).append(
                            await phase(bot, driver, "answer", members, args.concurrency))
                        bot.process.send_signal(signal.SIGUSR2)
                        await asyncio.sleep(0.1)
                        results.setdefault("/progress", []).append(
                            await phase(bot, driver, "progress", members, args.concurrency))
                        await phase(bot, driver, "answer", members, args.concurrency)  # new figures each time
                finally:
                    await bot.stop()
    print(f"bot CPU per interaction through the fake Discord · {args.members} members, {args.rounds} rounds, "
          f"{args.concurrency} at a time · {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}")
    print(f"  {'interaction':28} {'n':>5} {'process ms':>11} {'loop thread ms':>15} {'chart procs ms':>15}")
    summary: dict[str, float] = {}
    for label, runs in results.items():
        n = sum(r["n"] for r in runs)
        per = {k: statistics.median(r[k] for r in runs) for k in ("process_cpu", "main_thread_cpu", "children_cpu")}
        summary[label] = per["main_thread_cpu"]
        summary[label + " process"] = per["process_cpu"]
        failed = sum(r["failed"] for r in runs)
        note = f"  ({failed} failed)" if failed else ""
        print(f"  {label:28} {n:>5} {per['process_cpu']:>11.2f} {per['main_thread_cpu']:>15.2f}"
              f" {per['children_cpu']:>15.2f}{note}")
    bare = summary["bare button → embed edit process"]
    click = summary["answer click process"]
    print(f"  answer click / bare bot: {click / bare:.2f}× (goal ≤ 2×); Next / bare: "
          f"{summary['Next process'] / bare:.2f}×")
    print(f"  /progress on the event loop's thread / answer click: "
          f"{summary['/progress'] / summary['answer click']:.1f}× (goal ≤ 10×)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p_load = sub.add_parser("load")
    p_load.add_argument("--members", type=int, default=200)
    p_load.add_argument("--seconds", type=float, default=20)
    p_load.add_argument("--warmup", type=float, default=5)
    p_load.add_argument("--progress-share", type=float, default=0.2)
    p_load.add_argument("--crowd", type=int, default=5, help="the open loop draws from this many times --members")
    p_load.add_argument("--chart-processes", type=int, help="0: charts in a thread of the bot (default: 1 process)")
    p_load.add_argument("--no-chart-cache", action="store_true")
    p_load.add_argument("--validate-bodies", action="store_true",
                        help="keep the fake's message-body checks on (they cost the fake CPU)")
    p_cpu = sub.add_parser("cpu")
    p_cpu.add_argument("--members", type=int, default=20)
    p_cpu.add_argument("--rounds", type=int, default=5)
    p_cpu.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    asyncio.run(load(args) if args.command == "load" else cpu(args))


if __name__ == "__main__":
    main()
