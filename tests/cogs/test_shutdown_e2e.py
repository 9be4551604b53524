"""Stopping the bot: SIGTERM and SIGINT (systemctl stop, docker stop, Ctrl-C) finish and record the sends in
progress, close the database and exit 0; a SIGKILL in a burst leaves at most one DM sent but unrecorded.

The bot runs as a real process (`python bot.py`) against the fake Discord in this test process, on a real
SQLite file, with the real clock; reminders are paced at 40 DMs/s, so a burst of 160 lasts several seconds.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import sqlite3
from collections import Counter
from pathlib import Path

import pytest

from db import reminders
from db.connection import Database
from simulator import FakeDiscord
from tests.bot_process import poll, start_bot_process, write_config

BURST = 160


class Burst:
    """A server with BURST reminder DMs due now, spread over 30 members, and the bot's log file."""

    def __init__(self, fake: FakeDiscord, tmp_path: Path) -> None:
        self.fake = fake
        self.guild = fake.add_guild("Chapter")
        fake.add_text_channel(self.guild, "study")
        self.users = [fake.add_member(self.guild, f"member{i}") for i in range(30)]
        self.database = tmp_path / "bot.sqlite3"
        self.config = write_config(tmp_path, self.database)
        self.log = tmp_path / "bot.log"

    async def add_reminders(self) -> None:
        db = await Database.open(self.database)
        now = dt.datetime.now(dt.UTC)
        for index in range(BURST):
            await reminders.add(db, guild_id=self.guild.id, user_id=self.users[index % len(self.users)].id,
                                kind="once", text=f"reminder {index}", due_at=now - dt.timedelta(seconds=30),
                                now=now, cap=None)
        await db.close()

    async def start(self) -> asyncio.subprocess.Process:
        return await start_bot_process(self.fake, self.config, self.log)

    def sent(self) -> Counter:
        return Counter(m["content"].removeprefix("⏰ Reminder: ") for u in self.users for m in self.fake.dm_messages(u))

    def recorded(self) -> set[str]:
        with sqlite3.connect(self.database) as conn:
            rows = conn.execute("SELECT r.text FROM reminders r JOIN reminder_deliveries d ON d.reminder_id = r.id")
            texts = {text for (text,) in rows}
        conn.close()
        return texts

    def in_flight(self) -> int:
        with sqlite3.connect(self.database) as conn:
            [(count,)] = conn.execute("SELECT COUNT(*) FROM reminders WHERE state = 'in_flight'")
        conn.close()
        return count

    def closed_cleanly(self) -> bool:
        """SQLite removes the WAL file when the last connection closes properly."""
        return not Path(f"{self.database}-wal").exists()

    async def wait_for_sends(self, count: int) -> None:
        assert await poll(lambda: sum(self.sent().values()) >= count, 30), "the bot sent too few reminders"


async def test_sigkill_in_a_burst_leaves_at_most_one_dm_sent_but_unrecorded(fake_discord, tmp_path):
    burst = Burst(fake_discord, tmp_path)
    await burst.add_reminders()
    bot = await burst.start()
    try:
        await burst.wait_for_sends(60)
    finally:
        os.kill(bot.pid, signal.SIGKILL)
        await bot.wait()
    sent = set(burst.sent())
    unrecorded = sent - burst.recorded()
    assert len(sent) < BURST, "the burst ended before the kill: nothing was in flight"
    assert len(unrecorded) <= 1, f"{len(unrecorded)} DMs reached members but were not recorded: {sorted(unrecorded)}"


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
async def test_a_stop_signal_in_a_burst_records_every_send_closes_the_database_and_exits_0(fake_discord, tmp_path,
                                                                                         stop_signal):
    burst = Burst(fake_discord, tmp_path)
    await burst.add_reminders()
    bot = await burst.start()
    try:
        await burst.wait_for_sends(40)
        bot.send_signal(stop_signal)
        code = await asyncio.wait_for(bot.wait(), 20)
    finally:
        if bot.returncode is None:
            bot.kill()
            await bot.wait()
    log = burst.log.read_text(encoding="utf-8", errors="replace")
    assert code == 0, log
    assert "Traceback" not in log, log
    assert "stopping" in log
    sent = burst.sent()
    assert len(sent) < BURST, "the burst ended before the signal: nothing was in flight"
    assert set(sent) == burst.recorded(), "a DM reached a member but was not recorded"
    assert burst.in_flight() == 0, "claimed reminders were left in flight"
    assert burst.closed_cleanly(), "the database was not closed (its WAL is still there)"
    # the next start sends the rest and nothing twice, without help from Discord's nonce memory
    fake_discord.nonce_window_seconds = 0
    again = await burst.start()
    try:
        everything = {f"reminder {i}" for i in range(BURST)}
        assert await poll(lambda: set(burst.sent()) >= everything, 60), "the rest never arrived"
        await asyncio.sleep(1)  # time for a wrongful resend to show up
    finally:
        again.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(again.wait(), 20) == 0
    counts = burst.sent()
    assert {text: n for text, n in counts.items() if n > 1} == {}
    assert sum(counts.values()) == BURST
