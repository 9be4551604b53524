"""/daily (admins), /streak, /leaderboard and /daily-archive: one question a day in a channel, answered with buttons.

The cog is the Discord side of the daily question: it turns commands and clicks into calls on
services.daily, sends and edits the channel messages, and is the handler the one DailyScheduler task calls
when a post or a reveal falls due. The scheduler starts when the bot is ready and stops when the cog unloads.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import TYPE_CHECKING, Literal

import aiohttp
import discord
from discord import app_commands
from discord.ext import commands

from cogs.checks import admin_only
from cogs.errors import send_ephemeral
from cogs.ui import daily_views
from cogs.ui.autocomplete import module_autocomplete, timezone_autocomplete
from cogs.ui.limits import DateText, DaysText, KeyText, ModulesText, ZoneText
from db.daily import DailySettings, Post
from scheduling.daily_scheduler import DailyScheduler, next_post_time
from services.daily import ARCHIVE_PAGE, LEADERBOARD_PAGE, DailyService, ScheduleInput
from study.daily import page_of
from study.editions import Lens
from study.errors import UserInputError
from study.questions import LETTERS, Question
from study.seasons import champions

if TYPE_CHECKING:
    from app.factory import StudyBot

log = logging.getLogger(__name__)
Period = Literal["week", "month", "season", "all"]
# What the bot needs in the daily channel: see it, post in it, and show the question as an embed.
NEEDED = ("view_channel", "send_messages", "embed_links")
# Errors that say nothing about the message itself: Discord or the network failed for now.
NETWORK_ERRORS = (OSError, asyncio.TimeoutError, aiohttp.ClientError)
# How far back in the channel a post that went out (but was not recorded) is looked for before sending it again.
HISTORY_LOOKBACK = 50


class PostRefused(UserInputError):
    """Discord refused the daily post for good (no access, a deleted channel): it is recorded as failed."""


class PostDelayed(UserInputError):
    """Discord failed for now (5xx, 429, the network): the claim stays and the same post is sent again later."""


def _why(error: BaseException) -> str:
    """One line for the log: Discord's status and message, or the network error."""
    if isinstance(error, discord.HTTPException):
        return f"{error.status} {error.text}".strip()
    return repr(error)


def lasting(error: discord.HTTPException) -> bool:
    """A refusal that sending the same message again would meet again (403, 404, a 400 for the payload)."""
    return error.status < 500 and error.status != 429


class Daily(commands.Cog):
    help_section = "Daily question"

    daily = app_commands.Group(
        name="daily", description="The daily question in a channel (Manage Server)",
        default_permissions=discord.Permissions(manage_guild=True), guild_only=True,
    )

    async def _lens(self, guild_id: int | None) -> Lens:
        """The server's edition: module labels, the rotation and the leaderboard follow it."""
        return await self.bot.editions.lens_for(guild_id)

    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot
        self.service = DailyService(bot.db, bot.catalog, bot.content.syllabus,
                                    default_timezone=bot.config.default_timezone, lens_for=self._lens)
        self.scheduler = DailyScheduler(bot.db, bot.clock, self,
                                        grace=dt.timedelta(hours=bot.config.daily_grace_hours))
        self._starter: asyncio.Task[None] | None = None
        # Edits of one post's message go one at a time, so a late answer-count edit never covers the reveal.
        self._edit_locks: dict[int, asyncio.Lock] = {}
        self._count_tasks: dict[int, asyncio.Task[None]] = {}
        self._count_dirty: set[int] = set()
        # Posts this process is sending right now: the scheduler's resend of claimed posts leaves them alone.
        self._sending: set[int] = set()

    def _now(self) -> dt.datetime:
        return self.bot.clock.now()

    # ---- lifecycle --------------------------------------------------------------------------------------------

    async def cog_load(self) -> None:
        self._starter = asyncio.create_task(self._start_when_ready(), name="daily-scheduler-start")

    async def _start_when_ready(self) -> None:
        # posting needs the gateway's guild and channel cache, which fills after GUILD_CREATE
        await self.bot.wait_until_ready()
        self.scheduler.start()

    async def cog_unload(self) -> None:
        if self._starter is not None and not self._starter.done():
            self._starter.cancel()
        await self.scheduler.stop()
        pending = [task for task in self._count_tasks.values() if not task.done()]
        if pending:
            await asyncio.wait(pending, timeout=5)

    # ---- sending and editing ----------------------------------------------------------------------------------

    def _lock(self, post_id: int) -> asyncio.Lock:
        return self._edit_locks.setdefault(post_id, asyncio.Lock())

    def _message(self, channel_id: int, message_id: int) -> discord.PartialMessage:
        return self.bot.get_partial_messageable(channel_id).get_partial_message(message_id)

    async def post_scheduled(self, settings: DailySettings, local_day: dt.date) -> None:
        """The scheduler's call: post the day's question (the claim makes a second call a no-op).

        PostDelayed propagates: the scheduler tries the same claimed post again a little later."""
        for earlier in await self.service.open_posts(settings.guild_id):
            await self.reveal_post(earlier)  # the next post reveals the one before
        planned = await self.service.plan_post(settings, kind="scheduled", now=self._now(), local_day=local_day)
        if planned is None:
            return
        self._sending.add(planned.post.id)
        try:
            await self._post_season_end(settings, local_day)
            await self._post_summary(settings, local_day)
            await self._deliver(planned.post, planned.question)
        except PostRefused:
            return  # logged and recorded as failed: the day stays claimed, an admin can fix it and use /daily now
        finally:
            self._sending.discard(planned.post.id)

    async def resend_post(self, post: Post, *, send: bool) -> None:
        """The scheduler's call for a post claimed and never recorded as sent (Discord failed for a while, or the
        bot stopped between the claim and the send, or between the send and recording it)."""
        if post.id in self._sending:
            return  # this process is sending it right now (a /daily now in progress)
        self._sending.add(post.id)
        try:
            message_id = await self._find_sent(post)
            if message_id is not None:
                await self.service.mark_sent(post, message_id)
                log.info("daily post %s had been sent as message %s; recorded it", post.id, message_id)
                return
            planned = await self.service.planned(post) if send else None
            if planned is None:
                why = "its question no longer exists" if send else "not sent within the grace window"
                await self.service.mark_failed(post, why)
                log.warning("daily post %s of guild %s given up: %s", post.id, post.guild_id, why)
                return
            if post.kind == "scheduled":
                settings = await self.service.settings(post.guild_id)
                await self._post_season_end(settings, post.local_day)
                await self._post_summary(settings, post.local_day)
            await self._deliver(post, planned.question)
        except PostRefused:
            return
        finally:
            self._sending.discard(post.id)

    async def _find_sent(self, post: Post) -> int | None:
        """The message of a post that went out although its send was not recorded, from the channel's latest
        messages: the post's buttons carry its id. (Discord honours a repeated nonce only for a few minutes.)"""
        prefix = f"daily:{post.id}:"
        channel = self.bot.get_partial_messageable(post.channel_id, guild_id=post.guild_id)
        try:
            async for message in channel.history(limit=HISTORY_LOOKBACK):
                if message.author.id == self.bot.user.id and any(
                        str(getattr(item, "custom_id", "") or "").startswith(prefix)
                        for row in message.components for item in getattr(row, "children", ())):
                    return message.id
        except discord.HTTPException as error:
            if not lasting(error):
                raise self._delayed(post, f"reading the channel failed: {error.status}") from None
            # cannot read the history (no Read Message History): the fixed nonce still guards against a double
        except NETWORK_ERRORS as error:
            raise self._delayed(post, f"reading the channel failed: {error!r}") from None
        return None

    async def _post_summary(self, settings: DailySettings, local_day: dt.date) -> None:
        """Last week's summary, just above the week's first post. Claimed first so it is posted once; a claim whose
        send failed is given back, and the week's next post tries again."""
        summary = await self.service.weekly_summary_due(settings, local_day)
        if summary is None or not await self.service.claim_summary(settings.guild_id, summary.week_start,
                                                                   self._now()):
            return
        try:
            names = await self.bot.member_names.display_names(settings.guild_id,
                                                              (row.tally.user_id for row in summary.top))
            message = await self.bot.get_partial_messageable(settings.channel_id, guild_id=settings.guild_id).send(
                embed=daily_views.summary_embed(summary, await self._lens(settings.guild_id), names))
        except (discord.HTTPException, *NETWORK_ERRORS) as error:
            await self.service.release_summary(settings.guild_id, summary.week_start)
            log.warning("weekly summary for guild %s could not be posted (%s); the next post tries again",
                        settings.guild_id, _why(error))
            return
        await self.service.summary_sent(settings.guild_id, summary.week_start, message.id)

    # ---- season ends and the champion role ---------------------------------------------------------------------

    async def _post_season_end(self, settings: DailySettings, local_day: dt.date) -> None:
        """The final board of the season that just ended, above the new season's first post, and the champion
        role moved to the winner(s). Claimed in SQLite first, so it happens once across restarts; a claim whose
        post failed is given back and the next post tries again (moving the role again changes nothing)."""
        due = await self.service.season_end_due(settings, local_day)
        if due is None or not await self.service.claim_season_end(settings.guild_id, due.season, self._now()):
            return
        guild = self.bot.get_guild(settings.guild_id)
        present = await self._still_members(guild, due.ranked)
        result = champions(due.ranked, present)
        given, role_note = await self._move_champion_role(guild, due.season, result.winners)
        await self.service.save_champions(settings.guild_id, due.season, list(result.winners), given)
        shown = due.ranked[:LEADERBOARD_PAGE]
        names = await self.bot.member_names.display_names(
            settings.guild_id, [row.tally.user_id for row in (*shown, *result.winners, *result.departed)])
        embed = daily_views.season_end_embed(due, result, role_note, names)
        try:
            message = await self.bot.get_partial_messageable(settings.channel_id, guild_id=settings.guild_id).send(
                embed=embed)
        except (discord.HTTPException, *NETWORK_ERRORS) as error:
            await self.service.release_season_end(settings.guild_id, due.season)
            log.warning("season end for guild %s could not be posted (%s); the next post tries again",
                        settings.guild_id, _why(error))
            return
        await self.service.season_end_posted(settings.guild_id, due.season, message.id, role_note)

    async def _is_member(self, guild: discord.Guild | None, user_id: int) -> bool:
        if guild is None or guild.get_member(user_id) is not None:
            return guild is not None
        try:
            await guild.fetch_member(user_id)
        except discord.NotFound:
            return False
        except (discord.HTTPException, *NETWORK_ERRORS):
            return True  # unknown for now: better crown a member than skip one who is still here
        return True

    async def _still_members(self, guild: discord.Guild | None, ranked: list) -> set[int]:
        """Who of the best-placed members is still in the server: looked up down the board only as far as the
        first place someone still here holds (everyone sharing it included)."""
        present: set[int] = set()
        best = None
        for row in ranked:
            if best is not None and row.rank > best:
                break
            if await self._is_member(guild, row.tally.user_id):
                present.add(row.tally.user_id)
                best = row.rank if best is None else best
        return present

    async def _move_champion_role(self, guild: discord.Guild | None, season, winners) -> tuple[set[int], str]:
        """Take the champion role from earlier champions and give it to the winners. Returns who got it and a
        sentence for the post saying what happened (empty when the server set no role)."""
        role_id = await self.service.champion_role_id(guild.id) if guild else None
        if guild is None or role_id is None:
            return set(), ""
        role = guild.get_role(role_id)
        me = guild.me
        if role is None:
            return set(), ("The champion role set with /admin settings champion-role no longer exists, so no role "
                           "was given.")
        if me is None or not me.guild_permissions.manage_roles:
            return set(), (f"I could not move {role.mention}: I am missing the **Manage Roles** permission. An admin "
                           f"can grant it and give the role by hand this time.")
        if role >= me.top_role or role.managed:
            return set(), (f"I could not move {role.mention}: it is not below my highest role. Drag my role above "
                           f"it in Server Settings → Roles; an admin can give it by hand this time.")
        winner_ids = {row.tally.user_id for row in winners}
        reason = f"Daily question champion, season {season.label}"
        try:
            for user_id in await self.service.earlier_role_holders(guild.id, season) - winner_ids:
                try:
                    await self.bot.http.remove_role(guild.id, user_id, role.id, reason=reason)
                except discord.NotFound:
                    continue  # left the server: the role went with them
            given = set()
            for user_id in sorted(winner_ids):
                await self.bot.http.add_role(guild.id, user_id, role.id, reason=reason)
                given.add(user_id)
        except discord.Forbidden:
            return set(), (f"Discord refused to move {role.mention} (Missing Permissions): check my Manage Roles "
                           f"permission and that my role is above it.")
        except (discord.HTTPException, *NETWORK_ERRORS) as error:
            log.warning("champion role in guild %s not moved: %s", guild.id, _why(error))
            return set(), f"Discord failed while I moved {role.mention}; an admin can give it by hand this time."
        if not given:
            return given, f"Nobody still here won, so {role.mention} was not given this time."
        return given, f"{role.mention} now goes to the season's champion{'s' if len(given) > 1 else ''}."

    async def _post(self, settings: DailySettings, *, kind: str) -> Post | None:
        for earlier in await self.service.open_posts(settings.guild_id):
            await self.reveal_post(earlier)  # the next post reveals the one before
        planned = await self.service.plan_post(settings, kind=kind, now=self._now())
        if planned is None:
            return None
        self._sending.add(planned.post.id)
        try:
            return await self._deliver(planned.post, planned.question)
        finally:
            self._sending.discard(planned.post.id)

    async def _deliver(self, post: Post, question: Question) -> Post:
        """Send a claimed post and record its message.

        The nonce is fixed per post and discord.py sends it with enforce_nonce: if an earlier attempt reached
        Discord although we never heard back, Discord returns that message instead of posting a second one.
        Only a lasting refusal (403, 404) marks the post failed; anything else keeps the claim for a resend."""
        embed = daily_views.post_embed(post, question, await self._lens(post.guild_id), 0)
        channel = self.bot.get_partial_messageable(post.channel_id, guild_id=post.guild_id)
        try:
            message = await channel.send(embed=embed, view=daily_views.post_view(post, question),
                                         nonce=f"d{post.id}")
        except discord.HTTPException as error:
            if lasting(error):
                await self.service.mark_failed(post, f"{error.status} {error.text}")
                log.warning("daily post %s in guild %s channel %s refused: %s", post.id, post.guild_id,
                            post.channel_id, error)
                raise PostRefused(f"I could not post in <#{post.channel_id}> ({error.text or error.status}). "
                                  f"Check that I can view the channel, send messages and embed links there.") from None
            raise self._delayed(post, f"{error.status} {error.text}".strip()) from None
        except NETWORK_ERRORS as error:
            raise self._delayed(post, f"network: {error!r}") from None
        return await self.service.mark_sent(post, message.id)

    def _delayed(self, post: Post, why: str) -> PostDelayed:
        log.warning("daily post %s in guild %s not sent for now (%s); it is sent again later", post.id,
                    post.guild_id, why)
        minutes = max(1, round(self.scheduler.retry_after.total_seconds() / 60))
        return PostDelayed(f"Discord did not take Day {post.day_number} just now ({why[:80]}). I kept it and will "
                           f"post it in <#{post.channel_id}> in about {minutes} minutes.")

    async def reveal_post(self, post: Post) -> None:
        """Close a post and edit its message with the answer and how the group did."""
        async with self._lock(post.id):
            reveal = await self.service.reveal(post, self._now())
            if reveal is None or post.message_id is None:
                return
            names = await self.bot.member_names.display_names(post.guild_id, reveal.figures.first_correct)
            embed, view = daily_views.reveal_message(reveal, await self._lens(post.guild_id), names)
            try:
                await self._message(post.channel_id, post.message_id).edit(embed=embed, view=view)
            except discord.HTTPException as error:
                log.warning("could not edit daily post %s with its reveal (%s)", post.id, _why(error))
        self._edit_locks.pop(post.id, None)

    def _request_count_edit(self, post_id: int) -> None:
        """Show the new answer count. Edits are coalesced: while one is in flight, further answers only mark
        the post dirty and one more edit follows with the latest count, so a burst of clicks costs two edits."""
        task = self._count_tasks.get(post_id)
        if task is not None and not task.done():
            self._count_dirty.add(post_id)
            return
        self._count_tasks[post_id] = asyncio.create_task(self._edit_count(post_id), name=f"daily-count-{post_id}")

    async def _edit_count(self, post_id: int) -> None:
        try:
            while True:
                self._count_dirty.discard(post_id)
                async with self._lock(post_id):
                    post = await self.service.get_post(post_id)
                    if post is None or post.state != "open" or post.message_id is None:
                        return
                    question = await self.service.question_of(post)
                    if question is None:
                        return
                    count = await self.service.answer_count(post_id)
                    embed = daily_views.post_embed(post, question, await self._lens(post.guild_id), count)
                    await self._message(post.channel_id, post.message_id).edit(embed=embed)
                if post_id not in self._count_dirty:
                    return
        except discord.HTTPException as error:
            log.warning("could not update the answer count of daily post %s (%s)", post_id, _why(error))
        finally:
            self._count_tasks.pop(post_id, None)

    # ---- clicks -----------------------------------------------------------------------------------------------

    async def on_answer(self, interaction: discord.Interaction, post_id: int, choice: int) -> None:
        # Acknowledge first: recording writes the answer and the member's quiz records in one transaction, which
        # can wait behind other writers (a burst of clicks, a backup) longer than Discord's 3 seconds.
        await interaction.response.defer(ephemeral=True, thinking=True)
        message_id = interaction.message.id if interaction.message else None
        try:
            result = await self.service.answer(post_id, interaction.guild_id, interaction.user.id, choice,
                                               message_id=message_id, now=self._now())
        except UserInputError as error:  # a button is not a slash command: the tree's error handler never sees it
            await send_ephemeral(interaction, str(error))
            return
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
        self._request_count_edit(post_id)

    async def on_leaderboard_page(self, interaction: discord.Interaction, period: str, module: str | None,
                                  page: int) -> None:
        embed, view = await self._leaderboard(interaction, period, module, page)
        await interaction.response.edit_message(embed=embed, view=view)

    # ---- admin commands ---------------------------------------------------------------------------------------

    def _check_channel(self, interaction: discord.Interaction, channel: discord.TextChannel) -> None:
        guild = interaction.guild
        me = guild.me if guild else None
        if me is None:
            raise UserInputError("I cannot see my own membership in this server yet; try again in a minute.")
        permissions = channel.permissions_for(me)
        missing = [name for name in NEEDED if not getattr(permissions, name)]
        if missing:
            names = ", ".join(name.replace("_", " ").title() for name in missing)
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
        now = self._now()
        lens = await self._lens(interaction.guild_id)
        settings = self.service.check_schedule(
            interaction.guild_id, interaction.user.id,
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
        settings = await self.service.settings(interaction.guild_id)
        latest = await self.service.open_posts(interaction.guild_id)
        last = await self.service.latest_post(interaction.guild_id)
        embed = daily_views.settings_embed(settings, await self._lens(interaction.guild_id),
                                           next_post_time(settings, self._now()), last.day_number if last else None)
        if latest:
            embed.add_field(name="Open now", value=", ".join(f"Day {p.day_number}" for p in latest), inline=False)
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @daily.command(name="pause", description="Stop posting until /daily resume")
    @admin_only()
    async def pause(self, interaction: discord.Interaction) -> None:
        changed = await self.service.set_paused(interaction.guild_id, interaction.user.id, True, self._now())
        self.scheduler.wake()
        await interaction.response.send_message(
            "The daily question is paused; /daily resume starts it again." if changed
            else "The daily question was already paused.", ephemeral=True)

    @daily.command(name="resume", description="Post again at the set time")
    @admin_only()
    async def resume(self, interaction: discord.Interaction) -> None:
        now = self._now()
        changed = await self.service.set_paused(interaction.guild_id, interaction.user.id, False, now)
        self.scheduler.wake()
        settings = await self.service.settings(interaction.guild_id)
        upcoming = next_post_time(settings, now)
        when = f" The next one is <t:{int(upcoming.timestamp())}:F>." if upcoming else ""
        await interaction.response.send_message(
            ("The daily question is back on." if changed else "The daily question was not paused.") + when,
            ephemeral=True)

    @daily.command(name="now", description="Post a daily question right now (an extra one)")
    @admin_only()
    async def now(self, interaction: discord.Interaction) -> None:
        settings = await self.service.settings(interaction.guild_id)
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            post = await self._post(settings, kind="manual")
        except PostDelayed:
            self.scheduler.retry_later(settings.guild_id)  # the scheduler sends the same post again
            raise
        self.scheduler.wake()  # a reveal time to wait for
        await interaction.followup.send(f"Posted Day {post.day_number} in <#{settings.channel_id}>.", ephemeral=True)

    # ---- member commands --------------------------------------------------------------------------------------

    @app_commands.command(name="streak", description="Your daily-question streak: current, best, freezes held and used")
    @app_commands.guild_only()
    async def streak(self, interaction: discord.Interaction) -> None:
        streak = await self.service.streak(interaction.guild_id, interaction.user.id)
        await interaction.response.send_message(daily_views.streak_text(
            streak.current, streak.best, streak.answered, streak.freezes_held, streak.freezes_used),
                                                ephemeral=True)

    async def _archive(self, interaction: discord.Interaction, days: int, module: str | None,
                       page: int) -> tuple[discord.Embed, discord.ui.View]:
        edition = await self.bot.editions.edition_for(interaction.guild_id)
        archive = await self.service.archive(interaction.guild_id, interaction.user.id, days, module, self._now(),
                                             syllabus=edition.syllabus)
        entries, page, pages = page_of(archive.entries, page, ARCHIVE_PAGE)
        return daily_views.archive_message(archive, page, pages, entries, edition.syllabus)

    async def on_archive_page(self, interaction: discord.Interaction, days: int, module: str | None,
                              page: int) -> None:
        try:
            embed, view = await self._archive(interaction, days, module, page)
        except UserInputError as error:
            await send_ephemeral(interaction, str(error))
            return
        await interaction.response.edit_message(embed=embed, view=view)

    @app_commands.command(name="daily-archive", description="Past daily questions with their answers and yours")
    @app_commands.describe(days="How many days back (1-365, default 30)", module="Only questions of this module")
    @app_commands.autocomplete(module=module_autocomplete)
    @app_commands.guild_only()
    async def daily_archive(self, interaction: discord.Interaction, days: app_commands.Range[int, 1, 365] = 30,
                            module: str | None = None) -> None:
        embed, view = await self._archive(interaction, days, module, 0)
        await interaction.response.send_message(embed=embed, view=view, ephemeral=True)

    async def _leaderboard(self, interaction: discord.Interaction, period: str, module: str | None,
                           page: int) -> tuple[discord.Embed, discord.ui.View]:
        board = await self.service.leaderboard(interaction.guild_id, period, module, self._now())
        rows, page, pages = page_of(board.ranked, page, LEADERBOARD_PAGE)
        names = await self.bot.member_names.display_names(interaction.guild_id, (row.tally.user_id for row in rows))
        return daily_views.leaderboard_message(board, page, pages, rows, interaction.user.id,
                                               await self._lens(interaction.guild_id), names)

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
