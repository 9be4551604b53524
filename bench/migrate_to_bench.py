"""`db migrate-to` at a large chapter's size: how long the copy and its proof take, in rows per second.

    python -m bench.migrate_to_bench                      # 1,000,000 answers and the tables around them
    python -m bench.migrate_to_bench --answers 100000     # a quick run

It builds a throw-away SQLite file at head (answers, cards, topic tallies, reminders with JSON payloads and
deliveries, quiz sessions and their items), starts a throw-away PostgreSQL cluster with .ci/postgres (or uses
STUDYBOT_TEST_PG_URL), creates an empty database, and runs the same function as `python bot.py db migrate-to`
(checks, migrations, COPY parents first, sequences, read-back with counts and checksums in one transaction).
It prints the time of the whole command and its rows per second.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shlex
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path

import asyncpg

from db.connection import Database
from db.transfer import format_report, migrate_to

ROOT = Path(__file__).resolve().parent.parent
T0 = 1_790_000_000
GUILD = 1_180_000_000_000_000_000


def build(path: Path, answers: int) -> dict[str, int]:
    members = max(10, answers // 1000)
    counts = {}
    with sqlite3.connect(path) as conn:
        rows = ((GUILD, GUILD + i % members, f"q-{i % 5000}", "mpr", f"topic-{i % 40}", i % 2, "quiz",
                 f"s-{i // 10}", T0 + i) for i in range(answers))
        conn.executemany("INSERT INTO answers (guild_id, user_id, question_id, module, topic, correct, source,"
                         " session_id, answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        counts["answers"] = answers
        cards = answers // 10
        conn.executemany("INSERT INTO cards VALUES (?, ?, ?, 'mpr', 'topic', ?, ?, 1, 0, ?)",
                         ((GUILD, GUILD + i % members, f"q-{i}", 1 + i % 5, T0 + i, T0) for i in range(cards)))
        counts["cards"] = cards
        conn.executemany("INSERT INTO topic_stats VALUES (?, ?, 'mpr', ?, 10, 7)",
                         ((GUILD, GUILD + m, f"topic-{t}") for m in range(members) for t in range(40)))
        counts["topic_stats"] = members * 40
        reminders = answers // 20
        conn.executemany(
            "INSERT INTO reminders (id, guild_id, user_id, kind, text, payload, due_at, occurrence_at, recurrence,"
            " state, created_at) VALUES (?, ?, ?, 'study', 'study MPR', ?, ?, ?, ?, 'pending', ?)",
            ((i + 1, GUILD, GUILD + i % members, json.dumps({"exam_id": i, "note": "ünïcödé"}), T0 + i, T0 + i,
              json.dumps({"time": "19:30", "days": [0, 2, 4]}), T0) for i in range(reminders)))
        counts["reminders"] = reminders
        conn.executemany("INSERT INTO reminder_deliveries VALUES (?, ?, ?)",
                         ((1 + i % reminders, T0 - 86400 * (1 + i // reminders), T0) for i in range(reminders * 2)))
        counts["reminder_deliveries"] = reminders * 2
        sessions = answers // 10
        conn.executemany("INSERT INTO quiz_sessions (id, guild_id, user_id, kind, size, state, started_at,"
                         " last_activity_at) VALUES (?, ?, ?, 'quiz', 10, 'finished', ?, ?)",
                         ((f"s-{i}", GUILD, GUILD + i % members, T0 + i, T0 + i) for i in range(sessions)))
        conn.executemany("INSERT INTO session_items VALUES (?, ?, ?, 'mpr', 'topic', 1, 1, ?)",
                         ((f"s-{i // 10}", i % 10, f"q-{i}", T0 + i) for i in range(sessions * 10)))
        counts["quiz_sessions"], counts["session_items"] = sessions, sessions * 10
    conn.close()
    return counts


async def measure(url: str, args: argparse.Namespace) -> None:
    name = f"migrate_bench_{os.getpid()}"
    admin = await asyncpg.connect(url)
    await admin.execute(f'CREATE DATABASE "{name}"')
    target = url.rsplit("/", 1)[0] + f"/{name}"
    try:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "bot.sqlite3"
            database = await Database.open(path)
            await database.close()
            started = time.perf_counter()
            counts = build(path, args.answers)
            print(f"built {path.stat().st_size / 1e6:.0f} MB of SQLite with {sum(counts.values()):,} rows in "
                  f"{time.perf_counter() - started:.1f} s")
            connection = await asyncpg.connect(target)
            try:
                started = time.perf_counter()
                report = await migrate_to(path, connection, batch_rows=args.batch)
                seconds = time.perf_counter() - started
            finally:
                await connection.close()
            for line in format_report(report, "bot.sqlite3", "postgresql"):
                if line.split()[1:2] != ["0"]:  # tables with rows
                    print(line)
            print(f"migrate-to: {report.rows:,} rows in {seconds:.1f} s ({report.rows / seconds:,.0f} rows/s, "
                  f"copy and proof together; {'match' if report.matches else 'MISMATCH'})")
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--answers", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=5000)
    args = parser.parse_args()
    cluster = None
    url = os.environ.get("STUDYBOT_TEST_PG_URL")
    if not url:
        out = subprocess.run(["bash", str(ROOT / ".ci" / "postgres"), "start"], check=True, capture_output=True,
                             text=True).stdout
        values = dict(shlex.split(line)[1].split("=", 1) for line in out.splitlines())
        cluster, url = values["STUDYBOT_PG_DIR"], values["STUDYBOT_TEST_PG_URL"]
    try:
        asyncio.run(measure(url, args))
    finally:
        if cluster:
            subprocess.run(["bash", str(ROOT / ".ci" / "postgres"), "stop", cluster], check=False)


if __name__ == "__main__":
    main()
