"""/timezone, /exam, /remind and /window: DMs that keep members on track, on the durable dispatcher."""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import discord
from discord import app_commands
from discord.ext import commands

from cogs.errors import guarded, send_ephemeral
from cogs.ui import reminder_views
from cogs.ui.autocomplete import module_autocomplete, timezone_autocomplete
from cogs.ui.embeds import BRAND
from cogs.ui.limits import (
    DateText,
    DaysText,
    KeyText,
    ReminderText,
    WhenText,
    WindowName,
    ZoneText,
    excerpt,
    fit_embed,
)
from db import planning as planning_records
from db import reminders
from study.countdown import days_phrase
from study.errors import UserInputError
from study.nudges import parse_offsets
from study.recurrence import WeeklySchedule

MAX_FIELDS = 25  # Discord's limit per embed
MAX_NUDGE_LINES = 10

if TYPE_CHECKING:
    from app.factory import StudyBot

log = logging.getLogger(__name__)


def _local(instant: dt.datetime, zone: str) -> str:
    return instant.astimezone(ZoneInfo(zone)).strftime("%a %d %b %Y %H:%M")


class Reminders(commands.Cog):
    help_section = "Reminders and exams"

    timezone = app_commands.Group(name="timezone", description="Your time zone for reminders", guild_only=True)
    exam = app_commands.Group(name="exam", description="Your exam dates and the nudges before them", guild_only=True)
    remind = app_commands.Group(name="remind", description="Study reminders and one-off reminders by DM",
                                guild_only=True)
    window = app_commands.Group(name="window", description="The chapter's exam windows", guild_only=True)

    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot

    @commands.Cog.listener()
    async def on_app_command_completion(self, interaction: discord.Interaction, command: app_commands.Command) -> None:
        """Tell a member once, after their next command, that their DMs are closed and reminders paused."""
        if self.bot.is_closed():
            return  # shutting down: the database may already be closed
        if await reminders.take_closed_notice(self.bot.db, interaction.user.id):
            try:
                await interaction.followup.send(
                    "📪 I could not DM you, so your reminders are paused. Allow direct messages from server "
                    "members (Privacy settings) and run `/remind resume` to get them again.", ephemeral=True)
            except discord.HTTPException:
                log.warning("could not tell member %s that their DMs are closed", interaction.user.id)

    @property
    def planning(self):
        return self.bot.services.planning

    def _now(self) -> dt.datetime:
        return self.bot.clock.now()

    # ---- /timezone ----------------------------------------------------------------------------------------

    @timezone.command(name="set", description="Set your time zone (IANA name, e.g. Europe/Berlin)")
    @app_commands.autocomplete(zone=timezone_autocomplete)
    @app_commands.describe(zone="Your IANA time zone")
    async def timezone_set(self, interaction: discord.Interaction, zone: ZoneText) -> None:
        saved = await self.planning.set_timezone(interaction.guild_id, interaction.user.id, zone, self._now())
        local = self._now().astimezone(ZoneInfo(saved)).strftime("%H:%M")
        await interaction.response.send_message(f"Your time zone is now **{saved}** (it is {local} there). "
                                                "New reminders use it.", ephemeral=True)

    @timezone.command(name="show", description="Your time zone")
    async def timezone_show(self, interaction: discord.Interaction) -> None:
        own = await planning_records.member_timezone(self.bot.db, interaction.guild_id, interaction.user.id)
        zone = await self.planning.timezone_for(interaction.guild_id, interaction.user.id)
        note = "" if own else " (the server's default; set yours with /timezone set)"
        await interaction.response.send_message(f"Your time zone: **{zone}**{note}.", ephemeral=True)

    # ---- /exam ----------------------------------------------------------------------------------------------

    @exam.command(name="set", description="Your exam date (CPIM 8: the one exam; CPIM 2017: a module's); I DM you")
    @app_commands.describe(date="Exam date, YYYY-MM-DD", time="Start time HH:MM (optional)",
                           module="CPIM 2017 only: the module (CPIM 8 is one exam: leave it empty)")
    @app_commands.autocomplete(module=module_autocomplete)
    async def exam_set(self, interaction: discord.Interaction, date: DateText, time: DateText | None = None,
                       module: KeyText | None = None) -> None:
        lens = await self.bot.services.editions.lens_for(interaction.guild_id)
        plan = await self.planning.set_exam(interaction.guild_id, interaction.user.id, module, date, time, self._now(),
                                            lens)
        code = lens.edition.name if lens.editions.is_exam_key(plan.exam.module) else lens.module_name(plan.exam.module)
        when = plan.exam.exam_date.strftime("%a %d %b %Y") + (f" at {plan.exam.exam_time:%H:%M}"
                                                              if plan.exam.exam_time else "")
        nudges = ", ".join(_local(n, plan.exam.timezone) for n in plan.nudges[:6]) or (
            "never, nudges are off (turn them on with /exam nudges)" if plan.nudges_off
            else "none left before the exam")
        await interaction.response.send_message(
            f"Your **{code}** exam is on {when} ({plan.exam.timezone}). I'll DM you on: {nudges}.", ephemeral=True)

    @app_commands.command(name="countdown", description="Days to your exam, your window's close, your ATT's end")
    @app_commands.describe(att_received="The day you received your Authorization to Test, YYYY-MM-DD (not stored)")
    @app_commands.guild_only()
    async def countdown(self, interaction: discord.Interaction, att_received: DateText | None = None) -> None:
        edition = await self.bot.services.editions.edition_for(interaction.guild_id)
        result = await self.planning.countdown(interaction.guild_id, interaction.user.id, self._now(), edition,
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
        exams = await self.planning.exam_countdowns(interaction.guild_id, interaction.user.id, self._now())
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
        exam = await self.planning.cancel_exam(interaction.guild_id, interaction.user.id, module, lens)
        code = lens.module_name(exam.module)
        await interaction.response.send_message(f"Removed your {code} exam and its nudges.", ephemeral=True)

    @exam.command(name="nudges", description="Which days before an exam I DM you, e.g. 30,14,7,3,1,0")
    @app_commands.describe(days="Days before the exam (0 = exam morning), 'default' or 'off'")
    async def exam_nudges(self, interaction: discord.Interaction, days: DaysText) -> None:
        offsets = parse_offsets(days)
        count = await self.planning.set_member_offsets(interaction.guild_id, interaction.user.id, offsets,
                                                       self._now())
        shown = ", ".join(map(str, offsets)) or "none"
        await interaction.response.send_message(f"Nudge days: {shown}. {count} nudge(s) now scheduled.",
                                                ephemeral=True)

    # ---- /remind ------------------------------------------------------------------------------------------

    @remind.command(name="study", description="A weekly study reminder, e.g. 19:30 on mon-fri")
    @app_commands.describe(at="Time of day, e.g. 19:30 or 7pm", days="daily, weekdays, mon-fri, mon,wed,fri…",
                           module="Suggest this module")
    @app_commands.autocomplete(module=module_autocomplete)
    async def remind_study(self, interaction: discord.Interaction, at: DateText,
                           days: DaysText = "daily", module: KeyText | None = None) -> None:
        row, schedule = await self.planning.remind_study(interaction.guild_id, interaction.user.id, at, days, module,
                                                         self._now(), await self.bot.services.editions.lens_for(
                                                             interaction.guild_id))
        await interaction.response.send_message(
            f"Study reminder #{row.id}: {schedule.describe()} ({row.timezone}). First one: "
            f"{_local(row.due_at, row.timezone)}.", ephemeral=True)

    @remind.command(name="me", description="A one-off reminder: 'tomorrow 7pm', 'in 2 hours', '2027-03-01 18:00'")
    @app_commands.describe(when="When, in your time zone", text="What to remind you of")
    async def remind_me(self, interaction: discord.Interaction, when: WhenText, text: ReminderText) -> None:
        row, parsed = await self.planning.remind_once(interaction.guild_id, interaction.user.id, when, text,
                                                      self._now())
        note = (f" You gave no time of day, so I picked {parsed.assumed_time:%H:%M}; set another with a time, "
                f"e.g. '{excerpt(when)} 18:00'." if parsed.assumed_time else "")
        await interaction.response.send_message(
            f"Reminder #{row.id} set for {_local(row.due_at, row.timezone)} ({row.timezone}).{note}", ephemeral=True)

    @remind.command(name="list", description="Your active reminders")
    async def remind_list(self, interaction: discord.Interaction) -> None:
        own, nudges = await self.planning.member_reminders(interaction.guild_id, interaction.user.id)
        if not own and not nudges:
            await interaction.response.send_message("No active reminders. Try /remind study or /remind me.",
                                                    ephemeral=True)
            return
        embed = discord.Embed(title="Your reminders", colour=BRAND)
        if nudges:
            lines = [f"🎯 {n.label}: {n.count} nudge{'s' if n.count != 1 else ''}, next "
                     f"{_local(n.next_at, n.timezone)}" for n in nudges[:MAX_NUDGE_LINES]]
            if len(nudges) > MAX_NUDGE_LINES:
                lines.append(f"…and {len(nudges) - MAX_NUDGE_LINES} more")
            heading = "**Exam and window nudges** (change with /exam nudges, /window leave)"
            embed.description = "\n".join([heading, *lines])
        shown = own if len(own) <= MAX_FIELDS else own[:MAX_FIELDS - 1]
        for row in shown:
            if row.recurrence:
                what = "Study " + WeeklySchedule.from_json(row.recurrence).describe()
            else:
                what = row.text[:80] or "Reminder"  # Discord refuses an empty field value
            paused = " · ⏸ paused (DMs closed)" if row.state == "paused" else ""
            embed.add_field(name=f"#{row.id} · next {_local(row.due_at, row.timezone)}", value=what + paused,
                            inline=False)
        if len(own) > len(shown):
            embed.add_field(name=f"…and {len(own) - len(shown)} more", value="Cancel some with /remind cancel.",
                            inline=False)
        await interaction.response.send_message(embed=fit_embed(embed), ephemeral=True)

    @remind.command(name="cancel", description="Cancel one of your reminders by its number")
    @app_commands.describe(reminder="The reminder's number from /remind list")
    async def remind_cancel(self, interaction: discord.Interaction, reminder: int) -> None:
        if not await reminders.cancel(self.bot.db, interaction.guild_id, interaction.user.id, reminder):
            raise UserInputError(f"You have no active reminder #{reminder} here; see /remind list.")
        await interaction.response.send_message(f"Cancelled reminder #{reminder}.", ephemeral=True)

    @remind.command(name="resume", description="Resume reminders paused because I could not DM you")
    async def remind_resume(self, interaction: discord.Interaction) -> None:
        resumed = await reminders.reopen_dms(self.bot.db, interaction.user.id, self._now())
        self.bot.services.dispatcher.wake()
        await interaction.response.send_message(f"Resumed {resumed} reminder(s). Keep DMs open so I can reach you.",
                                                ephemeral=True)

    @guarded  # a button is not a slash command: the tree's error handler never sees its errors
    async def on_snooze(self, interaction: discord.Interaction, reminder_id: int, choice: str) -> None:
        when = await self.planning.snooze(reminder_id, interaction.user.id, choice, self._now())
        row = await reminders.get(self.bot.db, reminder_id)
        zone = row.timezone if row else "UTC"
        await send_ephemeral(interaction, f"Snoozed until {_local(when, zone)} ({zone}).")

    # ---- /window (members) --------------------------------------------------------------------------------

    @window.command(name="list", description="The chapter's exam windows")
    async def window_list(self, interaction: discord.Interaction) -> None:
        listing = await self.planning.list_windows(interaction.guild_id, self._now())
        closed = f"{listing.closed} closed window{'s' if listing.closed != 1 else ''} not shown" \
            if listing.closed else ""
        if not listing.shown:
            await interaction.response.send_message(
                "No open or upcoming exam windows; admins add them with /admin window add."
                + (f" ({closed}.)" if closed else ""), ephemeral=True)
            return
        mine = await planning_records.member_windows(self.bot.db, interaction.guild_id, interaction.user.id)
        syllabus = self.bot.content.syllabus
        embed = discord.Embed(title="Exam windows", colour=BRAND)
        for window in listing.shown[:MAX_FIELDS]:
            codes = ", ".join(syllabus.module(m).code for m in window.modules if syllabus.module(m))
            joined = " · ✅ you're in" if window.id in mine else ""
            embed.add_field(name=f"{window.name}{joined}",
                            value=f"{window.starts_on:%d %b} – {window.ends_on:%d %b %Y} · {codes or 'all'} · "
                                  f"{window.members} member(s)", inline=False)
        more = len(listing.shown) - MAX_FIELDS
        footer = ([f"and {more} more"] if more > 0 else []) + ([closed] if closed else [])
        if footer:
            embed.set_footer(text=" · ".join(footer))
        await interaction.response.send_message(embed=fit_embed(embed), ephemeral=True)

    @window.command(name="join", description="Get a DM before an exam window closes")
    async def window_join(self, interaction: discord.Interaction, name: WindowName) -> None:
        when = await self.planning.join_window(interaction.guild_id, interaction.user.id, name, self._now())
        zone = await self.planning.timezone_for(interaction.guild_id, interaction.user.id)
        detail = f" I'll DM you on {_local(when, zone)}." if when else " It closes soon, so no reminder is planned."
        await interaction.response.send_message(f"You joined '{excerpt(name)}'.{detail}", ephemeral=True)

    @window.command(name="leave", description="Stop reminders for an exam window")
    async def window_leave(self, interaction: discord.Interaction, name: WindowName) -> None:
        window = await self.planning.leave_window(interaction.guild_id, interaction.user.id, name)
        await interaction.response.send_message(f"You left '{window.name}'.", ephemeral=True)


async def setup(bot: StudyBot) -> None:
    bot.add_dynamic_items(*reminder_views.DYNAMIC_ITEMS)
    await bot.add_cog(Reminders(bot))
