"""/admin: chapter settings for members with Manage Server. Nothing here is shown to other members."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from cogs.checks import admin_only
from cogs.ui.embeds import money
from db import fees as fee_records
from study.errors import UserInputError
from study.fees import FeeEntry, parse_date, validate_fee_input

if TYPE_CHECKING:
    from app.factory import StudyBot


class Admin(commands.Cog):
    help_section = "Admins (Manage Server)"

    admin = app_commands.Group(
        name="admin", description="Chapter settings (Manage Server)",
        default_permissions=discord.Permissions(manage_guild=True), guild_only=True,
    )
    fees = app_commands.Group(name="fees", description="This server's exam fee entries", parent=admin)

    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot

    @fees.command(name="add", description="Add a fee entry that applies from a date (per module exam)")
    @app_commands.describe(
        effective="Date the fees apply from, YYYY-MM-DD", member="Fee per module for ASCM members",
        non_member="Fee per module for non-members", source="Where the figure comes from (a URL or document)",
        currency="Three-letter currency code (default USD)",
    )
    @admin_only()
    async def fees_add(self, interaction: discord.Interaction, effective: str, member: int, non_member: int,
                       source: str, currency: str = "USD") -> None:
        day = parse_date(effective)
        currency = currency.strip().upper()
        validate_fee_input(member, non_member, day, self.bot.clock.now().date(), currency)
        if not source.strip():
            raise UserInputError("Give a source for the figure, so members can check it.")
        entry = FeeEntry(effective=day, member=member, non_member=non_member, currency=currency,
                         source=source.strip()[:300], added_by_guild=True)
        try:
            await fee_records.add_fee_entry(self.bot.db, interaction.guild_id, entry, interaction.user.id,
                                            self.bot.clock.now())
        except fee_records.DuplicateFeeDateError:
            raise UserInputError(f"This server already has a fee entry from {day.isoformat()}; "
                                 f"remove it first with /admin fees remove.") from None
        await interaction.response.send_message(
            f"Saved: from {day.isoformat()}, {money(member, currency)} for members and "
            f"{money(non_member, currency)} for non-members per module. /fees uses it from that day.",
            ephemeral=True,
        )

    @fees.command(name="list", description="This server's fee entries")
    @admin_only()
    async def fees_list(self, interaction: discord.Interaction) -> None:
        entries = await fee_records.guild_fee_entries(self.bot.db, interaction.guild_id)
        if not entries:
            text = "This server has no fee entries of its own; /fees uses the shipped table (content/fees.toml)."
        else:
            text = "\n".join(f"from {e.effective.isoformat()}: member {money(e.member, e.currency)}, "
                             f"non-member {money(e.non_member, e.currency)} ({e.source})" for e in entries)
        await interaction.response.send_message(text[:2000], ephemeral=True)

    @fees.command(name="remove", description="Remove this server's fee entry for a date")
    @app_commands.describe(effective="The entry's effective date, YYYY-MM-DD")
    @admin_only()
    async def fees_remove(self, interaction: discord.Interaction, effective: str) -> None:
        day = parse_date(effective)
        removed = await fee_records.remove_fee_entry(self.bot.db, interaction.guild_id, day)
        if not removed:
            raise UserInputError(f"This server has no fee entry from {day.isoformat()}; see /admin fees list.")
        await interaction.response.send_message(f"Removed the fee entry from {day.isoformat()}.", ephemeral=True)


async def setup(bot: StudyBot) -> None:
    await bot.add_cog(Admin(bot))
