"""/progress, /progress-sharing, /passed, /studyplan, /export anki, /mydata and /forgetme.

Why these names: Discord cannot run a command that has subcommands, so `/progress [member]` (a view) and the
sharing switch are two commands, and /passed has add, remove and list rather than a bare form.
Everything here is private to the member: every reply is ephemeral.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.ext import commands

from cogs.busy import answer_busy
from cogs.checks import guild_id_of, is_guild_admin
from cogs.errors import send_ephemeral
from cogs.ui import progress_views as views
from cogs.ui.autocomplete import module_autocomplete
from cogs.ui.limits import DateText, KeyText
from services.progress import ProgressService
from study.editions import Lens
from study.errors import UserInputError
from study.fees import parse_date
from study.syllabus import require_module

if TYPE_CHECKING:
    from app.factory import StudyBot

FORGET_WINDOW = dt.timedelta(minutes=10)
# Charts asked for and not yet drawn: past this, /progress answers "busy" at once instead of queueing (a chart
# takes a few ms in the renderer's process, so a backlog this long means the machine is saturated)
CHART_BACKLOG = 40
# Discord refuses uploads over the interaction's attachment_size_limit (10 MiB without boosts); keep a margin
# for the multipart envelope. A member's zipped data is far below this unless the history is enormous.
UPLOAD_SHARE = 0.95


class ProgressCog(commands.Cog):
    help_section = "Progress and your data"

    passed = app_commands.Group(name="passed", description="The modules you have passed", guild_only=True)
    export = app_commands.Group(name="export", description="Take your study data elsewhere", guild_only=True)

    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot

    @property
    def service(self) -> ProgressService:
        return self.bot.services.progress

    async def service_for(self, guild_id: int | None) -> tuple[ProgressService, Lens]:
        """The service (which groups a member's records by the server's edition) and that edition's lens."""
        return self.service, await self.bot.services.editions.lens_for(guild_id)

    def _now(self) -> dt.datetime:
        return self.bot.clock.now()

    def _passed_key(self, text: str | None, lens: Lens) -> str:
        """What a pass is recorded under: the edition's one exam (CPIM 8), or a module (2017)."""
        if lens.edition.single_exam:
            if text and text.strip().lower() not in (lens.edition.exam_key, ""):
                found = lens.module(text.strip().lower())
                if found is None or lens.edition.syllabus.module(found.key) is not None:
                    raise UserInputError(f"{lens.edition.name} is one exam: leave `module` empty to record it.")
                return found.key  # a 2017 module, e.g. to remove an old record
            return lens.edition.exam_key
        if not text:
            raise UserInputError("Which module? Each 2017 module is its own exam: pick one in `module`.")
        return require_module(lens.edition.syllabus, text, also=lens.module).key

    @app_commands.command(name="progress", description="Where you stand: accuracy, mastery, reviews due, streak")
    @app_commands.describe(member="Another member (only if they share their progress, or you are an admin)")
    @app_commands.guild_only()
    async def progress(self, interaction: discord.Interaction, member: discord.Member | None = None) -> None:
        target = member or interaction.user
        if target.bot:
            raise UserInputError("Bots don't study; pick a member.")
        if self.bot.services.charts.backlog >= CHART_BACKLOG:
            await answer_busy(interaction)
            return
        async with self.bot.shedder.slot(interaction) as admitted:
            if not admitted:
                await answer_busy(interaction)
                return
            await self._progress(interaction, target)

    async def _progress(self, interaction: discord.Interaction, target: discord.abc.User) -> None:
        guild_id = guild_id_of(interaction)
        # acknowledged before any query: the figures and the chart may take longer than Discord's 3 seconds
        await interaction.response.defer(ephemeral=True, thinking=True)
        service = self.service
        allowed = await service.can_view(guild_id, interaction.user.id, target.id,
                                         viewer_is_admin=is_guild_admin(interaction))
        if not allowed:
            raise UserInputError(f"{target.display_name} has not chosen to share their progress. "
                                 "They can turn sharing on with /progress-sharing on.")
        now = self._now()
        service, lens = await self.service_for(guild_id)
        figures = await service.progress(guild_id, target.id, now)
        passed = await service.passed(guild_id, target.id)
        chart = await service.progress_chart(figures, lens,
                                             key=(guild_id, target.id, now.date(), lens.key))
        embed = views.progress_embed(figures, target.display_name, lens, passed, lens)
        await interaction.followup.send(embed=embed, file=discord.File(io.BytesIO(chart), filename="progress.png"),
                                        ephemeral=True)

    @app_commands.command(name="progress-sharing", description="Let other members see your /progress, or stop")
    @app_commands.describe(share="on: members can see your progress; off: only you and the admins")
    @app_commands.guild_only()
    async def progress_sharing(self, interaction: discord.Interaction, share: Literal["on", "off"]) -> None:
        await self.service.set_sharing(guild_id_of(interaction), interaction.user.id, share == "on", self._now())
        text = ("Sharing is **on**: members of this server can see your progress with /progress." if share == "on"
                else "Sharing is **off**: only you (and the server's admins) can see your progress.")
        await interaction.response.send_message(text, ephemeral=True)

    @passed.command(name="add", description="Record the exam you passed (CPIM 8) or a module (CPIM 2017)")
    @app_commands.describe(date="The day you passed, YYYY-MM-DD",
                           module="CPIM 2017 only: the module (CPIM 8 is one exam: leave it empty)")
    @app_commands.autocomplete(module=module_autocomplete)
    async def passed_add(self, interaction: discord.Interaction, date: DateText, module: KeyText | None = None) -> None:
        guild_id = guild_id_of(interaction)
        service, lens = await self.service_for(guild_id)
        key = self._passed_key(module, lens)
        day = parse_date(date)
        new = await service.mark_passed(guild_id, interaction.user.id, key, day, self._now())
        passed = await service.passed(guild_id, interaction.user.id)
        verb = "Congratulations on passing" if new else "Updated the date for"
        if key == lens.edition.exam_key:
            text = (f"🎓 {verb} the **{lens.edition.name} exam** ({day.isoformat()}): you are certified. "
                    f"It counts as one exam, not module by module.")
        else:
            text = (f"🎓 {verb} **{lens.module_name(key)}** ({day.isoformat()}): "
                    f"{views.passed_line(lens, passed, bold=False)}. /fees now counts only the modules you have left.")
        await interaction.response.send_message(text, ephemeral=True)

    @passed.command(name="remove", description="Remove a pass from your list")
    @app_commands.describe(module="The module (CPIM 2017), or empty for the CPIM 8 exam")
    @app_commands.autocomplete(module=module_autocomplete)
    async def passed_remove(self, interaction: discord.Interaction, module: KeyText | None = None) -> None:
        guild_id = guild_id_of(interaction)
        service, lens = await self.service_for(guild_id)
        key = self._passed_key(module, lens)
        code = lens.module_name(key)
        if not await service.unmark_passed(guild_id, interaction.user.id, key):
            raise UserInputError(f"{code} is not on your passed list, so nothing changed.")
        passed = await service.passed(guild_id, interaction.user.id)
        await interaction.response.send_message(f"Removed **{code}**: {views.passed_line(lens, passed, bold=False)}.",
                                                ephemeral=True)

    @passed.command(name="list", description="Your certification path: the exam or modules you passed")
    async def passed_list(self, interaction: discord.Interaction) -> None:
        guild_id = guild_id_of(interaction)
        service, lens = await self.service_for(guild_id)
        passed = await service.passed(guild_id, interaction.user.id)
        embed = views.passed_list_embed(lens, passed)
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @app_commands.command(name="studyplan", description="Questions a day per module until your exam, and this week")
    @app_commands.guild_only()
    async def studyplan(self, interaction: discord.Interaction) -> None:
        guild_id = guild_id_of(interaction)
        service, lens = await self.service_for(guild_id)
        plan = await service.study_plan(guild_id, interaction.user.id, self._now())
        await interaction.response.send_message(embed=views.plan_embed(plan, lens), ephemeral=True)

    @export.command(name="anki", description="The questions you missed, as an Anki deck (.apkg)")
    async def export_anki(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        count, data = await self.service.missed_deck(guild_id_of(interaction), interaction.user.id, self._now())
        await interaction.followup.send(
            f"Your Anki deck: {count} question{'s' if count != 1 else ''} you missed. In Anki, File → Import; "
            "importing a newer export updates the same deck.",
            file=discord.File(io.BytesIO(data), filename="cpim-missed.apkg"), ephemeral=True)

    @app_commands.command(name="mydata", description="Everything stored about you in this server, as JSON in a .zip")
    @app_commands.guild_only()
    async def mydata(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        data = await self.service.my_data(guild_id_of(interaction), interaction.user.id, self._now())
        limit = int(interaction.filesize_limit * UPLOAD_SHARE)
        if len(data) > limit:
            await interaction.followup.send(
                f"Your data is {len(data) / 1_000_000:.1f} MB even compressed, more than Discord lets me upload "
                f"({limit / 1_000_000:.1f} MB). Ask a server admin for a database export "
                "(`python bot.py db backup FILE` on the bot's machine); nothing was changed.", ephemeral=True)
            return
        await interaction.followup.send(
            "Everything this bot stores about you in this server: my-data.json inside the .zip. /forgetme deletes "
            "it, except the server's records you authored as an admin.",
            file=discord.File(io.BytesIO(data), filename="my-data.zip"), ephemeral=True)

    @app_commands.command(name="forgetme", description="Delete everything stored about you in this server")
    @app_commands.guild_only()
    async def forgetme(self, interaction: discord.Interaction) -> None:
        until = int((self._now() + FORGET_WINDOW).timestamp())
        embed, view = views.forget_prompt(interaction.user.id, until)
        await interaction.response.send_message(embed=embed, view=view, ephemeral=True)

    async def on_forget(self, interaction: discord.Interaction, action: str, user_id: int, until: int) -> None:
        if interaction.user.id != user_id or interaction.guild_id is None:
            await send_ephemeral(interaction, "This button belongs to someone else; nothing was deleted.")
            return
        guild_id = guild_id_of(interaction)
        if action == "no":
            await interaction.response.edit_message(content="Kept: nothing was deleted.", embed=None, view=None)
            return
        if self._now().timestamp() > until:
            await interaction.response.edit_message(
                content="This confirmation expired; nothing was deleted. Run /forgetme again.", embed=None, view=None)
            return
        counts = await self.service.forget(guild_id, user_id)
        self.bot.services.catalog.invalidate(guild_id)  # questions they wrote stay, without their name
        await interaction.response.edit_message(content=views.forgotten_text(counts), embed=None, view=None)


async def setup(bot: StudyBot) -> None:
    bot.add_dynamic_items(*views.DYNAMIC_ITEMS)
    await bot.add_cog(ProgressCog(bot))
