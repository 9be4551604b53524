"""/group: the cohort view for organizers (Manage Server, or the configured study-lead role).

/group's default permission is Manage Server, so Discord shows it to admins only; to let study leads use
it, a server admin sets the role with /admin settings lead-role and allows that role on /group in Server Settings →
Integrations. The bot checks again at run time, whatever the server's overrides say.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from cogs.checks import guild_id_of, organizer_only
from cogs.member_names import EXPORT_LOOKUP_SECONDS
from cogs.ui import group_views as views
from services.progress import ProgressService

if TYPE_CHECKING:
    from app.factory import StudyBot


ORGANIZERS_ONLY = ("Only organizers can see the group: Manage Server or this server's study-lead role. "
                   "Nothing was shown.")


class Group(commands.Cog):
    help_section = "Organizers (Manage Server or study lead)"

    group = app_commands.Group(
        name="group", description="The study group's progress (organizers)",
        default_permissions=discord.Permissions(manage_guild=True), guild_only=True,
    )

    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot

    @property
    def service(self) -> ProgressService:
        return self.bot.services.progress

    @group.command(name="progress", description="Active members, modules passed, accuracy by module, exams soon")
    @organizer_only(ORGANIZERS_ONLY)
    async def progress(self, interaction: discord.Interaction) -> None:
        guild_id = guild_id_of(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        lens = await self.bot.services.editions.lens_for(guild_id)
        report = await self.service.group_report(guild_id, self.bot.clock.now())
        chart = await self.service.group_chart(report, lens)
        embed = views.group_embed(report, lens)
        await interaction.followup.send(embed=embed, file=discord.File(io.BytesIO(chart), filename="group.png"),
                                        ephemeral=True)

    @group.command(name="export", description="One CSV row per member: answers, accuracy, passed, next exam")
    @organizer_only(ORGANIZERS_ONLY)
    async def export(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        guild_id = guild_id_of(interaction)

        async def names(user_ids: list[int]) -> dict[int, str]:  # fetched like /leaderboard: no members intent
            return await self.bot.member_names.display_names(guild_id, user_ids, within=EXPORT_LOOKUP_SECONDS)

        count, data = await self.service.group_csv(guild_id, self.bot.clock.now(), names)
        await interaction.followup.send(f"{count} member row{'s' if count != 1 else ''}.",
                                        file=discord.File(io.BytesIO(data), filename="group-progress.csv"),
                                        ephemeral=True)


async def setup(bot: StudyBot) -> None:
    await bot.add_cog(Group(bot))
