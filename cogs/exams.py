"""/exam (a member's exam date and the nudge DMs before it) and /countdown."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from cogs.ui.autocomplete import module_autocomplete
from cogs.ui.embeds import BRAND
from cogs.ui.limits import DateText, DaysText, KeyText
from cogs.ui.times import local_time
from study.countdown import days_phrase
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
        lens = await self.bot.services.editions.lens_for(interaction.guild_id)
        plan = await self.exams.set_exam(interaction.guild_id, interaction.user.id, module, date, time, self._now(),
                                            lens)
        code = lens.edition.name if lens.editions.is_exam_key(plan.exam.module) else lens.module_name(plan.exam.module)
        when = plan.exam.exam_date.strftime("%a %d %b %Y") + (f" at {plan.exam.exam_time:%H:%M}"
                                                              if plan.exam.exam_time else "")
        nudges = ", ".join(local_time(n, plan.exam.timezone) for n in plan.nudges[:6]) or (
            "never, nudges are off (turn them on with /exam nudges)" if plan.nudges_off
            else "none left before the exam")
        await interaction.response.send_message(
            f"Your **{code}** exam is on {when} ({plan.exam.timezone}). I'll DM you on: {nudges}.", ephemeral=True)

    @app_commands.command(name="countdown", description="Days to your exam, your window's close, your ATT's end")
    @app_commands.describe(att_received="The day you received your Authorization to Test, YYYY-MM-DD (not stored)")
    @app_commands.guild_only()
    async def countdown(self, interaction: discord.Interaction, att_received: DateText | None = None) -> None:
        edition = await self.bot.services.editions.edition_for(interaction.guild_id)
        result = await self.exams.countdown(interaction.guild_id, interaction.user.id, self._now(), edition,
                                               att_received)
        embed = discord.Embed(title="⏳ Your countdown", colour=BRAND)
        exams = [f"**{self.bot.content.editions.module_name(item.exam.module)}** {item.exam.exam_date:%a %d %b %Y} · "
                 f"{days_phrase(item.exam.exam_date, result.today)}" for item in result.exams]
        embed.add_field(name="Exam", value="\n".join(exams)[:1024] or "No exam date set: add yours with /exam set.",
                        inline=False)
        windows = [f"**{w.name}** closes {w.ends_on:%a %d %b %Y} · {days_phrase(w.ends_on, result.today)}"
                   for w in result.windows]
        embed.add_field(name="Exam window", value="\n".join(windows)[:1024] or
                        "You joined no open exam window: see /window list.", inline=False)
        if result.att_until is not None:
            att = (f"Valid until {result.att_until:%a %d %b %Y} · {days_phrase(result.att_until, result.today)} "
                   f"({edition.name}: {result.att_months} months)")
            late = [item.exam for item in result.exams if item.exam.exam_date > result.att_until]
            if late:
                att += "\n⚠️ Your exam date is after your ATT ends: reschedule it or ask ASCM about an extension."
        elif result.att_months is not None:
            att = (f"{edition.name}: an ATT is valid {result.att_months} months. Give `att_received` (the day you "
                   f"received it) to count it down; it is not stored.")
        else:
            att = f"The {edition.name} data states no ATT validity."
        embed.add_field(name="Authorization to Test", value=att[:1024], inline=False)
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @exam.command(name="list", description="Your exam dates")
    async def exam_list(self, interaction: discord.Interaction) -> None:
        exams = await self.exams.exam_countdowns(interaction.guild_id, interaction.user.id, self._now())
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
        lens = await self.bot.services.editions.lens_for(interaction.guild_id)
        exam = await self.exams.cancel_exam(interaction.guild_id, interaction.user.id, module, lens)
        code = lens.module_name(exam.module)
        await interaction.response.send_message(f"Removed your {code} exam and its nudges.", ephemeral=True)

    @exam.command(name="nudges", description="Which days before an exam I DM you, e.g. 30,14,7,3,1,0")
    @app_commands.describe(days="Days before the exam (0 = exam morning), 'default' or 'off'")
    async def exam_nudges(self, interaction: discord.Interaction, days: DaysText) -> None:
        offsets = parse_offsets(days)
        count = await self.exams.set_member_offsets(interaction.guild_id, interaction.user.id, offsets,
                                                       self._now())
        shown = ", ".join(map(str, offsets)) or "none"
        await interaction.response.send_message(f"Nudge days: {shown}. {count} nudge(s) now scheduled.",
                                                ephemeral=True)


async def setup(bot: StudyBot) -> None:
    await bot.add_cog(Exams(bot))
