"""The organizers' pinned countdown: which board a server has, what it shows today, and who is listed on it.

A board is a message the bot pinned in a channel (db.countdown) and a server reminder row that fires every
morning in the server's time zone (db.reminders, kind OTHER, user 0, payload {"countdown_board": guild_id});
the reminder dispatcher hands that row to the Discord sender, which edits the message with board_figures().
Members are listed only after /countdown-sharing on (default off).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from db import countdown as records
from db import progress as progress_records
from db import reminders
from db.connection import Database
from db.windows import ExamWindow
from services.settings import SettingsService
from services.windows import WindowService
from study.countdown import BOARD_TIME, BoardExam, BoardLine, board_lines, board_schedule
from study.recurrence import next_occurrence
from study.timeparse import parse_time_of_day

BOARD_KEY = "countdown_board"  # the payload key of the board's morning reminder row


@dataclass(frozen=True)
class BoardFigures:
    today: dt.date
    timezone: str
    lines: list[BoardLine]
    more: int                        # upcoming exams of opted-in members left off the board
    windows: list[ExamWindow]        # the chapter's open and upcoming exam windows
    sharing: int                     # members who opted in


def is_board_reminder(payload: dict) -> bool:
    return BOARD_KEY in payload


class CountdownService:
    def __init__(self, db: Database, settings: SettingsService, windows: WindowService,
                 wake: Callable[[], None]) -> None:
        self.db = db
        self.settings = settings
        self.windows = windows
        self.wake = wake

    # ---- the board --------------------------------------------------------------------------------------------

    @staticmethod
    def board_time(text: str | None) -> dt.time:
        """The morning edit's local time from what an organizer typed (default 07:00); raises UserInputError."""
        return parse_time_of_day(text) if text and text.strip() else BOARD_TIME

    async def board(self, guild_id: int) -> records.Board | None:
        return await records.board(self.db, guild_id)

    async def start_board(self, guild_id: int, channel_id: int, message_id: int, at: dt.time, organizer_id: int,
                          now: dt.datetime) -> tuple[records.Board, dt.datetime]:
        """Record a board the cog just posted and pinned; returns it and its first morning edit.

        The schedule goes in first: if the bot stops between the two writes, the schedule fires, finds no board
        and cancels itself (the sender says 'gone'), instead of a board that would never be edited."""
        zone = await self.settings.guild_timezone(guild_id)
        schedule = board_schedule(at)
        first = next_occurrence(schedule, zone, now)
        await reminders.replace_by_payload(
            self.db, guild_id=guild_id, user_id=reminders.SERVER_USER_ID, key=BOARD_KEY, value=guild_id, now=now,
            new=[reminders.NewReminder(reminders.ReminderKind.OTHER, "", first, zone, schedule.to_json(),
                                       {BOARD_KEY: guild_id}, channel_id=channel_id)])
        board = await records.set_board(self.db, guild_id, channel_id, message_id, at, organizer_id, now)
        self.wake()
        return board, first

    async def stop_board(self, guild_id: int, now: dt.datetime) -> records.Board | None:
        """Turn the board off: the board row first, then its schedule (a schedule left alone finds no board)."""
        board = await records.remove_board(self.db, guild_id)
        await reminders.replace_by_payload(self.db, guild_id=guild_id, user_id=reminders.SERVER_USER_ID,
                                           key=BOARD_KEY, value=guild_id, now=now, new=[])
        return board

    async def next_edit(self, guild_id: int) -> dt.datetime | None:
        rows = await reminders.list_active(self.db, guild_id, reminders.SERVER_USER_ID)
        return next((row.due_at for row in rows if is_board_reminder(row.payload)), None)

    async def board_figures(self, guild_id: int, now: dt.datetime) -> BoardFigures:
        """What the board shows now: opted-in members' upcoming exams counted from the server's local day."""
        zone = await self.settings.guild_timezone(guild_id)
        today = now.astimezone(ZoneInfo(zone)).date()
        sharing = await records.sharing_members(self.db, guild_id)
        exams = [BoardExam(user_id, exam.module, exam.on)
                 for user_id, exam in await progress_records.guild_exam_dates(self.db, guild_id)]
        lines, more = board_lines(exams, sharing, today)
        windows = (await self.windows.list_windows(guild_id, now)).shown
        return BoardFigures(today, zone, lines, more, windows, len(sharing))

    async def record_edit(self, guild_id: int, message_id: int, now: dt.datetime) -> None:
        await records.record_edit(self.db, guild_id, message_id, now)

    async def record_error(self, guild_id: int, message_id: int, error: str) -> None:
        await records.record_error(self.db, guild_id, message_id, error)

    async def record_replaced(self, guild_id: int, old_message_id: int, new_message_id: int,
                              now: dt.datetime) -> bool:
        return await records.record_replaced(self.db, guild_id, old_message_id, new_message_id, now)

    # ---- members on the board ---------------------------------------------------------------------------------

    async def set_sharing(self, guild_id: int, user_id: int, shared: bool, now: dt.datetime) -> bool:
        return await records.set_sharing(self.db, guild_id, user_id, shared, now)

    async def shares(self, guild_id: int, user_id: int) -> bool:
        return await records.shares(self.db, guild_id, user_id)
