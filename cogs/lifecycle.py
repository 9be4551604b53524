"""Stopping without dropping anything: what a member sees while the bot stops, and waiting for work under way.

From the moment the bot starts stopping (SIGTERM, SIGINT), a new slash command (StudyTree) or click on one of
its buttons (cogs/ui/buttons.py, the base of them all) gets one short ephemeral line ("restarting, try again in a
minute") instead of reaching a feature that is being unloaded;
commands and clicks already running are waited for (a few seconds at most) before the cogs unload and the
database closes, so an answer a member saw acknowledged is always written.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp
import discord
from discord import app_commands

from cogs.busy import StudyTree as BusyTree
from cogs.errors import on_app_command_error

log = logging.getLogger(__name__)
RESTARTING = "The bot is restarting; try again in a minute."


class BotRestarting(app_commands.CheckFailure):
    """A slash command arrived while the bot was stopping; the error handler shows RESTARTING."""


def is_stopping(client: discord.Client) -> bool:
    return bool(getattr(client, "stopping", False))


class StudyTree(BusyTree):
    """The command tree: refuses new commands politely once the bot is stopping, then sheds load (cogs.busy)."""

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        if not is_stopping(interaction.client):
            return await super().interaction_check(interaction)
        if interaction.type is discord.InteractionType.autocomplete:
            return False  # no answer: Discord shows no suggestions
        raise BotRestarting(RESTARTING)

    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError, /) -> None:
        await on_app_command_error(interaction, error)


# discord.py runs each command, each click and each event listener (such as on_app_command_completion) in a
# task of its own; these are their coroutines' names.
_HANDLER_COROUTINES = ("schedule_dynamic_item_call", "_from_interaction", "_scheduled_task", "_run_event")


def _is_interaction_handler(task: asyncio.Task[Any]) -> bool:
    name = getattr(task.get_coro(), "__qualname__", "")
    return any(part in name for part in _HANDLER_COROUTINES)


async def wait_for_interactions(limit_seconds: float) -> int:
    """Wait until no command or click is being handled (new ones are refused quickly by now), at most
    `limit_seconds`; return how many were still running then."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit_seconds
    while True:
        running = [task for task in asyncio.all_tasks() if not task.done() and _is_interaction_handler(task)
                   and task is not asyncio.current_task()]
        remaining = deadline - loop.time()
        if not running or remaining <= 0:
            return len(running)
        await asyncio.wait(running, timeout=remaining)


async def answer_restarting(interaction: discord.Interaction) -> None:
    """Tell the member the bot is restarting; if even that fails (the connection is closing), let it go."""
    if interaction.response.is_done():
        return
    try:
        await interaction.response.send_message(RESTARTING, ephemeral=True)
    except (discord.HTTPException, aiohttp.ClientError, OSError) as error:
        log.info("could not tell a member the bot is restarting: %r", error)
