"""A minimal bot used by the subprocess test (``python -m simulator.run_bot tests.simulator.example_bot:main``)."""

from __future__ import annotations

import os

import discord
from discord.ext import commands


def make_bot() -> commands.Bot:
    bot = commands.Bot(command_prefix="!", intents=discord.Intents.default())

    @bot.tree.command(description="Answer with the process id")
    async def whoami(interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"pid {os.getpid()}")

    async def setup_hook() -> None:
        await bot.tree.sync()

    bot.setup_hook = setup_hook  # type: ignore[method-assign]
    return bot


async def main() -> None:
    bot = make_bot()
    async with bot:
        await bot.start(os.environ.get("FAKE_DISCORD_TOKEN", "test-token"))
