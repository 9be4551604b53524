"""/admin: chapter settings for members with Manage Server. Nothing here is shown to other members."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from cogs.checks import admin_only, guild_id_of
from cogs.ui.autocomplete import timezone_autocomplete
from cogs.ui.embeds import money
from cogs.ui.limits import CurrencyText, DateText, DaysText, ModulesText, SourceText, WindowName, ZoneText, fit_content
from study.errors import UserInputError
from study.fees import FeeEntry, parse_date, validate_fee_input
from study.nudges import parse_offsets
from study.seasons import SEASON_LENGTHS, season_of

if TYPE_CHECKING:
    from app.factory import StudyBot


def edition_switched_text(before: str, after: str, modules: int) -> str:
    if before == after:
        return f"This server already follows **{after}**; nothing changed."
    return (f"This server now follows **{after}** ({modules} modules) instead of {before}. /modules, /quiz, "
            f"/progress, /exam, /fees and the practice exam use it from now on. Members' answers, review cards, "
            f"exam dates and reminders are kept as they are; anything booked per {before} module stays valid "
            f"under its old name. Switch back at any time.")


class Admin(commands.Cog):
    help_section = "Admins (Manage Server)"

    admin = app_commands.Group(
        name="admin", description="Chapter settings (Manage Server)",
        default_permissions=discord.Permissions(manage_guild=True), guild_only=True,
    )
    fees = app_commands.Group(name="fees", description="This server's exam fee entries", parent=admin)
    window = app_commands.Group(name="window", description="Chapter exam windows", parent=admin)
    settings = app_commands.Group(name="settings", parent=admin,
                                  description="Server settings: edition, time zone, reminders, seasons")

    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot

    @fees.command(name="add", description="Add a fee entry from a date, for the server's edition")
    @app_commands.describe(
        effective="Date the fees apply from, YYYY-MM-DD",
        member="Exam fee for ASCM members (per module exam under CPIM 2017, the one exam under CPIM 8)",
        non_member="Exam fee for non-members", source="Where the figure comes from (a URL, e.g. on ascm.org)",
        currency="Three-letter currency code (default USD)",
        bundle="Optional: the bundle price (learning system + exam) for members",
    )
    @admin_only()
    async def fees_add(self, interaction: discord.Interaction, effective: DateText, member: int,
                       non_member: int, source: SourceText, currency: CurrencyText = "USD",
                       bundle: int | None = None) -> None:
        guild_id = guild_id_of(interaction)
        day = parse_date(effective)
        currency = currency.strip().upper()
        validate_fee_input(member, non_member, day, self.bot.clock.now().date(), currency)
        if bundle is not None and not 0 < bundle <= 100_000:
            raise UserInputError("The bundle price must be a positive whole amount; nothing was saved.")
        if not source.strip():
            raise UserInputError("Give a source for the figure, so members can check it.")
        edition = await self.bot.services.editions.edition_for(guild_id)
        entry = FeeEntry(effective=day, member=member, non_member=non_member, currency=currency,
                         source=source.strip()[:300], added_by_guild=True, bundle=bundle)
        await self.bot.services.fees.add(guild_id, edition, entry, interaction.user.id,
                                         self.bot.clock.now())
        scope = "for the exam" if edition.single_exam else "per module"
        extra = f", bundle {money(bundle, currency)}" if bundle else ""
        await interaction.response.send_message(
            f"Saved for {edition.name}: from {day.isoformat()}, {money(member, currency)} for members and "
            f"{money(non_member, currency)} for non-members {scope}{extra}. /fees uses it from that day.",
            ephemeral=True,
        )

    @fees.command(name="list", description="This server's fee entries for its edition")
    @admin_only()
    async def fees_list(self, interaction: discord.Interaction) -> None:
        guild_id = guild_id_of(interaction)
        edition = await self.bot.services.editions.edition_for(guild_id)
        entries = await self.bot.services.fees.guild_entries(guild_id, edition.key)
        if not entries:
            shipped = ("the shipped table (content/editions/cpim-2017/fees.toml)" if edition.fees.current
                       else "no price: add one from ascm.org with /admin fees add")
            text = f"This server has no fee entries of its own for {edition.name}; /fees shows {shipped}."
        else:
            text = "\n".join(f"from {e.effective.isoformat()}: member {money(e.member, e.currency)}, "
                             f"non-member {money(e.non_member, e.currency)}"
                             + (f", bundle {money(e.bundle, e.currency)}" if e.bundle else "")
                             + f" ({e.source})" for e in entries)
        await interaction.response.send_message(fit_content(text), ephemeral=True)

    @fees.command(name="remove", description="Remove this server's fee entry for a date (server's edition)")
    @app_commands.describe(effective="The entry's effective date, YYYY-MM-DD")
    @admin_only()
    async def fees_remove(self, interaction: discord.Interaction, effective: DateText) -> None:
        guild_id = guild_id_of(interaction)
        day = parse_date(effective)
        edition = await self.bot.services.editions.edition_for(guild_id)
        removed = await self.bot.services.fees.remove(guild_id, day, edition.key)
        if not removed:
            raise UserInputError(f"This server has no fee entry from {day.isoformat()}; see /admin fees list.")
        await interaction.response.send_message(f"Removed the fee entry from {day.isoformat()}.", ephemeral=True)


    @settings.command(name="edition", description="The syllabus edition this server studies: CPIM 8 or 2017")
    @app_commands.describe(edition="CPIM 8 is today's single exam; CPIM 2017 is the retired five-module structure")
    @app_commands.choices(edition=[
        app_commands.Choice(name="CPIM 8 (today's exam: one exam, eight modules)", value="cpim-8"),
        app_commands.Choice(name="CPIM 2017 (five module exams, retired in 2018)", value="cpim-2017"),
    ])
    @admin_only()
    async def settings_edition(self, interaction: discord.Interaction, edition: str) -> None:
        guild_id = guild_id_of(interaction)
        before = await self.bot.services.editions.edition_for(guild_id)
        chosen = await self.bot.services.editions.set_edition(guild_id, edition, self.bot.clock.now())
        await interaction.response.send_message(
            edition_switched_text(before.name, chosen.name, len(chosen.modules)), ephemeral=True)

    @settings.command(name="timezone", description="The server's default time zone for members who set none")
    @app_commands.autocomplete(zone=timezone_autocomplete)
    @admin_only()
    async def settings_timezone(self, interaction: discord.Interaction, zone: ZoneText) -> None:
        zone = await self.bot.services.settings.set_guild_timezone(guild_id_of(interaction), zone, self.bot.clock.now())
        await interaction.response.send_message(f"The server's default time zone is now **{zone}**.", ephemeral=True)

    @settings.command(name="nudges", description="Default days before an exam to DM members, e.g. 30,14,7,3,1,0")
    @admin_only()
    async def settings_nudges(self, interaction: discord.Interaction, days: DaysText) -> None:
        offsets = parse_offsets(days)
        await self.bot.services.settings.set_guild_offsets(guild_id_of(interaction), offsets, self.bot.clock.now())
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
        await self.bot.services.settings.set_announcements(guild_id_of(interaction), channel.id, notice_days,
                                                           self.bot.clock.now())
        await interaction.response.send_message(
            f"Exam windows are announced in {channel.mention}; members who join one get a DM {notice_days} days "
            f"before it closes.", ephemeral=True)

    @settings.command(name="lead-role", description="The study-lead role for /group, /quiz-live, /questions review, "
                                                        "/countdown-board (empty: clear it)")
    @app_commands.describe(role="The role; leave empty to clear it")
    @admin_only()
    async def settings_lead_role(self, interaction: discord.Interaction, role: discord.Role | None = None) -> None:
        await self.bot.services.settings.set_study_lead_role(guild_id_of(interaction), role.id if role else None,
                                                             self.bot.clock.now())
        if role is None:
            text = ("Cleared: only members with Manage Server can use /group, /quiz-live, /questions review and "
                    "/countdown-board now.")
        else:
            text = (f"Study leads: {role.mention} may use /group, /quiz-live, /questions review and /countdown-board. "
                    "Also allow that role on those commands in Server Settings → Integrations, so Discord shows them "
                    "the commands.")
        await interaction.response.send_message(text, ephemeral=True)

    @settings.command(name="season", description="How long a leaderboard season lasts (1 month by default)")
    @app_commands.describe(months="Months per season; seasons follow the calendar year (3: quarters, 12: years)")
    @app_commands.choices(months=[app_commands.Choice(name=f"{n} month{'s' if n > 1 else ''}", value=n)
                                  for n in SEASON_LENGTHS])
    @admin_only()
    async def settings_season(self, interaction: discord.Interaction, months: int) -> None:
        now = self.bot.clock.now()
        await self.bot.services.settings.set_season_months(guild_id_of(interaction), months, now)
        current = season_of(now.date(), months)
        await interaction.response.send_message(
            f"Seasons are now {months} month{'s' if months > 1 else ''} long: this one is **{current.label}** "
            f"({current.start} to {current.end}). Its final board is posted in the daily channel with the next "
            f"season's first daily question.", ephemeral=True)

    @settings.command(name="champion-role", description="The role the season's champion gets (empty: no role)")
    @app_commands.describe(role="The role to move to each season's winner(s); leave empty to stop moving it")
    @admin_only()
    async def settings_champion_role(self, interaction: discord.Interaction, role: discord.Role | None = None) -> None:
        await self.bot.services.settings.set_champion_role(guild_id_of(interaction), role.id if role else None,
                                                           self.bot.clock.now())
        if role is None:
            await interaction.response.send_message("Cleared: no champion role is moved at season ends.",
                                                    ephemeral=True)
            return
        text = f"{role.mention} goes to each season's champion(s) when the season ends."
        me = interaction.guild.me if interaction.guild else None
        if me is not None and not me.guild_permissions.manage_roles:
            text += " ⚠️ I am missing **Manage Roles**: grant it before the season ends, or I cannot move the role."
        elif me is not None and (role >= me.top_role or role.managed):
            text += (" ⚠️ That role is not below my highest role: drag my role above it in Server Settings → Roles,"
                     " or I cannot move it.")
        await interaction.response.send_message(text, ephemeral=True)

    @window.command(name="add", description="Add an exam window (dates YYYY-MM-DD, modules e.g. 'bscm,mpr' or all)")
    @admin_only()
    async def window_add(self, interaction: discord.Interaction, name: WindowName, start: DateText,
                         end: DateText, modules: ModulesText = "all") -> None:
        window = await self.bot.services.windows.add_window(guild_id_of(interaction), interaction.user.id, name, start,
                                                             end, modules, self.bot.clock.now())
        await interaction.response.send_message(
            f"Added exam window **{window.name}**: {window.starts_on} to {window.ends_on}. Members join it with "
            f"/window join.", ephemeral=True)

    @window.command(name="remove", description="Remove an exam window and its reminders")
    @admin_only()
    async def window_remove(self, interaction: discord.Interaction, name: WindowName) -> None:
        window = await self.bot.services.windows.remove_window(guild_id_of(interaction), name)
        await interaction.response.send_message(f"Removed exam window **{window.name}**.", ephemeral=True)


async def setup(bot: StudyBot) -> None:
    await bot.add_cog(Admin(bot))
