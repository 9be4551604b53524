"""Crash tests for the daily question: the bot process is killed with SIGKILL around the day's post, then started
again. The day must get exactly one post, and that post must be the one answered and revealed.

The bot runs as a real process (`python -m simulator.run_bot bot.py`) against the fake Discord in this
test process, on a real SQLite file, with the real clock. Each run makes its post due at start: the schedule is
the current minute, set up an hour ago (a missed post within the grace window is posted at start).
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
from pathlib import Path

import discord

from db import daily
from db.connection import Database
from db.daily import DailySettings
from simulator import FakeDiscord
from tests.bot_process import poll, start_bot_process, stop_bot_process, write_config


async def wait_for(predicate, seconds: float, what: str):
    value = await poll(predicate, seconds)
    assert value, f"timed out waiting for {what}"
    return value


class Chapter:
    """One server with a daily question due now, and its database file."""

    def __init__(self, fake: FakeDiscord, tmp_path: Path) -> None:
        self.fake = fake
        self.guild = fake.add_guild("Chapter")
        self.channel = fake.add_text_channel(self.guild, "daily")
        self.admin = fake.add_member(self.guild, "ada", permissions=discord.Permissions(manage_guild=True))
        self.member = fake.add_member(self.guild, "bob")
        self.database = tmp_path / "bot.sqlite3"
        self.config = write_config(tmp_path, self.database)

    async def schedule_now(self) -> None:
        now = dt.datetime.now(dt.UTC)
        db = await Database.open(self.database)
        await daily.save_settings(db, DailySettings(
            guild_id=self.guild.id, channel_id=self.channel.id, hour=now.hour, minute=now.minute, timezone="UTC",
            days=tuple(range(7)), modules=(), rotation="order", reveal_after_hours=12, explain_at_once=False,
            repeat_window_days=60, weekly_summary=False, paused=False, active_since=now - dt.timedelta(hours=1),
            updated_by=self.admin.id, updated_at=now))
        await db.close()

    def rows(self, sql: str) -> list[tuple]:
        with sqlite3.connect(self.database) as conn:
            return conn.execute(sql).fetchall()

    def posts(self) -> list[dict]:
        return [m for m in self.fake.channel_messages(self.channel)
                if m["embeds"] and m["embeds"][0]["title"].startswith("Daily question")]

    def delay_the_next_post(self, seconds: float) -> None:
        """A 429 on the post: discord.py sleeps `seconds` and sends it again; the claim is made by then."""
        self.fake.fail_next("POST", rf"/channels/{self.channel.id}/messages$", 429,
                            body={"message": "You are being rate limited.", "retry_after": seconds, "global": False})

    async def restart_and_check(self) -> None:
        """After the crash: exactly one post for the day, open for answers, revealed by the next post."""
        bot = await start_bot_process(self.fake, self.config)
        try:
            await wait_for(lambda: self.rows("SELECT state FROM daily_posts") == [("open",)], 30,
                           "the day's post to be sent or recorded after the restart")
            [post] = self.posts()
            assert post["embeds"][0]["title"] == "Daily question · Day 1"
            [(post_id,)] = self.rows("SELECT id FROM daily_posts")
            custom_id = post["components"][0]["components"][0]["custom_id"]
            assert custom_id == f"daily:{post_id}:0"  # the claimed row, so its buttons answer
            reply = await self.fake.click(self.member, post["id"], custom_id)
            assert reply.ephemeral and "Daily question · Day 1" in reply.embeds[0]["title"]
            # the next post reveals the one before: only an open (recorded) post can be revealed
            now = await self.fake.slash(self.admin, self.channel, "daily now")
            assert "Posted Day 2" in now.content
            await wait_for(lambda: "revealed" in self.fake.message(post["id"])["embeds"][0]["title"], 10,
                           "the day's post to be revealed")
            titles = [m["embeds"][0]["title"] for m in self.posts()]
            assert titles == ["Daily question · Day 1 · revealed", "Daily question · Day 2"]
            assert self.rows("SELECT kind, state FROM daily_posts ORDER BY id") == [("scheduled", "revealed"),
                                                                                     ("manual", "open")]
        finally:
            await stop_bot_process(bot)


async def test_killed_after_the_claim_before_the_send_then_the_restart_posts_it_once(fake_discord, tmp_path):
    chapter = Chapter(fake_discord, tmp_path)
    await chapter.schedule_now()
    chapter.delay_the_next_post(30)  # the first run claims, then waits out a long 429: killed meanwhile
    first = await start_bot_process(fake_discord, chapter.config)
    try:
        await wait_for(lambda: chapter.rows("SELECT state FROM daily_posts") == [("claimed",)], 30, "the claim")
        await wait_for(lambda: [r for r in fake_discord.requests("POST", rf"/channels/{chapter.channel.id}/messages$")
                                if r.status == 429], 5, "the post to meet the 429")
    finally:
        os.kill(first.pid, signal.SIGKILL)
        await first.wait()
    assert chapter.posts() == []
    await chapter.restart_and_check()


async def test_killed_after_the_post_arrived_before_it_was_recorded_then_the_restart_finds_it(fake_discord,
                                                                                              tmp_path):
    chapter = Chapter(fake_discord, tmp_path)
    await chapter.schedule_now()
    chapter.delay_the_next_post(1)  # a second between the claim and the post, to hold the database meanwhile
    first = await start_bot_process(fake_discord, chapter.config)
    lock = None
    try:
        await wait_for(lambda: chapter.rows("SELECT state FROM daily_posts") == [("claimed",)], 30, "the claim")
        # hold the write lock: the post reaches Discord, but recording it (mark_sent) waits until the kill
        lock = sqlite3.connect(chapter.database, isolation_level=None)
        lock.execute("BEGIN IMMEDIATE")
        await wait_for(chapter.posts, 10, "the post to reach Discord")
    finally:
        os.kill(first.pid, signal.SIGKILL)
        await first.wait()
        if lock is not None:
            lock.execute("ROLLBACK")
            lock.close()
    assert chapter.rows("SELECT state, message_id FROM daily_posts") == [("claimed", None)]
    assert len(chapter.posts()) == 1
    await chapter.restart_and_check()
