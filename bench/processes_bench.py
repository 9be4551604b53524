"""Past one process, side by side in one run: the quiz's answers/s and next-pick p99 on SQLite and on PostgreSQL,
and reminder DMs/s with one and with two bot processes under Discord's 50 requests/s.

    python -m bench.processes_bench [--dms 5000] [--rtt-dms 1000] [--rtt-ms 80] [--skip-quiz] [--skip-dms]

Quiz: bench/quiz_bench.py's measurement (QuizService.plan for the pick, 50 members clicking through
QuizService.answer) on one filled database, first the SQLite file, then the same rows in a throw-away
PostgreSQL cluster (.ci/postgres, the one the tests use), when this build has the PostgreSQL backend.

Reminder DMs: the real bot as one process (`python bot.py`, every shard) or as two (`--shards 0 --shard-count 2`
and `--shards 1 --shard-count 2`) on one SQLite file in WAL mode, against the Discord simulator in this process
answering like Discord at 50 requests/s (global 429s above). `--dms` reminders, each member's DM channel id stored
(as after their first DM), all due at once. Then again with `--rtt-ms` added to every REST answer (a round trip to
Discord): one DM in flight per process (`reminders.dms_in_flight = 1`, the default) is what bounds a process
there, and a second process doubles it. Each run counts lost (never arrived), doubled (arrived twice), the 429s
and the busiest second as the simulator counted it.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import logging
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from db import reminders
from db.connection import Database
from simulator import FakeDiscord
from tests.bot_process import start_bot_process, stop_bot_process, write_config

ROOT = Path(__file__).resolve().parent.parent
ONE = [[]]
TWO = [["--shards", "0", "--shard-count", "2"], ["--shards", "1", "--shard-count", "2"]]


@dataclass
class DmRun:
    processes: int
    rtt_ms: float
    dms: int
    seconds: float
    lost: int
    doubled: int
    limited: int
    peak: int

    @property
    def per_second(self) -> float:
        return (self.dms - self.lost) / self.seconds if self.seconds else 0.0


async def reminder_run(dms: int, layout: list[list[str]], rtt_ms: float, members: int = 500) -> DmRun:
    with tempfile.TemporaryDirectory(prefix="processes-bench-") as folder:
        database = Path(folder) / "bench.sqlite3"
        config = write_config(Path(folder), database)
        async with FakeDiscord() as fake:
            guild = fake.add_guild("Bench chapter")
            fake.add_text_channel(guild, "study")
            users = [fake.add_member(guild, f"member{n}") for n in range(min(members, dms))]
            db = await Database.open(database)
            now = dt.datetime.now(dt.UTC)
            for user in users:
                await reminders.set_dm_channel(db, user.id, fake._dm_channel_for(user).id, now)
            due = now + dt.timedelta(seconds=20)  # the processes start and sync before the burst
            for n in range(dms):
                await reminders.add(db, guild_id=guild.id, user_id=users[n % len(users)].id, kind="once",
                                    text=f"bench {n}", due_at=due, now=now, cap=None)
            await db.close()
            fake.set_rate_limit(50)
            fake.response_delay = rtt_ms / 1000
            processes = [await start_bot_process(fake, config, Path(folder) / f"bot{n}.log", args=args)
                         for n, args in enumerate(layout)]
            try:
                expected = {f"⏰ Reminder: bench {n}" for n in range(dms)}

                def arrived() -> Counter:
                    return Counter(m["content"] for u in users for m in fake.dm_messages(u))

                limit = time.monotonic() + 60 + dms / 5
                first = last = None
                while time.monotonic() < limit:
                    counts = arrived()
                    if counts and first is None:
                        first = time.monotonic()
                    if set(counts) >= expected:
                        last = time.monotonic()
                        break
                    await asyncio.sleep(0.25)
                await asyncio.sleep(2)  # a late double would show now
                counts = arrived()
            finally:
                for process in processes:
                    await stop_bot_process(process)
            seconds = ((last or time.monotonic()) - (first or time.monotonic()))
            return DmRun(len(layout), rtt_ms, dms, seconds, len(expected - set(counts)),
                         sum(n - 1 for n in counts.values() if n > 1), fake.global_429s(),
                         fake.peak_requests_per_second())


async def _quiz_on(target: Path | str, content, args: argparse.Namespace) -> dict[str, float]:
    """quiz_bench's pick and answer measurements on the database at `target` (a file, or a PostgreSQL URL)."""
    import datetime as _dt
    import random

    from bench import quiz_bench
    from services.catalog import QuestionCatalog
    from services.quiz import QuizService

    rng = random.Random(7)
    db = await Database.open(target)  # type: ignore[arg-type]  # a URL once db/ opens PostgreSQL
    try:
        service = QuizService(db, QuestionCatalog(content, db), idle=_dt.timedelta(minutes=15), rng=random.Random(7))
        timings = await quiz_bench.bench_pick(service, content, args.members, args.picks, rng)
        answers = await quiz_bench.bench_answers(db, service, content, 50, args.answers, rng)
    finally:
        await db.close()
    every = [t for values in timings.values() for t in values]
    return {"answers_per_s": answers["per_s"], "pick_p99_ms": quiz_bench.percentile(every, 0.99),
            "lost": answers["lost"]}


def _postgres_copy(path: Path) -> tuple[str | None, str, Path | None]:
    """A throw-away cluster (.ci/postgres) holding a copy of the filled SQLite file (db migrate-to): (URL, why
    not, the cluster's folder to stop)."""
    import os
    import subprocess

    script = ROOT / ".ci" / "postgres"
    if not script.exists():
        return None, "no .ci/postgres in this build", None
    started = subprocess.run(["bash", str(script), "start"], capture_output=True, text=True, check=False)
    if started.returncode != 0:
        return None, f"the throw-away cluster did not start: {started.stderr.strip()[:200]}", None
    env = dict(line.removeprefix("export ").split("=", 1) for line in started.stdout.split("\n")
               if line.startswith("export "))
    url, folder = env["STUDYBOT_TEST_PG_URL"].strip("'\""), Path(env["STUDYBOT_PG_DIR"].strip("'\""))
    copied = subprocess.run([sys.executable, "bot.py", "db", "migrate-to", url, "--from", str(path)],
                            cwd=ROOT, capture_output=True, text=True, check=False,
                            env={**os.environ, "DISCORD_TOKEN": ""})
    if copied.returncode != 0:
        return None, f"db migrate-to failed: {(copied.stderr or copied.stdout).strip()[-200:]}", folder
    return url, "", folder


def quiz_figures(args: argparse.Namespace) -> list[str]:
    """The quiz bench on a filled SQLite file, then on the same rows in PostgreSQL: one line per backend."""
    import random
    import subprocess

    from bench import quiz_bench

    content = quiz_bench.synthetic_content(args.questions)
    lines = []
    with tempfile.TemporaryDirectory(prefix="processes-bench-quiz-") as folder:
        path = Path(folder) / "quiz.sqlite3"
        asyncio.run(quiz_bench.migrate(path))
        quiz_bench.fill(path, quiz_bench.history(content, args.members, args.answers_per_member, random.Random(7)))
        url, why, cluster = _postgres_copy(path)  # before the SQLite run writes its answers into the file
        for backend, target in (("sqlite", path), ("postgresql", url)):
            if target is None:
                lines.append(f"  {backend:<11} not measured: {why}")
                continue
            try:
                figures = asyncio.run(_quiz_on(target, content, args))
            except Exception as error:  # the PostgreSQL backend of db/ may not be in this build yet
                why = (f"{type(error).__name__}: {str(error)[:120]}" if isinstance(target, Path)
                       else f"this build's db/ does not open a PostgreSQL URL ({type(error).__name__})")
                lines.append(f"  {backend:<11} not measured: {why}")
                continue
            lines.append(f"  {backend:<11}{figures['answers_per_s']:>12,.0f}{figures['pick_p99_ms']:>14.2f}"
                         f"{figures['lost']:>6}")
        if cluster is not None:
            subprocess.run(["bash", str(ROOT / ".ci" / "postgres"), "stop", str(cluster)], check=False,
                           capture_output=True)
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.processes_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--dms", type=int, default=5000, help="reminders due at once in the runs without latency")
    parser.add_argument("--rtt-dms", type=int, default=1000, help="reminders in the runs with a round trip added")
    parser.add_argument("--rtt-ms", type=float, default=80.0)
    parser.add_argument("--questions", type=int, default=10_000, help="quiz: questions in the bank")
    parser.add_argument("--members", type=int, default=300, help="quiz: members with answer history")
    parser.add_argument("--answers-per-member", type=int, default=500)
    parser.add_argument("--picks", type=int, default=1_000, help="quiz: next-question picks timed")
    parser.add_argument("--answers", type=int, default=10_000, help="quiz: answers clicked by 50 members")
    parser.add_argument("--skip-quiz", action="store_true")
    parser.add_argument("--skip-dms", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    if not args.skip_quiz:
        print(f"Quiz: answers/s (50 members clicking) and next-pick p99; {args.questions:,} questions, "
              f"{args.members * args.answers_per_member:,} answers, the same rows on each backend")
        print(f"  {'backend':<11}{'answers/s':>12}{'pick p99 ms':>14}{'lost':>6}", flush=True)
        for line in quiz_figures(args):
            print(line, flush=True)
    if args.skip_dms:
        return 0
    print()
    print("Reminder DMs under Discord's 50 requests/s (simulator: global 429s above), one SQLite file in WAL mode")
    print(f"  {'processes':>9}{'RTT ms':>8}{'DMs':>7}{'seconds':>9}{'DMs/s':>8}{'lost':>6}{'doubled':>9}"
          f"{'429s':>6}{'peak req/s':>12}")
    runs = [(args.dms, ONE, 0.0), (args.dms, TWO, 0.0), (args.rtt_dms, ONE, args.rtt_ms),
            (args.rtt_dms, TWO, args.rtt_ms)]
    failed = False
    for dms, layout, rtt in runs:
        run = asyncio.run(reminder_run(dms, layout, rtt))
        failed |= bool(run.lost or run.doubled or run.limited)
        print(f"  {run.processes:>9}{run.rtt_ms:>8.0f}{run.dms:>7,}{run.seconds:>9.1f}{run.per_second:>8.1f}"
              f"{run.lost:>6}{run.doubled:>9}{run.limited:>6}{run.peak:>12}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
