"""Reminders: a member's own (one-off and weekly study reminders), the list with the bot's nudges summed up
per exam and per window, cancel, snooze and resume after closed DMs. The dispatcher delivers them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from db import reminders
from db.connection import Database
from db.reminders import Reminder, ReminderKind
from db.reminders import ReminderState as ReminderState  # re-exported: cogs name reminder states through services
from services.exams import module_key
from services.settings import SettingsService
from study.content import Content
from study.editions import Lens
from study.errors import UserInputError
from study.recurrence import WeeklySchedule, local_instant, next_occurrence
from study.timeparse import When, parse_days, parse_time_of_day, read_when


@dataclass(frozen=True)
class NudgeSummary:
    """One line of /remind list for the bot-made nudges about one exam or one window."""

    label: str
    count: int
    next_at: dt.datetime
    timezone: str


class ReminderService:
    def __init__(self, db: Database, content: Content, settings: SettingsService, wake: Callable[[], None]) -> None:
        self.db = db
        self.content = content
        self.settings = settings
        self.wake = wake

    async def remind_once(self, guild_id: int, user_id: int, when_text: str, text: str,
                          now: dt.datetime) -> tuple[Reminder, When]:
        """A one-off reminder; the When says whether a default time of day was assumed."""
        zone = await self.settings.timezone_for(guild_id, user_id)
        when = read_when(when_text, zone, now)
        text = text.strip()
        if not text:
            raise UserInputError("What should I remind you of? Add a short text.")
        row = await reminders.add(self.db, guild_id=guild_id, user_id=user_id, kind=ReminderKind.ONCE, text=text[:500],
                                  due_at=when.at, now=now, timezone=zone)
        self.wake()
        return row, when

    async def remind_study(self, guild_id: int, user_id: int, at_text: str, days_text: str, module: str | None,
                           now: dt.datetime, lens: Lens | None = None) -> tuple[Reminder, WeeklySchedule]:
        zone = await self.settings.timezone_for(guild_id, user_id)
        schedule = WeeklySchedule(parse_time_of_day(at_text), parse_days(days_text))
        key = module_key(self.content, module, lens) if module else None
        first = next_occurrence(schedule, zone, now)
        row = await reminders.add(self.db, guild_id=guild_id, user_id=user_id, kind=ReminderKind.STUDY, text="",
                                  due_at=first, now=now, timezone=zone, recurrence=schedule.to_json(), module=key)
        self.wake()
        return row, schedule

    async def member_reminders(self, guild_id: int, user_id: int) -> tuple[list[Reminder], list[NudgeSummary]]:
        """The member's own reminders (soonest first), and one summary per exam or window for the bot's nudges."""
        rows = await reminders.list_active(self.db, guild_id, user_id)
        own = [row for row in rows if row.kind in reminders.OWN_KINDS]
        groups: dict[tuple[str, object], list[Reminder]] = {}
        for row in rows:
            if row.kind == ReminderKind.EXAM_NUDGE:
                groups.setdefault(("exam", row.payload.get("exam_id")), []).append(row)
            elif row.kind == ReminderKind.WINDOW_NUDGE:
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

    async def cancel(self, guild_id: int, user_id: int, reminder_id: int) -> None:
        """Cancel one of the member's own active reminders in this server."""
        if not await reminders.cancel(self.db, guild_id, user_id, reminder_id):
            raise UserInputError(f"You have no active reminder #{reminder_id} here; see /remind list.")

    async def snooze(self, reminder_id: int, user_id: int, choice: str, now: dt.datetime) -> dt.datetime:
        """Bring a reminder back in 10 minutes ("10m"), an hour ("1h") or tomorrow at the same local time."""
        row = await reminders.get(self.db, reminder_id)
        if row is None or row.user_id != user_id:
            raise UserInputError("That reminder is gone.")
        if row.state == ReminderState.CANCELLED:
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

    async def get(self, reminder_id: int) -> Reminder | None:
        """The reminder as stored now (the sender checks it is still in flight before sending)."""
        return await reminders.get(self.db, reminder_id)

    async def dm_channel(self, user_id: int) -> int | None:
        """The member's stored DM channel id, so a DM costs one request (None or 0: none stored)."""
        return await reminders.get_dm_channel(self.db, user_id)

    async def remember_dm_channel(self, user_id: int, channel_id: int, now: dt.datetime) -> None:
        """Store the member's DM channel (0 forgets a channel Discord no longer knows)."""
        await reminders.set_dm_channel(self.db, user_id, channel_id, now)

    async def timezone_of(self, reminder_id: int) -> str:
        """The zone a reminder's times are shown in (UTC if it is gone)."""
        row = await reminders.get(self.db, reminder_id)
        return row.timezone if row else "UTC"

    async def resume(self, user_id: int, now: dt.datetime) -> int:
        """The member opened their DMs again: their paused reminders come back; returns how many."""
        resumed = await reminders.reopen_dms(self.db, user_id, now)
        self.wake()
        return resumed

    async def take_closed_notice(self, user_id: int) -> bool:
        """True once after the member's DMs were found closed: tell them their reminders are paused."""
        return await reminders.take_closed_notice(self.db, user_id)
