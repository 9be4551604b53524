"""/quiz and /practice-exam: questions with buttons, instant feedback, spaced repetition, mock exams."""

from __future__ import annotations

import datetime as dt
import logging
import math
from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.ext import commands, tasks

from cogs.busy import answer_busy, edit, in_time, send
from cogs.checks import guild_id_of
from cogs.errors import send_ephemeral
from cogs.ui import quiz_views
from cogs.ui.autocomplete import module_autocomplete, topic_autocomplete
from cogs.ui.limits import KeyText
from services.quiz import (
    MAX_EXAM_MINUTES,
    MAX_EXAM_QUESTIONS,
    ExamTimeUp,
    QuizService,
    SessionClosed,
    SessionKind,
    Step,
)
from study.editions import Edition, Lens
from study.scoring import Summary

if TYPE_CHECKING:
    from app.factory import StudyBot

log = logging.getLogger(__name__)
Mode = Literal["mixed", "new", "review", "weakest"]


def exam_length(edition: Edition, module: str | None, questions: int, minutes: int | None,
                full: bool) -> tuple[int, int]:
    """Questions and minutes of a practice exam: the edition's real format when `full`, otherwise the count
    asked for and, without minutes given, the real exam's pace (CPIM 8: 210 minutes for 150 questions)."""
    exam = edition.exam
    if full:
        count = exam.questions_for(module)
        return min(count, MAX_EXAM_QUESTIONS), min(exam.minutes, MAX_EXAM_MINUTES)
    if minutes is None:
        minutes = max(1, math.ceil(questions * exam.minutes / exam.questions_for(module)))
    return questions, min(minutes, MAX_EXAM_MINUTES)


def _remaining(deadline: dt.datetime | None, now: dt.datetime) -> str | None:
    if deadline is None:
        return None
    seconds = max(int((deadline - now).total_seconds()), 0)
    return f"{seconds // 60} min {seconds % 60:02d} s"


class Quiz(commands.Cog):
    help_section = "Quizzes"

    practice = app_commands.Group(name="practice-exam", description="Timed mock exams", guild_only=True)

    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot

    @property
    def service(self) -> QuizService:
        return self.bot.services.quiz

    def _now(self) -> dt.datetime:
        return self.bot.clock.now()

    async def _lens(self, guild_id: int | None) -> Lens:
        return await self.bot.services.editions.lens_for(guild_id)

    async def cog_load(self) -> None:
        self.housekeeping.start()

    async def cog_unload(self) -> None:
        self.housekeeping.cancel()

    @tasks.loop(seconds=60)
    async def housekeeping(self) -> None:
        """Close idle quizzes and hand in exams whose time ran out, so history is complete."""
        now = self._now()
        try:
            await self.service.expire_idle(now)
            await self.service.finish_overdue_exams(now)
        except Exception:
            log.exception("quiz housekeeping failed; it runs again in a minute")

    @app_commands.command(name="quiz", description="Practice questions with instant feedback")
    @app_commands.describe(module="Only this module", topic="Only this topic", count="How many questions (1-20)",
                           mode="new, review (due cards), weakest (your weakest topic) or mixed")
    @app_commands.autocomplete(module=module_autocomplete, topic=topic_autocomplete)
    @app_commands.guild_only()
    async def quiz(self, interaction: discord.Interaction, module: KeyText | None = None,
                   topic: KeyText | None = None,
                   count: app_commands.Range[int, 1, 20] = 5, mode: Mode = "mixed") -> None:
        async with self.bot.shedder.slot(interaction) as admitted:
            if not admitted:
                await answer_busy(interaction)
                return
            await self._start_quiz(interaction, module, topic, count, mode)

    async def _start_quiz(self, interaction: discord.Interaction, module: str | None, topic: str | None,
                          count: int, mode: str) -> None:
        guild_id = guild_id_of(interaction)
        lens = await self._lens(guild_id)
        module_key, topic_key = self.service.resolve_scope(module, topic, lens)
        step = await in_time(interaction, self.service.start(
            guild_id, interaction.user.id, kind=SessionKind.QUIZ, module=module_key, topic=topic_key,
            count=count, mode=mode, now=self._now(), lens=lens))
        embed, view = quiz_views.question_message(step, lens)
        await send(interaction, embed=embed, view=view)

    async def start_from_button(self, interaction: discord.Interaction, guild_id: int, module: str | None) -> None:
        """The "Start a quiz" button on a reminder DM: a quiz on that module, in that server's records."""
        lens = await self._lens(guild_id)
        # an exam booked for a whole single-exam edition ("cpim-8") is a quiz over its whole outline
        scope = None if lens.editions.is_exam_key(module) else module
        step = await self.service.start(guild_id, interaction.user.id, kind=SessionKind.QUIZ, module=scope, topic=None,
                                        count=5, mode="mixed", now=self._now(), lens=lens)
        embed, view = quiz_views.question_message(step, lens)
        await interaction.response.send_message(embed=embed, view=view, ephemeral=True)

    async def on_answer(self, interaction: discord.Interaction, session_id: str, position: int, choice: int) -> None:
        async with self.bot.shedder.slot(interaction) as admitted:
            if not admitted:
                await answer_busy(interaction)
                return
            await self._answer(interaction, session_id, position, choice)

    async def _answer(self, interaction: discord.Interaction, session_id: str, position: int, choice: int) -> None:
        try:
            result = await in_time(interaction, self.service.answer(session_id, position, choice,
                                                                    interaction.user.id, self._now()))
        except SessionClosed as closed:
            await edit(interaction, content=str(closed), embed=None, view=None)
            return
        if not result.outcome.first:
            letter = quiz_views.LETTERS[result.outcome.chosen] if result.outcome.chosen >= 0 else "?"
            await send_ephemeral(interaction, f"You already answered this one ({letter}); it counted once.")
            return
        embed, view = quiz_views.feedback_message(result, await self._lens(result.step.session.guild_id))
        await edit(interaction, embed=embed, view=view)

    async def on_next(self, interaction: discord.Interaction, session_id: str, position: int) -> None:
        async with self.bot.shedder.slot(interaction) as admitted:
            if not admitted:
                await answer_busy(interaction)
                return
            await self._next(interaction, session_id, position)

    async def _next(self, interaction: discord.Interaction, session_id: str, position: int) -> None:
        now = self._now()

        async def next_or_summary() -> tuple[Step | Summary, Lens]:
            # the session's server, not the interaction's: a quiz started from a reminder DM has no server there
            step = await self.service.advance(session_id, position, interaction.user.id, now)
            if step is not None:
                return step, await self._lens(step.session.guild_id)
            lens = await self._lens(await self.service.guild_of(session_id))
            _, summary = await self.service.finish(session_id, now, lens)
            return summary, lens

        try:
            shown, lens = await in_time(interaction, next_or_summary())
        except SessionClosed as closed:
            await edit(interaction, content=str(closed), embed=None, view=None)
            return
        if isinstance(shown, Summary):
            embed = quiz_views.summary_embed("Quiz finished", shown, lens)
            await edit(interaction, embed=embed, view=None)
            return
        embed, view = quiz_views.question_message(shown, lens)
        await edit(interaction, embed=embed, view=view)

    async def on_flag(self, interaction: discord.Interaction, session_id: str, position: int) -> None:
        await interaction.response.send_modal(quiz_views.FlagModal(session_id, position))

    async def on_flag_submit(self, interaction: discord.Interaction, session_id: str, position: int,
                             reason: str) -> None:
        # a flag is about the question, so it is taken even after the session expired
        step = await self.service.question_at(session_id, position, interaction.user.id)
        await self.bot.services.question_bank.flag(step.session.guild_id, step.question.id, interaction.user.id,
                                                   reason, self._now())
        await interaction.response.send_message(
            f"Thanks: question `{step.question.id}` is flagged for the admins to review.", ephemeral=True)

    @practice.command(name="start", description="A timed mock exam: answers are revealed at the end")
    @app_commands.describe(module="A module, or leave empty for all of them (weighted under CPIM 8)",
                           questions="How many questions (1-150)",
                           minutes="Time allowed (1-240); default: the real exam's pace",
                           full="The real format (CPIM 8: 150 questions in 210 minutes)")
    @app_commands.autocomplete(module=module_autocomplete)
    async def exam_start(self, interaction: discord.Interaction, module: KeyText | None = None,
                         questions: app_commands.Range[int, 1, 150] = 20,
                         minutes: app_commands.Range[int, 1, 240] | None = None, full: bool = False) -> None:
        guild_id = guild_id_of(interaction)
        lens = await self._lens(guild_id)
        module_key, _ = self.service.resolve_scope(module if module and module.lower() != "all" else None, None,
                                                   lens)
        count, minutes = exam_length(lens.edition, module_key, questions, minutes, full)
        now = self._now()
        step = await self.service.start(guild_id, interaction.user.id, kind=SessionKind.EXAM,
                                        module=module_key, topic=None, count=count, mode="mixed", now=now,
                                        minutes=minutes, lens=lens)
        embed, view = quiz_views.question_message(step, lens,
                                                  now_remaining=_remaining(step.session.deadline_at, now))
        await interaction.response.send_message(embed=embed, view=view, ephemeral=True)

    async def _exam_report(self, interaction: discord.Interaction, session_id: str, note: str | None) -> None:
        guild_id = guild_id_of(interaction)
        now = self._now()
        lens = await self._lens(guild_id)
        session, summary = await self.service.finish(session_id, now, lens)
        if session.deadline_at and now >= session.deadline_at and note is None:
            note = "⏰ Time ran out: unanswered questions count as wrong."
        embed = quiz_views.summary_embed("Practice exam report", summary, lens, note=note)
        await interaction.response.edit_message(embed=embed, view=None)

    async def on_exam_answer(self, interaction: discord.Interaction, session_id: str, position: int,
                             choice: int) -> None:
        now = self._now()
        try:
            result = await self.service.answer(session_id, position, choice, interaction.user.id, now)
        except ExamTimeUp:
            await self._exam_report(interaction, session_id, None)
            return
        except SessionClosed as closed:
            await interaction.response.edit_message(content=str(closed), embed=None, view=None)
            return
        if result.is_last:
            await self._exam_report(interaction, session_id, "All questions answered.")
            return
        step = await self.service.step(session_id, position + 1, interaction.user.id, now)
        embed, view = quiz_views.question_message(step, await self._lens(step.session.guild_id),
                                                  now_remaining=_remaining(step.session.deadline_at, now))
        await interaction.response.edit_message(embed=embed, view=view)

    async def on_exam_finish(self, interaction: discord.Interaction, session_id: str) -> None:
        session = await self.service.step(session_id, 0, interaction.user.id, self._now())
        await self._exam_report(interaction, session.session.id, "Handed in early.")

    @practice.command(name="history", description="Your past practice exams")
    async def exam_history(self, interaction: discord.Interaction) -> None:
        guild_id = guild_id_of(interaction)
        lens = await self._lens(guild_id)
        history = await self.service.exam_history(guild_id, interaction.user.id, self._now(), lens)
        if not history:
            await interaction.response.send_message("No practice exams yet: try /practice-exam start.",
                                                    ephemeral=True)
            return
        await interaction.response.send_message(embed=quiz_views.exam_history_embed(history, lens), ephemeral=True)


async def setup(bot: StudyBot) -> None:
    bot.add_dynamic_items(*quiz_views.DYNAMIC_ITEMS)
    await bot.add_cog(Quiz(bot))
