"""Reminder DMs through the fake Discord enforcing Discord's 50 requests/s: DMs/s sustained, requests per DM.

The real bot (create_bot, the reminders cog, the Discord sender) runs against the simulator package on 127.0.0.1.
Every member's DM channel id is stored beforehand, as after their first DM, so a DM should cost exactly one
request; the fake answers excess requests with global 429s, which discord.py waits out and retries.

    python -m bench.reminders_discord_bench [--dms 1000] [--rate 50]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import logging
import tempfile
import time
from pathlib import Path

from app.config import Config
from app.factory import create_bot
from db import reminders
from db.connection import Database
from simulator import FakeDiscord
from study.content import load_content

ROOT = Path(__file__).resolve().parent.parent


async def run(dms: int, rate: float | None, dm_channels_stored: bool) -> dict[str, float]:
    content = load_content(ROOT / "content")
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "bench.sqlite3"
        async with FakeDiscord() as fake:
            guild = fake.add_guild("Bench chapter")
            fake.add_text_channel(guild, "study")
            users = [fake.add_member(guild, f"member{i}") for i in range(dms)]
            db = await Database.open(database)
            now = dt.datetime.now(dt.UTC)
            due = now + dt.timedelta(seconds=3)
            for index, user in enumerate(users):
                if dm_channels_stored:
                    channel = fake._dm_channel_for(user)  # what the first DM to this member created
                    await reminders.set_dm_channel(db, user.id, channel.id, now)
                await reminders.add(db, guild_id=guild.id, user_id=user.id, kind="once", text=f"bench {index}",
                                    due_at=due, now=now, cap=None)
            await db.close()
            config = Config(token="bench-token", database_path=database, content_dir=ROOT / "content")
            bot = create_bot(config, content, guild_ready_timeout=0.05)
            await fake.start_bot(bot)
            fake.set_rate_limit(rate)
            started_requests = len(fake.request_log)
            start = time.perf_counter() + (due - dt.datetime.now(dt.UTC)).total_seconds()
            while sum(len(fake.dm_messages(u)) for u in users) < dms:
                await asyncio.sleep(0.01)
                if time.perf_counter() - start > 600:
                    break
            elapsed = time.perf_counter() - start
            delivered = sum(len(fake.dm_messages(u)) for u in users)
            requests = fake.request_log[started_requests:]
            posts = sum(1 for r in requests if r.method == "POST" and "/messages" in r.path)
            opens = sum(1 for r in requests if r.path.endswith("/users/@me/channels"))
            limited = sum(1 for r in requests if r.status == 429)
            await fake.stop_bot(bot)
            fake.set_rate_limit(None)
    return {"delivered": delivered, "seconds": elapsed, "dms_per_second": delivered / elapsed,
            "message_posts": posts, "dm_channel_opens": opens, "rate_limited": limited}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dms", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=50)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    print(f"reminder DMs through the fake Discord · {args.dms} members, one reminder each, due in the same second")
    print(f"{'run':42} {'delivered':>9} {'seconds':>8} {'DMs/s':>7} {'POST msg':>9} {'DM opens':>9} {'429s':>6}")
    for label, rate, stored in ((f"rate limit {args.rate:g}/s, DM channels stored", args.rate, True),
                                (f"rate limit {args.rate:g}/s, DM channels not stored", args.rate, False),
                                ("fake without a limit (our pacing only)", None, True)):
        figures = asyncio.run(run(args.dms, rate, stored))
        print(f"{label:42} {figures['delivered']:>9,} {figures['seconds']:>8.2f} {figures['dms_per_second']:>7.1f}"
              f" {figures['message_posts']:>9,} {figures['dm_channel_opens']:>9,} {figures['rate_limited']:>6,}")


if __name__ == "__main__":
    main()
