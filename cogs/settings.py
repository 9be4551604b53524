"""/timezone: a member's own time zone, which their reminders, exam nudges and dates use."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import discord
from discord import app_commands
from discord.ext import commands

from cogs.checks import guild_id_of
from cogs.ui.autocomplete import timezone_autocomplete
from cogs.ui.limits import ZoneText

if TYPE_CHECKING:
    from app.factory import StudyBot
    from services.settings import SettingsService


class Settings(commands.Cog):
    help_section = "Reminders and exams"

    timezone = app_commands.Group(name="timezone", description="Your time zone for reminders", guild_only=True)

    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot

    @property
    def settings(self) -> SettingsService:
        return self.bot.services.settings

    def _now(self) -> dt.datetime:
        return self.bot.clock.now()

    @timezone.command(name="set", description="Set your time zone (IANA name, e.g. Europe/Berlin)")
    @app_commands.autocomplete(zone=timezone_autocomplete)
    @app_commands.describe(zone="Your IANA time zone")
    async def timezone_set(self, interaction: discord.Interaction, zone: ZoneText) -> None:
        saved = await self.settings.set_timezone(guild_id_of(interaction), interaction.user.id, zone, self._now())
        local = self._now().astimezone(ZoneInfo(saved)).strftime("%H:%M")
        await interaction.response.send_message(f"Your time zone is now **{saved}** (it is {local} there). "
                                                "New reminders use it.", ephemeral=True)

    @timezone.command(name="show", description="Your time zone")
    async def timezone_show(self, interaction: discord.Interaction) -> None:
        guild_id = guild_id_of(interaction)
        own = await self.settings.own_timezone(guild_id, interaction.user.id)
        zone = await self.settings.timezone_for(guild_id, interaction.user.id)
        note = "" if own else " (the server's default; set yours with /timezone set)"
        await interaction.response.send_message(f"Your time zone: **{zone}**{note}.", ephemeral=True)


async def setup(bot: StudyBot) -> None:
    await bot.add_cog(Settings(bot))
