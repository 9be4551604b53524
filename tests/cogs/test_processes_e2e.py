"""Two bot processes with two shards each, one database, the fake Discord at Discord's 50 requests/s.

The processes are real (`python bot.py --shards 0-1 --shard-count 4` and `--shards 2-3 --shard-count 4` under
simulator/run_bot.py), on one PostgreSQL database (the throw-away test server, tests/pg.py; never a mock), with
the real clock (tests/scheduling/test_dispatcher_leases.py shows the same claims on one SQLite file):

1. a burst of reminders due in the same minute and 200 guilds' daily posts due now; the first process is killed
   with SIGKILL while it holds claimed reminders; the second finishes the work, taking the dead one's claims
   over after their lease (10 s here), and every reminder arrives exactly once;
2. the first process comes back: every guild has exactly one daily post, made by the process owning its shard;
3. quiz sessions in guilds of every shard, answered with double clicks, then the processes restarted with the
   shards swapped, so each session goes on through the other process: every answer is stored once.
No request is ever refused by the global rate limit.

REMINDERS is the issue's 5,000: a quarter of them sent by both processes at the 40 DMs/s they share, the rest by
the survivor alone at its shards' half of that (about 3 to 4 minutes here; the dead process's share stays unused,
so that a process that is only slow never pushes the bot past Discord's limit).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from cogs.busy import BUSY
from db import daily, reminders
from db.connection import Database
from db.daily import DailySettings
from simulator import FakeDiscord
from tests.bot_process import ROOT, poll, start_bot_process, stop_bot_process

REMINDERS = 5000
GUILDS = 200
MEMBERS = 100
LEASE_SECONDS = 10
SHARDS = (["--shards", "0-1", "--shard-count", "4"], ["--shards", "2-3", "--shard-count", "4"])
OWNER_OF_FIRST = "shards 0-1/4"


def write_config(folder: Path, url: str) -> Path:
    """The processes' config.toml: the fake's token, the PostgreSQL database, a short lease."""
    config = folder / "config.toml"
    config.write_text(f'[bot]\ntoken = "test-token"\n[database]\nurl = "{url}"\n'
                      f'[content]\ndirectory = "{ROOT / "content"}"\n'
                      f"[reminders]\nlease_seconds = {LEASE_SECONDS}\n", encoding="utf-8")
    return config


async def until(check: Callable[[], Awaitable[Any]], seconds: float) -> Any:
    """The check's first truthy value within `seconds` of real time, else its last value."""
    deadline = time.monotonic() + seconds
    while True:
        value = await check()
        if value or time.monotonic() > deadline:
            return value
        await asyncio.sleep(0.1)


def reminder_dms(fake: FakeDiscord, members) -> Counter:
    return Counter(m["content"] for member in members for m in fake.dm_messages(member)
                   if m["content"].startswith("⏰ Reminder: "))


def daily_posts(fake: FakeDiscord, channels) -> Counter:
    return Counter(channel.id for channel in channels for m in fake.channel_messages(channel)
                   if m["embeds"] and m["embeds"][0]["title"].startswith("Daily question"))


async def _seed(db: Database, guilds, channels, members, owner) -> None:
    now = dt.datetime.now(dt.UTC)
    for guild, channel in zip(guilds, channels, strict=True):
        await daily.save_settings(db, DailySettings(
            guild_id=guild.id, channel_id=channel.id, hour=now.hour, minute=now.minute, timezone="UTC",
            days=tuple(range(7)), modules=(), rotation="order", reveal_after_hours=12, explain_at_once=False,
            repeat_window_days=60, weekly_summary=False, paused=False, active_since=now - dt.timedelta(hours=1),
            updated_by=owner.id, updated_at=now))
    for n in range(REMINDERS):
        await reminders.add(db, guild_id=guilds[n % GUILDS].id, user_id=members[n % MEMBERS].id, kind="once",
                            text=f"r{n}", due_at=now - dt.timedelta(seconds=5), now=now, cap=None)


async def patiently(act: Callable[[], Awaitable[Any]]) -> Any:
    """Do what a member does when the bot answers that it is busy (it sheds load on this crowded machine, and
    records nothing): try again a moment later."""
    for _ in range(20):
        result = await act()
        if (result.message or {}).get("content") != BUSY:
            return result
        await asyncio.sleep(0.5)
    raise AssertionError("the bot was busy twenty times in a row")


async def _quiz_step(fake: FakeDiscord, message: dict, player) -> dict:
    """Answer the message's current question with two clicks at once, then Next: the next question's message."""
    ids = [c["custom_id"] for row in message["components"] for c in row["components"] if "custom_id" in c]
    assert ids, f"no buttons on {message.get('content')!r} {message.get('embeds')}"
    session, position = ids[0].split(":")[1:3]
    answer = f"quiz:{session}:{position}:0"

    async def double_click() -> Any:
        # one click shows the feedback with its Next button, the other "already answered" (or busy)
        results = await asyncio.gather(fake.click(player, message, answer), fake.click(player, message, answer))
        return next((r for r in results if (r.message or {}).get("components")), results[0])

    after = (await patiently(double_click)).message
    nxt = [c["custom_id"] for row in after["components"] for c in row["components"]
           if "quiz-next" in c.get("custom_id", "")]
    if not nxt:
        return after
    return (await patiently(lambda: fake.click(player, after, nxt[0]))).message


async def _equals(value: Awaitable[Any], expected: Any) -> bool:
    return await value == expected


async def test_two_processes_share_reminders_daily_posts_and_quiz_sessions(fake_discord, tmp_path, pg_url):
    fake = fake_discord
    fake.set_rate_limit(50)
    owner = fake.add_user("chapter-owner")
    guilds = [fake.add_guild(f"Chapter {n}", owner=owner, shard=(n % 4, 4)) for n in range(GUILDS)]
    channels = [fake.add_text_channel(guild, "daily") for guild in guilds]
    members = [fake.add_member(guilds[n % GUILDS], f"member{n}") for n in range(MEMBERS)]
    config = write_config(tmp_path, pg_url)
    db = await Database.open(pg_url)  # the test's own connection: seeds, then watches the rows
    await _seed(db, guilds, channels, members, owner)

    async def held_by_first() -> int:
        return await db.fetch_value("SELECT COUNT(*) FROM reminders WHERE state = 'in_flight' AND claimant = ?",
                                    (OWNER_OF_FIRST,))

    async def sent_at_least(count: int) -> bool:
        return await db.fetch_value("SELECT COUNT(*) FROM reminders WHERE state = 'sent'") >= count

    everything = {f"⏰ Reminder: r{n}" for n in range(REMINDERS)}
    started = time.monotonic()

    first = await start_bot_process(fake, config, tmp_path / "first.log", args=SHARDS[0])
    second = await start_bot_process(fake, config, tmp_path / "second.log", args=SHARDS[1])
    try:
        # 1. both processes work, then the first dies mid-burst, holding claims
        # progress is watched in the database: reading 5,000 DMs back from the fake (deep copies, on the loop that
        # also serves the bots) every few milliseconds slowed the very sending it watched
        assert await until(lambda: sent_at_least(REMINDERS // 4), 240)
        assert await until(held_by_first, 30)
        os.kill(first.pid, signal.SIGKILL)
        await first.wait()
        killed_at = time.monotonic()
        print(f"\nkilled after {killed_at - started:.1f} s")
        assert await held_by_first() > 0, "the first process held no claims when it was killed: not mid-burst"
        assert sum(reminder_dms(fake, members).values()) < REMINDERS, "the burst was over before the kill"

        await until(lambda: sent_at_least(REMINDERS), 600)
        arrived = await poll(lambda: set(reminder_dms(fake, members)) >= everything, 5)
        assert arrived, f"missing after the kill: {len(everything - set(reminder_dms(fake, members)))}"
        finished_at = time.monotonic()
        print(f"all delivered after {finished_at - started:.1f} s")
        await asyncio.sleep(1.5)  # time for a wrongful resend to show up
        counts = reminder_dms(fake, members)
        assert {text: n for text, n in counts.items() if n > 1} == {}, "a reminder arrived twice"
        assert sum(counts.values()) == REMINDERS
        states = await db.fetch_all("SELECT state, COUNT(*) AS n FROM reminders GROUP BY state")
        assert [(row["state"], row["n"]) for row in states] == [("sent", REMINDERS)]
        assert await db.fetch_value("SELECT COUNT(*) FROM reminder_deliveries") == REMINDERS
        assert finished_at - killed_at >= LEASE_SECONDS - 1, "the dead process's claims were taken before the lease"

        # 2. the first process is back with its shards: every guild has its daily post, once (the survivor made
        # its own guilds' posts; the first made its guilds' before it died, or makes them now)
        first = await start_bot_process(fake, config, tmp_path / "first.log", args=SHARDS[0])
        assert await poll(lambda: len(daily_posts(fake, channels)) == GUILDS, 120), "not every guild got its post"
        assert await until(lambda: _equals(db.fetch_value("SELECT COUNT(*) FROM daily_posts WHERE state = 'open'"),
                                           GUILDS), 30)
        await asyncio.sleep(1)  # time for a second post to show up
        posts = daily_posts(fake, channels)
        assert set(posts) == {c.id for c in channels} and set(posts.values()) == {1}
        assert await db.fetch_value("SELECT COUNT(*) FROM daily_posts") == GUILDS
        assert await db.fetch_value("SELECT COUNT(DISTINCT guild_id) FROM daily_posts") == GUILDS

        # 3. quiz sessions through either process, then the shards swap and each session goes on in the other
        players = [fake.add_member(guilds[n], f"player{n}") for n in range(8)]  # guilds of shards 0, 1, 2, 3
        assert await poll(lambda: len(fake._ready_sessions()) == 4, 60), "the restarted process did not connect"
        messages = []
        for n, player in enumerate(players):
            start = await patiently(lambda n=n, player=player: fake.slash(player, channels[n], "quiz", count=3,
                                                                          mode="new"))
            messages.append(await _quiz_step(fake, start.message, player))
        await stop_bot_process(first)
        await stop_bot_process(second)
        first = await start_bot_process(fake, config, tmp_path / "first.log", args=SHARDS[1])  # swapped
        second = await start_bot_process(fake, config, tmp_path / "second.log", args=SHARDS[0])
        assert await poll(lambda: len(fake._ready_sessions()) == 4, 60), "the swapped processes did not connect"
        for player, message in zip(players, messages, strict=True):
            message = await _quiz_step(fake, message, player)
            await _quiz_step(fake, message, player)
        answers = await db.fetch_all("SELECT session_id, question_id, COUNT(*) AS n FROM answers"
                                     " WHERE source = 'quiz' GROUP BY session_id, question_id")
        assert len(answers) == 8 * 3 and {row["n"] for row in answers} == {1}, answers
        assert await db.fetch_value("SELECT COUNT(*) FROM session_items WHERE chosen IS NOT NULL") == 8 * 3
    finally:
        for process in (first, second):
            await stop_bot_process(process)
        await db.close()
    assert fake.global_429s() == 0, f"{fake.global_429s()} requests refused by the global rate limit"
    peak = fake.peak_requests_per_second(started)
    assert peak <= 50
    print(f"\n{REMINDERS} reminders and {GUILDS} daily posts by two processes on PostgreSQL, one killed: "
          f"{finished_at - started:.0f} s, peak {peak} requests/s, 0 429s")
