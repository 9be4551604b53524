"""/questions: a chapter's own question bank, members' flags, retiring and restoring questions (admins)."""

from __future__ import annotations

import asyncio
import io
from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.ext import commands

from cogs.checks import admin_only, guild_id_of, organizer_only
from cogs.contribute import Contributions
from cogs.ui import question_admin_views as views
from cogs.ui.limits import KeyText, excerpt, fit_content, fit_embed
from cogs.ui.quiz_views import question_detail_embed
from study.content_errors import ContentError
from study.errors import UserInputError
from study.question_import import MAX_IMPORT_BYTES, export_csv, export_yaml, parse_import
from study.questions import Question

if TYPE_CHECKING:
    from app.factory import StudyBot

PARSE_SECONDS = 20


class QuestionAdmin(commands.Cog):
    help_section = "Admins (Manage Server)"

    questions = app_commands.Group(
        name="questions", description="This server's question bank and flagged questions (Manage Server)",
        default_permissions=discord.Permissions(manage_guild=True), guild_only=True,
    )

    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot
        self._parsing = asyncio.Semaphore(1)

    async def _parse(self, data: bytes, filename: str) -> list[Question]:
        """parse_import off the event loop, one file at a time, within PARSE_SECONDS: the other members'
        commands keep being answered while an admin's file is read. parse_import's own bounds (size, no
        aliases, nesting depth) keep the work linear in the file's 512 KiB at most."""
        async with self._parsing:
            work = asyncio.to_thread(parse_import, data, filename, self.bot.content.syllabus,
                                     frozenset(self.bot.content.bank.questions))
            try:
                return await asyncio.wait_for(work, PARSE_SECONDS)
            except TimeoutError:
                raise ContentError([f"{filename}: took more than {PARSE_SECONDS} s to read; split it into smaller "
                                    f"files"]) from None

    @property
    def contributions(self) -> Contributions:
        cog = self.bot.get_cog("Contributions")
        if not isinstance(cog, Contributions):
            raise RuntimeError("the Contributions cog is not loaded")
        return cog

    async def _retirement_key(self, guild_id: int, question_id: str) -> str:
        question_id = question_id.strip()
        key = self.bot.services.catalog.retirement_key(question_id)
        if key is None or (not key.startswith("gen:") and await self.bot.services.catalog.get(guild_id, key) is None):
            raise UserInputError(f"There is no question `{excerpt(question_id)}`; ids look like `dsp-lot-004`, or "
                                 f"`gen:eoq` for a whole calculation family.")
        return key

    @questions.command(name="flagged", description="Questions members flagged, most flagged first")
    @admin_only()
    async def flagged(self, interaction: discord.Interaction) -> None:
        flags = await self.bot.services.question_bank.flagged(guild_id_of(interaction))
        if not flags:
            await interaction.response.send_message("No flagged questions. 🎉", ephemeral=True)
            return
        await interaction.response.send_message(embed=views.flagged_embed(flags), ephemeral=True)

    @questions.command(name="show", description="A question exactly as members see it, with answer and explanation")
    @app_commands.describe(question_id="The id, e.g. dsp-lot-004 or gen:eoq:12345 (from a flag or a quiz footer)")
    @admin_only()
    async def show(self, interaction: discord.Interaction, question_id: KeyText) -> None:
        question = await self.bot.services.catalog.get(guild_id_of(interaction), question_id.strip())
        if question is None:
            raise UserInputError(f"There is no question `{excerpt(question_id)}`.")
        await interaction.response.send_message(embed=fit_embed(question_detail_embed(question)), ephemeral=True)

    @questions.command(name="retire", description="Stop asking a question in this server")
    @app_commands.describe(question_id="The question's id, e.g. dsp-lot-004 (or gen:<family> for a generator)")
    @admin_only()
    async def retire(self, interaction: discord.Interaction, question_id: KeyText) -> None:
        guild_id = guild_id_of(interaction)
        key = await self._retirement_key(guild_id, question_id)
        changed = await self.bot.services.question_bank.retire(guild_id, key, interaction.user.id,
                                                               self.bot.clock.now())
        what = f"the calculation family `{key}`" if key.startswith("gen:") else f"`{key}`"
        text = (f"{what} is retired: quizzes in this server no longer ask it." if changed
                else f"{what} was already retired.")
        await interaction.response.send_message(text, ephemeral=True)

    @questions.command(name="restore", description="Ask a retired question again")
    @app_commands.describe(question_id="The retired question's id")
    @admin_only()
    async def restore(self, interaction: discord.Interaction, question_id: KeyText) -> None:
        key = self.bot.services.catalog.retirement_key(question_id.strip()) or question_id.strip()
        changed = await self.bot.services.question_bank.restore(guild_id_of(interaction), key)
        if not changed:
            raise UserInputError(f"`{excerpt(question_id)}` is not retired in this server.")
        await interaction.response.send_message(f"`{key}` is back in the quizzes.", ephemeral=True)

    @questions.command(name="review",
                       description="Questions members wrote, one by one: approve, edit or reject (or study lead)")
    @organizer_only("Only organizers review questions: Manage Server or this server's study-lead role. "
                    "Nothing was shown.")
    async def review(self, interaction: discord.Interaction) -> None:
        await self.contributions.show_queue(interaction)

    @questions.command(name="import", description="Add this server's own questions from a YAML or CSV file")
    @app_commands.describe(file="A .yaml file in the bank's format or a .csv (see content/questions/FORMAT.md)")
    @admin_only()
    async def import_(self, interaction: discord.Interaction, file: discord.Attachment) -> None:
        if file.size > MAX_IMPORT_BYTES:
            raise UserInputError(f"{file.filename} is {file.size:,} bytes; the limit is "
                                 f"{MAX_IMPORT_BYTES // 1024} KiB. Nothing was imported.")
        await interaction.response.defer(ephemeral=True, thinking=True)
        data = await file.read()
        try:
            questions = await self._parse(data, file.filename)
        except ContentError as error:
            lines = "\n".join(f"• {problem}" for problem in error.problems[:15])
            more = f"\n…and {len(error.problems) - 15} more" if len(error.problems) > 15 else ""
            heading = f"Nothing was imported: {len(error.problems)} problem(s) in {file.filename}."
            await interaction.followup.send(fit_content(f"{heading}\n{lines}{more}"), ephemeral=True)
            return
        added, updated = await self.bot.services.question_bank.import_questions(
            guild_id_of(interaction), questions, interaction.user.id, self.bot.clock.now())
        await interaction.followup.send(
            f"Imported {len(questions)} question(s) from {file.filename}: {added} new, {updated} updated. "
            f"They are asked in this server only.", ephemeral=True)

    @questions.command(name="export", description="Download this server's own questions")
    @app_commands.describe(format="csv (one file) or yaml (one file per module)")
    @admin_only()
    async def export(self, interaction: discord.Interaction, format: Literal["csv", "yaml"] = "csv") -> None:
        questions = await self.bot.services.question_bank.own_questions(guild_id_of(interaction))
        if not questions:
            raise UserInputError("This server has no questions of its own yet; add some with /questions import.")
        if format == "csv":
            files = [discord.File(io.BytesIO(export_csv(questions).encode()), filename="questions.csv")]
        else:
            files = [discord.File(io.BytesIO(text.encode()), filename=f"{module}.yaml")
                     for module, text in export_yaml(questions).items()]
        await interaction.response.send_message(f"{len(questions)} question(s).", files=files, ephemeral=True)


async def setup(bot: StudyBot) -> None:
    await bot.add_cog(QuestionAdmin(bot))
