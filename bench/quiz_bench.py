"""Quiz benchmark: picking the next questions and recording answers, through the code the bot runs.

    python -m bench.quiz_bench [--questions 10000] [--members 1000] [--answers-per-member 1000]
                               [--picks 2000] [--concurrent 50] [--answers 20000] [--postgres URL]

Builds a throw-away SQLite file (migrated by `Database.open`, then bulk-filled with `sqlite3.executemany` in
one transaction) holding, for one guild, `--members × --answers-per-member` answer rows with the matching
spaced-repetition cards and topic tallies, and a bank of `--questions` synthetic written questions spread
over the syllabus' real module/topic keys. Then, in one event loop on one aiosqlite connection:

- pick: `QuizService.plan(...)` (what `/quiz` calls) for random members, each mode, with and without a
  module scope: p50/p99/max per mode. Goal p99 ≤ 2 ms.
- answer: `--concurrent` members (asyncio tasks), each clicking through pre-created sessions with
  `QuizService.answer(...)` (what the answer button calls): answers/second, latency p50/p99, and lost
  answers (answers sent − rows written; must be 0). Goal ≥ 5,000/s.

With `--postgres URL` the same data (copied in with COPY) and the same clicks run again on that PostgreSQL
database (migrated, its quiz tables emptied first: give it a throw-away database), and both backends' pick
p99 and answers/s are printed side by side.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

from db import quiz as records
from db.connection import Database
from services.catalog import QuestionCatalog
from services.quiz import QuizService
from study.content import Content, load_content
from study.generators import FAMILIES
from study.question_bank import QuestionBank
from study.questions import Question
from study.selection import MODES
from study.srs import INTERVALS, RELEARN

ROOT = Path(__file__).resolve().parent.parent
GUILD = 1
FIRST_USER = 10_000
NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
GOALS = {"pick_p99_ms": 2.0, "answers_per_s": 5000.0}


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


# ---- the data -----------------------------------------------------------------------------------------------


def synthetic_content(count: int) -> Content:
    """The shipped content with its bank replaced by `count` written questions over every real topic."""
    content = load_content(ROOT / "content")
    topics = [(m.key, t.key) for m in content.syllabus.modules for t in m.topics]
    bank = QuestionBank()
    bank.add_all(
        Question(id=f"bench-{module}-{n:05d}", module=module, topic=topic, difficulty="medium",
                 stem=f"Synthetic benchmark question {n} about {topic}?", choices=("Right", "Wrong", "Also wrong"),
                 answer_index=n % 3, explanation="Synthetic: the benchmark only measures the machinery.")
        for n, (module, topic) in ((n, topics[n % len(topics)]) for n in range(count))
    )
    return replace(content, bank=bank)


ANSWER_COLUMNS = ("guild_id", "user_id", "question_id", "module", "topic", "correct", "source", "session_id",
                  "answered_at")
CARD_COLUMNS = ("guild_id", "user_id", "item", "module", "topic", "box", "due_at", "right_count", "wrong_count",
                "last_answered_at")
STAT_COLUMNS = ("guild_id", "user_id", "module", "topic", "answered", "right_count")


def history(content: Content, members: int, per_member: int,
            rng: random.Random) -> tuple[list[tuple], list[tuple], list[tuple]]:
    """Answers, cards and topic tallies for one guild, consistent with each other."""
    questions = list(content.bank.questions.values())
    families = list(FAMILIES.values())
    now = int(NOW.timestamp())
    answers: list[tuple] = []
    cards: list[tuple] = []
    stats: list[tuple] = []
    for user in range(FIRST_USER, FIRST_USER + members):
        # half the answers are first sight of a written question, the rest repeats and calculations
        distinct = rng.sample(questions, per_member // 2)
        items = [(q.id, q.module, q.topic) for q in distinct] + [(f"gen:{f.name}", f.module, f.topic)
                                                                 for f in families]
        history = list(items[: len(distinct)]) + [rng.choice(items) for _ in range(per_member - len(distinct))]
        per_card: dict[str, list] = {}
        tally: Counter[tuple[str, str, bool]] = Counter()
        when = now - 180 * 86_400
        for item, module, topic in history:
            when += rng.randrange(1, 2 * 180 * 86_400 // per_member)
            correct = rng.random() < 0.7
            question_id = f"{item}:{rng.randrange(2**31)}" if item.startswith("gen:") else item
            answers.append((GUILD, user, question_id, module, topic, int(correct), "quiz", None, when))
            tally[(module, topic, correct)] += 1
            card = per_card.setdefault(item, [module, topic, 0, 0, 0, 0, 0])
            card[2] = min(card[2] + 1, len(INTERVALS)) if correct else 1
            card[3] = when + (int(INTERVALS[card[2] - 1].total_seconds()) if correct else int(RELEARN.total_seconds()))
            card[4 if correct else 5] += 1
            card[6] = when
        cards.extend((GUILD, user, item, *values) for item, values in per_card.items())
        for module, topic in {(m, t) for m, t, _ in tally}:
            right, wrong = tally[(module, topic, True)], tally[(module, topic, False)]
            stats.append((GUILD, user, module, topic, right + wrong, right))
    return answers, cards, stats


def fill(path: Path, rows: tuple[list[tuple], list[tuple], list[tuple]]) -> dict[str, int]:
    """The rows into the SQLite file, in one transaction."""
    answers, cards, stats = rows
    now = int(NOW.timestamp())
    with sqlite3.connect(path, isolation_level=None) as conn:
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO answers (guild_id, user_id, question_id, module, topic, correct, source,"
                         " session_id, answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", answers)
        conn.executemany("INSERT INTO cards (guild_id, user_id, item, module, topic, box, due_at, right_count,"
                         " wrong_count, last_answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", cards)
        conn.executemany("INSERT INTO topic_stats (guild_id, user_id, module, topic, answered, right_count)"
                         " VALUES (?, ?, ?, ?, ?, ?)", stats)
        conn.execute("COMMIT")
        conn.execute("ANALYZE")
        due = conn.execute("SELECT COUNT(*) FROM cards WHERE due_at <= ?", (now,)).fetchone()[0]
    conn.close()
    return {"answers": len(answers), "cards": len(cards), "topic_stats": len(stats), "due_cards": due}


async def fill_postgres(url: str, rows: tuple[list[tuple], list[tuple], list[tuple]]) -> None:
    """The same rows into the PostgreSQL database (migrated first, emptied of earlier runs), with COPY."""
    import asyncpg

    database = await Database.open(url)
    await database.close()
    answers, cards, stats = rows
    conn = await asyncpg.connect(url)
    try:
        await conn.execute("TRUNCATE answers, cards, topic_stats, session_items, quiz_sessions")
        await conn.copy_records_to_table("answers", records=answers, columns=ANSWER_COLUMNS)
        await conn.copy_records_to_table("cards", records=cards, columns=CARD_COLUMNS)
        await conn.copy_records_to_table("topic_stats", records=stats, columns=STAT_COLUMNS)
        await conn.execute("ANALYZE")
    finally:
        await conn.close()


# ---- the measurements ---------------------------------------------------------------------------------------


async def bench_pick(service: QuizService, content: Content, members: int, picks: int,
                     rng: random.Random) -> dict[str, list[float]]:
    modules = [None, *(m.key for m in content.syllabus.modules)]
    timings: dict[str, list[float]] = {mode: [] for mode in MODES}
    for warm in range(50):
        await service.plan(GUILD, FIRST_USER + warm, module=None, topic=None, count=5, mode="mixed", now=NOW)
    for n in range(picks):
        mode = MODES[n % len(MODES)]
        user = FIRST_USER + rng.randrange(members)
        module = rng.choice(modules)
        started = time.perf_counter()
        await service.plan(GUILD, user, module=module, topic=None, count=5, mode=mode, now=NOW)
        timings[mode].append((time.perf_counter() - started) * 1000)
    return timings


async def bench_answers(db: Database, service: QuizService, content: Content, concurrent: int,
                        total: int, rng: random.Random) -> dict[str, float]:
    questions = list(content.bank.questions.values())
    per_session = 20
    sessions_per_member = max(1, total // (concurrent * per_session))
    plan: dict[int, list[tuple[str, list[Question]]]] = {}
    for member in range(concurrent):
        user = FIRST_USER + member
        for s in range(sessions_per_member):
            chosen = rng.sample(questions, per_session)
            session_id = f"bench-{member}-{s}"
            await records.create_session(
                db, session_id=session_id, guild_id=GUILD, user_id=user, kind="quiz", mode="mixed", module=None,
                topic=None, items=[records.PlannedItem(q.id, q.module, q.topic) for q in chosen], now=NOW)
            plan.setdefault(user, []).append((session_id, chosen))
    before = await db.fetch_value("SELECT COUNT(*) FROM answers")
    latencies: list[float] = []
    firsts = 0

    async def member(user: int) -> None:
        nonlocal firsts
        for session_id, chosen in plan[user]:
            for position, question in enumerate(chosen):
                choice = question.answer_index if rng.random() < 0.7 else (question.answer_index + 1) % 3
                started = time.perf_counter()
                result = await service.answer(session_id, position, choice, user, NOW)
                latencies.append((time.perf_counter() - started) * 1000)
                firsts += result.outcome.first

    started = time.perf_counter()
    await asyncio.gather(*(member(user) for user in plan))
    elapsed = time.perf_counter() - started
    written = await db.fetch_value("SELECT COUNT(*) FROM answers") - before
    sent = len(latencies)
    return {"sent": sent, "written": written, "lost": sent - written, "first": firsts, "seconds": elapsed,
            "per_s": sent / elapsed, "p50": percentile(latencies, 0.5), "p99": percentile(latencies, 0.99),
            "max": max(latencies)}


async def measure(target: Path | str, content: Content, args: argparse.Namespace) -> tuple[float, float]:
    """Run both measurements on the database at `target` and print them; (pick p99 ms, answers/s)."""
    rng = random.Random(args.seed)
    db = await Database.open(target)
    backend = "PostgreSQL, a pool of asyncpg connections" if db.is_postgres else "SQLite, one aiosqlite connection"
    try:
        catalog = QuestionCatalog(content, db)
        service = QuizService(db, catalog, idle=dt.timedelta(minutes=15), rng=random.Random(args.seed))
        timings = await bench_pick(service, content, args.members, args.picks, rng)
        answers = await bench_answers(db, service, content, args.concurrent, args.answers, rng)
    finally:
        await db.close()

    every = [t for values in timings.values() for t in values]
    print()
    print(f"Next-question pick: QuizService.plan(count=5), {args.questions:,} questions, "
          f"{args.members * args.answers_per_member:,} answers in the guild")
    print(f"  {'mode':<10}{'picks':>7}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    for mode, values in [*timings.items(), ("all", every)]:
        print(f"  {mode:<10}{len(values):>7}{statistics.median(values):>9.2f}{percentile(values, 0.99):>9.2f}"
              f"{max(values):>9.2f}")
    p99 = percentile(every, 0.99)
    verdict = "ok" if p99 <= GOALS["pick_p99_ms"] else "MISSED"
    print(f"  goal p99 <= {GOALS['pick_p99_ms']:.1f} ms: {verdict} ({p99:.2f} ms)")
    print()
    print(f"Answer recording: QuizService.answer, {args.concurrent} concurrent members, {backend}")
    print(f"  {'answers':>8}{'written':>9}{'lost':>6}{'seconds':>9}{'answers/s':>11}{'p50 ms':>8}{'p99 ms':>8}"
          f"{'max ms':>8}")
    print(f"  {answers['sent']:>8,}{answers['written']:>9,}{answers['lost']:>6}{answers['seconds']:>9.2f}"
          f"{answers['per_s']:>11,.0f}{answers['p50']:>8.2f}{answers['p99']:>8.2f}{answers['max']:>8.2f}")
    ok = answers["per_s"] >= GOALS["answers_per_s"] and answers["lost"] == 0 and answers["first"] == answers["sent"]
    print(f"  goal >= {GOALS['answers_per_s']:,.0f}/s and 0 lost: {'ok' if ok else 'MISSED'}")
    return p99, answers["per_s"]


async def migrate(path: Path) -> None:
    database = await Database.open(path)
    await database.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.quiz_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=10_000)
    parser.add_argument("--members", type=int, default=1_000)
    parser.add_argument("--answers-per-member", type=int, default=1_000)
    parser.add_argument("--picks", type=int, default=2_000, help="plans to time, spread over the four modes")
    parser.add_argument("--concurrent", type=int, default=50)
    parser.add_argument("--answers", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--postgres", metavar="URL",
                        help="also run on this PostgreSQL database (a throw-away one: its quiz tables are emptied)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="quiz-bench-") as directory:
        path = Path(directory) / "bench.sqlite3"
        started = time.perf_counter()
        content = synthetic_content(args.questions)
        asyncio.run(migrate(path))
        rows = history(content, args.members, args.answers_per_member, random.Random(args.seed))
        counts = fill(path, rows)
        size = path.stat().st_size / 2**20
        print(f"setup: {counts['answers']:,} answers, {counts['cards']:,} cards ({counts['due_cards']:,} due), "
              f"{counts['topic_stats']:,} topic tallies, {len(content.bank):,} questions, {len(FAMILIES)} "
              f"generator families; {size:,.0f} MiB in {time.perf_counter() - started:.1f} s")
        print("\n== SQLite")
        figures = {"SQLite": asyncio.run(measure(path, content, args))}
        if args.postgres:
            asyncio.run(fill_postgres(args.postgres, rows))
            print("\n== PostgreSQL")
            figures["PostgreSQL"] = asyncio.run(measure(args.postgres, content, args))
            print(f"\nSide by side (the same data and clicks): {'backend':<12}{'pick p99 ms':>12}{'answers/s':>11}")
            for backend, (p99, per_s) in figures.items():
                print(f"{'':40}{backend:<12}{p99:>12.2f}{per_s:>11,.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
