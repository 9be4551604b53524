"""The bot's side of the interaction benchmarks: runs in the bot's own process, started by
`simulator/run_bot.py`, so its CPU and its timings are the bot's alone.

    python -m simulator.run_bot bench._botside:main study|bare DB_PATH STATS_PATH

A probe wraps two discord.py functions: `ConnectionState.parse_interaction_create` (the interaction received:
the gateway frame is decoded and the bot starts on it) and `AsyncWebhookAdapter.request` (every interaction
callback, follow-up and edit of the original: the response sent). Times are `time.perf_counter()` in this
process, keyed by the interaction token. SIGUSR1 writes what was collected since the last SIGUSR1 to
STATS_PATH (JSON, written to a temporary name and renamed) with the CPU figures of this moment: process CPU,
the main thread's (the event loop's core) and the children's (a chart process pool). SIGTERM closes the bot;
SIGUSR2 makes the study bot answer everything "busy" (and back), to measure the busy path.
BENCH_CHART_PROCESSES=0 draws charts in a thread instead of the process pool, BENCH_CHART_CACHE=0 turns the
chart cache off: the options compared. With BENCH_PROFILE=FILE in the environment, cProfile records the main
thread from the first SIGUSR1 (after start-up) and writes FILE at the end.

`bare` is the yardstick: a plain discord.py bot with one slash command that sends an embed with a persistent
button (a DynamicItem, as the study bot's buttons are), and the button answering with an embed edit.
"""

from __future__ import annotations

import asyncio
import cProfile
import json
import logging
import os
import re
import signal
import sys
import time
from pathlib import Path
from typing import Any

import discord
from discord import app_commands
from discord.state import ConnectionState
from discord.webhook.async_ import AsyncWebhookAdapter

ROOT = Path(__file__).resolve().parent.parent


class Probe:
    def __init__(self, profiler: cProfile.Profile | None = None) -> None:
        self.received: dict[str, float] = {}
        self.sent: dict[str, list[tuple[str, float, float]]] = {}
        self.profiler = profiler  # enabled at the first dump: start-up is not what we are after

    def install(self) -> None:
        probe = self
        parse = ConnectionState.parse_interaction_create
        request = AsyncWebhookAdapter.request

        def parse_interaction_create(state: ConnectionState, data: Any) -> None:
            probe.received[data["token"]] = time.perf_counter()
            parse(state, data)

        async def timed_request(adapter: AsyncWebhookAdapter, route: Any, *args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            what = route.method + (" callback" if "/interactions/" in route.path else " webhook")
            if what == "POST callback":
                payload = kwargs.get("payload")
                if payload is None and kwargs.get("multipart"):
                    payload = json.loads(kwargs["multipart"][0]["value"])
                what += f" {(payload or {}).get('type')}"
            try:
                return await request(adapter, route, *args, **kwargs)
            finally:
                probe.sent.setdefault(route.webhook_token, []).append((what, started, time.perf_counter()))

        ConnectionState.parse_interaction_create = parse_interaction_create  # type: ignore[method-assign]
        AsyncWebhookAdapter.request = timed_request  # type: ignore[method-assign]

    def dump(self, path: str) -> None:
        records = [{"token": token, "received": at, "sent": self.sent.get(token, [])}
                   for token, at in self.received.items()]
        figures = {"process_cpu": time.process_time(), "main_thread_cpu": time.thread_time(),
                   "children_cpu": children_cpu(), "records": records}
        # what this dump cost (reading /proc, building the records) is not the next interactions' CPU
        figures["process_cpu_end"], figures["main_thread_cpu_end"] = time.process_time(), time.thread_time()
        self.received, self.sent = {}, {}
        if self.profiler is not None:
            self.profiler.enable()
        temporary = path + ".tmp"
        with open(temporary, "w") as out:
            json.dump(figures, out)
        os.replace(temporary, path)


def children_cpu() -> float:
    """CPU seconds of this process's live children (a process pool's workers), from /proc."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    me = os.getpid()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == me:  # ppid
            total += (int(fields[11]) + int(fields[12])) / tick  # utime + stime
    return total


class BareButton(discord.ui.DynamicItem[discord.ui.Button], template=r"bare:(?P<n>\d+)"):
    def __init__(self, n: int) -> None:
        super().__init__(discord.ui.Button(label="A", custom_id=f"bare:{n}"))
        self.n = n

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button,
                             match: re.Match[str]) -> BareButton:
        return cls(int(match["n"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        embed = discord.Embed(title=f"Clicked {self.n}", description="Right! " + "Because. " * 40)
        view = discord.ui.View(timeout=None)
        view.add_item(BareButton(self.n + 1))
        await interaction.response.edit_message(embed=embed, view=view)


def bare_bot() -> discord.Client:
    class Bare(discord.Client):
        def __init__(self) -> None:
            super().__init__(intents=discord.Intents.none() | discord.Intents(guilds=True),
                             guild_ready_timeout=0.05)
            self.tree = app_commands.CommandTree(self)

        async def setup_hook(self) -> None:
            self.add_dynamic_items(BareButton)
            await self.tree.sync()

    bot = Bare()

    @bot.tree.command(name="bare", description="An embed with a button")
    async def bare(interaction: discord.Interaction) -> None:
        view = discord.ui.View(timeout=None)
        view.add_item(BareButton(0))
        await interaction.response.send_message(embed=discord.Embed(title="Question"), view=view, ephemeral=True)

    return bot


async def run(kind: str, database: str, stats: str, profiler: cProfile.Profile | None) -> None:
    from app.config import Config
    from app.factory import create_bot
    from study.content import load_content

    logging.basicConfig(level=logging.WARNING, format="bot %(levelname)s %(name)s: %(message)s")
    probe = Probe(profiler)
    probe.install()
    if kind == "study":
        config = Config(token="bench-token", database_path=Path(database), content_dir=ROOT / "content")
        charts = None
        if "BENCH_CHART_PROCESSES" in os.environ or "BENCH_CHART_CACHE" in os.environ:  # the options measured
            from services.rendering import CACHE_ENTRIES, ChartRenderer

            charts = ChartRenderer(processes=int(os.environ.get("BENCH_CHART_PROCESSES", "1")),
                                   cache_entries=int(os.environ.get("BENCH_CHART_CACHE", CACHE_ENTRIES)))
        bot: discord.Client = create_bot(config, load_content(ROOT / "content"), charts=charts,
                                         guild_ready_timeout=0.05)
    else:
        bot = bare_bot()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGUSR1, probe.dump, stats)
    loop.add_signal_handler(signal.SIGTERM, lambda: loop.create_task(bot.close()))
    if hasattr(bot, "shedder"):  # SIGUSR2: every interaction now looks late (the busy path's cost); again: back
        from cogs.busy import BUSY_AFTER  # (an older commit of the bot, measured for "before", has no shedder)

        def toggle_behind() -> None:
            bot.shedder.busy_after = -1.0 if bot.shedder.busy_after >= 0 else BUSY_AFTER

        loop.add_signal_handler(signal.SIGUSR2, toggle_behind)
    async with bot:
        await bot.start(os.environ.get("FAKE_DISCORD_TOKEN", "bench-token"))


def main() -> None:
    kind, database, stats = sys.argv[1:4]
    profile_path = os.environ.get("BENCH_PROFILE")
    profiler = cProfile.Profile() if profile_path else None
    try:
        asyncio.run(run(kind, database, stats, profiler))
    finally:
        if profiler:
            profiler.disable()
            profiler.dump_stats(profile_path)
