"""`python bot.py sandbox`: the whole bot in a browser, against the Discord simulator, with a clock you move.

One process, one event loop: the simulator (`simulator/`) serves Discord's API, the gateway and the page on
127.0.0.1:PORT; the real bot (the same factory, cogs, services, schedulers and SQLite code as production)
connects to it because discord.py's endpoints are pointed there. Nothing connects anywhere else and no token
is needed.

Invariants:
- The sandbox's database is its own file under data/ (`sandbox.sqlite3`, or `sandbox-demo.sqlite3` for
  --demo), never `database.path`; --fresh and --demo replace it.
- The simulated world is built in the same order with the same ids every run, so a kept database still
  points at the same server, channels and members.
- The clock only moves forward. It starts at the later of the real time and where the last run left it
  (saved beside the database), and moves only when the page asks. "+1 day" walks through every post,
  reveal and reminder due on the way, one at a time, letting the bot finish each before the next, exactly
  as if the time had passed.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import itertools
import logging
import signal
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import discord

from app.config import Config
from app.factory import StudyBot, create_bot
from db import reminders as reminder_store
from scheduling.clock import ManualClock
from scheduling.daily_scheduler import DailyScheduler
from scheduling.dispatcher import ReminderDispatcher
from simulator import FakeDiscord, FakeGuild, FakeUser
from simulator.web import WebUI
from simulator.world import SnowflakeFactory
from study.content import Content

log = logging.getLogger(__name__)

DEFAULT_PORT = 8080
GUILD_NAME = "CPIM Study Chapter"
#: the members a person can act as: (user name, display name, organizer?)
MEMBERS = (("olivia", "Olivia", True), ("ben", "Ben", False), ("chen", "Chen", False), ("dara", "Dara", False))
FIXED_EPOCH_MS = int(dt.datetime(2025, 1, 1, tzinfo=dt.UTC).timestamp() * 1000) - 1420070400000
STEP_LIMIT = 500  # scheduled things handled in one move of the clock, at most


def database_path(data_dir: Path, demo: bool) -> Path:
    return data_dir / ("sandbox-demo.sqlite3" if demo else "sandbox.sqlite3")


def remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", ".clock"):
        with contextlib.suppress(FileNotFoundError):
            Path(f"{path}{suffix}").unlink()


class FixedSnowflakes(SnowflakeFactory):
    """Ids for the world (server, channels, members, roles) that are the same every run."""

    def __init__(self) -> None:
        super().__init__()
        self._counter = itertools.count(1)

    def __call__(self) -> int:
        return (FIXED_EPOCH_MS << 22) | next(self._counter)


@dataclass
class SandboxWorld:
    guild: FakeGuild
    general: int
    daily: int
    members: list[FakeUser]


def build_world(fake: FakeDiscord) -> SandboxWorld:
    """One chapter server: #general, #daily-question, an organizer with Manage Server and three members."""
    time_based = fake._snowflake
    fake._snowflake = FixedSnowflakes()
    try:
        owner = fake.add_user("chapter-owner")
        guild = fake.add_guild(GUILD_NAME, owner=owner)
        general = fake.add_text_channel(guild, "general", topic="Chat and commands")
        daily = fake.add_text_channel(guild, "daily-question", topic="One question a day")
        fake.add_role(guild, "Study lead")
        # the bot's own role, as an invite link would grant it: pinning the organizers' exam countdown
        fake.set_bot_permissions(guild, discord.Permissions(pin_messages=True))
        members = []
        for name, display, organizer in MEMBERS:
            permissions = discord.Permissions(manage_guild=True) if organizer else None
            user = fake.add_member(guild, name, permissions=permissions, nick=display)
            user.global_name = display
            members.append(user)
    finally:
        fake._snowflake = time_based
    return SandboxWorld(guild, general.id, daily.id, members)


class SandboxClock(ManualClock):
    """The bot's clock in the sandbox: moved by the page, remembered across runs, never backwards."""

    def __init__(self, saved: Path) -> None:
        self._saved = saved
        start = dt.datetime.now(dt.UTC).replace(microsecond=0)
        with contextlib.suppress(OSError, ValueError):
            start = max(start, dt.datetime.fromisoformat(saved.read_text(encoding="utf-8").strip()))
        super().__init__(start)

    def set(self, instant: dt.datetime) -> None:
        if instant < self.now():
            raise ValueError("the sandbox clock never goes back")
        super().set(instant)
        with contextlib.suppress(OSError):
            self._saved.write_text(self.now().isoformat(), encoding="utf-8")


class ClockPanel:
    """What the page's clock buttons do: move the bot's clock through everything it has scheduled."""

    def __init__(self, bot: StudyBot, clock: SandboxClock) -> None:
        self.bot = bot
        self.clock = clock
        self._lock = asyncio.Lock()

    def now(self) -> dt.datetime:
        return self.clock.now()

    def _schedulers(self) -> Iterator[DailyScheduler | ReminderDispatcher]:
        yield self.bot.services.daily_scheduler
        yield self.bot.services.dispatcher

    async def next_scheduled(self) -> dt.datetime | None:
        """The earliest post, reveal, retry or reminder the bot has ahead."""
        times = [due for s in self._schedulers() if (due := getattr(s, "next_due", None)) is not None]
        reminder = await reminder_store.next_due_at(self.bot.db)
        if reminder is not None:
            times.append(reminder)
        return min(times, default=None)

    async def settle(self) -> None:
        """Let every scheduler handle what is due at the current time (and the bot send it)."""
        await asyncio.sleep(0.05)
        for scheduler in self._schedulers():
            try:
                await scheduler.wait_idle(30)
            except (TimeoutError, RuntimeError) as error:
                log.warning("sandbox clock: %s did not settle: %s", type(scheduler).__name__, error)
        await asyncio.sleep(0.05)

    async def advance(self, step: str) -> str:
        async with self._lock:
            await self.settle()
            start = self.clock.now()
            if step == "next":
                upcoming = await self.next_scheduled()
                if upcoming is None:
                    return "nothing is scheduled"
                target = max(upcoming, start)
            else:
                target = start + (dt.timedelta(hours=1) if step == "hour" else dt.timedelta(days=1))
            handled = await self._walk_to(target)
            return f"moved {_span(self.clock.now() - start)}" + (f", {handled} scheduled thing(s) on the way"
                                                                   if handled else "")

    async def _walk_to(self, target: dt.datetime) -> int:
        handled = 0
        for _ in range(STEP_LIMIT):
            upcoming = await self.next_scheduled()
            if upcoming is None or upcoming > target:
                break
            if upcoming > self.clock.now():
                self.clock.set(upcoming)
            handled += 1
            await self.settle()
            if upcoming <= self.clock.now() and await self.next_scheduled() == upcoming:
                break  # still due after settling (Discord failing, say): the scheduler retries on its own
        if target > self.clock.now():
            self.clock.set(target)
        await self.settle()
        return handled


def _span(delta: dt.timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} min"
    if minutes % 60 == 0 and minutes < 48 * 60:
        return f"{minutes // 60} h"
    if minutes >= 1440:
        return f"{minutes // 1440} d {minutes % 1440 // 60} h"
    return f"{minutes // 60} h {minutes % 60} min"


async def serve(config: Config, content: Content, *, port: int, demo: bool,
                ready: asyncio.Future[str] | None = None, stop: asyncio.Event | None = None) -> None:
    """Run the simulator, the page and the bot until `stop` is set (or the task is cancelled: Ctrl-C).
    `ready` gets the page's URL once everything is up."""
    started = time.monotonic()
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    with contextlib.suppress(NotImplementedError, RuntimeError):
        loop.add_signal_handler(signal.SIGTERM, stop.set)
    clock = SandboxClock(Path(f"{config.database_path}.clock"))
    fake = FakeDiscord(bot_name="StudyBot", deferred_timeout=120.0, guild_ready_timeout=0.1)
    fake.now = clock.now
    fake.set_rate_limit(50)  # Discord's global limit: what runs here runs against Discord
    world = build_world(fake)
    bot = create_bot(config, content, clock=clock, guild_ready_timeout=0.1)
    panel = ClockPanel(bot, clock)
    ui = WebUI(fake, world.guild, world.members, panel, title="CPIM study bot sandbox")
    await fake.start(port, setup_app=ui.add_routes)
    try:
        await fake.start_bot(bot, token="sandbox", timeout=60)
        await fake.wait_for_commands(timeout=30)
        if demo:
            from app.sandbox_demo import seed_demo  # only --demo needs it

            said = await seed_demo(bot, world, clock)
            print(f"demo: {said}", flush=True)
        print(f"Sandbox ready in {time.monotonic() - started:.1f} s: open {fake.root_url}/  "
              f"(database {config.database_path}; Ctrl-C stops)", flush=True)
        if ready is not None:
            ready.set_result(f"{fake.root_url}/")
        await stop.wait()
    finally:
        await ui.close()
        with contextlib.suppress(Exception):
            await fake.stop_bot(bot)
        await fake.close()
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.remove_signal_handler(signal.SIGTERM)


def run_sandbox(config: Config, content: Content, *, data_dir: Path, port: int, fresh: bool, demo: bool) -> int:
    path = database_path(data_dir, demo)
    if path.resolve() == Path(config.database_path).resolve():
        print(f"{path} is the production database (database.path); the sandbox never uses it", file=sys.stderr)
        return 2
    path.parent.mkdir(parents=True, exist_ok=True)
    if fresh or demo:
        remove_database(path)
    sandbox_config = dataclasses.replace(config, token="sandbox", dev_guild_id=None, database_path=path)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("discord.client").setLevel(logging.ERROR)  # no voice here: its missing-library warnings
    try:
        asyncio.run(serve(sandbox_config, content, port=port, demo=demo))
    except KeyboardInterrupt:
        print("sandbox stopped", flush=True)
    except OSError as error:
        print(f"cannot serve on 127.0.0.1:{port} ({error.strerror or error}); try --port with another number",
              file=sys.stderr)
        return 1
    return 0
