"""/remind: a member's own reminders by DM (one-off and weekly study), the list, cancel, snooze and resume."""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from cogs.checks import guild_id_of
from cogs.errors import send_ephemeral
from cogs.ui import reminder_views
from cogs.ui.autocomplete import module_autocomplete
from cogs.ui.limits import DateText, DaysText, KeyText, ReminderText, WhenText, excerpt
from cogs.ui.times import local_time

if TYPE_CHECKING:
    from app.factory import StudyBot
    from services.reminders import ReminderService

log = logging.getLogger(__name__)


class Reminders(commands.Cog):
    help_section = "Reminders and exams"

    remind = app_commands.Group(name="remind", description="Study reminders and one-off reminders by DM",
                                guild_only=True)

    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot

    @commands.Cog.listener()
    async def on_app_command_completion(self, interaction: discord.Interaction, command: app_commands.Command) -> None:
        """Tell a member once, after their next command, that their DMs are closed and reminders paused."""
        if self.bot.is_closed():
            return  # shutting down: the database may already be closed
        if await self.reminders.take_closed_notice(interaction.user.id):
            try:
                await interaction.followup.send(
                    "📪 I could not DM you, so your reminders are paused. Allow direct messages from server "
                    "members (Privacy settings) and run `/remind resume` to get them again.", ephemeral=True)
            except discord.HTTPException:
                log.warning("could not tell member %s that their DMs are closed", interaction.user.id)

    @property
    def reminders(self) -> ReminderService:
        return self.bot.services.reminders

    def _now(self) -> dt.datetime:
        return self.bot.clock.now()

    @remind.command(name="study", description="A weekly study reminder, e.g. 19:30 on mon-fri")
    @app_commands.describe(at="Time of day, e.g. 19:30 or 7pm", days="daily, weekdays, mon-fri, mon,wed,fri…",
                           module="Suggest this module")
    @app_commands.autocomplete(module=module_autocomplete)
    async def remind_study(self, interaction: discord.Interaction, at: DateText,
                           days: DaysText = "daily", module: KeyText | None = None) -> None:
        guild_id = guild_id_of(interaction)
        row, schedule = await self.reminders.remind_study(guild_id, interaction.user.id, at, days,
                                                          module, self._now(),
                                                          await self.bot.services.editions.lens_for(
                                                              guild_id))
        await interaction.response.send_message(
            f"Study reminder #{row.id}: {schedule.describe()} ({row.timezone}). First one: "
            f"{local_time(row.due_at, row.timezone)}.", ephemeral=True)

    @remind.command(name="me", description="A one-off reminder: 'tomorrow 7pm', 'in 2 hours', '2027-03-01 18:00'")
    @app_commands.describe(when="When, in your time zone", text="What to remind you of")
    async def remind_me(self, interaction: discord.Interaction, when: WhenText, text: ReminderText) -> None:
        row, parsed = await self.reminders.remind_once(guild_id_of(interaction), interaction.user.id, when, text,
                                                      self._now())
        note = (f" You gave no time of day, so I picked {parsed.assumed_time:%H:%M}; set another with a time, "
                f"e.g. '{excerpt(when)} 18:00'." if parsed.assumed_time else "")
        await interaction.response.send_message(
            f"Reminder #{row.id} set for {local_time(row.due_at, row.timezone)} ({row.timezone}).{note}",
            ephemeral=True)

    @remind.command(name="list", description="Your active reminders")
    async def remind_list(self, interaction: discord.Interaction) -> None:
        own, nudges = await self.reminders.member_reminders(guild_id_of(interaction), interaction.user.id)
        if not own and not nudges:
            await interaction.response.send_message("No active reminders. Try /remind study or /remind me.",
                                                    ephemeral=True)
            return
        await interaction.response.send_message(embed=reminder_views.reminders_embed(own, nudges), ephemeral=True)

    @remind.command(name="cancel", description="Cancel one of your reminders by its number")
    @app_commands.describe(reminder="The reminder's number from /remind list")
    async def remind_cancel(self, interaction: discord.Interaction, reminder: int) -> None:
        await self.reminders.cancel(guild_id_of(interaction), interaction.user.id, reminder)
        await interaction.response.send_message(f"Cancelled reminder #{reminder}.", ephemeral=True)

    @remind.command(name="resume", description="Resume reminders paused because I could not DM you")
    async def remind_resume(self, interaction: discord.Interaction) -> None:
        resumed = await self.reminders.resume(interaction.user.id, self._now())
        await interaction.response.send_message(f"Resumed {resumed} reminder(s). Keep DMs open so I can reach you.",
                                                ephemeral=True)

    async def on_snooze(self, interaction: discord.Interaction, reminder_id: int, choice: str) -> None:
        when = await self.reminders.snooze(reminder_id, interaction.user.id, choice, self._now())
        zone = await self.reminders.timezone_of(reminder_id)
        await send_ephemeral(interaction, f"Snoozed until {local_time(when, zone)} ({zone}).")


async def setup(bot: StudyBot) -> None:
    bot.add_dynamic_items(*reminder_views.DYNAMIC_ITEMS)
    await bot.add_cog(Reminders(bot))
