"""Run-time permission checks. Discord's default permissions are only a default a server can change."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import discord
from discord import app_commands


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
