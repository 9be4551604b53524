"""Exam windows: the chapter's testing windows admins add, the server's announcement when one opens, and the
DM before one closes for each member who joined it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from db import reminders
from db import windows as records
from db.connection import Database
from db.windows import ExamWindow
from services.settings import SettingsService
from study.content import Content
from study.errors import UserInputError
from study.recurrence import local_instant
from study.syllabus import require_module

WINDOW_NOTICE_DAYS = 7
ANNOUNCE_TIME = dt.time(9, 0)


@dataclass(frozen=True)
class WindowListing:
    shown: list[ExamWindow]  # open and upcoming, soonest first
    closed: int              # windows that ended before today (not shown)


class WindowService:
    def __init__(self, db: Database, content: Content, settings: SettingsService, wake: Callable[[], None]) -> None:
        self.db = db
        self.content = content
        self.settings = settings
        self.wake = wake

    async def add_window(self, guild_id: int, admin_id: int, name: str, start_text: str, end_text: str,
                         modules_text: str | None, now: dt.datetime) -> ExamWindow:
        name = name.strip()
        if not 1 <= len(name) <= 60:
            raise UserInputError("Give the window a name of 1 to 60 characters.")
        zone = await self.settings.guild_timezone(guild_id)
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
        syllabus = self.content.syllabus
        if modules_text and modules_text.strip().lower() != "all":
            modules = tuple(require_module(syllabus, part).key
                            for part in modules_text.replace(" ", ",").split(",") if part)
        else:
            modules = tuple(m.key for m in syllabus.modules)
        window = await records.add_window(self.db, guild_id, name, starts, ends, modules, admin_id, now)
        if window is None:
            raise UserInputError(f"This server already has a window called '{name}'.")
        settings = await self.settings.guild_planning(guild_id)
        if settings.announce_channel_id:
            opening = local_instant(starts, ANNOUNCE_TIME, ZoneInfo(zone))
            # a server row (user 0), not the admin's: see reminders.SERVER_USER_ID
            await reminders.add(self.db, guild_id=guild_id, user_id=reminders.SERVER_USER_ID,
                                kind=reminders.ReminderKind.OTHER, text="",
                                due_at=max(opening, now + dt.timedelta(seconds=1)), now=now, timezone=zone,
                                channel_id=settings.announce_channel_id, cap=None,
                                payload={"window_id": window.id, "announce": "opening"})
            self.wake()
        return window

    async def remove_window(self, guild_id: int, name: str) -> ExamWindow:
        """Remove the window with every reminder about it (the announcement, members' closing DMs)."""
        window = await self._window(guild_id, name)
        await records.remove_window(self.db, guild_id, window.id)
        return window

    async def list_windows(self, guild_id: int, now: dt.datetime) -> WindowListing:
        """Open and upcoming windows (by the server's calendar day), and how many have closed."""
        today = now.astimezone(ZoneInfo(await self.settings.guild_timezone(guild_id))).date()
        every = await records.windows(self.db, guild_id)
        shown = [w for w in every if w.ends_on >= today]
        return WindowListing(shown, len(every) - len(shown))

    async def member_windows(self, guild_id: int, user_id: int) -> set[int]:
        """The ids of the windows the member joined."""
        return await records.member_windows(self.db, guild_id, user_id)

    async def window(self, guild_id: int, window_id: int) -> ExamWindow | None:
        """The server's window with that id, None if it was removed."""
        return next((w for w in await records.windows(self.db, guild_id) if w.id == window_id), None)

    async def _window(self, guild_id: int, name: str) -> ExamWindow:
        window = await records.window_by_name(self.db, guild_id, name)
        if window is None:
            raise UserInputError(f"There is no exam window called '{name}'; see /window list.")
        return window

    async def join_window(self, guild_id: int, user_id: int, name: str, now: dt.datetime) -> dt.datetime | None:
        """Opt in; returns when the closing DM will come (None if the window closes too soon for one)."""
        window = await self._window(guild_id, name)
        zone = await self.settings.timezone_for(guild_id, user_id)
        if window.ends_on < now.astimezone(ZoneInfo(zone)).date():
            raise UserInputError(f"'{window.name}' has already closed.")
        if not await records.join_window(self.db, window, user_id, now):
            raise UserInputError(f"You are already in '{window.name}'.")
        notice_days = (await self.settings.guild_planning(guild_id)).window_notice_days or WINDOW_NOTICE_DAYS
        when = local_instant(window.ends_on - dt.timedelta(days=notice_days), ANNOUNCE_TIME, ZoneInfo(zone))
        if when <= now:
            return None
        await reminders.add(self.db, guild_id=guild_id, user_id=user_id, kind=reminders.ReminderKind.WINDOW_NUDGE,
                            text="", due_at=when, now=now, timezone=zone, cap=None,
                            payload={"window_id": window.id, "name": window.name, "ends_on": window.ends_on.isoformat(),
                                     "days_left": notice_days})
        self.wake()
        return when

    async def leave_window(self, guild_id: int, user_id: int, name: str) -> ExamWindow:
        """Opt out; the member's closing DM is cancelled with it, even one being sent right now."""
        window = await self._window(guild_id, name)
        if not await records.leave_window(self.db, window, user_id):
            raise UserInputError(f"You are not in '{window.name}'.")
        return window
