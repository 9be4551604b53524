"""Exams: a member's exam appointment, the nudge DMs before it and what they say, and the countdown to it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from db import exams as records
from db import quiz as quiz_records
from db import reminders
from db.connection import Database
from db.exams import Exam
from db.windows import ExamWindow
from services.settings import SettingsService
from services.windows import WindowService
from study.content import Content
from study.countdown import att_valid_until
from study.editions import Edition, Lens
from study.errors import UserInputError
from study.nudges import NudgeFacts, exam_countdown, parse_exam_date
from study.recurrence import exam_nudges, local_instant
from study.selection import regroup_scores, weakest_topics
from study.srs import KNOWN_BOX
from study.syllabus import require_module
from study.timeparse import parse_time_of_day


@dataclass(frozen=True)
class ExamPlan:
    exam: Exam
    nudges: list[dt.datetime]
    nudges_off: bool = False  # the member's or the server's nudge days are 'off'


@dataclass(frozen=True)
class ExamCountdown:
    exam: Exam
    countdown: str  # "in 12 days", "tomorrow", "today", "passed": from the exam's local date


@dataclass(frozen=True)
class Countdown:
    today: dt.date
    exams: list[ExamCountdown]
    windows: list[ExamWindow]              # windows the member joined that have not closed yet
    att_months: int | None                 # the edition's ATT validity (data), None if it states none
    att_until: dt.date | None              # the member's ATT end, from the date they gave


def module_key(content: Content, text: str, lens: Lens | None = None) -> str:
    """A module key from what a member typed: in the server's edition first, then any edition's stored key
    (an exam booked per 2017 module can still be cancelled after a switch)."""
    if lens is None:
        return require_module(content.syllabus, text).key
    wanted = text.strip().lower()
    if lens.edition.syllabus.module(text) is None and content.editions.is_exam_key(wanted):
        return wanted
    return require_module(lens.edition.syllabus, text, also=lens.module).key


class ExamService:
    def __init__(self, db: Database, content: Content, settings: SettingsService, windows: WindowService,
                 wake: Callable[[], None]) -> None:
        self.db = db
        self.content = content
        self.settings = settings
        self.windows = windows
        self.wake = wake

    def exam_key(self, module: str | None, lens: Lens | None) -> str:
        """What an exam is booked under: the module (one exam per module, 2017), or the edition's one exam."""
        if lens is not None and lens.edition.single_exam:
            if module and module_key(self.content, module, lens) != lens.edition.exam_key:
                raise UserInputError(f"{lens.edition.name} is one exam for the whole outline: leave `module` empty.")
            return lens.edition.exam_key
        if not module:
            raise UserInputError("Which module's exam? Each 2017 module is its own exam: pick one in `module`.")
        return module_key(self.content, module, lens)

    async def set_exam(self, guild_id: int, user_id: int, module: str | None, date_text: str, time_text: str | None,
                       now: dt.datetime, lens: Lens | None = None) -> ExamPlan:
        key = self.exam_key(module, lens)
        zone = await self.settings.timezone_for(guild_id, user_id)
        today = now.astimezone(ZoneInfo(zone)).date()
        exam_date = parse_exam_date(date_text, today)
        exam_time = parse_time_of_day(time_text) if time_text else None
        if exam_time and local_instant(exam_date, exam_time, ZoneInfo(zone)) <= now:
            raise UserInputError("That exam time has already passed today; check the date and time.")
        exam = await records.set_exam(self.db, guild_id, user_id, key, exam_date, exam_time, zone, now)
        nudges = await self._schedule_nudges(exam, now)
        return ExamPlan(exam, nudges, nudges_off=not await self.settings.offsets_for(guild_id, user_id))

    async def _schedule_nudges(self, exam: Exam, now: dt.datetime) -> list[dt.datetime]:
        offsets = await self.settings.offsets_for(exam.guild_id, exam.user_id)
        planned = exam_nudges(exam.exam_date, exam.timezone, now, exam_time=exam.exam_time, offsets=offsets)
        # the old series is cancelled and the new one added in one transaction: never both, never neither
        await reminders.replace_by_payload(
            self.db, guild_id=exam.guild_id, user_id=exam.user_id, key="exam_id", value=exam.id, now=now,
            new=[reminders.NewReminder(
                reminders.ReminderKind.EXAM_NUDGE, "", nudge.at, exam.timezone, module=exam.module,
                payload={"exam_id": exam.id, "exam_date": exam.exam_date.isoformat(),
                         "days_before": nudge.days_before},
            ) for nudge in planned],
        )
        self.wake()
        return [nudge.at for nudge in planned]

    async def cancel_exam(self, guild_id: int, user_id: int, module: str | None, lens: Lens | None = None) -> Exam:
        key = module_key(self.content, module, lens) if module else self.exam_key(None, lens)
        exam = await records.remove_exam(self.db, guild_id, user_id, key)  # and its nudges
        if exam is None:
            raise UserInputError("You have no exam set for that module; see /exam list.")
        return exam

    async def exam_countdowns(self, guild_id: int, user_id: int, now: dt.datetime) -> list[ExamCountdown]:
        """The member's exams with how far off each is, counted in the exam's own zone (the member's at /exam set)."""
        return [ExamCountdown(exam, exam_countdown(exam.exam_date, now.astimezone(ZoneInfo(exam.timezone)).date()))
                for exam in await records.member_exams(self.db, guild_id, user_id)]

    async def countdown(self, guild_id: int, user_id: int, now: dt.datetime, edition: Edition,
                        att_received: str | None) -> Countdown:
        """Days to the member's exams, to the close of the windows they joined, and to their ATT's end. The ATT
        date is read from the command each time and not stored."""
        today = now.astimezone(ZoneInfo(await self.settings.timezone_for(guild_id, user_id))).date()
        att_until = None
        months = edition.exam.att_months
        if att_received:
            try:
                received = dt.date.fromisoformat(att_received.strip())
            except ValueError:
                raise UserInputError(f"'{att_received}' is not a date; use YYYY-MM-DD, e.g. 2026-11-02.") from None
            if received > today:
                raise UserInputError("Your ATT date is in the future: give the day you received it.")
            if months is None:
                raise UserInputError(f"The {edition.name} data states no ATT validity, so I cannot count it down.")
            att_until = att_valid_until(received, months)
        joined = await self.windows.member_windows(guild_id, user_id)
        windows = [w for w in (await self.windows.list_windows(guild_id, now)).shown if w.id in joined]
        return Countdown(today, await self.exam_countdowns(guild_id, user_id, now), windows, months, att_until)

    async def set_member_offsets(self, guild_id: int, user_id: int, offsets: tuple[int, ...],
                                 now: dt.datetime) -> int:
        """Store the member's nudge days and reschedule the nudges of every exam they have; returns nudges."""
        await self.settings.set_member_offsets(guild_id, user_id, offsets, now)
        total = 0
        for exam in await records.member_exams(self.db, guild_id, user_id):
            total += len(await self._schedule_nudges(exam, now))
        return total

    async def nudge_facts(self, guild_id: int, user_id: int, module_key: str, exam_date: dt.date,
                          now: dt.datetime, timezone: str) -> NudgeFacts:
        """What an exam nudge says: days left, weakest topics, reviews due, questions still to learn."""
        editions = self.content.editions
        if editions.is_exam_key(module_key):
            return await self._whole_exam_facts(guild_id, user_id, editions.get(module_key), exam_date, now,
                                                timezone)
        module = self.content.syllabus.module(module_key)  # None: a key the content dropped after the booking
        scores = [s for s in await quiz_records.topic_scores(self.db, guild_id, user_id) if s.module == module_key]
        weak = [topic.name for s in weakest_topics(scores) if module and (topic := module.topic(s.topic))]
        due = await quiz_records.due_count(self.db, guild_id, user_id, now, module_key)
        known = await quiz_records.known_count(self.db, guild_id, user_id, module_key, KNOWN_BOX)
        in_bank = len(self.content.bank.for_module(module_key))
        today = now.astimezone(ZoneInfo(timezone)).date()
        code, name = (module.code, module.name) if module else (module_key, module_key)
        return NudgeFacts(code, name, exam_date, (exam_date - today).days, tuple(weak), due, max(in_bank - known, 0))

    async def _whole_exam_facts(self, guild_id: int, user_id: int, edition: Edition, exam_date: dt.date,
                                now: dt.datetime, timezone: str) -> NudgeFacts:
        """A single exam covers the whole outline: focus topics come from every module of the edition."""
        place = lambda m, t: self.content.editions.place_keys(m, t, edition.key)  # noqa: E731
        scores = regroup_scores(await quiz_records.topic_scores(self.db, guild_id, user_id), place)
        names = []
        for score in weakest_topics(scores):
            module = edition.syllabus.module(score.module)
            topic = module.topic(score.topic) if module else None
            if topic is not None:
                names.append(topic.name)
        due = await quiz_records.due_count(self.db, guild_id, user_id, now)
        known = await quiz_records.known_count(self.db, guild_id, user_id, None, KNOWN_BOX)
        today = now.astimezone(ZoneInfo(timezone)).date()
        return NudgeFacts(edition.name, f"the whole {edition.name} outline", exam_date, (exam_date - today).days,
                          tuple(names), due, max(len(self.content.bank) - known, 0))
