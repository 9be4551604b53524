"""Members' time zones and nudge offsets, exam appointments, and a guild's exam windows."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from db.connection import Database
from db.timestamps import to_ts


@dataclass(frozen=True)
class Exam:
    id: int
    guild_id: int
    user_id: int
    module: str
    exam_date: dt.date
    exam_time: dt.time | None
    timezone: str


@dataclass(frozen=True)
class ExamWindow:
    id: int
    guild_id: int
    name: str
    starts_on: dt.date
    ends_on: dt.date
    modules: tuple[str, ...]
    members: int = 0


@dataclass(frozen=True)
class GuildPlanning:
    timezone: str | None
    nudge_offsets: tuple[int, ...] | None
    announce_channel_id: int | None
    window_notice_days: int | None


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
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO member_settings (guild_id, user_id, timezone, nudge_offsets, updated_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (guild_id, user_id) DO UPDATE SET"
            " timezone = COALESCE(excluded.timezone, timezone),"
            " nudge_offsets = COALESCE(excluded.nudge_offsets, nudge_offsets), updated_at = excluded.updated_at",
            (guild_id, user_id, timezone, json.dumps(list(nudge_offsets)) if nudge_offsets is not None else None,
             to_ts(now)),
        )


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
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO guild_settings (guild_id, timezone, nudge_offsets, announce_channel_id, window_notice_days,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (guild_id) DO UPDATE SET"
            " timezone = COALESCE(excluded.timezone, timezone),"
            " nudge_offsets = COALESCE(excluded.nudge_offsets, nudge_offsets),"
            " announce_channel_id = COALESCE(excluded.announce_channel_id, announce_channel_id),"
            " window_notice_days = COALESCE(excluded.window_notice_days, window_notice_days),"
            " updated_at = excluded.updated_at",
            (guild_id, timezone, json.dumps(list(nudge_offsets)) if nudge_offsets is not None else None,
             announce_channel_id, window_notice_days, dt.datetime.isoformat(now)),
        )


def _exam(row) -> Exam:
    return Exam(row["id"], row["guild_id"], row["user_id"], row["module"], dt.date.fromisoformat(row["exam_date"]),
                dt.time.fromisoformat(row["exam_time"]) if row["exam_time"] else None, row["timezone"])


async def set_exam(db: Database, guild_id: int, user_id: int, module: str, exam_date: dt.date,
                   exam_time: dt.time | None, timezone: str, now: dt.datetime) -> Exam:
    """Record (or move) the member's exam for a module; the caller replaces its nudges."""
    async with db.transaction() as conn, conn.execute(
        "INSERT INTO exams (guild_id, user_id, module, exam_date, exam_time, timezone, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (guild_id, user_id, module) DO UPDATE SET"
        " exam_date = excluded.exam_date, exam_time = excluded.exam_time, timezone = excluded.timezone"
        " RETURNING *",
        (guild_id, user_id, module, exam_date.isoformat(),
         exam_time.strftime("%H:%M") if exam_time else None, timezone, to_ts(now)),
    ) as cursor:
        return _exam(await cursor.fetchone())


async def member_exams(db: Database, guild_id: int, user_id: int) -> list[Exam]:
    rows = await db.fetch_all("SELECT * FROM exams WHERE guild_id = ? AND user_id = ? ORDER BY exam_date",
                              (guild_id, user_id))
    return [_exam(row) for row in rows]


async def remove_exam(db: Database, guild_id: int, user_id: int, module: str) -> Exam | None:
    """Delete the member's exam for a module and cancel its nudges in the same transaction."""
    async with db.transaction() as conn:
        async with conn.execute(
            "DELETE FROM exams WHERE guild_id = ? AND user_id = ? AND module = ? RETURNING *",
            (guild_id, user_id, module),
        ) as cursor:
            row = await cursor.fetchone()
        if row is None:
            return None
        await conn.execute(
            "UPDATE reminders SET state = 'cancelled', claimed_at = NULL WHERE guild_id = ? AND user_id = ?"
            " AND state IN ('pending', 'in_flight', 'paused') AND json_extract(payload, '$.exam_id') = ?",
            (guild_id, user_id, row["id"]),
        )
    return _exam(row)


async def cancel_reminders_by_payload(db: Database, guild_id: int, user_id: int | None, key: str,
                                      value: int | str) -> int:
    """Cancel active reminders whose payload has key = value (an exam's or a window's nudges)."""
    sql = ("UPDATE reminders SET state = 'cancelled' WHERE guild_id = ? AND state IN ('pending', 'paused')"
           " AND json_extract(payload, ?) = ?")
    parameters: list[object] = [guild_id, f"$.{key}", value]
    if user_id is not None:
        sql += " AND user_id = ?"
        parameters.append(user_id)
    async with db.transaction() as conn:
        cursor = await conn.execute(sql, parameters)
        return cursor.rowcount


def _window(row) -> ExamWindow:
    return ExamWindow(row["id"], row["guild_id"], row["name"], dt.date.fromisoformat(row["starts_on"]),
                      dt.date.fromisoformat(row["ends_on"]), tuple(json.loads(row["modules"])),
                      row["members"] if "members" in row.keys() else 0)  # noqa: SIM118 - sqlite3.Row has no __contains__


async def add_window(db: Database, guild_id: int, name: str, starts_on: dt.date, ends_on: dt.date,
                     modules: tuple[str, ...], created_by: int, now: dt.datetime) -> ExamWindow | None:
    """None when the guild already has a window of that name."""
    async with db.transaction() as conn, conn.execute(
        "INSERT OR IGNORE INTO exam_windows (guild_id, name, starts_on, ends_on, modules, created_by, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *",
        (guild_id, name, starts_on.isoformat(), ends_on.isoformat(), json.dumps(list(modules)), created_by,
         to_ts(now)),
    ) as cursor:
        row = await cursor.fetchone()
    return _window(row) if row else None


async def windows(db: Database, guild_id: int) -> list[ExamWindow]:
    rows = await db.fetch_all(
        "SELECT w.*, (SELECT COUNT(*) FROM window_members m WHERE m.window_id = w.id) AS members"
        " FROM exam_windows w WHERE w.guild_id = ? ORDER BY w.starts_on", (guild_id,))
    return [_window(row) for row in rows]


async def window_by_name(db: Database, guild_id: int, name: str) -> ExamWindow | None:
    row = await db.fetch_one("SELECT * FROM exam_windows WHERE guild_id = ? AND name = ? COLLATE NOCASE",
                             (guild_id, name.strip()))
    return _window(row) if row else None


async def remove_window(db: Database, guild_id: int, window_id: int) -> None:
    async with db.transaction() as conn:
        await conn.execute("DELETE FROM exam_windows WHERE guild_id = ? AND id = ?", (guild_id, window_id))


async def join_window(db: Database, window: ExamWindow, user_id: int, now: dt.datetime) -> bool:
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "INSERT OR IGNORE INTO window_members (window_id, guild_id, user_id, joined_at) VALUES (?, ?, ?, ?)",
            (window.id, window.guild_id, user_id, to_ts(now)))
        return cursor.rowcount > 0


async def leave_window(db: Database, window: ExamWindow, user_id: int) -> bool:
    async with db.transaction() as conn:
        cursor = await conn.execute("DELETE FROM window_members WHERE window_id = ? AND user_id = ?",
                                    (window.id, user_id))
        return cursor.rowcount > 0


async def member_windows(db: Database, guild_id: int, user_id: int) -> set[int]:
    rows = await db.fetch_all("SELECT window_id FROM window_members WHERE guild_id = ? AND user_id = ?",
                              (guild_id, user_id))
    return {row[0] for row in rows}
