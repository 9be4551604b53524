"""A chapter moves from SQLite to PostgreSQL (README, "Moving to PostgreSQL"): the bot runs on SQLite, is
stopped, `python bot.py db migrate-to URL` copies the file, the bot starts on the URL, and members find
everything where they left it: their reminder still arrives once at its time, their exam is listed, and new
rows get new ids after the copied ones."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import asyncpg

from tests.cogs.dm_helpers import advance_to, dms
from tests.conftest import World

ROOT = Path(__file__).resolve().parents[2]


def migrate_to(database: Path, url: str) -> subprocess.CompletedProcess:
    config = database.parent / "move.toml"
    config.write_text(f'[database]\npath = "{database}"\n[content]\ndirectory = "{ROOT / "content"}"\n',
                      encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("DISCORD_TOKEN", "DATABASE_URL")}
    return subprocess.run([sys.executable, str(ROOT / "bot.py"), "--config", str(config), "db", "migrate-to", url],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)


async def test_a_chapter_moved_to_postgresql_finds_its_reminders_and_exams(world: World, pg_empty_url):
    set_ = await world.fake.slash(world.member, world.channel, "remind me", when="in 2 hours",
                                  text="Read the MRP chapter")
    assert "Reminder #1 set" in set_.content
    await world.fake.slash(world.member, world.channel, "exam set", module="dsp", date="2027-01-10")
    await world.stop()

    result = await asyncio.to_thread(migrate_to, world.config.database_path, pg_empty_url)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "every row count and checksum matches" in result.stdout

    world.config = dataclasses.replace(world.config, database_url=pg_empty_url)
    await world.start()
    assert world.bot.services is not None
    listed = await world.fake.slash(world.member, world.channel, "remind list")
    assert "Read the MRP chapter" in listed.content + str(listed.embeds)
    exams = await world.fake.slash(world.member, world.channel, "exam list")
    assert "10 Jan 2027" in exams.content + str(exams.embeds)

    await advance_to(world, world.clock.now() + dt.timedelta(hours=2))
    [dm] = await dms(world, world.member, 1)
    assert dm["content"] == "⏰ Reminder: Read the MRP chapter"
    await advance_to(world, world.clock.now() + dt.timedelta(days=1))
    assert len(world.fake.dm_messages(world.member)) == 1  # once, from PostgreSQL

    await world.fake.slash(world.member, world.channel, "remind me", when="in 3 hours", text="Review DSP")
    connection = await asyncpg.connect(pg_empty_url)
    try:
        ids = [row[0] for row in await connection.fetch(
            "SELECT id FROM reminders WHERE user_id = $1 ORDER BY id", world.member.id)]
    finally:
        await connection.close()
    assert len(ids) >= 2 and ids[-1] > max(ids[:-1])  # the sequence carries on after the copied ids
