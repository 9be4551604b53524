"""The one factory that builds the bot, used by bot.py and by the end-to-end tests alike.

It is also the one place that wires the bot: build_services builds every service and both loops (the reminder
dispatcher with its Discord sender, the daily scheduler with its Discord poster) into one `Services` that the
cogs read as `bot.services`; setup_hook starts the loops and close() stops them.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from app.config import Config
from cogs import extension_names
from cogs.busy import LoadShedder, shed_at_the_gateway
from cogs.daily_poster import DiscordDailyPoster
from cogs.lifecycle import StudyTree, wait_for_interactions
from cogs.member_names import MemberNames
from cogs.reminder_sender import DiscordSender
from db.connection import Database
from scheduling.clock import Clock, SystemClock
from scheduling.daily_scheduler import DailyScheduler
from scheduling.dispatcher import ReminderDispatcher
from scheduling.pacing import RequestWindow, budget_for
from scheduling.shards import ShardPlan
from services.catalog import QuestionCatalog
from services.contributions import ContributionService
from services.countdown import CountdownService
from services.daily import DailyService
from services.daily_posts import DailyPosts
from services.editions import EditionService
from services.exams import ExamService
from services.fees import FeeService
from services.live import LiveService
from services.progress import ProgressService
from services.question_bank import QuestionBankService
from services.quiz import QuizService
from services.registry import Services
from services.reminders import ReminderService
from services.rendering import ChartRenderer
from services.settings import SettingsService
from services.windows import WindowService
from study.content import Content

log = logging.getLogger(__name__)


def bot_intents() -> discord.Intents:
    """Slash commands, buttons and DMs need no privileged intent: only guild events for the channel cache."""
    intents = discord.Intents.none()
    intents.guilds = True
    return intents


def pace_rest_requests(http: Any, window: RequestWindow) -> None:
    """Every REST request of the bot waits for a place in `window` first, so the process never sends more than
    its part of Discord's global limit, whatever sends it (reminders, daily posts, commands' channel messages).
    Interaction responses and follow-ups are exempt from that limit and go through discord.py's webhook
    adapter, not this client; the path test keeps it so should that change. discord.py has no hook for this:
    the HTTP client's `request`, which every REST call goes through (unchanged through 2.x; the version is
    pinned), is wrapped on this bot's instance."""
    request = http.request

    async def paced(route: Any, **kwargs: Any) -> Any:
        if not str(getattr(route, "path", "")).startswith(("/interactions/", "/webhooks/")):
            await window.acquire()
        return await request(route, **kwargs)

    http.request = paced


class StudyBot(commands.Bot):
    def __init__(self, config: Config, content: Content, *, clock: Clock | None = None,
                 charts: ChartRenderer | None = None, shard_plan: ShardPlan | None = None,
                 **options: Any) -> None:
        self.shard_plan = shard_plan or ShardPlan()
        if not self.shard_plan.runs_everything:
            options.update(shard_ids=list(self.shard_plan.ids or ()), shard_count=self.shard_plan.count)
        elif self.shard_plan.count is not None:
            options.update(shard_count=self.shard_plan.count)
        super().__init__(command_prefix=commands.when_mentioned, intents=bot_intents(), help_command=None,
                         allowed_mentions=discord.AllowedMentions.none(), tree_cls=StudyTree, **options)
        # this process's part of Discord's global 50 requests/s (all of it when it runs every shard)
        self.budget = budget_for(self.shard_plan.share)
        self.request_window = RequestWindow(self.budget.requests_per_second)
        pace_rest_requests(self.http, self.request_window)
        self.stopping = False  # set by close(): new commands and clicks are answered "restarting"
        self.config = config
        self.content = content
        self.clock: Clock = clock or SystemClock()
        self._db: Database | None = None
        self._services: Services | None = None
        self._charts = charts or ChartRenderer()  # /progress and /group charts, in a process beside the bot
        self._daily_starter: asyncio.Task[None] | None = None
        self.shedder = LoadShedder()  # answers "busy" at once when the bot is behind
        shed_at_the_gateway(self)
        self.member_names = MemberNames(self)  # display names without the members intent

    @property
    def db(self) -> Database:
        if self._db is None:
            raise RuntimeError("the database is opened in setup_hook, before any command runs")
        return self._db

    @property
    def services(self) -> Services:
        if self._services is None:
            raise RuntimeError("the services are built in setup_hook, before any command runs")
        return self._services

    async def setup_hook(self) -> None:
        self._db = await Database.open(self.config.database_target)
        self._services = build_services(self, self._db, self._charts)
        for name in extension_names():
            await self.load_extension(name)
        await self._start_loops()
        await self.sync_commands()

    # ---- the two loops: started and stopped here, nowhere else ----------------------------------------------------

    async def _start_loops(self) -> None:
        """The reminder dispatcher at once (it settles what a previous run left in flight); the daily scheduler
        once the gateway is ready, since posting needs the guild and channel cache that fills after GUILD_CREATE."""
        await self.services.dispatcher.start()
        self._daily_starter = asyncio.create_task(self._start_daily_when_ready(), name="daily-scheduler-start")

    async def _start_daily_when_ready(self) -> None:
        await self.wait_until_ready()
        await self.services.daily_scheduler.start()

    async def _stop_loops(self) -> None:
        """Stop claiming; let the reminder DMs and the daily post under way finish and be recorded."""
        if self._daily_starter is not None and not self._daily_starter.done():
            self._daily_starter.cancel()
        if self._services is None:
            return
        await self._services.dispatcher.stop()
        await self._services.daily_scheduler.stop()
        await self._services.daily_posts.drain()

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
        stop the two loops (the reminder DMs and the daily post under way finish and are recorded) while every
        feature is still loaded, then unload the cogs, disconnect, and close the database last."""
        if not self.stopping:
            self.stopping = True
            late = await wait_for_interactions(5.0)
            if late:
                log.warning("stopping with %d command(s) or click(s) still running after 5 s", late)
            await self._stop_loops()
        try:
            await super().close()
        finally:
            self._charts.close()
            if self._db is not None:
                await self._db.close()
                self._db = None


def build_services(bot: StudyBot, db: Database, charts: ChartRenderer) -> Services:
    """Every service and both loops, each built once and wired to what it calls."""
    config, content, clock, plan = bot.config, bot.content, bot.clock, bot.shard_plan
    # caches of guilds another process owns expire (their writes happen there); one process owns them all
    owns = None if plan.runs_everything else plan.owns
    catalog = QuestionCatalog(content, db, owns)
    editions = EditionService(db, content, config.edition, owns)
    dispatcher = ReminderDispatcher(db, clock, DiscordSender(bot),
                                    grace=dt.timedelta(hours=config.reminder_grace_hours),
                                    concurrency=config.reminder_dms_in_flight, hold_until_recorded=True,
                                    # a claim holds about two seconds of this process's sends, so processes
                                    # share a burst instead of one holding what the others could send
                                    batch=max(10, int(bot.budget.reminders_per_second * 2)),
                                    owner=plan.owner, lease=dt.timedelta(seconds=config.reminder_lease_seconds))
    settings = SettingsService(db, config.default_timezone)
    windows = WindowService(db, content, settings, dispatcher.wake)
    daily = DailyService(db, catalog, content.syllabus, default_timezone=config.default_timezone,
                         lens_for=editions.lens_for)
    retry_after = dt.timedelta(minutes=5)
    daily_posts = DailyPosts(daily, DiscordDailyPoster(bot), clock, retry_after=retry_after)
    return Services(
        catalog=catalog,
        editions=editions,
        fees=FeeService(db),
        question_bank=QuestionBankService(db, catalog),
        quiz=QuizService(db, catalog, idle=dt.timedelta(minutes=config.quiz_session_idle_minutes)),
        settings=settings,
        reminders=ReminderService(db, content, settings, dispatcher.wake),
        exams=ExamService(db, content, settings, windows, dispatcher.wake),
        windows=windows,
        contributions=ContributionService(db, catalog, editions),
        live=LiveService(db, catalog, editions),
        countdown=CountdownService(db, settings, windows, dispatcher.wake),
        daily=daily,
        daily_posts=daily_posts,
        progress=ProgressService(db, catalog, content, settings, renderer=charts, lens_for=editions.lens_for),
        charts=charts,
        dispatcher=dispatcher,
        daily_scheduler=DailyScheduler(db, clock, daily_posts, grace=dt.timedelta(hours=config.daily_grace_hours),
                                       retry_after=retry_after, owns=owns),
    )


class ShardedStudyBot(StudyBot, commands.AutoShardedBot):
    """The same bot on discord.py's AutoShardedBot: runs its plan's shards (all of them, as many as Discord
    recommends, when the plan names none) in this process."""


def create_bot(config: Config, content: Content, *, clock: Clock | None = None,
               charts: ChartRenderer | None = None, shards: ShardPlan | None = None, **options: Any) -> StudyBot:
    """The bot; its services and loops are built by build_services when it starts (setup_hook). With `shards`
    (the command line always passes one) it is an AutoShardedBot running that plan; without, a plain single-shard
    bot that owns every guild (the in-process tests and the sandbox)."""
    if shards is None:
        return StudyBot(config, content, clock=clock, charts=charts, **options)
    return ShardedStudyBot(config, content, clock=clock, charts=charts, shard_plan=shards, **options)
