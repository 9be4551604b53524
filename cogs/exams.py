"""/exam: a member's exam date and the nudge DMs before it (/countdown is in cogs/countdown.py)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from cogs.checks import guild_id_of
from cogs.ui.autocomplete import module_autocomplete
from cogs.ui.limits import DateText, DaysText, KeyText
from cogs.ui.times import local_time
from study.nudges import parse_offsets

if TYPE_CHECKING:
    from app.factory import StudyBot
    from services.exams import ExamService


class Exams(commands.Cog):
    help_section = "Reminders and exams"

    exam = app_commands.Group(name="exam", description="Your exam dates and the nudges before them", guild_only=True)

    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot

    @property
    def exams(self) -> ExamService:
        return self.bot.services.exams

    def _now(self) -> dt.datetime:
        return self.bot.clock.now()

    @exam.command(name="set", description="Your exam date (CPIM 8: the one exam; CPIM 2017: a module's); I DM you")
    @app_commands.describe(date="Exam date, YYYY-MM-DD", time="Start time HH:MM (optional)",
                           module="CPIM 2017 only: the module (CPIM 8 is one exam: leave it empty)")
    @app_commands.autocomplete(module=module_autocomplete)
    async def exam_set(self, interaction: discord.Interaction, date: DateText, time: DateText | None = None,
                       module: KeyText | None = None) -> None:
        guild_id = guild_id_of(interaction)
        lens = await self.bot.services.editions.lens_for(guild_id)
        plan = await self.exams.set_exam(guild_id, interaction.user.id, module, date, time, self._now(),
                                            lens)
        code = lens.edition.name if lens.editions.is_exam_key(plan.exam.module) else lens.module_name(plan.exam.module)
        when = plan.exam.exam_date.strftime("%a %d %b %Y") + (f" at {plan.exam.exam_time:%H:%M}"
                                                              if plan.exam.exam_time else "")
        nudges = ", ".join(local_time(n, plan.exam.timezone) for n in plan.nudges[:6]) or (
            "never, nudges are off (turn them on with /exam nudges)" if plan.nudges_off
            else "none left before the exam")
        await interaction.response.send_message(
            f"Your **{code}** exam is on {when} ({plan.exam.timezone}). I'll DM you on: {nudges}.", ephemeral=True)

    @exam.command(name="list", description="Your exam dates")
    async def exam_list(self, interaction: discord.Interaction) -> None:
        exams = await self.exams.exam_countdowns(guild_id_of(interaction), interaction.user.id, self._now())
        if not exams:
            await interaction.response.send_message("No exams set. Add one with /exam set.", ephemeral=True)
            return
        lines = []
        for item in exams:
            exam = item.exam
            code = self.bot.content.editions.module_name(exam.module)  # a 2017 booking keeps its module name
            lines.append(f"**{code}** {exam.exam_date:%a %d %b %Y}"
                         + (f" {exam.exam_time:%H:%M}" if exam.exam_time else "") + f" · {item.countdown}")
        await interaction.response.send_message("\n".join(lines), ephemeral=True)

    @exam.command(name="cancel", description="Remove an exam date and its nudges")
    @app_commands.describe(module="The module (CPIM 2017), or empty for the CPIM 8 exam")
    @app_commands.autocomplete(module=module_autocomplete)
    async def exam_cancel(self, interaction: discord.Interaction, module: KeyText | None = None) -> None:
        guild_id = guild_id_of(interaction)
        lens = await self.bot.services.editions.lens_for(guild_id)
        exam = await self.exams.cancel_exam(guild_id, interaction.user.id, module, lens)
        code = lens.module_name(exam.module)
        await interaction.response.send_message(f"Removed your {code} exam and its nudges.", ephemeral=True)

    @exam.command(name="nudges", description="Which days before an exam I DM you, e.g. 30,14,7,3,1,0")
    @app_commands.describe(days="Days before the exam (0 = exam morning), 'default' or 'off'")
    async def exam_nudges(self, interaction: discord.Interaction, days: DaysText) -> None:
        offsets = parse_offsets(days)
        count = await self.exams.set_member_offsets(guild_id_of(interaction), interaction.user.id, offsets,
                                                       self._now())
        shown = ", ".join(map(str, offsets)) or "none"
        await interaction.response.send_message(f"Nudge days: {shown}. {count} nudge(s) now scheduled.",
                                                ephemeral=True)


async def setup(bot: StudyBot) -> None:
    await bot.add_cog(Exams(bot))
