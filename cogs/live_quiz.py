"""/quiz-live: a quiz night in a thread, one question at a time, scored by speed (organizers start it).

Its own top-level command (a command with subcommands cannot be run by itself, and /quiz stays as members
know it). Default permission Manage Server; the study-lead role is checked at run time like /group.

One task per open game sleeps on the bot's clock until the current question's time is up, then closes it
(the database records every answer in spaced repetition), edits its message to the reveal with the buttons
disabled, and posts the next question or the final board. On start the cog first finishes what a stop left
undone on Discord (closed questions still showing buttons, a missing final board), then resumes each open
game, or closes it if its question ran out more than study.live.RESUME_GRACE_MS ago.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from cogs.checks import guild_id_of, is_guild_admin, organizer_only
from cogs.errors import send_ephemeral
from cogs.ui import live_views as views
from cogs.ui.autocomplete import module_autocomplete
from services.live import Current, Final, LiveService, Reveal, Step
from study import live as rules
from study.errors import UserInputError

if TYPE_CHECKING:
    from app.factory import StudyBot

log = logging.getLogger(__name__)

ORGANIZERS_ONLY = ("Only organizers start a live quiz: Manage Server or this server's study-lead role. "
                   "Nothing was started.")
GONE = (403, 404)  # Discord refuses for good: no access, or the channel or message is gone


class LiveQuiz(commands.Cog):
    help_section = "Organizers (Manage Server or study lead)"

    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot
        self._tasks: dict[int, asyncio.Task] = {}
        self._wakes: dict[int, asyncio.Event] = {}
        self._resume: asyncio.Task | None = None

    @property
    def service(self) -> LiveService:
        return self.bot.services.live

    @property
    def _editions(self):
        return self.bot.content.editions

    async def cog_load(self) -> None:
        self._resume = asyncio.create_task(self._resume_games())

    async def cog_unload(self) -> None:
        tasks = [t for t in [self._resume, *self._tasks.values()] if t is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    # ---- starting -----------------------------------------------------------------------------------------

    @app_commands.command(name="quiz-live", description="A live quiz night in a thread: one question at a time, "
                                                        "scored by speed (organizers)")
    @app_commands.describe(module="Only this module (empty: all)", questions="How many questions (1-20)",
                           seconds="Seconds per question (10-120)")
    @app_commands.autocomplete(module=module_autocomplete)
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.guild_only()
    @organizer_only(ORGANIZERS_ONLY)
    async def quiz_live(self, interaction: discord.Interaction, module: str | None = None,
                        questions: app_commands.Range[int, 1, 20] = rules.DEFAULT_QUESTIONS,
                        seconds: app_commands.Range[int, 10, 120] = rules.DEFAULT_SECONDS) -> None:
        guild_id = guild_id_of(interaction)
        edition, module_key, picked = await self.service.plan(guild_id, module, questions)
        running = await self.service.running_in(guild_id)
        if running is not None:
            raise UserInputError(f"A live quiz is already running in <#{running.channel_id}>; stop it there "
                                 f"first (the Stop button under its question).")
        await interaction.response.defer(thinking=True)
        channel_id, in_thread, note = await self._open_thread(interaction, len(picked), seconds)
        now = self.bot.clock.now()
        current = await self.service.start(guild_id=guild_id, channel_id=channel_id, in_thread=in_thread,
                                           started_by=interaction.user.id, edition=edition, module=module_key,
                                           seconds=seconds, questions=picked, now=now)
        try:
            await self._post_question(current)
        except discord.HTTPException as error:
            log.info("live quiz %s could not post its first question: %s", current.game.id, error)
            await self.service.end(current.game.id, now, state="closed")
            await self.service.final_posted(current.game.id, 0)
            raise UserInputError("I cannot post there (I need View Channel, Send Messages and Embed Links); "
                                 "no game was started.") from None
        self._run(current.game.id)
        where = f"in the thread <#{channel_id}>" if in_thread else "right here"
        await interaction.followup.send(
            f"🎯 Live quiz by <@{interaction.user.id}>: {len(picked)} question(s), {seconds} s each, {where}. "
            f"{views.RULES}{note}")

    async def _open_thread(self, interaction: discord.Interaction, count: int,
                           seconds: int) -> tuple[int, bool, str]:
        """(channel to play in, is it a thread, what to say): a thread under the channel, else the channel."""
        channel = interaction.channel
        if isinstance(channel, discord.TextChannel):
            name = f"Live quiz {self.bot.clock.now():%d %b %H:%M} UTC"
            try:
                thread = await channel.create_thread(name=name, type=discord.ChannelType.public_thread,
                                                     auto_archive_duration=60,
                                                     reason=f"/quiz-live: {count} questions, {seconds} s each")
            except discord.HTTPException as error:
                log.info("no thread for a live quiz in %s: %s", channel.id, error)
            else:
                return thread.id, True, ""
        if interaction.channel_id is None:  # a slash command always comes from a channel
            raise UserInputError("I cannot tell which channel this is; no game was started.")
        return (interaction.channel_id, False,
                "\nI could not open a thread here (threads are not allowed or I lack Create Public Threads), "
                "so the game runs in this channel.")

    # ---- the game loop -----------------------------------------------------------------------------------

    def _run(self, game_id: int) -> None:
        if game_id not in self._tasks or self._tasks[game_id].done():
            self._wakes[game_id] = asyncio.Event()
            self._tasks[game_id] = asyncio.create_task(self._loop(game_id), name=f"live-quiz-{game_id}")

    async def _loop(self, game_id: int) -> None:
        wake = self._wakes[game_id]
        while True:
            try:
                game = await self.service.game(game_id)
                if game is None or game.state != "open":
                    return
                current = await self.service.current(game_id)
                if current.item.message_id is None:  # its post failed: give it its full time once it is shown
                    current = await self.service.reopen(current, self.bot.clock.now())
                    await self._post_question(current)
                await self.bot.clock.sleep_until(self.service.deadline(current.item), wake)
                if wake.is_set():
                    wake.clear()
                    continue
                step = await self.service.tick(game_id, self.bot.clock.now())
                if step is not None:
                    await self._show(step)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("live quiz %s: a step failed; trying again shortly", game_id)
                await asyncio.sleep(5)

    async def _show(self, step: Step) -> None:
        if step.reveal is not None:
            try:
                await self._show_reveal(step.reveal)
            except discord.HTTPException:  # not marked revealed: the next start edits it
                log.warning("live quiz %s: could not reveal question %d", step.reveal.game.id,
                            step.reveal.item.position + 1, exc_info=True)
        if step.next is not None:
            await self._post_question(step.next)
        if step.final is not None:
            await self._post_final(step.final)

    def _channel(self, channel_id: int) -> discord.PartialMessageable:
        return self.bot.get_partial_messageable(channel_id)

    async def _post_question(self, current: Current) -> None:
        embed, view = views.question_message(current, self.service.deadline(current.item), self._editions)
        message = await self._channel(current.game.channel_id).send(embed=embed, view=view)
        await self.service.posted(current.game.id, current.item.position, message.id)

    async def _show_reveal(self, reveal: Reveal) -> None:
        if reveal.question is not None and reveal.item.message_id is not None:
            embed, view = views.reveal_message(reveal, reveal.question, self._editions)
            message = self._channel(reveal.game.channel_id).get_partial_message(reveal.item.message_id)
            try:
                await message.edit(embed=embed, view=view)
            except discord.HTTPException as error:
                if error.status not in GONE:
                    raise
        await self.service.revealed(reveal.game.id, reveal.item.position)

    async def _post_final(self, final: Final) -> None:
        try:
            message = await self._channel(final.game.channel_id).send(embed=views.final_embed(final, self._editions))
        except discord.HTTPException as error:
            if error.status not in GONE:
                raise
            await self.service.final_posted(final.game.id, 0)  # nowhere to post it: stop trying
            return
        await self.service.final_posted(final.game.id, message.id)

    async def _resume_games(self) -> None:
        await self.bot.wait_until_ready()
        owns = self.bot.shard_plan.owns  # with several processes, each resumes the games of its own shards' guilds
        try:
            reveals, finals = await self.service.leftovers()
            for reveal in reveals:
                if owns(reveal.game.guild_id):
                    await self._show_reveal(reveal)
            for final in finals:
                if owns(final.game.guild_id):
                    await self._post_final(final)
            now = self.bot.clock.now()
            for game in await self.service.open_games():
                if not owns(game.guild_id):
                    continue
                current = await self.service.current(game.id)
                if current.item.message_id is None:  # stopped before its question was posted: post it now
                    await self._post_question(await self.service.reopen(current, now))
                elif rules.resume_or_close(int(now.timestamp() * 1000), current.item.deadline_ms) == "close":
                    step = await self.service.end(game.id, now, state="closed")
                    if step is not None:
                        await self._show(step)
                    continue
                self._run(game.id)
        except Exception:
            log.exception("resuming live quizzes failed")

    # ---- clicks -------------------------------------------------------------------------------------------

    async def on_answer(self, interaction: discord.Interaction, game_id: int, position: int, choice: int) -> None:
        counted, chosen, _ = await self.service.answer(game_id, position, interaction.user.id, choice,
                                                       self.bot.clock.now())
        letter = views.LETTERS[chosen]
        text = (f"Got it: **{letter}**. The answer and the board show when time is up." if counted
                else f"You already answered **{letter}**: your first click counts.")
        await send_ephemeral(interaction, text)

    async def on_stop(self, interaction: discord.Interaction, game_id: int) -> None:
        game = await self.service.game(game_id)
        if game is None or game.state != "open":
            raise UserInputError("This game is already over.")
        if interaction.user.id != game.started_by and not is_guild_admin(interaction):
            raise UserInputError("Only whoever started this game, or an admin (Manage Server), can stop it.")
        await interaction.response.defer(ephemeral=True, thinking=True)
        step = await self.service.end(game_id, self.bot.clock.now(), state="stopped", by=interaction.user.id)
        if game_id in self._wakes:
            self._wakes[game_id].set()
        if step is not None:
            await self._show(step)
        await interaction.followup.send("Stopped: the final board is posted.", ephemeral=True)


async def setup(bot: StudyBot) -> None:
    bot.add_dynamic_items(*views.DYNAMIC_ITEMS)
    await bot.add_cog(LiveQuiz(bot))
