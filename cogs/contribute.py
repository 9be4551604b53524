"""/contribute and /my-submissions (members), and the review queue behind /questions review (organizers).

/contribute is top-level with no default permission, so every member sees it (/questions is admin-only in
Discord, which hides all its subcommands). The review buttons re-check organizer rights at run time.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from cogs.checks import guild_id_of, is_organizer
from cogs.errors import send_ephemeral
from cogs.ui import contribution_views as views
from cogs.ui.autocomplete import module_autocomplete, topic_autocomplete
from cogs.ui.limits import KeyText
from services.contributions import ContributionService
from study.content_errors import ContentError
from study.contributions import MAX_PENDING, Draft
from study.errors import UserInputError

if TYPE_CHECKING:
    from app.factory import StudyBot

log = logging.getLogger(__name__)

REVIEWERS_ONLY = ("Only organizers review questions: Manage Server or this server's study-lead role. "
                  "Nothing was changed.")


class Contributions(commands.Cog):
    help_section = "Questions written by members"

    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot

    @property
    def service(self) -> ContributionService:
        return self.bot.services.contributions

    def _now(self):
        return self.bot.clock.now()

    @app_commands.command(name="contribute", description="Write a question for this server's bank (a lead reviews it)")
    @app_commands.describe(module="The module it tests", topic="The topic it tests")
    @app_commands.autocomplete(module=module_autocomplete, topic=topic_autocomplete)
    @app_commands.guild_only()
    async def contribute(self, interaction: discord.Interaction, module: KeyText, topic: KeyText) -> None:
        guild_id = guild_id_of(interaction)
        place = await self.service.place(guild_id, module, topic)
        await self.service.check_room(guild_id, interaction.user.id)
        edition = await self.bot.services.editions.edition_for(guild_id)
        picked = place.cpim8_module if edition.key == "cpim-8" else place.module
        found = edition.syllabus.module(picked)
        topic_key = place.cpim8_topic if edition.key == "cpim-8" else place.topic
        topic_found = found.topic(topic_key) if found else None
        heading = f"{found.code} · {topic_found.name}" if found and topic_found else topic_key
        await interaction.response.send_modal(views.ContributeModal(picked, topic_key, heading))

    async def on_contribute_submit(self, interaction: discord.Interaction, module: str, topic: str,
                                   draft: Draft) -> None:
        guild_id = guild_id_of(interaction)
        place = await self.service.place(guild_id, module, topic)
        try:
            submission, pending = await self.service.submit(guild_id, interaction.user.id, place, draft,
                                                            self._now())
        except ContentError as error:
            await interaction.response.send_message(
                views.problems_text(error.problems, "Not sent for review") + "\nFix it and run /contribute again.",
                ephemeral=True)
            return
        await interaction.response.send_message(
            f"Thanks! Your question is #{submission.id} in the review queue ({pending} of at most {MAX_PENDING} "
            f"waiting). You'll get a DM if it is rejected; see its status with /my-submissions.",
            embed=views.submission_embed(submission, self.bot.content.editions, title="Your question"),
            ephemeral=True)

    @app_commands.command(name="my-submissions", description="The questions you wrote for this server and their status")
    @app_commands.guild_only()
    async def my_submissions(self, interaction: discord.Interaction) -> None:
        submissions = await self.service.mine(guild_id_of(interaction), interaction.user.id)
        await interaction.response.send_message(
            embed=views.my_submissions_embed(submissions, self.bot.content.editions), ephemeral=True)

    # ---- review (the /questions review command lives with /questions in cogs/question_admin.py) ----------

    async def show_queue(self, interaction: discord.Interaction) -> None:
        submission, waiting = await self.service.next_pending(guild_id_of(interaction))
        content, embed, view = views.review_message(submission, waiting, self.bot.content.editions)
        if embed is not None and view is not None:
            await interaction.response.send_message(content or None, embed=embed, view=view, ephemeral=True)
        else:  # the queue is empty: the note alone
            await interaction.response.send_message(content or None, ephemeral=True)

    async def _next(self, interaction: discord.Interaction, note: str) -> None:
        submission, waiting = await self.service.next_pending(guild_id_of(interaction))
        content, embed, view = views.review_message(submission, waiting, self.bot.content.editions, note)
        await interaction.response.edit_message(content=content or None, embed=embed, view=view)

    async def _require_reviewer(self, interaction: discord.Interaction) -> None:
        if interaction.guild_id is None or not await is_organizer(interaction):
            raise UserInputError(REVIEWERS_ONLY)

    async def on_review(self, interaction: discord.Interaction, action: str, submission_id: int) -> None:
        await self._require_reviewer(interaction)
        guild_id = guild_id_of(interaction)
        if action == "approve":
            approved = await self.service.approve(guild_id, submission_id, interaction.user.id,
                                                  self._now())
            await self._next(interaction, f"✅ #{approved.id} is in the bank as `{approved.question_id}`, "
                                          f"credited to <@{approved.user_id}>.")
            await self._dm(approved.user_id, f"Your question #{approved.id} was approved: it is now asked in "
                                             f"quizzes and the daily question, with your name under it. Thank you!")
        elif action == "edit":
            submission = await self.service.pending(guild_id, submission_id)
            await interaction.response.send_modal(views.EditModal(submission))
        else:
            await self.service.pending(guild_id, submission_id)
            await interaction.response.send_modal(views.RejectModal(submission_id))

    async def on_edit_submit(self, interaction: discord.Interaction, submission_id: int, draft: Draft) -> None:
        await self._require_reviewer(interaction)
        guild_id = guild_id_of(interaction)
        try:
            submission = await self.service.edit(guild_id, submission_id, draft)
        except ContentError as error:
            await send_ephemeral(interaction, views.problems_text(error.problems, "Not saved") +
                                 "\nNothing was changed; click Edit again.")
            return
        _, waiting = await self.service.next_pending(guild_id)
        content, embed, view = views.review_message(submission, waiting, self.bot.content.editions,
                                                    f"✏️ #{submission.id} edited; approve it when it reads right.")
        await interaction.response.edit_message(content=content, embed=embed, view=view)

    async def on_reject_submit(self, interaction: discord.Interaction, submission_id: int, reason: str) -> None:
        await self._require_reviewer(interaction)
        rejected = await self.service.reject(guild_id_of(interaction), submission_id, interaction.user.id, reason,
                                             self._now())
        guild = interaction.guild.name if interaction.guild else "the server"
        sent = await self._dm(rejected.user_id, f"Your question #{rejected.id} for {guild} was not accepted.\n"
                                                f"Reason: {rejected.reason}\nYou can write a new version with "
                                                f"/contribute.\n> {rejected.stem[:300]}")
        told = "the author was told by DM" if sent else "the author's DMs are closed, so they see it in /my-submissions"
        await self._next(interaction, f"❌ #{rejected.id} rejected; {told}.")

    async def _dm(self, user_id: int, text: str) -> bool:
        try:
            channel = await self.bot.create_dm(discord.Object(id=user_id))
            await channel.send(text[:2000])
        except discord.HTTPException:
            log.info("could not DM member %s about their submission", user_id)
            return False
        return True


async def setup(bot: StudyBot) -> None:
    bot.add_dynamic_items(*views.DYNAMIC_ITEMS)
    await bot.add_cog(Contributions(bot))
