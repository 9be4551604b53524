"""/progress, /progress-sharing, /passed, /studyplan, /export anki, /mydata and /forgetme.

Why these names: Discord cannot run a command that has subcommands, so `/progress [member]` (a view) and the
sharing switch are two commands, and /passed has add, remove and list rather than a bare form.
Everything here is private to the member: every reply is ephemeral.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.ext import commands

from cogs.busy import answer_busy
from cogs.checks import is_guild_admin
from cogs.errors import send_ephemeral
from cogs.lifecycle import StudyButton
from cogs.ui.autocomplete import module_autocomplete
from cogs.ui.embeds import BRAND, WARNING, fit_lines
from cogs.ui.limits import DateText, KeyText
from services.progress import ProgressService
from study.editions import Lens
from study.errors import UserInputError
from study.fees import parse_date
from study.progress import Progress, percent
from study.studyplan import ANSWERS_TO_LEARN, DEFAULT_PACE, TARGET_MASTERY, StudyPlan
from study.syllabus import Syllabus

if TYPE_CHECKING:
    from app.factory import StudyBot

FORGET_WINDOW = dt.timedelta(minutes=10)
TABLE_LABELS = {
    "answers": "answers", "cards": "review cards", "topic_stats": "topic tallies", "quiz_sessions": "quiz sessions",
    "session_items": "session questions", "reminders": "reminders", "reminder_deliveries": "reminder deliveries",
    "passed_modules": "passed modules", "progress_sharing": "sharing choice", "question_flags": "question flags",
    "daily_answers": "daily question answers", "exams": "exam dates", "member_settings": "settings",
    "window_members": "exam windows joined", "question_submissions": "questions you wrote",
    "live_answers": "live quiz answers",
}
# Charts asked for and not yet drawn: past this, /progress answers "busy" at once instead of queueing (a chart
# takes a few ms in the renderer's process, so a backlog this long means the machine is saturated)
CHART_BACKLOG = 40
# Discord refuses uploads over the interaction's attachment_size_limit (10 MiB without boosts); keep a margin
# for the multipart envelope. A member's zipped data is far below this unless the history is enormous.
UPLOAD_SHARE = 0.95


def _cog(interaction: discord.Interaction) -> ProgressCog:
    return interaction.client.get_cog("ProgressCog")  # type: ignore[return-value]


def _when(instant: dt.datetime | None) -> str:
    return "never" if instant is None else f"<t:{int(instant.timestamp())}:R>"


def passed_line(lens: Lens, passed: dict[str, dt.date], bold: bool = True) -> str:
    """"2 of 5 modules passed" (one exam per module), or whether the one exam is passed (CPIM 8); passes
    recorded under the other edition are named, never dropped."""
    edition = lens.edition
    if edition.single_exam:
        key = edition.exam_key
        line = (f"**{edition.name} exam passed** {passed[key].isoformat()} 🎓" if key in passed
                else f"{edition.name} exam: not passed yet")
    else:
        own = [m for m in edition.modules if m.key in passed]
        line = f"**{len(own)} of {len(edition.modules)}** modules passed"
    if not bold:
        line = line.replace("**", "")
    others = [lens.module_name(key) for key in passed
              if key != edition.exam_key and edition.syllabus.module(key) is None]
    if others:
        line += f" (also recorded: {', '.join(others)})"
    return line


def progress_embed(progress: Progress, name: str, syllabus: Syllabus | Lens, passed: dict[str, dt.date],
                   lens: Lens | None = None) -> discord.Embed:
    streak = f"{progress.streak_days} day{'s' if progress.streak_days != 1 else ''}"
    total = len(syllabus.modules)
    passes = passed_line(lens, passed) if lens is not None else f"**{len(passed)} of {total}** modules passed"
    lines = [
        f"**{progress.answered}** answers · **{percent(progress.accuracy)}** right overall",
        f"Streak: **{streak}** · last studied {_when(progress.last_studied)}",
        f"Reviews due now: **{progress.reviews_due}** · {passes}",
    ]
    if lens is not None and lens.edition.single_exam:
        lines.append(f"-# By the modules of {lens.edition.name}, the server's edition")
    embed = discord.Embed(title=f"Progress: {name}", description="\n".join(lines), colour=BRAND)
    for figures in progress.modules:
        module = syllabus.module(figures.module)
        label = module.label if module else figures.module
        if figures.module in passed:
            label += f" ✅ passed {passed[figures.module].isoformat()}"
        embed.add_field(
            name=label[:256],
            value=(f"Answered {figures.answered} · accuracy {percent(figures.accuracy)} "
                   f"(last 30 days: {percent(figures.accuracy_recent)})\n"
                   f"Mastery {percent(figures.mastery)} ({figures.known} of {figures.bank_size} questions known)"
                   f" · {figures.reviews_due} review{'s' if figures.reviews_due != 1 else ''} due"),
            inline=False,
        )
    if progress.weakest:
        weak = []
        for score in progress.weakest:
            module = syllabus.module(score.module)
            topic = module.topic(score.topic) if module else None
            code = module.code if module else score.module
            weak.append(f"{code} · {topic.name if topic else score.topic}: {percent(score.accuracy)} "
                        f"of {score.answered}")
        embed.add_field(name="Weakest topics", value="\n".join(weak), inline=False)
    else:
        embed.add_field(name="Weakest topics", value="Answer at least 3 questions in a topic to see it here.",
                        inline=False)
    embed.set_image(url="attachment://progress.png")
    embed.set_footer(text="Mastery: questions whose review card reached box 4 (survived a week's wait). Days are UTC.")
    return embed


def plan_embed(plan: StudyPlan, syllabus: Syllabus) -> discord.Embed:
    def code(key: str) -> str:
        module = syllabus.module(key)
        return module.code if module else key

    target = round(TARGET_MASTERY * 100)
    if plan.paced:
        if not plan.targets:
            description = "Every module is passed. 🎓 Congratulations!"
        elif plan.weeks_to_mastery:
            description = (f"No exam date booked, so this is a pace toward {target}% mastery in every module: "
                           f"**{DEFAULT_PACE} questions a day**, about **{plan.weeks_to_mastery} "
                           f"week{'s' if plan.weeks_to_mastery != 1 else ''}** at that pace. "
                           "Book an exam date and the plan counts down to it.")
        else:
            description = f"No exam date booked, and every open module is at {target}% mastery: keep reviewing."
    else:
        description = (f"**{plan.per_day} questions a day** in all, to reach {target}% mastery before each exam "
                       f"(about {ANSWERS_TO_LEARN} answers per question still to learn, plus reviews due).")
    embed = discord.Embed(title="Your study plan", description=description, colour=BRAND)
    for t in plan.targets[:10]:
        if t.exam_on is not None:
            days = {0: "today", 1: "tomorrow"}.get(t.days_left, f"in {t.days_left} days")
            name = f"{code(t.module)} · exam {t.exam_on.isoformat()} ({days})"
        else:
            name = f"{code(t.module)} · no exam date"
        embed.add_field(name=name, value=(f"**{t.per_day}** a day · mastery {percent(t.mastery)} · "
                                          f"{t.work} answers to go\n{t.note}"), inline=False)
    if plan.this_week:
        lines = []
        for item in plan.this_week:
            topics = f": start with {', '.join(item.topics)}" if item.topics else ""
            lines.append(f"**{code(item.module)}**: {item.questions} questions ({item.why}){topics}")
        embed.add_field(name="This week", value=fit_lines(lines, more="… and {n} more"), inline=False)
    if plan.later:
        embed.add_field(name="After your exams", value=", ".join(code(m) for m in plan.later), inline=False)
    if plan.passed:
        embed.add_field(name="Passed", value=", ".join(code(m) for m in plan.passed), inline=False)
    embed.set_footer(text="Targets spread the work over the days before each exam, today included.")
    return embed


class ForgetButton(StudyButton,
                   template=r"forgetme:(?P<action>yes|no):(?P<user>\d+):(?P<until>\d+)"):
    """Confirm or keep. The custom id names the member and a deadline, so the button survives a restart
    and nobody else, and no stale message, can trigger a deletion."""

    def __init__(self, action: str, user_id: int, until: int) -> None:
        label, style = (("Delete my data", discord.ButtonStyle.danger) if action == "yes"
                        else ("Keep it", discord.ButtonStyle.secondary))
        super().__init__(discord.ui.Button(label=label, style=style,
                                           custom_id=f"forgetme:{action}:{user_id}:{until}"))
        self.action, self.user_id, self.until = action, user_id, until

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button,
                             match: re.Match[str]) -> ForgetButton:
        return cls(match["action"], int(match["user"]), int(match["until"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await _cog(interaction).on_forget(interaction, self.action, self.user_id, self.until)


class ProgressCog(commands.Cog):
    help_section = "Progress and your data"

    passed = app_commands.Group(name="passed", description="The modules you have passed", guild_only=True)
    export = app_commands.Group(name="export", description="Take your study data elsewhere", guild_only=True)

    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot

    @property
    def service(self) -> ProgressService:
        return ProgressService(self.bot.db, self.bot.catalog, self.bot.content, self.bot.planning,
                               renderer=self.bot.charts)

    async def service_for(self, guild_id: int | None) -> tuple[ProgressService, Lens]:
        """The service seeing the member's records through the server's edition."""
        lens = await self.bot.editions.lens_for(guild_id)
        return ProgressService(self.bot.db, self.bot.catalog, self.bot.content, self.bot.planning,
                               renderer=self.bot.charts, lens=lens), lens

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
        found = lens.module(text.strip().lower()) or lens.edition.syllabus.module(text)
        if found is None:
            raise UserInputError(f"I don't know a module called '{text}'. "
                                 f"Pick one of: {', '.join(m.code for m in lens.modules)}.")
        return found.key

    @app_commands.command(name="progress", description="Where you stand: accuracy, mastery, reviews due, streak")
    @app_commands.describe(member="Another member (only if they share their progress, or you are an admin)")
    @app_commands.guild_only()
    async def progress(self, interaction: discord.Interaction, member: discord.Member | None = None) -> None:
        target = member or interaction.user
        if target.bot:
            raise UserInputError("Bots don't study; pick a member.")
        if self.bot.charts.backlog >= CHART_BACKLOG:
            await answer_busy(interaction)
            return
        async with self.bot.shedder.slot(interaction) as admitted:
            if not admitted:
                await answer_busy(interaction)
                return
            await self._progress(interaction, target)

    async def _progress(self, interaction: discord.Interaction, target: discord.abc.User) -> None:
        # acknowledged before any query: the figures and the chart may take longer than Discord's 3 seconds
        await interaction.response.defer(ephemeral=True, thinking=True)
        service = self.service
        allowed = await service.can_view(interaction.guild_id, interaction.user.id, target.id,
                                         viewer_is_admin=is_guild_admin(interaction))
        if not allowed:
            raise UserInputError(f"{target.display_name} has not chosen to share their progress. "
                                 "They can turn sharing on with /progress-sharing on.")
        now = self._now()
        service, lens = await self.service_for(interaction.guild_id)
        figures = await service.progress(interaction.guild_id, target.id, now)
        passed = await service.passed(interaction.guild_id, target.id)
        chart = await service.progress_chart(figures, key=(interaction.guild_id, target.id, now.date(), lens.key))
        embed = progress_embed(figures, target.display_name, lens, passed, lens)
        await interaction.followup.send(embed=embed, file=discord.File(io.BytesIO(chart), filename="progress.png"),
                                        ephemeral=True)

    @app_commands.command(name="progress-sharing", description="Let other members see your /progress, or stop")
    @app_commands.describe(share="on: members can see your progress; off: only you and the admins")
    @app_commands.guild_only()
    async def progress_sharing(self, interaction: discord.Interaction, share: Literal["on", "off"]) -> None:
        await self.service.set_sharing(interaction.guild_id, interaction.user.id, share == "on", self._now())
        text = ("Sharing is **on**: members of this server can see your progress with /progress." if share == "on"
                else "Sharing is **off**: only you (and the server's admins) can see your progress.")
        await interaction.response.send_message(text, ephemeral=True)

    @passed.command(name="add", description="Record the exam you passed (CPIM 8) or a module (CPIM 2017)")
    @app_commands.describe(date="The day you passed, YYYY-MM-DD",
                           module="CPIM 2017 only: the module (CPIM 8 is one exam: leave it empty)")
    @app_commands.autocomplete(module=module_autocomplete)
    async def passed_add(self, interaction: discord.Interaction, date: DateText, module: KeyText | None = None) -> None:
        service, lens = await self.service_for(interaction.guild_id)
        key = self._passed_key(module, lens)
        day = parse_date(date)
        new = await service.mark_passed(interaction.guild_id, interaction.user.id, key, day, self._now())
        passed = await service.passed(interaction.guild_id, interaction.user.id)
        verb = "Congratulations on passing" if new else "Updated the date for"
        if key == lens.edition.exam_key:
            text = (f"🎓 {verb} the **{lens.edition.name} exam** ({day.isoformat()}): you are certified. "
                    f"It counts as one exam, not module by module.")
        else:
            text = (f"🎓 {verb} **{lens.module_name(key)}** ({day.isoformat()}): "
                    f"{passed_line(lens, passed, bold=False)}. /fees now counts only the modules you have left.")
        await interaction.response.send_message(text, ephemeral=True)

    @passed.command(name="remove", description="Remove a pass from your list")
    @app_commands.describe(module="The module (CPIM 2017), or empty for the CPIM 8 exam")
    @app_commands.autocomplete(module=module_autocomplete)
    async def passed_remove(self, interaction: discord.Interaction, module: KeyText | None = None) -> None:
        service, lens = await self.service_for(interaction.guild_id)
        key = self._passed_key(module, lens)
        code = lens.module_name(key)
        if not await service.unmark_passed(interaction.guild_id, interaction.user.id, key):
            raise UserInputError(f"{code} is not on your passed list, so nothing changed.")
        passed = await service.passed(interaction.guild_id, interaction.user.id)
        await interaction.response.send_message(f"Removed **{code}**: {passed_line(lens, passed, bold=False)}.",
                                                ephemeral=True)

    @passed.command(name="list", description="Your certification path: the exam or modules you passed")
    async def passed_list(self, interaction: discord.Interaction) -> None:
        service, lens = await self.service_for(interaction.guild_id)
        passed = await service.passed(interaction.guild_id, interaction.user.id)
        edition = lens.edition
        if edition.single_exam:
            key = edition.exam_key
            lines = [f"{'✅' if key in passed else '⬜'} **{edition.name} exam** (one exam, all "
                     f"{len(edition.modules)} modules)" + (f" · passed {passed[key].isoformat()}" if key in passed
                                                           else "")]
        else:
            lines = [f"{'✅' if m.key in passed else '⬜'} **{m.code}** {m.name}"
                     + (f" · passed {passed[m.key].isoformat()}" if m.key in passed else "") for m in edition.modules]
        others = [f"✅ {lens.module_name(k)} · passed {d.isoformat()}" for k, d in passed.items()
                  if k != edition.exam_key and edition.syllabus.module(k) is None]
        if others:
            lines += ["", "Also recorded (another edition):", *others]
        embed = discord.Embed(title=passed_line(lens, passed).replace("**", ""), description="\n".join(lines),
                              colour=BRAND)
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @app_commands.command(name="studyplan", description="Questions a day per module until your exam, and this week")
    @app_commands.guild_only()
    async def studyplan(self, interaction: discord.Interaction) -> None:
        service, lens = await self.service_for(interaction.guild_id)
        plan = await service.study_plan(interaction.guild_id, interaction.user.id, self._now())
        await interaction.response.send_message(embed=plan_embed(plan, lens), ephemeral=True)

    @export.command(name="anki", description="The questions you missed, as an Anki deck (.apkg)")
    async def export_anki(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        count, data = await self.service.missed_deck(interaction.guild_id, interaction.user.id, self._now())
        await interaction.followup.send(
            f"Your Anki deck: {count} question{'s' if count != 1 else ''} you missed. In Anki, File → Import; "
            "importing a newer export updates the same deck.",
            file=discord.File(io.BytesIO(data), filename="cpim-missed.apkg"), ephemeral=True)

    @app_commands.command(name="mydata", description="Everything stored about you in this server, as JSON in a .zip")
    @app_commands.guild_only()
    async def mydata(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        data = await self.service.my_data(interaction.guild_id, interaction.user.id, self._now())
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
        view = discord.ui.View(timeout=None)
        view.add_item(ForgetButton("yes", interaction.user.id, until))
        view.add_item(ForgetButton("no", interaction.user.id, until))
        embed = discord.Embed(
            title="Delete your data in this server?", colour=WARNING,
            description=("This deletes your answers (daily questions included), review cards, quiz history, flags, "
                         "passed modules, reminders, exam dates, exam windows joined and settings in this server, "
                         "and cancels your scheduled messages. It cannot be undone. /mydata gives you a copy first."))
        await interaction.response.send_message(embed=embed, view=view, ephemeral=True)

    async def on_forget(self, interaction: discord.Interaction, action: str, user_id: int, until: int) -> None:
        if interaction.user.id != user_id or interaction.guild_id is None:
            await send_ephemeral(interaction, "This button belongs to someone else; nothing was deleted.")
            return
        if action == "no":
            await interaction.response.edit_message(content="Kept: nothing was deleted.", embed=None, view=None)
            return
        if self._now().timestamp() > until:
            await interaction.response.edit_message(
                content="This confirmation expired; nothing was deleted. Run /forgetme again.", embed=None, view=None)
            return
        counts = await self.service.forget(interaction.guild_id, user_id)
        self.bot.catalog.invalidate(interaction.guild_id)  # questions they wrote stay, without their name
        deleted = [f"{TABLE_LABELS.get(table, table.replace('_', ' '))}: {n}"
                   for table, n in sorted(counts.items()) if n]
        text = ("Done. Deleted: " + ", ".join(deleted) + "." if deleted
                else "Done. There was nothing stored about you in this server.")
        text += (" Your scheduled messages in this server are cancelled. Records you made for the server as an "
                 "admin (imported or retired questions, fee entries, exam windows, settings) are kept: they are "
                 "the server's records.")
        await interaction.response.edit_message(content=text[:2000], embed=None, view=None)


async def setup(bot: StudyBot) -> None:
    bot.add_dynamic_items(ForgetButton)
    await bot.add_cog(ProgressCog(bot))
