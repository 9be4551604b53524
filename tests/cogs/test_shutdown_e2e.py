"""Stopping the bot: SIGTERM and SIGINT (systemctl stop, docker stop, Ctrl-C) finish and record the sends in
progress, close the database and exit 0; a SIGKILL in a burst leaves at most one DM sent but unrecorded.

The bot runs as a real process (`python bot.py`) against the fake Discord in this test process, on a real
SQLite file, with the real clock; reminders are paced at 40 DMs/s, so a burst of 160 lasts several seconds.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import random
import signal
import sqlite3
from collections import Counter
from pathlib import Path

import pytest

from bench.crash_bench import Cycles
from cogs.lifecycle import RESTARTING
from db import reminders
from db.connection import Database
from simulator import FakeDiscord
from tests.bot_process import poll, start_bot_process, write_config

BURST = 160


def rows_of(world, sql: str) -> list[tuple]:
    with sqlite3.connect(world.config.database_path) as conn:
        found = conn.execute(sql).fetchall()
    conn.close()
    return found


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


async def test_sigterm_with_answers_reminders_and_a_daily_post_in_flight_loses_nothing_and_logs_no_traceback(
        fake_discord, tmp_path):
    cycles = Cycles(fake_discord, tmp_path, members=6, per_round=80, rng=random.Random(3))
    code = await cycles.round(0, window=1.5, stop_signal=signal.SIGTERM)
    log = cycles.log.read_text(encoding="utf-8", errors="replace")
    assert code == 0, log
    assert "Traceback" not in log, log
    figures = cycles.figures
    assert figures.acknowledged_answers > 0 and figures.answers_lost == 0
    assert figures.at_risk == [0]  # every DM that went out is recorded
    assert figures.integrity_failures == 0


async def test_while_the_bot_stops_a_new_command_or_click_is_told_to_try_again(world):
    start = await world.fake.slash(world.member, world.channel, "quiz", count=2, mode="new")
    answer_id = next(c["custom_id"] for row in start.message["components"] for c in row["components"]
                     if c.get("custom_id", "").startswith("quiz:"))
    world.bot.stopping = True  # what close() sets first
    click = await world.fake.click(world.member, start.message, answer_id)
    command = await world.fake.slash(world.member, world.channel, "cpim")
    assert click.ephemeral and click.content == RESTARTING
    assert command.ephemeral and command.content == RESTARTING
    assert rows_of(world, "SELECT COUNT(*) FROM answers") == [(0,)]  # nothing was taken on
    world.bot.stopping = False
