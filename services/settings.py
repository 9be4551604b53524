"""Settings: a member's time zone and nudge days, a server's defaults (time zone, nudge days, window
announcements, study-lead role, season length, champion role). The other services ask it which zone and
which nudge days apply to a member."""

from __future__ import annotations

import datetime as dt

from db import progress as progress_records
from db import settings as records
from db.connection import Database
from db.settings import GuildPlanning
from study.recurrence import DEFAULT_NUDGE_DAYS
from study.seasons import check_months
from study.timeparse import validate_timezone


class SettingsService:
    def __init__(self, db: Database, default_timezone: str) -> None:
        self.db = db
        self.default_timezone = default_timezone

    # ---- a member's ----------------------------------------------------------------------------------------

    async def timezone_for(self, guild_id: int, user_id: int) -> str:
        """The member's zone, else the guild's, else the bot's default."""
        return (await records.member_timezone(self.db, guild_id, user_id)
                or (await records.guild_planning(self.db, guild_id)).timezone
                or self.default_timezone)

    async def own_timezone(self, guild_id: int, user_id: int) -> str | None:
        """The zone the member set themselves, None if they follow the server's."""
        return await records.member_timezone(self.db, guild_id, user_id)

    async def set_timezone(self, guild_id: int, user_id: int, name: str, now: dt.datetime) -> str:
        zone = validate_timezone(name)
        await records.set_member_setting(self.db, guild_id, user_id, now, timezone=zone)
        return zone

    async def offsets_for(self, guild_id: int, user_id: int) -> tuple[int, ...]:
        """The member's nudge days, else the server's, else the default series; () means nudges are off."""
        member = await records.member_nudge_offsets(self.db, guild_id, user_id)
        if member is not None:
            return member
        guild = (await records.guild_planning(self.db, guild_id)).nudge_offsets
        # () is the server's explicit "off", not "unset": only None falls back to the default series
        return guild if guild is not None else DEFAULT_NUDGE_DAYS

    async def set_member_offsets(self, guild_id: int, user_id: int, offsets: tuple[int, ...],
                                 now: dt.datetime) -> None:
        """Store the member's nudge days only; ExamService.set_member_offsets also reschedules their nudges."""
        await records.set_member_setting(self.db, guild_id, user_id, now, nudge_offsets=offsets)

    # ---- a server's -----------------------------------------------------------------------------------------

    async def guild_timezone(self, guild_id: int) -> str:
        return (await records.guild_planning(self.db, guild_id)).timezone or self.default_timezone

    async def guild_planning(self, guild_id: int) -> GuildPlanning:
        return await records.guild_planning(self.db, guild_id)

    async def set_guild_timezone(self, guild_id: int, name: str, now: dt.datetime) -> str:
        zone = validate_timezone(name)
        await records.set_guild_planning(self.db, guild_id, now, timezone=zone)
        return zone

    async def set_guild_offsets(self, guild_id: int, offsets: tuple[int, ...], now: dt.datetime) -> None:
        """The server's default nudge days for members who set none; new exam dates use them."""
        await records.set_guild_planning(self.db, guild_id, now, nudge_offsets=offsets)

    async def set_announcements(self, guild_id: int, channel_id: int, notice_days: int, now: dt.datetime) -> None:
        await records.set_guild_planning(self.db, guild_id, now, announce_channel_id=channel_id,
                                         window_notice_days=notice_days)

    async def study_lead_role(self, guild_id: int) -> int | None:
        """The role that may organize (/group, /quiz-live, /questions review) besides Manage Server."""
        return await progress_records.study_lead_role(self.db, guild_id)

    async def set_study_lead_role(self, guild_id: int, role_id: int | None, now: dt.datetime) -> None:
        await records.set_study_lead_role(self.db, guild_id, role_id, now)

    async def set_season_months(self, guild_id: int, months: int, now: dt.datetime) -> None:
        check_months(months)
        await records.set_season_months(self.db, guild_id, months, now)

    async def set_champion_role(self, guild_id: int, role_id: int | None, now: dt.datetime) -> None:
        await records.set_champion_role(self.db, guild_id, role_id, now)
