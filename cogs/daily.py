"""/daily (admins), /streak, /leaderboard and /daily-archive: one question a day in a channel, answered with buttons.

The cog turns commands and clicks into calls on the services the factory built (`bot.services.daily`,
`daily_posts`, `daily_scheduler`). The posts themselves are sent, revealed and updated by services.daily_posts
(the delivery policy, which the one DailyScheduler task calls when a post or a reveal falls due) through the
Discord adapter in cogs/daily_poster.py.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.ext import commands

from cogs.checks import admin_only, guild_id_of, missing_bot_permissions
from cogs.errors import send_ephemeral
from cogs.ui import daily_views
from cogs.ui.autocomplete import module_autocomplete, timezone_autocomplete
from cogs.ui.limits import DateText, DaysText, KeyText, ModulesText, ZoneText
from scheduling.daily_scheduler import DailyScheduler, next_post_time
from services.daily import ARCHIVE_PAGE, LEADERBOARD_PAGE, DailyService, PostDelayed, ScheduleInput
from study.daily import as_period, page_of
from study.editions import Lens
from study.errors import UserInputError
from study.questions import LETTERS

if TYPE_CHECKING:
    from app.factory import StudyBot

log = logging.getLogger(__name__)
Period = Literal["week", "month", "season", "all"]
# What the bot needs in the daily channel: see it, post in it, and show the question as an embed.
NEEDED = ("view_channel", "send_messages", "embed_links")


class Daily(commands.Cog):
    help_section = "Daily question"

    daily = app_commands.Group(
        name="daily", description="The daily question in a channel (Manage Server)",
        default_permissions=discord.Permissions(manage_guild=True), guild_only=True,
    )

    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot

    @property
    def service(self) -> DailyService:
        return self.bot.services.daily

    @property
    def scheduler(self) -> DailyScheduler:
        return self.bot.services.daily_scheduler

    async def _lens(self, guild_id: int | None) -> Lens:
        """The server's edition: module labels, the rotation and the leaderboard follow it."""
        return await self.bot.services.editions.lens_for(guild_id)

    def _now(self) -> dt.datetime:
        return self.bot.clock.now()

    # ---- clicks -----------------------------------------------------------------------------------------------

    async def on_answer(self, interaction: discord.Interaction, post_id: int, choice: int) -> None:
        # Acknowledge first: recording writes the answer and the member's quiz records in one transaction, which
        # can wait behind other writers (a burst of clicks, a backup) longer than Discord's 3 seconds.
        await interaction.response.defer(ephemeral=True, thinking=True)
        message_id = interaction.message.id if interaction.message else None
        # an error from here on (a UserInputError's words, or "something went wrong") is sent as the follow-up
        # that replaces "thinking…", by the button base (cogs/ui/buttons.py)
        result = await self.service.answer(post_id, guild_id_of(interaction), interaction.user.id, choice,
                                           message_id=message_id, now=self._now())
        outcome = result.outcome
        if not outcome.first and outcome.chosen >= 0:
            await send_ephemeral(interaction, f"You already answered this one ({LETTERS[outcome.chosen]}); "
                                              f"your first click is the one that counts.")
            return
        if outcome.closed:
            await send_ephemeral(interaction, "This daily question is closed: its answer has been revealed. "
                                              "The next one is coming!")
            return
        await interaction.followup.send(embed=daily_views.feedback_embed(result), ephemeral=True)
        self.bot.services.daily_posts.answered(post_id)

    async def on_leaderboard_page(self, interaction: discord.Interaction, period: str, module: str | None,
                                  page: int) -> None:
        embed, view = await self._leaderboard(interaction, as_period(period), module, page)
        await interaction.response.edit_message(embed=embed, view=view)

    # ---- admin commands ---------------------------------------------------------------------------------------

    def _check_channel(self, interaction: discord.Interaction, channel: discord.TextChannel) -> None:
        names = missing_bot_permissions(interaction, channel, NEEDED)
        if names:
            raise UserInputError(f"I cannot post in {channel.mention}: I am missing **{names}** there. "
                                 f"Grant it (or pick another channel) and run /daily setup again. Nothing was saved.")

    @daily.command(name="setup", description="Post one question a day in a channel at a local time")
    @app_commands.describe(
        channel="Where to post", time="Local time, HH:MM on a 24-hour clock (e.g. 08:00)",
        timezone="IANA time zone, e.g. Europe/Berlin", modules="Module codes in rotation order (e.g. DSP MPR), "
        "or 'weakest' for the group's weakest module; empty: all modules in turn",
        reveal_after="Hours until the answer is revealed (1-72; the next post reveals it anyway)",
        days="daily, weekdays, mon-fri, mon,wed,fri ...", explain="When members see the explanation",
        repeat_window="Never repeat a question within this many days", weekly_summary="Post last week's figures "
        "with the first question of each week")
    @app_commands.autocomplete(timezone=timezone_autocomplete)
    @admin_only()
    async def setup_(self, interaction: discord.Interaction, channel: discord.TextChannel, time: DateText,
                     timezone: ZoneText, modules: ModulesText | None = None,
                     reveal_after: app_commands.Range[int, 1, 72] = 12,
                     days: DaysText = "daily", explain: Literal["after the reveal", "at once"] = "after the reveal",
                     repeat_window: app_commands.Range[int, 1, 3650] = 60, weekly_summary: bool = False) -> None:
        guild_id = guild_id_of(interaction)
        now = self._now()
        lens = await self._lens(guild_id)
        settings = self.service.check_schedule(
            guild_id, interaction.user.id,
            ScheduleInput(channel_id=channel.id, time=time, timezone=timezone, modules=modules,
                          reveal_after_hours=reveal_after, days=days, explain_at_once=explain == "at once",
                          repeat_window_days=repeat_window, weekly_summary=weekly_summary), now, lens)
        self._check_channel(interaction, channel)
        await self.service.save(settings)
        self.scheduler.wake()
        embed = daily_views.settings_embed(settings, lens, next_post_time(settings, now), None)
        await interaction.response.send_message("The daily question is set up.", embed=embed, ephemeral=True)

    @daily.command(name="show", description="This server's daily question settings and the next post")
    @admin_only()
    async def show(self, interaction: discord.Interaction) -> None:
        guild_id = guild_id_of(interaction)
        settings = await self.service.settings(guild_id)
        latest = await self.service.open_posts(guild_id)
        last = await self.service.latest_post(guild_id)
        embed = daily_views.settings_embed(settings, await self._lens(guild_id),
                                           next_post_time(settings, self._now()), last.day_number if last else None)
        if latest:
            embed.add_field(name="Open now", value=", ".join(f"Day {p.day_number}" for p in latest), inline=False)
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @daily.command(name="pause", description="Stop posting until /daily resume")
    @admin_only()
    async def pause(self, interaction: discord.Interaction) -> None:
        changed = await self.service.set_paused(guild_id_of(interaction), interaction.user.id, True, self._now())
        self.scheduler.wake()
        await interaction.response.send_message(
            "The daily question is paused; /daily resume starts it again." if changed
            else "The daily question was already paused.", ephemeral=True)

    @daily.command(name="resume", description="Post again at the set time")
    @admin_only()
    async def resume(self, interaction: discord.Interaction) -> None:
        guild_id = guild_id_of(interaction)
        now = self._now()
        changed = await self.service.set_paused(guild_id, interaction.user.id, False, now)
        self.scheduler.wake()
        settings = await self.service.settings(guild_id)
        upcoming = next_post_time(settings, now)
        when = f" The next one is <t:{int(upcoming.timestamp())}:F>." if upcoming else ""
        await interaction.response.send_message(
            ("The daily question is back on." if changed else "The daily question was not paused.") + when,
            ephemeral=True)

    @daily.command(name="now", description="Post a daily question right now (an extra one)")
    @admin_only()
    async def now(self, interaction: discord.Interaction) -> None:
        settings = await self.service.settings(guild_id_of(interaction))
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            post = await self.bot.services.daily_posts.post_now(settings)
        except PostDelayed:
            self.scheduler.retry_later(settings.guild_id)  # the scheduler sends the same post again
            raise
        if post is None:  # only a scheduled post can find its day's post claimed already
            raise UserInputError("Another daily question was being posted at the same moment; try again in a minute.")
        self.scheduler.wake()  # a reveal time to wait for
        await interaction.followup.send(f"Posted Day {post.day_number} in <#{settings.channel_id}>.", ephemeral=True)

    # ---- member commands --------------------------------------------------------------------------------------

    @app_commands.command(name="streak", description="Your daily-question streak: current, best, freezes held and used")
    @app_commands.guild_only()
    async def streak(self, interaction: discord.Interaction) -> None:
        streak = await self.service.streak(guild_id_of(interaction), interaction.user.id)
        await interaction.response.send_message(daily_views.streak_text(
            streak.current, streak.best, streak.answered, streak.freezes_held, streak.freezes_used),
                                                ephemeral=True)

    async def _archive(self, interaction: discord.Interaction, days: int, module: str | None,
                       page: int) -> tuple[discord.Embed, discord.ui.View]:
        guild_id = guild_id_of(interaction)
        edition = await self.bot.services.editions.edition_for(guild_id)
        archive = await self.service.archive(guild_id, interaction.user.id, days, module, self._now(),
                                             syllabus=edition.syllabus)
        entries, page, pages = page_of(archive.entries, page, ARCHIVE_PAGE)
        return daily_views.archive_message(archive, page, pages, entries, edition.syllabus)

    async def on_archive_page(self, interaction: discord.Interaction, days: int, module: str | None,
                              page: int) -> None:
        embed, view = await self._archive(interaction, days, module, page)
        await interaction.response.edit_message(embed=embed, view=view)

    @app_commands.command(name="daily-archive", description="Past daily questions with their answers and yours")
    @app_commands.describe(days="How many days back (1-365, default 30)", module="Only questions of this module")
    @app_commands.autocomplete(module=module_autocomplete)
    @app_commands.guild_only()
    async def daily_archive(self, interaction: discord.Interaction, days: app_commands.Range[int, 1, 365] = 30,
                            module: str | None = None) -> None:
        embed, view = await self._archive(interaction, days, module, 0)
        await interaction.response.send_message(embed=embed, view=view, ephemeral=True)

    async def _leaderboard(self, interaction: discord.Interaction, period: Period, module: str | None,
                           page: int) -> tuple[discord.Embed, discord.ui.View]:
        guild_id = guild_id_of(interaction)
        board = await self.service.leaderboard(guild_id, period, module, self._now())
        rows, page, pages = page_of(board.ranked, page, LEADERBOARD_PAGE)
        names = await self.bot.member_names.display_names(guild_id, (row.tally.user_id for row in rows))
        return daily_views.leaderboard_message(board, page, pages, rows, interaction.user.id,
                                               await self._lens(guild_id), names)

    @app_commands.command(name="leaderboard", description="Who answers the daily question best")
    @app_commands.describe(period="This week, this month, this season (see /admin settings season) or all time",
                           module="Only questions of this module")
    @app_commands.autocomplete(module=module_autocomplete)
    @app_commands.guild_only()
    async def leaderboard(self, interaction: discord.Interaction, period: Period = "week",
                          module: KeyText | None = None) -> None:
        embed, view = await self._leaderboard(interaction, period, module, 0)
        await interaction.response.send_message(embed=embed, view=view, ephemeral=True)


async def setup(bot: StudyBot) -> None:
    bot.add_dynamic_items(*daily_views.DYNAMIC_ITEMS)
    await bot.add_cog(Daily(bot))
