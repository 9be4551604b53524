"""/progress for a heavy member: figures from SQL, the PNG chart and the embed, timed together.

    python -m bench.progress_bench [--answers 100000] [--days 365] [--runs 20]

Builds a throw-away SQLite file through the real migrations: one member with `--answers` answers spread over
`--days` days (questions, modules and topics from the shipped bank, 70% right), their cards and topic
tallies, plus 50,000 answers of other members and another guild so the indexes have something to skip.
Then times what /progress does between the interaction and the reply: ProgressService.progress (every SQL
aggregate), the chart PNG and the embed. The goal is under 200 ms at the median; the first (cold) run and
p95 are printed too. `--days 30` puts every answer inside the 30-day window, the worst case for the
"last 30 days" figures.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from cogs.ui.progress_views import progress_embed
from db.connection import Database
from services.catalog import QuestionCatalog
from services.progress import ProgressService
from study.content import load_content

GOAL_MS = 200.0
ROOT = Path(__file__).resolve().parent.parent
GUILD, MEMBER = 1, 42
NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


def populate(path: Path, content, answers: int, days: int, rng: random.Random) -> None:
    questions = list(content.bank.questions.values())
    now = int(NOW.timestamp())
    span = days * 86_400
    with sqlite3.connect(path) as conn:
        rows = []
        stats: dict[tuple[str, str], list[int]] = {}
        for _ in range(answers):
            q = rng.choice(questions)
            right = rng.random() < 0.7
            rows.append((GUILD, MEMBER, q.id, q.module, q.topic, int(right), "quiz", now - rng.randrange(span)))
            tally = stats.setdefault((q.module, q.topic), [0, 0])
            tally[0] += 1
            tally[1] += right
        for _ in range(50_000):  # other members, and the same member in another guild
            q = rng.choice(questions)
            guild, user = rng.choice([(GUILD, rng.randrange(100, 150)), (2, MEMBER)])
            rows.append((guild, user, q.id, q.module, q.topic, int(rng.random() < 0.6), "quiz",
                         now - rng.randrange(span)))
        conn.executemany("INSERT INTO answers (guild_id, user_id, question_id, module, topic, correct, source,"
                         " answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
        conn.executemany(
            "INSERT INTO cards (guild_id, user_id, item, module, topic, box, due_at, right_count, wrong_count,"
            " last_answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0, ?)",
            [(GUILD, MEMBER, q.id, q.module, q.topic, rng.randint(1, 5), now + rng.randrange(-86_400 * 5, 86_400 * 30),
              now) for q in questions])
        conn.executemany("INSERT INTO topic_stats VALUES (?, ?, ?, ?, ?, ?)",
                         [(GUILD, MEMBER, m, t, n, r) for (m, t), (n, r) in stats.items()])


async def migrate(path: Path) -> None:
    db = await Database.open(path)
    await db.close()


async def measure(path: Path, content, runs: int) -> list[float]:
    db = await Database.open(path)
    try:
        service = ProgressService(db, QuestionCatalog(content, db), content)
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            progress = await service.progress(GUILD, MEMBER, NOW)
            chart = await service.progress_chart(progress, await service.lens(GUILD))
            passed = await service.passed(GUILD, MEMBER)
            progress_embed(progress, "bench", content.syllabus, passed)
            timings.append((time.perf_counter() - started) * 1000)
        assert progress.answered == ARGS.answers, progress.answered
        assert chart.startswith(b"\x89PNG")
        return timings
    finally:
        await db.close()


async def split(path: Path, content) -> tuple[float, float]:
    """SQL figures and chart alone (warm), to see where the time goes."""
    db = await Database.open(path)
    try:
        service = ProgressService(db, QuestionCatalog(content, db), content)
        started = time.perf_counter()
        progress = await service.progress(GUILD, MEMBER, NOW)
        sql_ms = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        await service.progress_chart(progress, await service.lens(GUILD))
        return sql_ms, (time.perf_counter() - started) * 1000
    finally:
        await db.close()


def main() -> None:
    content = load_content(ROOT / "content")
    rng = random.Random(6)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.sqlite3"
        asyncio.run(migrate(path))
        started = time.perf_counter()
        populate(path, content, ARGS.answers, ARGS.days, rng)
        build_s = time.perf_counter() - started
        timings = asyncio.run(measure(path, content, ARGS.runs))
        sql_ms, chart_ms = asyncio.run(split(path, content))
    cold, warm = timings[0], sorted(timings[1:]) or timings
    median = statistics.median(warm)
    p95 = warm[min(len(warm) - 1, int(len(warm) * 0.95))]
    print(f"progress_bench: {ARGS.answers:,} answers over {ARGS.days} days for one member "
          f"(+50,000 of others), built in {build_s:.1f} s")
    print(f"  /progress (SQL figures + PNG chart + embed): cold {cold:.1f} ms, median {median:.1f} ms, "
          f"p95 {p95:.1f} ms over {len(warm)} warm runs")
    print(f"  of which SQL figures {sql_ms:.1f} ms, chart {chart_ms:.1f} ms")
    verdict = "OK" if median < GOAL_MS else "TOO SLOW"
    print(f"  goal: median under {GOAL_MS:.0f} ms: {verdict}")


parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
parser.add_argument("--answers", type=int, default=100_000)
parser.add_argument("--days", type=int, default=365)
parser.add_argument("--runs", type=int, default=20)
ARGS = parser.parse_args([]) if __name__ != "__main__" else parser.parse_args()

if __name__ == "__main__":
    main()
