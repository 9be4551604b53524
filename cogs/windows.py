"""/window: the chapter's exam windows; a member who joins one gets a DM before it closes."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from cogs.checks import guild_id_of
from cogs.ui import window_views
from cogs.ui.limits import WindowName, excerpt
from cogs.ui.times import local_time

if TYPE_CHECKING:
    from app.factory import StudyBot
    from services.windows import WindowService


class Windows(commands.Cog):
    help_section = "Reminders and exams"

    window = app_commands.Group(name="window", description="The chapter's exam windows", guild_only=True)

    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot

    @property
    def windows(self) -> WindowService:
        return self.bot.services.windows

    def _now(self) -> dt.datetime:
        return self.bot.clock.now()

    @window.command(name="list", description="The chapter's exam windows")
    async def window_list(self, interaction: discord.Interaction) -> None:
        guild_id = guild_id_of(interaction)
        listing = await self.windows.list_windows(guild_id, self._now())
        closed = f"{listing.closed} closed window{'s' if listing.closed != 1 else ''} not shown" \
            if listing.closed else ""
        if not listing.shown:
            await interaction.response.send_message(
                "No open or upcoming exam windows; admins add them with /admin window add."
                + (f" ({closed}.)" if closed else ""), ephemeral=True)
            return
        mine = await self.windows.member_windows(guild_id, interaction.user.id)
        embed = window_views.windows_embed(listing, mine, self.bot.content.syllabus, closed)
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @window.command(name="join", description="Get a DM before an exam window closes")
    async def window_join(self, interaction: discord.Interaction, name: WindowName) -> None:
        guild_id = guild_id_of(interaction)
        when = await self.windows.join_window(guild_id, interaction.user.id, name, self._now())
        zone = await self.bot.services.settings.timezone_for(guild_id, interaction.user.id)
        detail = f" I'll DM you on {local_time(when, zone)}." if when else " It closes soon, so no reminder is planned."
        await interaction.response.send_message(f"You joined '{excerpt(name)}'.{detail}", ephemeral=True)

    @window.command(name="leave", description="Stop reminders for an exam window")
    async def window_leave(self, interaction: discord.Interaction, name: WindowName) -> None:
        window = await self.windows.leave_window(guild_id_of(interaction), interaction.user.id, name)
        await interaction.response.send_message(f"You left '{window.name}'.", ephemeral=True)


async def setup(bot: StudyBot) -> None:
    await bot.add_cog(Windows(bot))
