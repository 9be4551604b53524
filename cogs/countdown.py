"""/countdown and /countdown-sharing (members), /countdown-board (organizers): exam countdowns, the member's own
and the group's pinned one.

The pinned board is a message the bot posts and pins in a channel, then edits every morning at the server's
local time. The morning edit is a server reminder row (services.countdown), so the reminder dispatcher brings it
on time, across restarts and daylight-saving changes; the Discord sender hands that row to deliver_board() here.
Rules (study.countdown): only members who opted in are listed; a deleted message is posted again once, saying
why, and if that one is deleted too the board stops and says so; a channel that is gone stops it; a refusal for
now (no access) is kept in `/countdown-board show` and tried again the next morning.

Two cogs, because /help groups commands by cog: the member commands sit with the other exam commands, the
board with the organizers' commands. /countdown-board has Manage Server as its Discord default and is checked
again at run time (Manage Server or the study-lead role, as /group and /questions review), whatever a server
opens up in its Integrations settings.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.ext import commands

from cogs.checks import guild_id_of, missing_bot_permissions, organizer_only
from cogs.ui import countdown_views as views
from cogs.ui.limits import DateText
from scheduling.dispatcher import DeliveryOutcome
from scheduling.pacing import RequestPacer
from services.countdown import BOARD_KEY, CountdownService
from study.countdown import AfterDeletion, after_deletion
from study.errors import UserInputError

if TYPE_CHECKING:
    from app.factory import StudyBot
    from db.countdown import Board
    from db.reminders import Reminder

log = logging.getLogger(__name__)

ORGANIZERS_ONLY = ("Only organizers manage the pinned countdown: Manage Server or this server's study-lead role. "
                   "Nothing was changed.")
NEEDED = ("view_channel", "send_messages", "embed_links", "pin_messages")
UNKNOWN_MESSAGE = 10008
UNKNOWN_CHANNEL = 10003
MAX_PINS = 30003


def _service(bot: StudyBot) -> CountdownService:
    return bot.services.countdown


class Countdown(commands.Cog):
    help_section = "Reminders and exams"

    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot

    @app_commands.command(name="countdown", description="Days to your exam, your window's close, your ATT's end")
    @app_commands.describe(att_received="The day you received your Authorization to Test, YYYY-MM-DD (not stored)")
    @app_commands.guild_only()
    async def countdown(self, interaction: discord.Interaction, att_received: DateText | None = None) -> None:
        guild_id = guild_id_of(interaction)
        edition = await self.bot.services.editions.edition_for(guild_id)
        result = await self.bot.services.exams.countdown(guild_id, interaction.user.id, self.bot.clock.now(),
                                                            edition, att_received)
        service = _service(self.bot)
        board = await service.board(guild_id)
        line = views.sharing_line(await service.shares(guild_id, interaction.user.id),
                                  board.channel_id if board else None)
        embed = views.countdown_embed(result, edition, self.bot.content.editions.module_name, line)
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @app_commands.command(name="countdown-sharing",
                          description="List your exam dates on the organizers' pinned countdown, or stop (default off)")
    @app_commands.describe(share="on: your name and exam dates appear on the pinned countdown; off: they don't")
    @app_commands.guild_only()
    async def countdown_sharing(self, interaction: discord.Interaction, share: Literal["on", "off"]) -> None:
        guild_id = guild_id_of(interaction)
        service = _service(self.bot)
        await service.set_sharing(guild_id, interaction.user.id, share == "on", self.bot.clock.now())
        board = await service.board(guild_id)
        if share == "on":
            text = "Your exam dates (set with `/exam set`) are now listed on the organizers' pinned countdown"
        else:
            text = "Your exam dates are no longer listed on the organizers' pinned countdown"
        text += f" in <#{board.channel_id}>." if board else " (no organizer has pinned one yet)."
        await interaction.response.send_message(text, ephemeral=True)
        board_cog = self.bot.get_cog("CountdownBoard")
        if board is not None and isinstance(board_cog, CountdownBoard):
            await board_cog.refresh_now(guild_id)  # at once, not next morning: opting out takes the name off now


class CountdownBoard(commands.Cog):
    help_section = "Organizers (Manage Server or study lead)"

    board = app_commands.Group(name="countdown-board", description="The group's exam countdown, pinned in a channel "
                               "and edited each morning (organizers)", guild_only=True,
                               default_permissions=discord.Permissions(manage_guild=True))

    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot
        self._locks: dict[int, asyncio.Lock] = {}

    def _lock(self, guild_id: int) -> asyncio.Lock:
        """One edit or re-post of a guild's board at a time (the morning edit and an opt-out may meet)."""
        return self._locks.setdefault(guild_id, asyncio.Lock())

    @property
    def service(self) -> CountdownService:
        return _service(self.bot)

    # ---- commands ---------------------------------------------------------------------------------------------

    @board.command(name="post", description="Post the group's exam countdown in a channel, pin it, edit it daily")
    @app_commands.describe(channel="Where to pin it", time="Local time of the daily edit, HH:MM (default 07:00, "
                           "the server's time zone)")
    @organizer_only(ORGANIZERS_ONLY)
    async def post(self, interaction: discord.Interaction, channel: discord.TextChannel,
                   time: DateText | None = None) -> None:
        guild_id = guild_id_of(interaction)
        at = self.service.board_time(time)  # a bad time is refused before anything is posted
        self._check_channel(interaction, channel)
        await interaction.response.defer(ephemeral=True, thinking=True)
        now = self.bot.clock.now()
        async with self._lock(guild_id):
            old = await self.service.board(guild_id)
            embed = await self._embed(guild_id, at)
            try:
                message = await channel.send(embed=embed)
            except discord.HTTPException as error:
                raise UserInputError(f"I could not post in {channel.mention} ({error.text or error.status}). "
                                     "Nothing was changed.") from None
            try:
                await message.pin(reason=f"/countdown-board post by {interaction.user}")
            except discord.HTTPException as error:
                await _quietly(message.delete())
                why = ("the channel already has 50 pinned messages" if error.code == MAX_PINS
                       else "I need the **Pin Messages** permission there" if error.status == 403
                       else error.text or str(error.status))
                raise UserInputError(f"I could not pin the countdown in {channel.mention}: {why}. I took my post "
                                     "down again; nothing was changed.") from None
            board, first = await self.service.start_board(guild_id, channel.id, message.id, at,
                                                          interaction.user.id, now)
        replaced = ""
        if old is not None and old.message_id != board.message_id:
            gone = await _quietly(self.bot.get_partial_messageable(old.channel_id, guild_id=guild_id)
                                  .get_partial_message(old.message_id).delete())
            replaced = (" The old countdown message was removed." if gone
                        else f" I could not remove the old countdown message in <#{old.channel_id}>.")
        figures = await self.service.board_figures(guild_id, now)
        await interaction.followup.send(
            f"📌 The exam countdown is pinned in {channel.mention}. I edit it every morning at {at:%H:%M} "
            f"({figures.timezone}); next <t:{int(first.timestamp())}:f>. It lists only members who opted in with "
            f"`/countdown-sharing on` ({figures.sharing} so far).{replaced}", ephemeral=True)

    @board.command(name="off", description="Stop the pinned exam countdown and take its message down")
    @organizer_only(ORGANIZERS_ONLY)
    async def off(self, interaction: discord.Interaction) -> None:
        guild_id = guild_id_of(interaction)
        async with self._lock(guild_id):
            board = await self.service.stop_board(guild_id, self.bot.clock.now())
        if board is None:
            raise UserInputError("There is no pinned countdown to turn off. Start one with `/countdown-board post`.")
        taken = await _quietly(self._message(board).delete())
        note = "took its message down" if taken else "could not take its message down (delete it by hand)"
        await interaction.response.send_message(
            f"The pinned countdown in <#{board.channel_id}> is off: I stopped editing it and {note}. Members' "
            "opt-ins are kept for a next one.", ephemeral=True)

    @board.command(name="show", description="Where the pinned exam countdown is and when it is edited")
    @organizer_only(ORGANIZERS_ONLY)
    async def show(self, interaction: discord.Interaction) -> None:
        guild_id = guild_id_of(interaction)
        board = await self.service.board(guild_id)
        if board is None:
            raise UserInputError("There is no pinned countdown. Start one with `/countdown-board post`.")
        figures = await self.service.board_figures(guild_id, self.bot.clock.now())
        url = f"https://discord.com/channels/{guild_id}/{board.channel_id}/{board.message_id}"
        text = views.board_status(board.channel_id, url, board.post_time, figures.timezone,
                                  await self.service.next_edit(guild_id), board.edited_at, board.last_error,
                                  board.replaced, figures.sharing)
        await interaction.response.send_message(text, ephemeral=True)

    # ---- the morning edit ---------------------------------------------------------------------------------------

    async def deliver_board(self, reminder: Reminder, pacer: RequestPacer) -> DeliveryOutcome:
        """The dispatcher's morning turn for a board (through the Discord sender): edit it, or follow the rules
        for a deleted message or a channel that is gone."""
        guild_id = int(reminder.payload[BOARD_KEY])
        async with self._lock(guild_id):
            board = await self.service.board(guild_id)
            if board is None:
                return DeliveryOutcome.gone("the countdown board was turned off")
            return await self._refresh(board, pacer, morning=True)

    async def refresh_now(self, guild_id: int) -> None:
        """Edit the board at once (a member opted in or out); the morning edit deals with any failure."""
        async with self._lock(guild_id):
            board = await self.service.board(guild_id)
            if board is not None:
                await self._refresh(board, None, morning=False)

    async def _refresh(self, board: Board, pacer: RequestPacer | None, *, morning: bool) -> DeliveryOutcome:
        guild_id = board.guild_id
        now = self.bot.clock.now()
        try:
            embed = await self._embed(guild_id, board.post_time)
            if pacer is not None:
                await pacer.acquire()
            await self._message(board).edit(embed=embed)
        except discord.NotFound as error:
            if not morning:
                return DeliveryOutcome.delivered()  # the morning edit re-posts or stops, by the rule
            if error.code == UNKNOWN_MESSAGE:
                return await self._after_deletion(board, pacer)
            await self.service.stop_board(guild_id, now)  # the channel (or the server) is gone
            log.info("countdown board of guild %s stopped: %s", guild_id, error.text)
            return DeliveryOutcome.gone(f"not found: {error.text}")
        except discord.Forbidden as error:
            await self.service.record_error(guild_id, board.message_id, _why(error))
            return DeliveryOutcome.delivered()  # no access for now: tried again tomorrow morning, shown in /show
        except discord.HTTPException as error:
            if not morning:
                return DeliveryOutcome.delivered()
            return DeliveryOutcome.retry_later(f"HTTP {error.status}: {error.text}")
        except (OSError, TimeoutError) as error:
            return DeliveryOutcome.retry_later(f"network: {error}")
        await self.service.record_edit(guild_id, board.message_id, now)
        return DeliveryOutcome.delivered()

    async def _after_deletion(self, board: Board, pacer: RequestPacer | None) -> DeliveryOutcome:
        guild_id = board.guild_id
        channel = self.bot.get_partial_messageable(board.channel_id, guild_id=guild_id)
        now = self.bot.clock.now()
        if after_deletion(board.replaced) is AfterDeletion.STOP:
            await self.service.stop_board(guild_id, now)
            await _quietly(channel.send(views.STOPPED_NOTE))
            return DeliveryOutcome.gone("the countdown message was deleted twice: stopped")
        try:
            if pacer is not None:
                await pacer.acquire()
            message = await channel.send(views.REPLACED_NOTE, embed=await self._embed(guild_id, board.post_time))
        except discord.HTTPException as error:
            await self.service.record_error(guild_id, board.message_id,
                                            f"its message was deleted and I could not post it again: {_why(error)}")
            return DeliveryOutcome.delivered()  # tried again tomorrow morning
        if not await _quietly(message.pin(reason="the pinned exam countdown was deleted: posted again")):
            await _quietly(message.edit(content=views.REPLACED_NOTE + " (I could not pin it: I need the **Pin "
                                                                      "Messages** permission here.)"))
        await self.service.record_replaced(guild_id, board.message_id, message.id, now)
        return DeliveryOutcome.delivered()

    # ---- helpers ------------------------------------------------------------------------------------------------

    def _message(self, board: Board) -> discord.PartialMessage:
        return (self.bot.get_partial_messageable(board.channel_id, guild_id=board.guild_id)
                .get_partial_message(board.message_id))

    async def _embed(self, guild_id: int, post_time) -> discord.Embed:
        figures = await self.service.board_figures(guild_id, self.bot.clock.now())
        names = await self.bot.member_names.display_names(guild_id, [line.exam.user_id for line in figures.lines])
        return views.board_embed(figures, post_time, self.bot.content.editions.module_name, names)

    def _check_channel(self, interaction: discord.Interaction, channel: discord.TextChannel) -> None:
        names = missing_bot_permissions(interaction, channel, NEEDED)
        if names:
            raise UserInputError(f"I cannot pin the countdown in {channel.mention}: I am missing **{names}** "
                                 "there. Grant it (or pick another channel) and run `/countdown-board post` again. "
                                 "Nothing was posted or changed.")


def _why(error: discord.HTTPException) -> str:
    return f"Discord said {error.status} {error.text or ''}".strip()


async def _quietly(request) -> bool:
    """A best-effort request: True if Discord took it."""
    try:
        await request
    except (discord.HTTPException, OSError, TimeoutError) as error:
        log.info("countdown board: a best-effort request failed: %s", error)
        return False
    return True


async def setup(bot: StudyBot) -> None:
    await bot.add_cog(Countdown(bot))
    await bot.add_cog(CountdownBoard(bot))
