"""Run-time permission checks. Discord's default permissions are only a default a server can change."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import discord
from discord import app_commands

from services.registry import Services
from study.errors import UserInputError


def guild_id_of(interaction: discord.Interaction) -> int:
    """The server a command or click came from, for everything that keeps a server's records.

    Those commands are guild-only (Discord does not offer them in DMs), so None means a DM that reached one
    anyway (an old button, a command synced before it was made guild-only): NoPrivateMessage, which the error
    handlers (cogs/errors.py) answer with "This command only works in a server" for commands and clicks alike.
    """
    if interaction.guild_id is None:
        raise app_commands.NoPrivateMessage()
    return interaction.guild_id


def services_of(interaction: discord.Interaction) -> Services:
    """The bot's services, for what receives only the interaction (autocomplete callbacks, checks)."""
    services = getattr(interaction.client, "services", None)
    if not isinstance(services, Services):
        raise RuntimeError("the bot's services are built in setup_hook, before any command runs")
    return services


def is_guild_admin(interaction: discord.Interaction) -> bool:
    permissions = interaction.permissions
    return bool(interaction.guild_id) and (permissions.manage_guild or permissions.administrator)


T = TypeVar("T")


def admin_only() -> Callable[[T], T]:
    """Require Manage Server (or Administrator) at run time, whatever the server's overrides say."""

    def predicate(interaction: discord.Interaction) -> bool:
        if interaction.guild_id is None:
            raise app_commands.NoPrivateMessage()
        if not is_guild_admin(interaction):
            raise app_commands.MissingPermissions(["manage_guild"])
        return True

    return app_commands.check(predicate)


async def is_organizer(interaction: discord.Interaction) -> bool:
    """Manage Server (or Administrator), or the server's study-lead role (/admin settings lead-role)."""
    if interaction.guild_id is None:
        return False
    if is_guild_admin(interaction):
        return True
    role_id = await services_of(interaction).settings.study_lead_role(interaction.guild_id)
    roles = getattr(interaction.user, "roles", [])
    return bool(role_id) and any(role.id == role_id for role in roles)


def organizer_only(refusal: str) -> Callable[[T], T]:
    """Require an organizer at run time (see is_organizer), whatever the server's overrides say."""

    async def predicate(interaction: discord.Interaction) -> bool:
        if interaction.guild_id is None:
            raise app_commands.NoPrivateMessage()
        if await is_organizer(interaction):
            return True
        raise app_commands.CheckFailure(refusal)

    return app_commands.check(predicate)


def missing_bot_permissions(interaction: discord.Interaction, channel: discord.TextChannel,
                            needed: tuple[str, ...]) -> str | None:
    """The permissions the bot lacks in `channel`, as readable names ("Send Messages, Pin Messages"), or None."""
    me = interaction.guild.me if interaction.guild else None
    if me is None:
        raise UserInputError("I cannot see my own membership in this server yet; try again in a minute.")
    permissions = channel.permissions_for(me)
    missing = [name for name in needed if not getattr(permissions, name)]
    return ", ".join(name.replace("_", " ").title() for name in missing) or None
