"""/admin: chapter settings for members with Manage Server. Nothing here is shown to other members."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from cogs.checks import admin_only
from cogs.ui.autocomplete import timezone_autocomplete
from cogs.ui.embeds import money
from db import fees as fee_records
from db import planning as planning_records
from db import progress as progress_records
from study.errors import UserInputError
from study.fees import FeeEntry, parse_date, validate_fee_input
from study.nudges import parse_offsets
from study.timeparse import validate_timezone

if TYPE_CHECKING:
    from app.factory import StudyBot


class Admin(commands.Cog):
    help_section = "Admins (Manage Server)"

    admin = app_commands.Group(
        name="admin", description="Chapter settings (Manage Server)",
        default_permissions=discord.Permissions(manage_guild=True), guild_only=True,
    )
    fees = app_commands.Group(name="fees", description="This server's exam fee entries", parent=admin)
    window = app_commands.Group(name="window", description="Chapter exam windows", parent=admin)
    settings = app_commands.Group(name="settings", description="Server defaults for reminders", parent=admin)

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


    @settings.command(name="timezone", description="The server's default time zone for members who set none")
    @app_commands.autocomplete(zone=timezone_autocomplete)
    @admin_only()
    async def settings_timezone(self, interaction: discord.Interaction, zone: str) -> None:
        zone = validate_timezone(zone)
        await planning_records.set_guild_planning(self.bot.db, interaction.guild_id, self.bot.clock.now(),
                                                  timezone=zone)
        await interaction.response.send_message(f"The server's default time zone is now **{zone}**.", ephemeral=True)

    @settings.command(name="nudges", description="Default days before an exam to DM members, e.g. 30,14,7,3,1,0")
    @admin_only()
    async def settings_nudges(self, interaction: discord.Interaction, days: str) -> None:
        offsets = parse_offsets(days)
        await planning_records.set_guild_planning(self.bot.db, interaction.guild_id, self.bot.clock.now(),
                                                  nudge_offsets=offsets)
        await interaction.response.send_message(
            f"Default nudge days: {', '.join(map(str, offsets)) or 'none'}. Members can set their own with "
            f"/exam nudges; new exam dates use this.", ephemeral=True)

    @settings.command(name="announcements", description="Channel for exam-window announcements, and notice days")
    @app_commands.describe(channel="Where windows are announced", notice_days="DM members this many days before "
                                                                              "a window closes (default 7)")
    @admin_only()
    async def settings_announcements(self, interaction: discord.Interaction, channel: discord.TextChannel,
                                     notice_days: app_commands.Range[int, 1, 60] = 7) -> None:
        permissions = channel.permissions_for(channel.guild.me)
        if not (permissions.view_channel and permissions.send_messages):
            raise UserInputError(f"I cannot post in {channel.mention}: give me View Channel and Send Messages there.")
        await planning_records.set_guild_planning(self.bot.db, interaction.guild_id, self.bot.clock.now(),
                                                  announce_channel_id=channel.id, window_notice_days=notice_days)
        await interaction.response.send_message(
            f"Exam windows are announced in {channel.mention}; members who join one get a DM {notice_days} days "
            f"before it closes.", ephemeral=True)

    @settings.command(name="lead-role", description="The study-lead role that may use /group (empty: clear it)")
    @app_commands.describe(role="The role; leave empty to clear it")
    @admin_only()
    async def settings_lead_role(self, interaction: discord.Interaction, role: discord.Role | None = None) -> None:
        await progress_records.set_study_lead_role(self.bot.db, interaction.guild_id, role.id if role else None,
                                                   self.bot.clock.now())
        if role is None:
            text = "Cleared: only members with Manage Server can use /group now."
        else:
            text = (f"Study leads: {role.mention} may use /group. Also allow that role on /group in Server Settings"
                    " → Integrations, so Discord shows them the command.")
        await interaction.response.send_message(text, ephemeral=True)

    @window.command(name="add", description="Add an exam window (dates YYYY-MM-DD, modules e.g. 'bscm,mpr' or all)")
    @admin_only()
    async def window_add(self, interaction: discord.Interaction, name: str, start: str, end: str,
                         modules: str = "all") -> None:
        window = await self.bot.planning.add_window(interaction.guild_id, interaction.user.id, name, start, end,
                                                    modules, self.bot.clock.now())
        await interaction.response.send_message(
            f"Added exam window **{window.name}**: {window.starts_on} to {window.ends_on}. Members join it with "
            f"/window join.", ephemeral=True)

    @window.command(name="remove", description="Remove an exam window and its reminders")
    @admin_only()
    async def window_remove(self, interaction: discord.Interaction, name: str) -> None:
        window = await self.bot.planning.remove_window(interaction.guild_id, name)
        await interaction.response.send_message(f"Removed exam window **{window.name}**.", ephemeral=True)


async def setup(bot: StudyBot) -> None:
    await bot.add_cog(Admin(bot))
