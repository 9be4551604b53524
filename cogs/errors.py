"""The tree-wide error handler: a short, friendly ephemeral answer for the member, the traceback for the log."""

from __future__ import annotations

import logging
import secrets

import aiohttp
import discord
from discord import app_commands

from cogs.ui.limits import excerpt, fit_content
from study.errors import UserInputError

log = logging.getLogger(__name__)


def describe_error(error: Exception) -> tuple[str, bool]:
    """The message for the member and whether it is an internal fault (to be logged with a reference)."""
    original = getattr(error, "original", error)
    if isinstance(original, UserInputError):
        return str(original), False
    if isinstance(error, app_commands.MissingPermissions):
        needed = ", ".join(p.replace("_", " ").replace("guild", "server").title() for p in error.missing_permissions)
        return f"You need the **{needed}** permission to use this command. Nothing was changed.", False
    if isinstance(error, app_commands.BotMissingPermissions):
        needed = ", ".join(p.replace("_", " ").title() for p in error.missing_permissions)
        return f"I am missing the **{needed}** permission here; ask an admin to grant it.", False
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This command only works in a server, not in DMs.", False
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Slow down a little: try again in {error.retry_after:.0f} s.", False
    if isinstance(error, app_commands.TransformerError):
        return f"'{excerpt(str(error.value))}' is not a valid value for that option.", False
    if isinstance(error, app_commands.CheckFailure):
        return str(error) or "You cannot use this command here.", False
    if isinstance(error, app_commands.CommandNotFound):
        return "That command is no longer available; it may have been renamed. Try /help.", False
    return "", True


async def send_ephemeral(interaction: discord.Interaction, message: str) -> None:
    """A private answer, cut to Discord's 2,000 characters (an error may repeat what the member typed)."""
    message = fit_content(message) or "…"
    if interaction.response.is_done():
        await interaction.followup.send(message, ephemeral=True)
    else:
        await interaction.response.send_message(message, ephemeral=True)


UNKNOWN_INTERACTION = 10062  # Discord's answer to a response after its 3-second deadline


def answered_too_late(error: BaseException) -> bool:
    original = getattr(error, "original", error)
    return isinstance(original, discord.NotFound) and original.code == UNKNOWN_INTERACTION


async def _answer(interaction: discord.Interaction, error: BaseException, message: str, internal: bool,
                  where: str) -> None:
    if answered_too_late(error):  # expected under load: one line, and no second answer that would fail too
        log.warning("%s was answered after Discord's 3-second deadline; the member saw 'This interaction failed'",
                    where)
        return
    if internal:
        reference = secrets.token_hex(4)
        log.error("%s failed (reference %s)", where, reference, exc_info=(type(error), error, error.__traceback__))
        message = (f"Something went wrong on my side (reference `{reference}`). Please try again, and give the "
                   "reference to an admin if it keeps happening.")
    try:
        await send_ephemeral(interaction, message)
    except discord.HTTPException as failure:
        log.warning("%s: could not tell the member about it: %s %s", where, failure.status, failure.text)
    except (aiohttp.ClientError, OSError) as failure:  # the connection is closing (the bot is stopping)
        log.warning("%s: could not tell the member about it: %r", where, failure)


async def on_app_command_error(interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
    message, internal = describe_error(error)
    command = interaction.command.qualified_name if interaction.command else "?"
    await _answer(interaction, error, message, internal, f"command /{command}")


async def answer_component_error(interaction: discord.Interaction, error: Exception) -> None:
    """The same answer for a button, select or modal: discord.py only logs errors raised there."""
    if isinstance(error, UserInputError | app_commands.NoPrivateMessage):
        message, _ = describe_error(error)
        await _answer(interaction, error, message, False, "component")
        return
    custom_id = interaction.data.get("custom_id", "?") if interaction.data else "?"
    await _answer(interaction, error, "", True, f"component {custom_id}")
