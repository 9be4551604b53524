"""Reminder engine benchmark: the durable dispatcher against one APScheduler date job per reminder.

    python -m bench.reminders_bench [--pending 1000000] [--naive 100000] [--burst 10000]

Builds a throw-away SQLite file with `--pending` future reminders (plus a few rows a "crashed" run left in
flight), then measures, in one process and one event loop:

- start-up: open the database, recover in-flight rows, arm the timer (until the dispatcher first sleeps);
- added memory: RSS delta and tracemalloc (Python heap) delta across start-up;
- event-loop stall: the worst lateness of a 5 ms ticker task running throughout;
- burst: `--burst` reminders due in the same wall-clock second, no-op sender: due → handed-to-sender
  p50/p99/max and how many were missed;

and the same figures for the naive design (AsyncIOScheduler, default job settings, one `date` job per
pending reminder re-added at boot from the same table) with `--naive` jobs, since a million is too slow.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import gc
import random
import sqlite3
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from db import reminders
from db.connection import Database
from scheduling.clock import SystemClock
from scheduling.dispatcher import DeliveryOutcome, ReminderDispatcher

GOALS = {"startup_ms": 50.0, "added_mb": 30.0, "stall_ms": 50.0, "p99_ms": 250.0}


def rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource  # not Linux: the peak is the best we have

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Ticker:
    """A task that wants to run every 5 ms; its worst lateness is the longest event-loop stall."""

    def __init__(self, interval: float = 0.005) -> None:
        self.interval = interval
        self.worst = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(self.interval)
            self.worst = max(self.worst, time.perf_counter() - before - self.interval)

    def reset(self) -> None:
        self.worst = 0.0

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)


# ---- the database -------------------------------------------------------------------------------------------

def build_database(path: Path, pending: int, now: int, seed: int = 7) -> None:
    """Migrate, then bulk-load with sqlite3 directly: indexes dropped, one transaction, rebuilt after."""
    async def migrate() -> None:
        await (await Database.open(path)).close()

    asyncio.run(migrate())
    rng = random.Random(seed)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")
    indexes = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'reminders' AND sql IS NOT NULL"
    ).fetchall()
    conn.execute("BEGIN")
    for name, _ in indexes:
        conn.execute(f"DROP INDEX {name}")
    weekly = '{"time":"19:30","days":[0,2,4]}'
    year = 365 * 86400

    def rows():
        for i in range(pending):
            due = now + 60 + rng.randrange(year)
            recurring = i % 4 == 0
            yield (1000 + i % 50, 10**17 + rng.randrange(pending // 5 + 1), "study" if recurring else "once",
                   "revise the MPR chapter", due, due, "Europe/Berlin", weekly if recurring else None, now)

    conn.executemany(
        "INSERT INTO reminders (guild_id, user_id, kind, text, due_at, occurrence_at, timezone, recurrence,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows(),
    )
    # a crashed run left 200 rows in flight, half of them already delivered
    base = conn.execute("SELECT COALESCE(MAX(id), 0) FROM reminders").fetchone()[0]
    conn.executemany(
        "INSERT INTO reminders (id, guild_id, user_id, kind, text, due_at, occurrence_at, state, claimed_at,"
        " created_at) VALUES (?, 1, ?, 'once', 'half-sent', ?, ?, 'in_flight', ?, ?)",
        [(base + 1 + i, i, now - 30, now - 30, now - 29, now - 3600) for i in range(200)],
    )
    conn.executemany("INSERT INTO reminder_deliveries VALUES (?, ?, ?)",
                     [(base + 1 + i, now - 30, now - 29) for i in range(0, 200, 2)])
    for _, sql in indexes:
        conn.execute(sql)
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


# ---- the engine ---------------------------------------------------------------------------------------------

class NoopSender:
    def __init__(self) -> None:
        self.handed: dict[int, float] = {}
        self.expect = 0
        self.all_handed = asyncio.Event()

    async def deliver(self, reminder: reminders.Reminder) -> DeliveryOutcome:
        self.handed[reminder.id] = time.time()
        if self.expect and len(self.handed) >= self.expect:
            self.all_handed.set()
        return DeliveryOutcome.delivered()


async def wait_for(event: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(event.wait(), seconds)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def wait_until_second(lead: float) -> int:
    """An integer unix second at least `lead` seconds away."""
    return int(time.time() + lead) + 1


async def bench_engine(path: Path, burst: int, ticker: Ticker, trace: bool) -> dict[str, float | str]:
    gc.collect()
    if trace:
        tracemalloc.start()
    heap0 = tracemalloc.get_traced_memory()[0] if trace else 0
    rss0 = rss_mb()
    ticker.reset()
    t0 = time.perf_counter()
    db = await Database.open(path)
    sender = NoopSender()
    dispatcher = ReminderDispatcher(db, SystemClock(), sender)
    await dispatcher.start()
    t_started = time.perf_counter()
    await dispatcher.wait_idle()  # recovered rows sent, next due armed
    t_armed = time.perf_counter()
    result: dict[str, float | str] = {
        "startup_ms": (t_started - t0) * 1000,
        "armed_ms": (t_armed - t0) * 1000,
        "added_mb": rss_mb() - rss0,
        "stall_ms": ticker.worst * 1000,
        "recovered": f"{dispatcher.stats.recovered_requeued} requeued, {dispatcher.stats.recovered_finalized} "
                     f"finalized, {len(sender.handed)} resent",
    }
    if trace:
        result["heap_mb"] = (tracemalloc.get_traced_memory()[0] - heap0) / 2**20
        tracemalloc.stop()
    if burst:
        sender.handed.clear()
        sender.expect = burst
        due = await wait_until_second(1.5)
        async with db.transaction() as conn:
            await conn.executemany(
                "INSERT INTO reminders (guild_id, user_id, kind, text, due_at, occurrence_at, created_at)"
                " VALUES (1, ?, 'once', 'burst', ?, ?, ?)",
                [(i, due, due, due - 2) for i in range(burst)],
            )
        dispatcher.wake()
        ticker.reset()
        await wait_for(sender.all_handed, due + 10 - time.time())
        await dispatcher.wait_idle()
        lags = [(handed - due) * 1000 for handed in sender.handed.values()]
        result.update(burst_stall_ms=ticker.worst * 1000, p50_ms=percentile(lags, 0.5), p99_ms=percentile(lags, 0.99),
                      max_ms=max(lags, default=float("nan")), missed=burst - len(sender.handed),
                      sent_rows=await db.fetch_value("SELECT COUNT(*) FROM reminders WHERE text = 'burst'"
                                                     " AND state = 'sent'"))
    await dispatcher.stop()
    await db.close()
    return result


# ---- the naive design ---------------------------------------------------------------------------------------

async def bench_naive(path: Path, jobs: int, burst: int, ticker: Ticker, trace: bool) -> dict[str, float | str]:
    from apscheduler.events import EVENT_JOB_MISSED
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    finished = asyncio.Event()

    async def remind(reminder_id: int, handed: dict[int, float]) -> None:
        handed[reminder_id] = time.time()
        if reminder_id < 0 and len(handed) + len(missed) >= burst:
            finished.set()

    gc.collect()
    if trace:
        tracemalloc.start()
    heap0 = tracemalloc.get_traced_memory()[0] if trace else 0
    rss0 = rss_mb()
    handed: dict[int, float] = {}
    missed: list[int] = []
    ticker.reset()
    t0 = time.perf_counter()
    scheduler = AsyncIOScheduler(timezone=dt.UTC)  # default job settings: misfire_grace_time=1 s, coalesce

    def on_missed(event: object) -> None:
        missed.append(1)
        if len(handed) + len(missed) >= burst:
            finished.set()

    scheduler.add_listener(on_missed, EVENT_JOB_MISSED)
    scheduler.start()
    db = await Database.open(path)
    rows = await db.fetch_all("SELECT id, due_at FROM reminders WHERE state = 'pending' ORDER BY id LIMIT ?",
                              (jobs,))
    for row in rows:  # what a bot does in setup_hook: every pending reminder becomes a job
        scheduler.add_job(remind, "date", run_date=dt.datetime.fromtimestamp(row["due_at"], dt.UTC),
                          args=(row["id"], handed), id=str(row["id"]))
    t_armed = time.perf_counter()
    await asyncio.sleep(0.05)  # let the scheduler's wakeup run
    result: dict[str, float | str] = {
        "startup_ms": (t_armed - t0) * 1000,
        "armed_ms": (t_armed - t0) * 1000,
        "added_mb": rss_mb() - rss0,
        "stall_ms": ticker.worst * 1000,
        "recovered": "n/a (no in-flight state: a crash mid-send is invisible)",
    }
    if trace:
        result["heap_mb"] = (tracemalloc.get_traced_memory()[0] - heap0) / 2**20
        tracemalloc.stop()
    if burst:
        due = await wait_until_second(2.5)
        ticker.reset()
        run_date = dt.datetime.fromtimestamp(due, dt.UTC)
        for i in range(burst):
            scheduler.add_job(remind, "date", run_date=run_date, args=(-1 - i, handed), id=f"burst-{i}")
        handed.clear()
        await wait_for(finished, due + 10 - time.time())
        lags = [(at - due) * 1000 for rid, at in handed.items() if rid < 0]
        result.update(burst_stall_ms=ticker.worst * 1000, p50_ms=percentile(lags, 0.5), p99_ms=percentile(lags, 0.99),
                      max_ms=max(lags, default=float("nan")), missed=burst - len(lags), sent_rows="n/a")
    scheduler.shutdown(wait=False)
    await db.close()
    return result


# ---- the report ---------------------------------------------------------------------------------------------

def fmt(value: float | str | None, unit: str = "") -> str:
    if value is None:
        return "-"
    if isinstance(value, str):
        return value
    return f"{value:,.1f}{unit}" if isinstance(value, float) else f"{value:,}{unit}"


def verdict(value: float | str | None, goal: float) -> str:
    return "" if not isinstance(value, int | float) else ("ok" if value <= goal else "OVER")


def report(pending: int, naive_jobs: int, burst: int, engine: dict, naive: dict, build_s: float) -> str:
    lines = [
        f"reminder engine benchmark · python {sys.version.split()[0]} · sqlite {sqlite3.sqlite_version}",
        f"database: {pending:,} pending reminders + 200 left in flight (100 already delivered), "
        f"built in {build_s:.1f} s",
        f"naive: APScheduler 3 AsyncIOScheduler, one date job per reminder, {naive_jobs:,} jobs "
        f"({naive_jobs / pending:.0%} of the engine's rows; its figures grow with N), default misfire_grace_time=1 s",
        "",
        f"{'figure':<44}{'engine (' + format(pending, ',') + ')':>22}{'naive (' + format(naive_jobs, ',') + ')':>22}"
        f"{'goal':>10}{'':>6}",
    ]
    rows = [
        ("start-up: open + recover + start() returns", "startup_ms", " ms", GOALS["startup_ms"]),
        ("start-up until the timer is armed", "armed_ms", " ms", None),
        ("added memory, RSS delta", "added_mb", " MB", GOALS["added_mb"]),
        ("added memory, Python heap (tracemalloc)", "heap_mb", " MB", GOALS["added_mb"]),
        ("max event-loop stall during start-up", "stall_ms", " ms", GOALS["stall_ms"]),
        (f"burst {burst:,} due same second: p50 due→sender", "p50_ms", " ms", None),
        (f"burst {burst:,} due same second: p99 due→sender", "p99_ms", " ms", GOALS["p99_ms"]),
        (f"burst {burst:,} due same second: max due→sender", "max_ms", " ms", None),
        (f"burst {burst:,}: missed (never handed over)", "missed", "", 0),
        ("burst: rows recorded sent in the database", "sent_rows", "", None),
        ("max event-loop stall during the burst", "burst_stall_ms", " ms", GOALS["stall_ms"]),
    ]
    for label, key, unit, goal in rows:
        value = engine.get(key)
        goal_text = "" if goal is None else (f"≤ {goal:g}{unit}" if goal else "0")
        lines.append(f"{label:<44}{fmt(value, unit):>22}{fmt(naive.get(key), unit):>22}{goal_text:>10}"
                     f"{'' if goal is None else verdict(value, goal):>6}")
    lines += ["", f"in-flight recovery: engine {engine['recovered']}; naive {naive['recovered']}"]
    if isinstance(naive.get("added_mb"), float) and naive_jobs < pending:
        scale = pending / naive_jobs
        lines.append(f"naive extrapolated to {pending:,} jobs (×{scale:g}): "
                     f"~{naive['startup_ms'] * scale / 1000:,.1f} s start-up (all of it a loop stall), "
                     f"~{naive['added_mb'] * scale:,.0f} MB RSS")
    return "\n".join(lines)


async def run(path: Path, pending: int, naive_jobs: int, burst: int) -> tuple[dict, dict]:
    ticker = Ticker()
    ticker.start()
    await asyncio.sleep(0.02)
    engine = await bench_engine(path, burst, ticker, trace=False)
    engine["heap_mb"] = (await bench_engine(path, 0, ticker, trace=True))["heap_mb"]
    naive = await bench_naive(path, naive_jobs, burst, ticker, trace=False)
    naive["heap_mb"] = (await bench_naive(path, naive_jobs, 0, ticker, trace=True))["heap_mb"]
    await ticker.stop()
    return engine, naive


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pending", type=int, default=1_000_000, help="pending reminders for the engine")
    parser.add_argument("--naive", type=int, default=100_000, help="jobs for the naive APScheduler design")
    parser.add_argument("--burst", type=int, default=10_000, help="reminders due in the same second")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="reminders-bench-") as folder:
        path = Path(folder) / "bench.sqlite3"
        started = time.perf_counter()
        build_database(path, args.pending, int(time.time()))
        build_s = time.perf_counter() - started
        engine, naive = asyncio.run(run(path, args.pending, min(args.naive, args.pending), args.burst))
    print(report(args.pending, min(args.naive, args.pending), args.burst, engine, naive, build_s))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
