"""Sends, reveals and updates the daily posts in Discord: the daily scheduler's handler, and /daily now's poster.

The factory builds one DailyPoster and gives it to the DailyScheduler; the Daily cog reaches it through
`bot.services.daily_posts` for /daily now and to show a new answer count.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import TYPE_CHECKING

import aiohttp
import discord

from cogs.ui import daily_views
from services.daily import LEADERBOARD_PAGE, DailyService, PostDelayed, PostRefused
from study.questions import Question
from study.seasons import champions

if TYPE_CHECKING:
    from app.factory import StudyBot
    from db.daily import DailySettings, Post

log = logging.getLogger(__name__)

# Errors that say nothing about the message itself: Discord or the network failed for now.
NETWORK_ERRORS = (OSError, asyncio.TimeoutError, aiohttp.ClientError)
# How far back in the channel a post that went out (but was not recorded) is looked for before sending it again.
HISTORY_LOOKBACK = 50


def _why(error: BaseException) -> str:
    """One line for the log: Discord's status and message, or the network error."""
    if isinstance(error, discord.HTTPException):
        return f"{error.status} {error.text}".strip()
    return repr(error)


def lasting(error: discord.HTTPException) -> bool:
    """A refusal that sending the same message again would meet again (403, 404, a 400 for the payload)."""
    return error.status < 500 and error.status != 429


class DailyPoster:
    def __init__(self, bot: StudyBot, service: DailyService, *, retry_after: dt.timedelta) -> None:
        self.bot = bot
        self.service = service
        self.retry_after = retry_after
        # Edits of one post's message go one at a time, so a late answer-count edit never covers the reveal.
        self._edit_locks: dict[int, asyncio.Lock] = {}
        self._count_tasks: dict[int, asyncio.Task[None]] = {}
        self._count_dirty: set[int] = set()
        # Posts this process is sending right now: the scheduler's resend of claimed posts leaves them alone.
        self._sending: set[int] = set()

    def _now(self) -> dt.datetime:
        return self.bot.clock.now()

    async def _lens(self, guild_id: int):
        return await self.bot.services.editions.lens_for(guild_id)

    async def post_now(self, settings: DailySettings) -> Post | None:
        """An extra post right now (/daily now)."""
        return await self._post(settings, kind="manual")

    def answered(self, post_id: int) -> None:
        """A member answered: show the new answer count."""
        self._request_count_edit(post_id)

    async def drain(self, limit_seconds: float = 5.0) -> None:
        """Let the answer-count edits under way finish (the bot is stopping)."""
        pending = [task for task in self._count_tasks.values() if not task.done()]
        if pending:
            await asyncio.wait(pending, timeout=limit_seconds)

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
        minutes = max(1, round(self.retry_after.total_seconds() / 60))
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

