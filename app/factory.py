"""The one factory that builds the bot, used by bot.py and by the end-to-end tests alike."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from app.config import Config
from cogs import extension_names
from cogs.busy import LoadShedder, shed_at_the_gateway
from cogs.errors import on_app_command_error
from cogs.lifecycle import StudyTree, wait_for_interactions
from cogs.member_names import MemberNames
from db.connection import Database
from scheduling.clock import Clock, SystemClock
from scheduling.dispatcher import ReminderDispatcher
from services.catalog import QuestionCatalog
from services.contributions import ContributionService
from services.editions import EditionService
from services.live import LiveService
from services.planning import PlanningService
from services.quiz import QuizService
from services.rendering import ChartRenderer
from study.content import Content

log = logging.getLogger(__name__)


def bot_intents() -> discord.Intents:
    """Slash commands, buttons and DMs need no privileged intent: only guild events for the channel cache."""
    intents = discord.Intents.none()
    intents.guilds = True
    return intents


class StudyBot(commands.Bot):
    def __init__(self, config: Config, content: Content, *, clock: Clock | None = None, **options: Any) -> None:
        super().__init__(command_prefix=commands.when_mentioned, intents=bot_intents(), help_command=None,
                         allowed_mentions=discord.AllowedMentions.none(), tree_cls=StudyTree, **options)
        self.stopping = False  # set by close(): new commands and clicks are answered "restarting"
        self.config = config
        self.content = content
        self.clock: Clock = clock or SystemClock()
        self._db: Database | None = None
        self.catalog: QuestionCatalog | None = None
        self.quiz: QuizService | None = None
        self.planning: PlanningService | None = None
        self.editions: EditionService | None = None
        self.contributions: ContributionService | None = None
        self.live: LiveService | None = None
        self.dispatcher: ReminderDispatcher | None = None
        self.shedder = LoadShedder()  # answers "busy" at once when the bot is behind
        shed_at_the_gateway(self)
        self.charts = ChartRenderer()  # /progress and /group charts, in a process beside the bot
        self.member_names = MemberNames(self)  # display names without the members intent
        self.tree.on_error = on_app_command_error

    @property
    def db(self) -> Database:
        if self._db is None:
            raise RuntimeError("the database is opened in setup_hook, before any command runs")
        return self._db

    async def setup_hook(self) -> None:
        self._db = await Database.open(self.config.database_path)
        self.catalog = QuestionCatalog(self.content, self._db)
        self.editions = EditionService(self._db, self.content, self.config.edition)
        self.contributions = ContributionService(self._db, self.catalog, self.editions)
        self.live = LiveService(self._db, self.catalog, self.editions)
        self.quiz = QuizService(self._db, self.catalog,
                                idle=dt.timedelta(minutes=self.config.quiz_session_idle_minutes))
        self.planning = PlanningService(self._db, self.content, self.config.default_timezone, self.wake_reminders)
        for name in extension_names():
            await self.load_extension(name)
        await self.sync_commands()

    def wake_reminders(self) -> None:
        """Tell the reminder dispatcher (started by the reminders cog) that an earlier reminder may exist."""
        if self.dispatcher is not None:
            self.dispatcher.wake()

    async def sync_commands(self) -> list[app_commands.AppCommand]:
        if self.config.dev_guild_id:
            guild = discord.Object(id=self.config.dev_guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("synced %d commands to development guild %s", len(synced), guild.id)
        else:
            synced = await self.tree.sync()
            log.info("synced %d global commands", len(synced))
        return synced

    def command_sections(self) -> dict[str, list[tuple[str, str]]]:
        """Every runnable slash command (leaf), grouped by its cog's help section."""
        sections: dict[str, list[tuple[str, str]]] = {}
        for cog in self.cogs.values():
            section = getattr(cog, "help_section", cog.qualified_name)
            for command in cog.walk_app_commands():
                if isinstance(command, app_commands.Command):
                    sections.setdefault(section, []).append((command.qualified_name, command.description))
        return sections

    async def close(self) -> None:
        """Stop cleanly: refuse new commands and clicks politely, let the running ones finish (up to 5 s),
        then unload the cogs (the reminder dispatcher and daily scheduler finish and record their sends),
        disconnect, and close the database last."""
        if not self.stopping:
            self.stopping = True
            late = await wait_for_interactions(5.0)
            if late:
                log.warning("stopping with %d command(s) or click(s) still running after 5 s", late)
            # background sends finish and are recorded while every feature is still loaded (the cogs' unload
            # calls these again, which then returns at once)
            if self.dispatcher is not None:
                await self.dispatcher.stop()
            daily = self.get_cog("Daily")
            if daily is not None:
                await daily.scheduler.stop()
        try:
            await super().close()
        finally:
            self.charts.close()
            if self._db is not None:
                await self._db.close()
                self._db = None


def create_bot(config: Config, content: Content, *, clock: Clock | None = None, **options: Any) -> StudyBot:
    return StudyBot(config, content, clock=clock, **options)
