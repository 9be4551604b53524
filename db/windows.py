"""A server's exam windows (exam_windows) and the members who joined them (window_members).

The only writer of both tables. A window's reminders are rows whose payload carries its `window_id`: the
server's opening announcement and each member's closing DM (written by db/reminders.py). Leaving a window
cancels the member's, removing it cancels all of them, in the same transaction as the change
(reminders.cancel_by_payload), a DM being sent included: no window DM outlives the membership.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from db import reminders
from db import work as q
from db.connection import Database
from db.timestamps import to_ts
from db.work import Row, Work


@dataclass(frozen=True)
class ExamWindow:
    id: int
    guild_id: int
    name: str
    starts_on: dt.date
    ends_on: dt.date
    modules: tuple[str, ...]
    members: int = 0


def _window(row: Row) -> ExamWindow:
    return ExamWindow(row["id"], row["guild_id"], row["name"], dt.date.fromisoformat(row["starts_on"]),
                      dt.date.fromisoformat(row["ends_on"]), tuple(json.loads(row["modules"])),
                      row["members"] if "members" in row.keys() else 0)  # noqa: SIM118 - sqlite3.Row has no __contains__


async def add_window(db: Database, guild_id: int, name: str, starts_on: dt.date, ends_on: dt.date,
                     modules: tuple[str, ...], created_by: int, now: dt.datetime) -> ExamWindow | None:
    """None when the guild already has a window of that name."""
    statement = ("INSERT INTO exam_windows (guild_id, name, starts_on, ends_on, modules, created_by, created_at)"
                 " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING *")
    parameters = (guild_id, name, starts_on.isoformat(), ends_on.isoformat(), json.dumps(list(modules)), created_by,
                  to_ts(now))
    row = await db.run_in_transaction(lambda: q.single(q.fetch_one(statement, parameters)))
    return _window(row) if row else None


async def windows(db: Database, guild_id: int) -> list[ExamWindow]:
    rows = await db.fetch_all(
        "SELECT w.*, (SELECT COUNT(*) FROM window_members m WHERE m.window_id = w.id) AS members"
        " FROM exam_windows w WHERE w.guild_id = ? ORDER BY w.starts_on", (guild_id,))
    return [_window(row) for row in rows]


async def window_by_name(db: Database, guild_id: int, name: str) -> ExamWindow | None:
    row = await db.fetch_one("SELECT * FROM exam_windows WHERE guild_id = ? AND LOWER(name) = LOWER(?)",
                             (guild_id, name.strip()))
    return _window(row) if row else None


async def remove_window(db: Database, guild_id: int, window_id: int) -> None:
    """Delete the window (its members go with it) and cancel every reminder about it, in one transaction."""
    def work() -> Work[None]:
        yield from reminders.cancel_by_payload(db.dialect, guild_id=guild_id, user_id=None, key="window_id",
                                               value=window_id)
        yield q.execute("DELETE FROM exam_windows WHERE guild_id = ? AND id = ?", (guild_id, window_id))

    await db.run_in_transaction(work)


async def join_window(db: Database, window: ExamWindow, user_id: int, now: dt.datetime) -> bool:
    """False if the member is in it already."""
    return await db.execute(
        "INSERT INTO window_members (window_id, guild_id, user_id, joined_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT DO NOTHING", (window.id, window.guild_id, user_id, to_ts(now))) > 0


async def leave_window(db: Database, window: ExamWindow, user_id: int) -> bool:
    """Take the member out and cancel their closing DM (one being sent included) in one transaction; False if
    they were not in it (nothing changes)."""
    def work() -> Work[bool]:
        left = yield q.execute("DELETE FROM window_members WHERE window_id = ? AND user_id = ?",
                                    (window.id, user_id))
        if left == 0:
            return False
        yield from reminders.cancel_by_payload(db.dialect, guild_id=window.guild_id, user_id=user_id,
                                               key="window_id", value=window.id)
        return True

    return await db.run_in_transaction(work)


async def member_windows(db: Database, guild_id: int, user_id: int) -> set[int]:
    rows = await db.fetch_all("SELECT window_id FROM window_members WHERE guild_id = ? AND user_id = ?",
                              (guild_id, user_id))
    return {row[0] for row in rows}
