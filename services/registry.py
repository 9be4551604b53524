"""Every service of the bot and its two loops, in one object the factory builds once and the cogs read.

`app/factory.py` builds a `Services` in the bot's setup_hook (once the database is open) and sets it as
`bot.services`; a cog reads `self.bot.services.<noun>` and builds nothing itself. A new service gets a field
here and is built in the factory, nowhere else.

The two loops (`dispatcher`: reminders, `daily_scheduler`: daily posts and reveals) are built here too, already
wired to what they call; the bot starts them in setup_hook and stops them in close(), in that one place.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from db.daily import DailySettings, Post
from scheduling.daily_scheduler import DailyHandler, DailyScheduler
from scheduling.dispatcher import ReminderDispatcher
from services.catalog import QuestionCatalog
from services.contributions import ContributionService
from services.daily import DailyService
from services.editions import EditionService
from services.exams import ExamService
from services.fees import FeeService
from services.live import LiveService
from services.progress import ProgressService
from services.question_bank import QuestionBankService
from services.quiz import QuizService
from services.reminders import ReminderService
from services.rendering import ChartRenderer
from services.settings import SettingsService
from services.windows import WindowService


class DailyPosts(DailyHandler, Protocol):
    """Sends, reveals and updates the daily posts: the daily scheduler's handler, and /daily now's poster."""

    async def post_now(self, settings: DailySettings) -> Post | None:
        """An extra post right now (/daily now); None if nothing was claimed."""
        ...

    def answered(self, post_id: int) -> None:
        """A member answered the post: show the new answer count (edits coalesced)."""
        ...

    async def drain(self, limit_seconds: float = 5.0) -> None:
        """Let the edits under way finish (the bot is stopping)."""
        ...

    @property
    def retry_after(self) -> dt.timedelta:
        ...


@dataclass(frozen=True, slots=True)
class Services:
    catalog: QuestionCatalog
    editions: EditionService
    fees: FeeService
    question_bank: QuestionBankService
    quiz: QuizService
    settings: SettingsService
    reminders: ReminderService
    exams: ExamService
    windows: WindowService
    contributions: ContributionService
    live: LiveService
    daily: DailyService
    daily_posts: DailyPosts
    progress: ProgressService
    charts: ChartRenderer
    dispatcher: ReminderDispatcher
    daily_scheduler: DailyScheduler
