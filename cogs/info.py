"""/cpim, /modules, /fees and /help: what the certification is and what it costs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.ext import commands

from cogs.ui import embeds
from cogs.ui.autocomplete import module_autocomplete
from cogs.ui.limits import KeyText
from study.editions import Edition
from study.errors import UserInputError
from study.fees import entry_in_effect, path_cost
from study.syllabus import require_module

if TYPE_CHECKING:
    from app.factory import StudyBot

Membership = Literal["both", "member", "non-member"]


class Info(commands.Cog):
    help_section = "CPIM information"

    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot

    @app_commands.command(name="cpim", description="What CPIM is, who runs it, its modules and how the exam changed")
    async def cpim(self, interaction: discord.Interaction) -> None:
        content = self.bot.content
        edition = await self.bot.services.editions.edition_for(interaction.guild_id)
        await interaction.response.send_message(embed=embeds.cpim_embed(content.facts, content.syllabus, edition))

    @app_commands.command(name="modules", description="The server's CPIM modules, or one module's topics")
    @app_commands.describe(module="A module to list the topics of")
    @app_commands.autocomplete(module=module_autocomplete)
    async def modules(self, interaction: discord.Interaction, module: KeyText | None = None) -> None:
        edition = await self.bot.services.editions.edition_for(interaction.guild_id)
        syllabus = edition.syllabus
        if module is None:
            await interaction.response.send_message(embed=embeds.modules_overview_embed(syllabus, edition))
            return
        found = syllabus.module(module)
        if found is None:
            raise UserInputError(f"I don't know a module called '{module}' in {edition.name}. "
                                 f"Pick one of: {', '.join(m.code for m in syllabus.modules)}.")
        await interaction.response.send_message(embed=embeds.module_embed(found, syllabus, edition))

    @app_commands.command(name="fees", description="Exam fees: per module (CPIM 2017) or the one exam (CPIM 8)")
    @app_commands.describe(module="Show the fee for one module (CPIM 2017)", membership="Member, non-member or both")
    @app_commands.autocomplete(module=module_autocomplete)
    async def fees(self, interaction: discord.Interaction, module: KeyText | None = None,
                   membership: Membership = "both") -> None:
        edition = await self.bot.services.editions.edition_for(interaction.guild_id)
        if edition.single_exam:
            await self._single_exam_fees(interaction, edition, membership)
            return
        syllabus = self.bot.content.syllabus
        found = None
        if module is not None:
            found = require_module(syllabus, module)
        today = self.bot.clock.now().date()
        entries = list(self.bot.content.fees)
        if interaction.guild_id:
            entries += await self.bot.services.fees.guild_entries(interaction.guild_id)
        entry = entry_in_effect(entries, today)
        if entry is None:
            raise UserInputError("No fee table is in effect yet; an admin can add one with /admin fees add.")
        passed = 0
        if interaction.guild_id:
            # the member's recorded passes (/passed add) leave fewer modules to pay for
            done = await self.bot.services.progress.passed(interaction.guild_id, interaction.user.id)
            passed = sum(1 for m in syllabus.modules if m.key in done)
        cost = path_cost(entry, len(syllabus.modules), passed)
        # with recorded passes the answer tells the member's own path: only they see it
        await interaction.response.send_message(
            embed=embeds.fees_embed(cost, membership, found, today, self.bot.content.facts.confirm_prices_at),
            ephemeral=passed > 0,
        )

    async def _single_exam_fees(self, interaction: discord.Interaction, edition: Edition,
                                membership: Membership) -> None:
        today = self.bot.clock.now().date()
        entries = list(edition.fees.current)
        passed = False
        if interaction.guild_id:
            entries += await self.bot.services.fees.guild_entries(interaction.guild_id, edition.key)
            done = await self.bot.services.progress.passed(interaction.guild_id, interaction.user.id)
            passed = edition.exam_key in done
        entry = entry_in_effect(entries, today)
        await interaction.response.send_message(
            embed=embeds.single_exam_fees_embed(edition, entry, membership, today, passed), ephemeral=passed)

    @app_commands.command(name="help", description="Every command with one line each, grouped by feature")
    async def help(self, interaction: discord.Interaction) -> None:
        edition = await self.bot.services.editions.edition_for(interaction.guild_id)
        await interaction.response.send_message(embed=embeds.help_embed(self.bot.command_sections(), edition),
                                                ephemeral=True)


async def setup(bot: StudyBot) -> None:
    await bot.add_cog(Info(bot))
