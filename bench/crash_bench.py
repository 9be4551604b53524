"""Crash cycles: the bot process is killed with SIGKILL at a random moment, again and again, with quiz answers,
reminder DMs and a daily post in flight; then it starts again. What must hold, and what it prints:

- `PRAGMA integrity_check` is ok after every kill;
- 0 acknowledged answers lost: every click the member saw answered has its row in `answers`;
- 0 reminders lost: at the end every reminder reached its member;
- 0 reminders doubled while Discord remembers the nonce (the fake keeps it 5 minutes, like Discord);
- at risk per crash: DMs that reached the member but were not recorded when the bot died, the ones a
  restart after Discord forgot the nonce would send twice (at most one);
- each round's server got exactly one daily post for the day.

The real bot runs as a process (`python bot.py`, as the crash tests do) against the fake Discord in this
process on 127.0.0.1, on one SQLite file that lives through every round. Each round adds `--reminders`
reminders due now and a new server whose daily post is due now, starts the bot, sets `--members` members
clicking quiz answers as fast as the bot answers, and kills the bot between 0.2 s and `--window` s after
it is ready. After the last round the bot starts once more, delivers what is left and stops with SIGTERM.

    python -m bench.crash_bench [--rounds 20] [--reminders 120] [--members 8] [--window 3.0] [--seed 1]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import os
import random
import signal
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import discord

from db import daily, reminders
from db.connection import Database
from db.daily import DailySettings
from simulator import FakeChannel, FakeDiscord, FakeDiscordError, FakeGuild, FakeUser
from tests.bot_process import poll, start_bot_process, write_config

REMINDER_PREFIX = "⏰ Reminder: "


@dataclass
class Figures:
    rounds: int = 0
    integrity_failures: int = 0
    acknowledged_answers: int = 0
    answers_lost: int = 0
    reminders: int = 0
    reminders_lost: int = 0
    reminders_doubled: int = 0
    at_risk: list[int] = field(default_factory=list)   # per crash
    sent_at_kill: list[int] = field(default_factory=list)
    daily_servers: int = 0
    daily_wrong: int = 0     # servers without exactly one post for the day
    kill_after: list[float] = field(default_factory=list)
    final_exit_code: int | None = None
    seconds: float = 0.0


class Cycles:
    def __init__(self, fake: FakeDiscord, folder: Path, members: int, per_round: int, rng: random.Random) -> None:
        self.fake = fake
        self.folder = folder
        self.database = folder / "bot.sqlite3"
        self.config = write_config(folder, self.database)
        self.log = folder / "bot.log"
        self.rng = rng
        self.per_round = per_round
        self.guild = fake.add_guild("Chapter")
        self.channel = fake.add_text_channel(self.guild, "study")
        self.members = [fake.add_member(self.guild, f"member{i}") for i in range(members)]
        self.readers = [fake.add_member(self.guild, f"reader{i}") for i in range(30)]
        self.daily_guilds: list[tuple[FakeGuild, FakeChannel]] = []
        self.acknowledged: list[tuple[str, int]] = []  # (quiz session, position) the member saw answered
        self.figures = Figures()

    # ---- what each round puts in flight -----------------------------------------------------------------------

    async def add_work(self, round_: int) -> None:
        db = await Database.open(self.database)
        try:
            now = dt.datetime.now(dt.UTC)
            for index in range(self.per_round):
                user = self.readers[index % len(self.readers)]
                await reminders.add(db, guild_id=self.guild.id, user_id=user.id, kind="once",
                                    text=f"round {round_} reminder {index}", due_at=now - dt.timedelta(seconds=5),
                                    now=now, cap=None)
            guild = self.fake.add_guild(f"Daily {round_}")
            channel = self.fake.add_text_channel(guild, "daily")
            admin = self.fake.add_member(guild, "admin", permissions=discord.Permissions(manage_guild=True))
            await daily.save_settings(db, DailySettings(
                guild_id=guild.id, channel_id=channel.id, hour=now.hour, minute=now.minute, timezone="UTC",
                days=tuple(range(7)), modules=(), rotation="order", reveal_after_hours=12, explain_at_once=False,
                repeat_window_days=60, weekly_summary=False, paused=False,
                active_since=now - dt.timedelta(hours=1), updated_by=admin.id, updated_at=now))
            self.daily_guilds.append((guild, channel))
        finally:
            await db.close()
        self.figures.reminders += self.per_round

    async def quiz_member(self, member: FakeUser) -> None:
        """/quiz, then answer and Next as fast as the bot answers, until the bot dies."""
        with contextlib.suppress(FakeDiscordError, KeyError, IndexError, asyncio.TimeoutError):
            while True:
                start = await self.fake.slash(member, self.channel, "quiz", count=20, mode="mixed")
                message = start.message
                while message is not None:
                    ids = [c["custom_id"] for row in message["components"] for c in row["components"]
                           if c.get("custom_id", "").startswith("quiz:")]
                    if not ids:
                        break
                    _, session, position, _ = ids[0].split(":")
                    answered = await self.fake.click(member, message, ids[self.rng.randrange(len(ids))])
                    if answered.embeds and ("Right" in answered.embeds[0].get("description", "")
                                            or "Not quite" in answered.embeds[0].get("description", "")):
                        self.acknowledged.append((session, int(position)))
                    message = answered.message
                    following = [c["custom_id"] for row in message["components"] for c in row["components"]
                                 if "quiz-next" in c.get("custom_id", "")]
                    if not following:
                        break
                    message = (await self.fake.click(member, message, following[0])).message

    # ---- reading the outcome -------------------------------------------------------------------------------------

    def rows(self, sql: str, *params: object) -> list[tuple]:
        with contextlib.closing(sqlite3.connect(self.database)) as conn:
            return conn.execute(sql, params).fetchall()

    def dms(self) -> Counter:
        return Counter(m["content"].removeprefix(REMINDER_PREFIX) for user in self.readers
                       for m in self.fake.dm_messages(user) if m["content"].startswith(REMINDER_PREFIX))

    def recorded(self) -> set[str]:
        return {text for (text,) in self.rows(
            "SELECT r.text FROM reminders r JOIN reminder_deliveries d ON d.reminder_id = r.id")}

    def check_after_kill(self) -> None:
        if self.rows("PRAGMA integrity_check") != [("ok",)]:
            self.figures.integrity_failures += 1
        sent = set(self.dms())
        self.figures.sent_at_kill.append(len(sent) - sum(self.figures.sent_at_kill))
        self.figures.at_risk.append(len(sent - self.recorded()))
        self.check_answers()

    # ---- the cycles --------------------------------------------------------------------------------------------

    async def start(self) -> asyncio.subprocess.Process:
        await poll(lambda: not self.fake._ready_sessions(), 10)  # the killed process's session is gone
        process = await start_bot_process(self.fake, self.config, self.log)
        await self.fake.wait_for_commands(new=True, timeout=60)
        await self.fake.wait_for_session(timeout=60)
        return process

    async def round(self, round_: int, window: float, stop_signal: signal.Signals = signal.SIGKILL) -> int:
        """One round; returns the bot's exit code (-9 for SIGKILL)."""
        await self.add_work(round_)
        bot = await self.start()
        clickers = [asyncio.create_task(self.quiz_member(m)) for m in self.members]
        kill_after = self.rng.uniform(0.2, window)
        await asyncio.sleep(kill_after)
        os.kill(bot.pid, stop_signal)
        code = await asyncio.wait_for(bot.wait(), 30)
        for task in clickers:
            task.cancel()
        await asyncio.gather(*clickers, return_exceptions=True)
        self.figures.kill_after.append(kill_after)
        self.check_after_kill()
        self.figures.rounds += 1
        return code

    async def finish(self) -> None:
        """Start once more, let everything due be delivered, stop with SIGTERM; count what was lost or doubled."""
        bot = await self.start()
        everything = {f"round {r} reminder {i}" for r in range(self.figures.rounds) for i in range(self.per_round)}
        await poll(lambda: set(self.dms()) >= everything, 120)
        await poll(lambda: all(self.daily_posts(channel) for _, channel in self.daily_guilds), 60)
        await asyncio.sleep(2)  # time for a wrongful resend to show up
        bot.send_signal(signal.SIGTERM)
        self.figures.final_exit_code = await asyncio.wait_for(bot.wait(), 30)
        counts = self.dms()
        self.figures.reminders_lost = len(everything - set(counts))
        self.figures.reminders_doubled = sum(1 for n in counts.values() if n > 1)
        if self.rows("PRAGMA integrity_check") != [("ok",)]:
            self.figures.integrity_failures += 1
        self.figures.daily_servers = len(self.daily_guilds)
        self.figures.daily_wrong = sum(1 for _, channel in self.daily_guilds if len(self.daily_posts(channel)) != 1)
        self.check_answers()

    def check_answers(self) -> None:
        answered = set(self.rows("SELECT a.session_id, i.position FROM answers a JOIN session_items i"
                                 " ON i.session_id = a.session_id AND i.question_id = a.question_id"))
        self.figures.answers_lost = sum(1 for item in self.acknowledged if item not in answered)
        self.figures.acknowledged_answers = len(self.acknowledged)

    def daily_posts(self, channel: FakeChannel) -> list[dict]:
        return [m for m in self.fake.channel_messages(channel)
                if m["embeds"] and m["embeds"][0]["title"].startswith("Daily question")]


async def run(rounds: int = 20, per_round: int = 120, members: int = 8, window: float = 3.0,
              seed: int = 1) -> Figures:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        async with FakeDiscord() as fake:
            cycles = Cycles(fake, Path(folder), members, per_round, random.Random(seed))
            for round_ in range(rounds):
                await cycles.round(round_, window)
            await cycles.finish()
    cycles.figures.seconds = time.perf_counter() - started
    return cycles.figures


def report(figures: Figures) -> str:
    risk = figures.at_risk
    lines = [
        f"crash cycles: {figures.rounds} SIGKILLs, then a last start stopped with SIGTERM "
        f"(exit code {figures.final_exit_code}), {figures.seconds:.0f} s",
        f"  integrity_check failures          {figures.integrity_failures}",
        f"  acknowledged answers              {figures.acknowledged_answers:,}, lost {figures.answers_lost}",
        f"  reminders                         {figures.reminders:,}, lost {figures.reminders_lost}, "
        f"doubled {figures.reminders_doubled} (nonce held)",
        f"  DMs at risk per crash             max {max(risk, default=0)}, mean {statistics.fmean(risk or [0]):.2f}, "
        f"total {sum(risk)} (sent but unrecorded when killed)",
        f"  DMs sent before each kill         {', '.join(str(n) for n in figures.sent_at_kill)}",
        f"  kill moments (s after ready)      {', '.join(f'{s:.1f}' for s in figures.kill_after)}",
        f"  daily posts                       {figures.daily_servers} servers, "
        f"{figures.daily_wrong} without exactly one post",
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--reminders", type=int, default=120, help="reminders due in each round")
    parser.add_argument("--members", type=int, default=8, help="members clicking quiz answers")
    parser.add_argument("--window", type=float, default=3.0, help="kill between 0.2 s and this after ready")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    figures = asyncio.run(run(args.rounds, args.reminders, args.members, args.window, args.seed))
    print(report(figures))
    ok = (figures.integrity_failures == 0 and figures.answers_lost == 0 and figures.reminders_lost == 0
          and figures.reminders_doubled == 0 and max(figures.at_risk, default=0) <= 1 and figures.daily_wrong == 0
          and figures.final_exit_code == 0)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
