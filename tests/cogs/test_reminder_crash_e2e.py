"""Crash test: the bot process is killed with SIGKILL while reminders are due, then started again.

Every due reminder must arrive exactly once. The bot runs as a real process (`python bot.py`) against the
fake Discord in this test process, on a real SQLite file, with the real clock.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
from collections import Counter

from db import reminders
from db.connection import Database
from simulator import FakeDiscord
from tests.bot_process import poll, start_bot_process, stop_bot_process, write_config

REMINDERS = 60


def delivered(fake: FakeDiscord, users) -> Counter:
    return Counter(m["content"] for user in users for m in fake.dm_messages(user))


async def test_sigkill_while_reminders_are_due_then_restart_delivers_each_exactly_once(fake_discord, tmp_path):
    fake = fake_discord
    guild = fake.add_guild("Chapter")
    fake.add_text_channel(guild, "study")
    users = [fake.add_member(guild, f"member{i}") for i in range(20)]
    database = tmp_path / "bot.sqlite3"
    config = write_config(tmp_path, database)

    db = await Database.open(database)
    now = dt.datetime.now(dt.UTC)
    for index in range(REMINDERS):
        await reminders.add(db, guild_id=guild.id, user_id=users[index % len(users)].id, kind="once",
                            text=f"reminder {index}", due_at=now - dt.timedelta(seconds=30), now=now, cap=None)
    await db.close()

    first = await start_bot_process(fake, config)
    try:
        assert await poll(lambda: sum(delivered(fake, users).values()) >= 5, 30), "the first run sent nothing"
    finally:
        os.kill(first.pid, signal.SIGKILL)
        await first.wait()

    second = await start_bot_process(fake, config)
    try:
        everything = {f"⏰ Reminder: reminder {i}" for i in range(REMINDERS)}
        arrived = await poll(lambda: set(delivered(fake, users)) >= everything, 30)
        await asyncio.sleep(1.5)  # time for a wrongful resend to show up
    finally:
        await stop_bot_process(second)
    counts = delivered(fake, users)
    assert arrived, f"missing: {sorted(everything - set(counts))}"
    duplicates = {text: n for text, n in counts.items() if n > 1}
    assert duplicates == {}, f"sent twice after the crash: {duplicates}"
    assert sum(counts.values()) == REMINDERS
