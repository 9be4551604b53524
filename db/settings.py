"""A server's settings (guild_settings) and a member's settings in a server (member_settings).

This module is the only writer of both tables: every setting an admin or a member changes goes through one
of its `set_*` functions, each an upsert that changes only its own columns and keeps the others. A feature
may read its own columns where it uses them (db/seasons.py reads the season length and champion role,
db/progress.py the study-lead role); nothing else writes them.

guild_settings.updated_at is ISO text, member_settings.updated_at unix seconds (as the migrations made them).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from db.connection import Database
from db.timestamps import to_ts


@dataclass(frozen=True)
class GuildPlanning:
    """A server's defaults for time zone and exam nudges, and where exam windows are announced."""

    timezone: str | None
    nudge_offsets: tuple[int, ...] | None
    announce_channel_id: int | None
    window_notice_days: int | None


# ---- a member's settings --------------------------------------------------------------------------------------

async def member_timezone(db: Database, guild_id: int, user_id: int) -> str | None:
    return await db.fetch_value("SELECT timezone FROM member_settings WHERE guild_id = ? AND user_id = ?",
                                (guild_id, user_id))


async def member_nudge_offsets(db: Database, guild_id: int, user_id: int) -> tuple[int, ...] | None:
    text = await db.fetch_value("SELECT nudge_offsets FROM member_settings WHERE guild_id = ? AND user_id = ?",
                                (guild_id, user_id))
    return tuple(json.loads(text)) if text else None


async def set_member_setting(db: Database, guild_id: int, user_id: int, now: dt.datetime, *,
                             timezone: str | None = None, nudge_offsets: tuple[int, ...] | None = None) -> None:
    """Set the given settings, keeping the others."""
    await db.execute(
        "INSERT INTO member_settings (guild_id, user_id, timezone, nudge_offsets, updated_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (guild_id, user_id) DO UPDATE SET"
        " timezone = COALESCE(excluded.timezone, member_settings.timezone),"
        " nudge_offsets = COALESCE(excluded.nudge_offsets, member_settings.nudge_offsets),"
        " updated_at = excluded.updated_at",
        (guild_id, user_id, timezone, json.dumps(list(nudge_offsets)) if nudge_offsets is not None else None,
         to_ts(now)),
    )


# ---- a server's settings --------------------------------------------------------------------------------------

async def guild_planning(db: Database, guild_id: int) -> GuildPlanning:
    row = await db.fetch_one(
        "SELECT timezone, nudge_offsets, announce_channel_id, window_notice_days FROM guild_settings"
        " WHERE guild_id = ?", (guild_id,))
    if row is None:
        return GuildPlanning(None, None, None, None)
    offsets = tuple(json.loads(row["nudge_offsets"])) if row["nudge_offsets"] else None
    return GuildPlanning(row["timezone"], offsets, row["announce_channel_id"], row["window_notice_days"])


async def set_guild_planning(db: Database, guild_id: int, now: dt.datetime, *, timezone: str | None = None,
                             nudge_offsets: tuple[int, ...] | None = None, announce_channel_id: int | None = None,
                             window_notice_days: int | None = None) -> None:
    """Set the given planning defaults, keeping the others (None leaves a column as it is)."""
    await db.execute(
        "INSERT INTO guild_settings (guild_id, timezone, nudge_offsets, announce_channel_id, window_notice_days,"
        " updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (guild_id) DO UPDATE SET"
        " timezone = COALESCE(excluded.timezone, guild_settings.timezone),"
        " nudge_offsets = COALESCE(excluded.nudge_offsets, guild_settings.nudge_offsets),"
        " announce_channel_id = COALESCE(excluded.announce_channel_id, guild_settings.announce_channel_id),"
        " window_notice_days = COALESCE(excluded.window_notice_days, guild_settings.window_notice_days),"
        " updated_at = excluded.updated_at",
        (guild_id, timezone, json.dumps(list(nudge_offsets)) if nudge_offsets is not None else None,
         announce_channel_id, window_notice_days, dt.datetime.isoformat(now)),
    )


async def guild_edition(db: Database, guild_id: int) -> str | None:
    """The syllabus edition the server follows; None means the configured default."""
    return await db.fetch_value("SELECT edition FROM guild_settings WHERE guild_id = ?", (guild_id,))


async def set_guild_edition(db: Database, guild_id: int, edition: str, now: dt.datetime) -> None:
    """Only the setting changes: no member record is touched by a switch."""
    await _set_column(db, guild_id, "edition", edition, now)


async def set_study_lead_role(db: Database, guild_id: int, role_id: int | None, now: dt.datetime) -> None:
    """The role that may use the organizers' commands; None clears it."""
    await _set_column(db, guild_id, "study_lead_role", role_id, now)


async def set_season_months(db: Database, guild_id: int, months: int, now: dt.datetime) -> None:
    await _set_column(db, guild_id, "season_months", months, now)


async def set_champion_role(db: Database, guild_id: int, role_id: int | None, now: dt.datetime) -> None:
    """The role moved to each season's champions; None clears it."""
    await _set_column(db, guild_id, "champion_role_id", role_id, now)


_SETTABLE = frozenset({"edition", "study_lead_role", "season_months", "champion_role_id"})


async def _set_column(db: Database, guild_id: int, column: str, value: int | str | None, now: dt.datetime) -> None:
    """Set one column to `value` (None clears it), keeping the others."""
    if column not in _SETTABLE:
        raise ValueError(f"not a settable guild setting: {column!r}")
    await db.execute(
        f"INSERT INTO guild_settings (guild_id, {column}, updated_at) VALUES (?, ?, ?)"
        f" ON CONFLICT (guild_id) DO UPDATE SET {column} = excluded.{column}, updated_at = excluded.updated_at",
        (guild_id, value, now.isoformat()))
