"""Sends and edits the daily posts in Discord for services.daily_posts: one request per call, errors sorted.

The delivery policy (what is claimed, resent, revealed, given back) is services/daily_posts.py; this adapter
renders with cogs/ui/daily_views.py, makes the request, and turns a failure into a SendFailed that says whether
sending the same again could work (`lasting`: 403, 404, a 400 for the payload; otherwise 5xx, 429 or the
network). It is to the daily question what cogs/reminder_sender.py is to reminders.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import aiohttp
import discord

from cogs.ui import daily_views
from services.daily import LEADERBOARD_PAGE
from services.daily_posts import SendFailed

if TYPE_CHECKING:
    from app.factory import StudyBot
    from db.daily import DailySettings, Post
    from services.daily import Reveal, SeasonEnd, WeeklySummary
    from study.editions import Lens
    from study.questions import Question
    from study.seasons import Champions

log = logging.getLogger(__name__)

# Errors that say nothing about the message itself: Discord or the network failed for now.
NETWORK_ERRORS = (OSError, asyncio.TimeoutError, aiohttp.ClientError)
# How far back in the channel a post that went out (but was not recorded) is looked for before sending it again.
HISTORY_LOOKBACK = 50


def lasting(error: discord.HTTPException) -> bool:
    """A refusal that sending the same message again would meet again (403, 404, a 400 for the payload)."""
    return error.status < 500 and error.status != 429


def send_failed(error: BaseException) -> SendFailed:
    """The SendFailed for a discord.py or network error."""
    if isinstance(error, discord.HTTPException):
        return SendFailed(f"{error.status} {error.text}".strip(), lasting=lasting(error),
                          reason=error.text or str(error.status))
    return SendFailed(f"network: {error!r}")


class DiscordDailyPoster:
    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot

    async def _lens(self, guild_id: int) -> Lens:
        return await self.bot.services.editions.lens_for(guild_id)

    def _channel(self, channel_id: int, guild_id: int) -> discord.PartialMessageable:
        return self.bot.get_partial_messageable(channel_id, guild_id=guild_id)

    def _message(self, post: Post) -> discord.PartialMessage:
        assert post.message_id is not None
        return self.bot.get_partial_messageable(post.channel_id).get_partial_message(post.message_id)

    async def send_post(self, post: Post, question: Question) -> int:
        """The nonce is fixed per post and discord.py sends it with enforce_nonce: if an earlier attempt reached
        Discord although we never heard back, Discord returns that message instead of posting a second one."""
        embed = daily_views.post_embed(post, question, await self._lens(post.guild_id), 0)
        try:
            message = await self._channel(post.channel_id, post.guild_id).send(
                embed=embed, view=daily_views.post_view(post, question), nonce=f"d{post.id}")
        except (discord.HTTPException, *NETWORK_ERRORS) as error:
            raise send_failed(error) from None
        return message.id

    async def edit_count(self, post: Post, question: Question, count: int) -> None:
        embed = daily_views.post_embed(post, question, await self._lens(post.guild_id), count)
        try:
            await self._message(post).edit(embed=embed)
        except (discord.HTTPException, *NETWORK_ERRORS) as error:
            raise send_failed(error) from None

    async def show_reveal(self, reveal: Reveal) -> None:
        post = reveal.post
        names = await self.bot.member_names.display_names(post.guild_id, reveal.figures.first_correct)
        embed, view = daily_views.reveal_message(reveal, await self._lens(post.guild_id), names)
        try:
            await self._message(post).edit(embed=embed, view=view)
        except (discord.HTTPException, *NETWORK_ERRORS) as error:
            raise send_failed(error) from None

    async def find_post(self, post: Post) -> int | None:
        """From the channel's latest messages: the post's buttons carry its id. (Discord honours a repeated nonce
        only for a few minutes.)"""
        prefix = f"daily:{post.id}:"
        me = self.bot.user
        try:
            async for message in self._channel(post.channel_id, post.guild_id).history(limit=HISTORY_LOOKBACK):
                if me is not None and message.author.id == me.id and any(
                        str(getattr(item, "custom_id", "") or "").startswith(prefix)
                        for row in message.components for item in getattr(row, "children", ())):
                    return message.id
        except discord.HTTPException as error:
            if not lasting(error):
                raise send_failed(error) from None
            # cannot read the history (no Read Message History): the fixed nonce still guards against a double
        except NETWORK_ERRORS as error:
            raise send_failed(error) from None
        return None

    async def send_summary(self, settings: DailySettings, summary: WeeklySummary) -> int:
        try:
            names = await self.bot.member_names.display_names(settings.guild_id,
                                                              (row.tally.user_id for row in summary.top))
            message = await self._channel(settings.channel_id, settings.guild_id).send(
                embed=daily_views.summary_embed(summary, await self._lens(settings.guild_id), names))
        except (discord.HTTPException, *NETWORK_ERRORS) as error:
            raise send_failed(error) from None
        return message.id

    async def send_season_end(self, settings: DailySettings, due: SeasonEnd, result: Champions,
                              role_note: str) -> int:
        shown = due.ranked[:LEADERBOARD_PAGE]
        names = await self.bot.member_names.display_names(
            settings.guild_id, [row.tally.user_id for row in (*shown, *result.winners, *result.departed)])
        embed = daily_views.season_end_embed(due, result, role_note, names)
        try:
            message = await self._channel(settings.channel_id, settings.guild_id).send(embed=embed)
        except (discord.HTTPException, *NETWORK_ERRORS) as error:
            raise send_failed(error) from None
        return message.id

    async def is_member(self, guild_id: int, user_id: int) -> bool:
        guild = self.bot.get_guild(guild_id)
        if guild is None or guild.get_member(user_id) is not None:
            return guild is not None
        try:
            await guild.fetch_member(user_id)
        except discord.NotFound:
            return False
        except (discord.HTTPException, *NETWORK_ERRORS):
            return True  # unknown for now: better crown a member than skip one who is still here
        return True

    async def move_champion_role(self, guild_id: int, role_id: int, take_from: set[int], give_to: set[int],
                                 reason: str) -> tuple[set[int], str]:
        guild = self.bot.get_guild(guild_id)
        if guild is None:
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
        given: set[int] = set()
        try:
            for user_id in take_from:
                try:
                    await self.bot.http.remove_role(guild.id, user_id, role.id, reason=reason)
                except discord.NotFound:
                    continue  # left the server: the role went with them
            for user_id in sorted(give_to):
                await self.bot.http.add_role(guild.id, user_id, role.id, reason=reason)
                given.add(user_id)
        except discord.Forbidden:
            return set(), (f"Discord refused to move {role.mention} (Missing Permissions): check my Manage Roles "
                           f"permission and that my role is above it.")
        except (discord.HTTPException, *NETWORK_ERRORS) as error:
            log.warning("champion role in guild %s not moved: %s", guild.id, send_failed(error).why)
            return set(), f"Discord failed while I moved {role.mention}; an admin can give it by hand this time."
        if not given:
            return given, f"Nobody still here won, so {role.mention} was not given this time."
        return given, f"{role.mention} now goes to the season's champion{'s' if len(given) > 1 else ''}."
