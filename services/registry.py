"""Every service of the bot and its two loops, in one object the factory builds once and the cogs read.

`app/factory.py` builds a `Services` in the bot's setup_hook (once the database is open) and sets it as
`bot.services`; a cog reads `self.bot.services.<noun>` and builds nothing itself. A new service gets a field
here and is built in the factory, nowhere else.

The two loops (`dispatcher`: reminders, `daily_scheduler`: daily posts and reveals) are held here too, built by
the factory already wired to what they call; the bot starts them in setup_hook and stops them in close().
"""

from __future__ import annotations

from dataclasses import dataclass

from scheduling.daily_scheduler import DailyScheduler
from scheduling.dispatcher import ReminderDispatcher
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
from services.reminders import ReminderService
from services.rendering import ChartRenderer
from services.settings import SettingsService
from services.windows import WindowService


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
    countdown: CountdownService
    daily: DailyService
    daily_posts: DailyPosts
    progress: ProgressService
    charts: ChartRenderer
    dispatcher: ReminderDispatcher
    daily_scheduler: DailyScheduler
