"""Members' time zones, exam appointments with their nudges, study reminders and chapter exam windows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from db import planning as records
from db import quiz as quiz_records
from db import reminders
from db.connection import Database
from study.content import Content
from study.countdown import att_valid_until
from study.editions import Edition, Lens
from study.errors import UserInputError
from study.nudges import NudgeFacts, exam_countdown, parse_exam_date
from study.recurrence import DEFAULT_NUDGE_DAYS, WeeklySchedule, exam_nudges, local_instant, next_occurrence
from study.selection import regroup_scores, weakest_topics
from study.srs import KNOWN_BOX
from study.timeparse import When, parse_days, parse_time_of_day, read_when, validate_timezone

WINDOW_NOTICE_DAYS = 7
ANNOUNCE_TIME = dt.time(9, 0)


@dataclass(frozen=True)
class ExamPlan:
    exam: records.Exam
    nudges: list[dt.datetime]
    nudges_off: bool = False  # the member's or the server's nudge days are 'off'


@dataclass(frozen=True)
class ExamCountdown:
    exam: records.Exam
    countdown: str  # "in 12 days", "tomorrow", "today", "passed": from the exam's local date


@dataclass(frozen=True)
class Countdown:
    today: dt.date
    exams: list[ExamCountdown]
    windows: list[records.ExamWindow]      # windows the member joined that have not closed yet
    att_months: int | None                 # the edition's ATT validity (data), None if it states none
    att_until: dt.date | None              # the member's ATT end, from the date they gave


@dataclass(frozen=True)
class WindowListing:
    shown: list[records.ExamWindow]  # open and upcoming, soonest first
    closed: int                      # windows that ended before today (not shown)


@dataclass(frozen=True)
class NudgeSummary:
    """One line of /remind list for the bot-made nudges about one exam or one window."""

    label: str
    count: int
    next_at: dt.datetime
    timezone: str


class PlanningService:
    def __init__(self, db: Database, content: Content, default_timezone: str, wake: Callable[[], None]) -> None:
        self.db = db
        self.content = content
        self.default_timezone = default_timezone
        self.wake = wake

    # ---- time zones ---------------------------------------------------------------------------------------

    async def timezone_for(self, guild_id: int, user_id: int) -> str:
        """The member's zone, else the guild's, else the bot's default."""
        return (await records.member_timezone(self.db, guild_id, user_id)
                or (await records.guild_planning(self.db, guild_id)).timezone
                or self.default_timezone)

    async def set_timezone(self, guild_id: int, user_id: int, name: str, now: dt.datetime) -> str:
        zone = validate_timezone(name)
        await records.set_member_setting(self.db, guild_id, user_id, now, timezone=zone)
        return zone

    def module_key(self, text: str, lens: Lens | None = None) -> str:
        """A module key from what a member typed: in the server's edition first, then any edition's stored key
        (an exam booked per 2017 module can still be cancelled after a switch)."""
        syllabus = lens.edition.syllabus if lens is not None else self.content.syllabus
        module = syllabus.module(text)
        if module is None and lens is not None:
            if self.content.editions.is_exam_key(text.strip().lower()):
                return text.strip().lower()
            module = lens.module(text.strip().lower())
        if module is None:
            codes = ", ".join(m.code for m in syllabus.modules)
            raise UserInputError(f"I don't know a module called '{text}'. Pick one of: {codes}.")
        return module.key

    def exam_key(self, module: str | None, lens: Lens | None) -> str:
        """What an exam is booked under: the module (one exam per module, 2017), or the edition's one exam."""
        if lens is not None and lens.edition.single_exam:
            if module and self.module_key(module, lens) != lens.edition.exam_key:
                raise UserInputError(f"{lens.edition.name} is one exam for the whole outline: leave `module` empty.")
            return lens.edition.exam_key
        if not module:
            raise UserInputError("Which module's exam? Each 2017 module is its own exam: pick one in `module`.")
        return self.module_key(module, lens)

    # ---- exams and their nudges ---------------------------------------------------------------------------

    async def offsets_for(self, guild_id: int, user_id: int) -> tuple[int, ...]:
        member = await records.member_nudge_offsets(self.db, guild_id, user_id)
        if member is not None:
            return member
        guild = (await records.guild_planning(self.db, guild_id)).nudge_offsets
        # () is the server's explicit "off", not "unset": only None falls back to the default series
        return guild if guild is not None else DEFAULT_NUDGE_DAYS

    async def set_exam(self, guild_id: int, user_id: int, module: str | None, date_text: str, time_text: str | None,
                       now: dt.datetime, lens: Lens | None = None) -> ExamPlan:
        module_key = self.exam_key(module, lens)
        zone = await self.timezone_for(guild_id, user_id)
        today = now.astimezone(ZoneInfo(zone)).date()
        exam_date = parse_exam_date(date_text, today)
        exam_time = parse_time_of_day(time_text) if time_text else None
        if exam_time and local_instant(exam_date, exam_time, ZoneInfo(zone)) <= now:
            raise UserInputError("That exam time has already passed today; check the date and time.")
        exam = await records.set_exam(self.db, guild_id, user_id, module_key, exam_date, exam_time, zone, now)
        nudges = await self._schedule_nudges(exam, now)
        return ExamPlan(exam, nudges, nudges_off=not await self.offsets_for(guild_id, user_id))

    async def _schedule_nudges(self, exam: records.Exam, now: dt.datetime) -> list[dt.datetime]:
        offsets = await self.offsets_for(exam.guild_id, exam.user_id)
        planned = exam_nudges(exam.exam_date, exam.timezone, now, exam_time=exam.exam_time, offsets=offsets)
        # the old series is cancelled and the new one added in one transaction: never both, never neither
        await reminders.replace_by_payload(
            self.db, guild_id=exam.guild_id, user_id=exam.user_id, key="exam_id", value=exam.id, now=now,
            new=[reminders.NewReminder(
                "exam_nudge", "", nudge.at, exam.timezone, module=exam.module,
                payload={"exam_id": exam.id, "exam_date": exam.exam_date.isoformat(),
                         "days_before": nudge.days_before},
            ) for nudge in planned],
        )
        self.wake()
        return [nudge.at for nudge in planned]

    async def cancel_exam(self, guild_id: int, user_id: int, module: str | None,
                          lens: Lens | None = None) -> records.Exam:
        key = self.module_key(module, lens) if module else self.exam_key(None, lens)
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
        today = now.astimezone(ZoneInfo(await self.timezone_for(guild_id, user_id))).date()
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
        joined = await records.member_windows(self.db, guild_id, user_id)
        windows = [w for w in (await self.list_windows(guild_id, now)).shown if w.id in joined]
        return Countdown(today, await self.exam_countdowns(guild_id, user_id, now), windows, months, att_until)

    async def set_member_offsets(self, guild_id: int, user_id: int, offsets: tuple[int, ...],
                                 now: dt.datetime) -> int:
        """Store the member's nudge days and reschedule the nudges of every exam they have; returns nudges."""
        await records.set_member_setting(self.db, guild_id, user_id, now, nudge_offsets=offsets)
        total = 0
        for exam in await records.member_exams(self.db, guild_id, user_id):
            total += len(await self._schedule_nudges(exam, now))
        return total

    async def nudge_facts(self, guild_id: int, user_id: int, module_key: str, exam_date: dt.date,
                          now: dt.datetime, timezone: str) -> NudgeFacts:
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

    # ---- reminders ----------------------------------------------------------------------------------------

    async def remind_once(self, guild_id: int, user_id: int, when_text: str, text: str,
                          now: dt.datetime) -> tuple[reminders.Reminder, When]:
        """A one-off reminder; the When says whether a default time of day was assumed."""
        zone = await self.timezone_for(guild_id, user_id)
        when = read_when(when_text, zone, now)
        text = text.strip()
        if not text:
            raise UserInputError("What should I remind you of? Add a short text.")
        row = await reminders.add(self.db, guild_id=guild_id, user_id=user_id, kind="once", text=text[:500],
                                  due_at=when.at, now=now, timezone=zone)
        self.wake()
        return row, when

    async def member_reminders(self, guild_id: int, user_id: int) -> tuple[list[reminders.Reminder],
                                                                             list[NudgeSummary]]:
        """The member's own reminders (soonest first), and one summary per exam or window for the bot's nudges."""
        rows = await reminders.list_active(self.db, guild_id, user_id)
        own = [row for row in rows if row.kind in reminders.OWN_KINDS]
        groups: dict[tuple[str, object], list[reminders.Reminder]] = {}
        for row in rows:
            if row.kind == "exam_nudge":
                groups.setdefault(("exam", row.payload.get("exam_id")), []).append(row)
            elif row.kind == "window_nudge":
                groups.setdefault(("window", row.payload.get("window_id")), []).append(row)
        def day(text: object) -> str:
            try:
                return f"{dt.date.fromisoformat(str(text)):%a %d %b %Y}"
            except ValueError:
                return "?"

        summaries = []
        for (kind, _), group in groups.items():
            first = group[0]  # rows come soonest first
            if kind == "exam":
                code = self.content.editions.module_name(first.module or "?")
                label = f"{code} exam on {day(first.payload.get('exam_date'))}"
            else:
                label = f"Window '{first.payload.get('name', '?')}' closing {day(first.payload.get('ends_on'))}"
            summaries.append(NudgeSummary(label, len(group), first.due_at, first.timezone))
        return own, summaries

    async def remind_study(self, guild_id: int, user_id: int, at_text: str, days_text: str, module: str | None,
                           now: dt.datetime, lens: Lens | None = None) -> tuple[reminders.Reminder, WeeklySchedule]:
        zone = await self.timezone_for(guild_id, user_id)
        schedule = WeeklySchedule(parse_time_of_day(at_text), parse_days(days_text))
        module_key = self.module_key(module, lens) if module else None
        first = next_occurrence(schedule, zone, now)
        row = await reminders.add(self.db, guild_id=guild_id, user_id=user_id, kind="study", text="", due_at=first,
                                  now=now, timezone=zone, recurrence=schedule.to_json(), module=module_key)
        self.wake()
        return row, schedule

    async def snooze(self, reminder_id: int, user_id: int, choice: str, now: dt.datetime) -> dt.datetime:
        row = await reminders.get(self.db, reminder_id)
        if row is None or row.user_id != user_id:
            raise UserInputError("That reminder is gone.")
        if row.state == "cancelled":
            raise UserInputError("You cancelled that reminder, so it cannot be snoozed. Set a new one with /remind.")
        if choice == "10m":
            when = now + dt.timedelta(minutes=10)
        elif choice == "1h":
            when = now + dt.timedelta(hours=1)
        else:
            zone = ZoneInfo(row.timezone)
            local = row.occurrence_at.astimezone(zone)
            when = local_instant(now.astimezone(zone).date() + dt.timedelta(days=1), local.time(), zone)
        if row.recurrence:
            # a recurring reminder keeps its schedule: the snooze is a one-off copy, one per occurrence
            copy = await reminders.snooze_copy(self.db, row, when, now)
            if copy == reminders.SNOOZE_CANCELLED:
                raise UserInputError("You cancelled that reminder, so it cannot be snoozed. Set a new one with "
                                     "/remind.")
            if copy == reminders.SNOOZE_SENDING:
                raise UserInputError("That snoozed reminder is being sent right now.")
        elif not await reminders.snooze(self.db, row.guild_id, user_id, reminder_id, when):
            raise UserInputError("That reminder can no longer be snoozed.")
        self.wake()
        return when

    # ---- exam windows -------------------------------------------------------------------------------------

    async def guild_timezone(self, guild_id: int) -> str:
        return (await records.guild_planning(self.db, guild_id)).timezone or self.default_timezone

    async def add_window(self, guild_id: int, admin_id: int, name: str, start_text: str, end_text: str,
                         modules_text: str | None, now: dt.datetime) -> records.ExamWindow:
        name = name.strip()
        if not 1 <= len(name) <= 60:
            raise UserInputError("Give the window a name of 1 to 60 characters.")
        zone = await self.guild_timezone(guild_id)
        today = now.astimezone(ZoneInfo(zone)).date()
        try:
            starts, ends = dt.date.fromisoformat(start_text.strip()), dt.date.fromisoformat(end_text.strip())
        except ValueError:
            raise UserInputError("Dates must be YYYY-MM-DD, e.g. 2027-03-01.") from None
        if ends < starts:
            raise UserInputError("The window ends before it starts.")
        if ends < today:
            raise UserInputError("That window has already closed.")
        if ends - starts > dt.timedelta(days=366):
            raise UserInputError("A window can last at most a year.")
        if modules_text and modules_text.strip().lower() != "all":
            modules = tuple(self.module_key(part) for part in modules_text.replace(" ", ",").split(",") if part)
        else:
            modules = tuple(m.key for m in self.content.syllabus.modules)
        window = await records.add_window(self.db, guild_id, name, starts, ends, modules, admin_id, now)
        if window is None:
            raise UserInputError(f"This server already has a window called '{name}'.")
        settings = await records.guild_planning(self.db, guild_id)
        if settings.announce_channel_id:
            opening = local_instant(starts, ANNOUNCE_TIME, ZoneInfo(zone))
            # a server row (user 0), not the admin's: see reminders.SERVER_USER_ID
            await reminders.add(self.db, guild_id=guild_id, user_id=reminders.SERVER_USER_ID, kind="other", text="",
                                due_at=max(opening, now + dt.timedelta(seconds=1)), now=now, timezone=zone,
                                channel_id=settings.announce_channel_id, cap=None,
                                payload={"window_id": window.id, "announce": "opening"})
            self.wake()
        return window

    async def remove_window(self, guild_id: int, name: str) -> records.ExamWindow:
        window = await self._window(guild_id, name)
        await records.cancel_reminders_by_payload(self.db, guild_id, None, "window_id", window.id)
        await records.remove_window(self.db, guild_id, window.id)
        return window

    async def list_windows(self, guild_id: int, now: dt.datetime) -> WindowListing:
        """Open and upcoming windows (by the server's calendar day), and how many have closed."""
        today = now.astimezone(ZoneInfo(await self.guild_timezone(guild_id))).date()
        every = await records.windows(self.db, guild_id)
        shown = [w for w in every if w.ends_on >= today]
        return WindowListing(shown, len(every) - len(shown))

    async def _window(self, guild_id: int, name: str) -> records.ExamWindow:
        window = await records.window_by_name(self.db, guild_id, name)
        if window is None:
            raise UserInputError(f"There is no exam window called '{name}'; see /window list.")
        return window

    async def join_window(self, guild_id: int, user_id: int, name: str, now: dt.datetime) -> dt.datetime | None:
        """Opt in; returns when the closing DM will come (None if the window closes too soon for one)."""
        window = await self._window(guild_id, name)
        zone = await self.timezone_for(guild_id, user_id)
        if window.ends_on < now.astimezone(ZoneInfo(zone)).date():
            raise UserInputError(f"'{window.name}' has already closed.")
        if not await records.join_window(self.db, window, user_id, now):
            raise UserInputError(f"You are already in '{window.name}'.")
        notice_days = (await records.guild_planning(self.db, guild_id)).window_notice_days or WINDOW_NOTICE_DAYS
        when = local_instant(window.ends_on - dt.timedelta(days=notice_days), ANNOUNCE_TIME, ZoneInfo(zone))
        if when <= now:
            return None
        await reminders.add(self.db, guild_id=guild_id, user_id=user_id, kind="window_nudge", text="", due_at=when,
                            now=now, timezone=zone, cap=None,
                            payload={"window_id": window.id, "name": window.name, "ends_on": window.ends_on.isoformat(),
                                     "days_left": notice_days})
        self.wake()
        return when

    async def leave_window(self, guild_id: int, user_id: int, name: str) -> records.ExamWindow:
        window = await self._window(guild_id, name)
        if not await records.leave_window(self.db, window, user_id):
            raise UserInputError(f"You are not in '{window.name}'.")
        await records.cancel_reminders_by_payload(self.db, guild_id, user_id, "window_id", window.id)
        return window
