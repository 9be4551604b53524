"""The daily question's use cases: configure a guild, choose and claim a post, record answers, reveal,
streaks, leaderboards and the weekly summary. No Discord here: the cog sends and edits the messages.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo

from db import daily as records
from db import seasons as season_records
from db.connection import Database
from db.daily import DailySettings, Post
from services.catalog import QuestionCatalog
from study import daily as rules
from study.editions import EDITION_2017, Lens
from study.errors import UserInputError
from study.generated_ids import generated_id
from study.questions import Question
from study.seasons import DEFAULT_SEASON_MONTHS, Season, previous_season, season_of
from study.selection import SEED_SPACE
from study.srs import item_key
from study.syllabus import Syllabus, require_module
from study.timeparse import parse_days

LEADERBOARD_PAGE = 10
ARCHIVE_PAGE = 5
ARCHIVE_MAX_DAYS = 365
# How often a claim is retried when a racing post took the chosen question meanwhile.
CLAIM_ATTEMPTS = 3


class NotSetUp(UserInputError):
    """The guild has no daily question yet."""


class PostRefused(UserInputError):
    """Discord refused the daily post for good (no access, a deleted channel): it is recorded as failed."""


class PostDelayed(UserInputError):
    """Discord failed for now (5xx, 429, the network): the claim stays and the same post is sent again later."""


@dataclass(frozen=True)
class ScheduleInput:
    """What an admin typed into /daily setup, before it is checked."""

    channel_id: int
    time: str
    timezone: str
    modules: str | None = None
    reveal_after_hours: int = rules.DEFAULT_REVEAL_AFTER_HOURS
    days: str | None = None
    explain_at_once: bool = False
    repeat_window_days: int = rules.DEFAULT_REPEAT_WINDOW_DAYS
    weekly_summary: bool = False


@dataclass(frozen=True)
class PlannedPost:
    post: Post
    question: Question


@dataclass(frozen=True)
class AnswerResult:
    post: Post
    question: Question
    outcome: records.DailyAnswerOutcome
    explain_at_once: bool


@dataclass(frozen=True)
class Reveal:
    post: Post
    question: Question
    figures: rules.RevealFigures


@dataclass(frozen=True)
class Leaderboard:
    period: rules.Period
    module: str | None
    since: dt.date | None
    ranked: list[rules.Ranked]
    season: Season | None = None


@dataclass(frozen=True)
class WeeklySummary:
    week_start: dt.date
    week_end: dt.date
    top: list[rules.Ranked]
    by_module: list[rules.ModuleTally]


@dataclass(frozen=True)
class ArchiveEntry:
    post: Post
    question: Question
    answered: int
    right: int
    my_choice: int | None

    @property
    def percent(self) -> int:
        return round(100 * self.right / self.answered) if self.answered else 0


@dataclass(frozen=True)
class Archive:
    days: int
    module: str | None
    entries: list[ArchiveEntry]


@dataclass(frozen=True)
class SeasonEnd:
    season: Season
    ranked: list[rules.Ranked]


class DailyService:
    def __init__(self, db: Database, catalog: QuestionCatalog, syllabus: Syllabus, *, default_timezone: str = "UTC",
                 rng: random.Random | None = None,
                 lens_for: Callable[[int], Awaitable[Lens]] | None = None) -> None:
        self.db = db
        self.catalog = catalog
        self.syllabus = syllabus
        self.lens_for = lens_for  # the guild's edition; without it (tests, benchmarks) the 2017 syllabus
        self.default_timezone = default_timezone
        self.rng = rng or random.SystemRandom()

    # ---- settings ---------------------------------------------------------------------------------------------

    def check_schedule(self, guild_id: int, user_id: int, given: ScheduleInput, now: dt.datetime,
                       lens: Lens | None = None) -> DailySettings:
        """Every field checked; the first problem is raised as a UserInputError and nothing is saved.

        Module codes are read in the server's edition (`lens`)."""
        syllabus = lens.edition.syllabus if lens is not None else self.syllabus
        hour, minute = rules.parse_time(given.time)
        timezone = rules.parse_timezone(given.timezone)
        # the same day parser as /remind study: one set of words for days across the bot
        days = tuple(sorted(parse_days(given.days or "daily")))
        tokens = rules.split_modules(given.modules)
        rotation = "weakest" if rules.WEAKEST in tokens else "order"
        modules: list[str] = []
        for token in (t for t in tokens if t != rules.WEAKEST):
            module = syllabus.module(token)
            if module is None:
                codes = ", ".join(m.code for m in syllabus.modules)
                raise UserInputError(f"I don't know a module called '{token}'. Use module codes such as {codes}, "
                                     f"or the word weakest.")
            if module.key not in modules:
                modules.append(module.key)
        if not 1 <= given.reveal_after_hours <= 72:
            raise UserInputError("reveal_after is a number of hours from 1 to 72.")
        if not 1 <= given.repeat_window_days <= 3650:
            raise UserInputError("repeat_window is a number of days from 1 to 3650.")
        return DailySettings(
            guild_id=guild_id, channel_id=given.channel_id, hour=hour, minute=minute, timezone=timezone, days=days,
            modules=tuple(modules), rotation=rotation, reveal_after_hours=given.reveal_after_hours,
            explain_at_once=given.explain_at_once, repeat_window_days=given.repeat_window_days,
            weekly_summary=given.weekly_summary, paused=False, active_since=now, updated_by=user_id, updated_at=now,
        )

    async def save(self, settings: DailySettings) -> DailySettings:
        await records.save_settings(self.db, settings)
        return settings

    async def settings(self, guild_id: int) -> DailySettings:
        settings = await records.get_settings(self.db, guild_id)
        if settings is None:
            raise NotSetUp("The daily question is not set up in this server yet: an admin can start it with "
                           "/daily setup.")
        return settings

    async def set_paused(self, guild_id: int, user_id: int, paused: bool, now: dt.datetime) -> bool:
        await self.settings(guild_id)
        return await records.set_paused(self.db, guild_id, paused, user_id, now)

    def rotation_order(self, settings: DailySettings, lens: Lens | None = None) -> list[str]:
        """The modules chosen at setup (in the edition they were chosen in), else every module of the edition."""
        modules = lens.modules if lens is not None else self.syllabus.modules
        return list(settings.modules) or [m.key for m in modules]

    async def _lens(self, guild_id: int) -> Lens | None:
        return await self.lens_for(guild_id) if self.lens_for is not None else None

    def timezone_of(self, settings: DailySettings | None) -> str:
        return settings.timezone if settings else self.default_timezone

    async def today(self, guild_id: int, now: dt.datetime) -> dt.date:
        settings = await records.get_settings(self.db, guild_id)
        return now.astimezone(ZoneInfo(self.timezone_of(settings))).date()

    # ---- posts ------------------------------------------------------------------------------------------------

    async def choose_question(self, settings: DailySettings, now: dt.datetime) -> Question:
        """The next module by rotation (or the group's weakest), then a question not posted within the window.

        A module whose written questions were all asked within the window falls back to a fresh calculation
        of that module, then to the next module in the order.
        """
        guild_id = settings.guild_id
        lens = await self._lens(guild_id)
        order = self.rotation_order(settings, lens)
        last = await records.latest_post(self.db, guild_id)
        last_module = last.module if last else None
        if last is not None and lens is not None and last.module not in order:
            # posts keep the question's 2017 keys: find where the last one sits in this edition's rotation
            placed = await self.catalog.item_place(guild_id, last.question_id, lens.key)
            last_module = placed[0] if placed else last_module
        recent = await records.recent_question_ids(self.db, guild_id,
                                                   rules.repeat_cutoff(now, settings.repeat_window_days))
        weights = lens.edition.weights.modules if lens is not None else {}
        if settings.rotation == "weakest":
            start = rules.weakest_module(await records.group_module_tallies(self.db, guild_id), order, last_module)
        elif lens is not None and not settings.modules and len(set(weights.values())) > 1:
            # every module, by weight (CPIM 8): the module owed most posts over the no-repeat window
            posted: dict[str, int] = {}
            for question_id in recent:
                placed = await self.catalog.item_place(guild_id, question_id, lens.key)
                if placed:
                    posted[placed[0]] = posted.get(placed[0], 0) + 1
            start = rules.weighted_next(weights, posted)
        else:
            start = rules.next_in_rotation(order, last_module)
        for module in rules.module_order(start, order):
            question = rules.pick_fresh(await self.catalog.pool(guild_id, module), recent, self.rng)
            if question is not None:
                return question
            families = await self.catalog.families(guild_id, module)
            if families:
                family = self.rng.choice(families)
                generated = await self.catalog.get(guild_id, generated_id(family.name, self.rng.randrange(SEED_SPACE)))
                if generated is not None and generated.id not in recent:
                    return generated
        raise UserInputError(f"Every question of the chosen modules was posted within the last "
                             f"{settings.repeat_window_days} days; shorten repeat_window or add modules.")

    async def plan_post(self, settings: DailySettings, *, kind: str, now: dt.datetime,
                        local_day: dt.date | None = None) -> PlannedPost | None:
        """Choose and claim a post; None if the day's scheduled post was claimed already (by any run).

        The claim re-checks the no-repeat window in its own transaction: a /daily now racing the scheduled post
        may have taken the chosen question since it was chosen, and then the choice is made again."""
        if kind == "scheduled" and local_day is not None and await records.scheduled_post_exists(
                self.db, settings.guild_id, local_day):
            return None
        day = local_day or now.astimezone(ZoneInfo(settings.timezone)).date()
        for _ in range(CLAIM_ATTEMPTS):
            question = await self.choose_question(settings, now)
            try:
                post = await records.claim_post(
                    self.db, guild_id=settings.guild_id, kind=kind, local_day=day, channel_id=settings.channel_id,
                    question=records.PlannedQuestion(question.id, question.module, question.topic,
                                                     question.answer_index, len(question.choices)),
                    now=now, reveal_at=now + dt.timedelta(hours=settings.reveal_after_hours),
                    repeat_since=rules.repeat_cutoff(now, settings.repeat_window_days),
                )
            except records.QuestionRecentlyPosted:
                continue
            return None if post is None else PlannedPost(post, question)
        raise UserInputError("Another daily question was being posted at the same moment; try again in a minute.")

    async def mark_sent(self, post: Post, message_id: int) -> Post:
        await records.mark_sent(self.db, post.id, message_id)
        return replace(post, message_id=message_id, state="open")

    async def planned(self, post: Post) -> PlannedPost | None:
        """A claimed post with its question, to send it again; None if the question is gone."""
        question = await self.question_of(post)
        return None if question is None else PlannedPost(post, question)

    async def mark_failed(self, post: Post, error: str) -> None:
        await records.mark_failed(self.db, post.id, error)

    async def open_posts(self, guild_id: int) -> list[Post]:
        return await records.open_posts(self.db, guild_id=guild_id)

    async def latest_post(self, guild_id: int) -> Post | None:
        return await records.latest_post(self.db, guild_id)

    async def get_post(self, post_id: int) -> Post | None:
        return await records.get_post(self.db, post_id)

    async def question_of(self, post: Post) -> Question | None:
        return await self.catalog.get(post.guild_id, post.question_id)

    async def answer_count(self, post_id: int) -> int:
        return await records.answer_count(self.db, post_id)

    async def explain_at_once(self, guild_id: int) -> bool:
        settings = await records.get_settings(self.db, guild_id)
        return bool(settings and settings.explain_at_once)

    # ---- answers and the reveal -------------------------------------------------------------------------------

    async def answer(self, post_id: int, guild_id: int | None, user_id: int, choice: int, *,
                     message_id: int | None, now: dt.datetime) -> AnswerResult:
        post = await records.get_post(self.db, post_id)
        if post is None or post.guild_id != guild_id:
            raise UserInputError("That daily question is not part of this server.")
        question = await self.question_of(post)
        if question is None or not 0 <= choice < len(question.choices):
            raise UserInputError("That daily question has changed since it was posted; wait for the next one.")
        outcome = await records.record_answer(self.db, post.id, user_id, choice,
                                              item_key=item_key(question.id, question.family), message_id=message_id,
                                              now=now)
        return AnswerResult(post, question, outcome, await self.explain_at_once(post.guild_id))

    async def reveal(self, post: Post, now: dt.datetime) -> Reveal | None:
        """Close the post and compute how the group did; None if it was closed already."""
        if not await records.mark_revealed(self.db, post.id, now):
            return None
        return await self.figures(replace(post, state="revealed", revealed_at=now))

    async def figures(self, post: Post) -> Reveal | None:
        question = await self.question_of(post)
        if question is None:
            return None
        answers = await records.post_answers(self.db, post.id)
        return Reveal(post, question, rules.reveal_figures(answers, post.answer_index, post.choice_count))

    # ---- the archive ------------------------------------------------------------------------------------------

    async def archive(self, guild_id: int, user_id: int, days: int, module: str | None, now: dt.datetime, *,
                      syllabus: Syllabus | None = None) -> Archive:
        """Revealed daily questions of the last `days` local days (today included), newest first, optionally of
        one module. `module` is a key or code of the guild's edition (`syllabus`): a post matches it by its
        question's 2017 module or its CPIM 8 module, so the filter works under both editions."""
        if not 1 <= days <= ARCHIVE_MAX_DAYS:
            raise UserInputError(f"days is a number from 1 to {ARCHIVE_MAX_DAYS}.")
        module_key = None
        if module:
            module_key = require_module(syllabus or self.syllabus, module).key
        since = await self.today(guild_id, now) - dt.timedelta(days=days - 1)
        entries = []
        for row in await records.archived_posts(self.db, guild_id, user_id, since):
            question = await self.question_of(row.post)
            if question is None:
                continue  # a question deleted from the server's bank since
            if module_key and module_key not in (question.module, question.cpim8_module, row.post.module):
                continue
            entries.append(ArchiveEntry(row.post, question, row.answered, row.right, row.my_choice))
        return Archive(days, module_key, entries)

    # ---- streaks and leaderboards -----------------------------------------------------------------------------

    async def streak(self, guild_id: int, user_id: int) -> rules.FrozenStreak:
        """The member's streak with freezes earned and used (computed from the history, nothing stored)."""
        history = await records.streak_history(self.db, guild_id, user_id)
        return rules.streak_with_freezes(history.post_days, history.answered_days, history.open_days)

    async def leaderboard(self, guild_id: int, period: rules.Period, module: str | None,
                          now: dt.datetime) -> Leaderboard:
        module_key = None
        lens = await self._lens(guild_id)
        syllabus = lens.edition.syllabus if lens is not None else self.syllabus
        if module:
            module_key = require_module(syllabus, module, also=lens.module if lens is not None else None).key
        today = await self.today(guild_id, now)
        season = None
        since: dt.date | None
        if period == "season":
            season = season_of(today, await self.season_months(guild_id))
            since = season.start
        else:
            since = rules.period_start(period, today)
        if module_key is not None and self.catalog.scope_edition(module_key) != EDITION_2017:
            # posts carry the 2017 keys: count the answers whose question sits in this module of the edition
            edition = self.catalog.scope_edition(module_key)
            sums: dict[int, list[int]] = {}
            for user_id, question_id, correct in await records.member_answers(self.db, guild_id, since=since):
                placed = await self.catalog.item_place(guild_id, question_id, edition)
                if placed and placed[0] == module_key:
                    total = sums.setdefault(user_id, [0, 0])
                    total[0] += 1
                    total[1] += correct
            tallies = [rules.MemberTally(user, answered, right) for user, (answered, right) in sums.items()]
        else:
            tallies = await records.member_tallies(self.db, guild_id, since=since, module=module_key)
        return Leaderboard(period, module_key, since, rules.rank_members(tallies), season)

    # ---- seasons and champions --------------------------------------------------------------------------------

    async def season_months(self, guild_id: int) -> int:
        return (await season_records.settings(self.db, guild_id)).months or DEFAULT_SEASON_MONTHS

    async def season_end_due(self, settings: DailySettings, today: dt.date) -> SeasonEnd | None:
        """The season before the one `today` is in, if it had daily answers and its end was not claimed yet."""
        season = previous_season(today, await self.season_months(settings.guild_id))
        if await season_records.end_claimed(self.db, settings.guild_id, season.start):
            return None
        tallies = await records.member_tallies(self.db, settings.guild_id, since=season.start, until=season.end)
        if not tallies:
            return None
        return SeasonEnd(season, rules.rank_members(tallies))

    async def claim_season_end(self, guild_id: int, season: Season, now: dt.datetime) -> bool:
        return await season_records.claim_end(self.db, guild_id, season.start, season.end, now)

    async def release_season_end(self, guild_id: int, season: Season) -> None:
        await season_records.release_end(self.db, guild_id, season.start)

    async def season_end_posted(self, guild_id: int, season: Season, message_id: int, role_note: str) -> None:
        await season_records.end_posted(self.db, guild_id, season.start, message_id, role_note)

    async def save_champions(self, guild_id: int, season: Season, winners: list[rules.Ranked],
                             given: set[int]) -> None:
        await season_records.save_champions(self.db, guild_id, season.start, [
            season_records.Champion(row.tally.user_id, row.tally.right, row.tally.answered,
                                    row.tally.user_id in given) for row in winners])

    async def earlier_role_holders(self, guild_id: int, season: Season) -> set[int]:
        return await season_records.role_holders(self.db, guild_id, season.start)

    async def champion_role_id(self, guild_id: int) -> int | None:
        return (await season_records.settings(self.db, guild_id)).champion_role_id

    async def weekly_summary_due(self, settings: DailySettings, today: dt.date) -> WeeklySummary | None:
        """Last week's figures if the guild wants a summary, had answers last week, and has none posted yet."""
        if not settings.weekly_summary:
            return None
        monday, sunday = rules.previous_week(today)
        if await records.summary_posted(self.db, settings.guild_id, monday):
            return None
        tallies = await records.member_tallies(self.db, settings.guild_id, since=monday, until=sunday)
        if not tallies:
            return None
        by_module = await records.module_accuracy(self.db, settings.guild_id, monday, sunday)
        return WeeklySummary(monday, sunday, rules.rank_members(tallies)[:5], by_module)

    async def claim_summary(self, guild_id: int, week_start: dt.date, now: dt.datetime) -> bool:
        return await records.claim_summary(self.db, guild_id, week_start, now)

    async def release_summary(self, guild_id: int, week_start: dt.date) -> None:
        await records.release_summary(self.db, guild_id, week_start)

    async def summary_sent(self, guild_id: int, week_start: dt.date, message_id: int) -> None:
        await records.set_summary_message(self.db, guild_id, week_start, message_id)
