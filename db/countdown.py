"""The organizers' pinned countdown (countdown_boards) and the members listed on it (countdown_sharing).

The only writer of both tables (0016_countdown_board.sql). A board row exists while a guild's board is on; its
morning edit is a reminders row that db.reminders writes (the service keeps the two in step: schedule first,
then this row, so a crash between them leaves a schedule that finds no board and cancels itself, never a board
that is never edited). A sharing row means the member opted in; no row is the default, out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from db import work as q
from db.connection import Database
from db.timestamps import from_ts, to_ts


@dataclass(frozen=True)
class Board:
    guild_id: int
    channel_id: int
    message_id: int
    post_time: dt.time
    replaced: bool                 # the message was deleted once and posted again
    last_error: str | None
    edited_at: dt.datetime | None
    created_by: int


def _board(row) -> Board:
    return Board(row["guild_id"], row["channel_id"], row["message_id"], dt.time.fromisoformat(row["post_time"]),
                 bool(row["replaced"]), row["last_error"], from_ts(row["edited_at"]), row["created_by"])


async def board(db: Database, guild_id: int) -> Board | None:
    row = await db.fetch_one("SELECT * FROM countdown_boards WHERE guild_id = ?", (guild_id,))
    return None if row is None else _board(row)


async def set_board(db: Database, guild_id: int, channel_id: int, message_id: int, post_time: dt.time,
                    created_by: int, now: dt.datetime) -> Board:
    """Start (or move) the guild's board: a new message, never replaced yet."""
    statement = (
        "INSERT INTO countdown_boards (guild_id, channel_id, message_id, post_time, replaced, last_error, edited_at,"
        " created_by, created_at) VALUES (?, ?, ?, ?, 0, NULL, ?, ?, ?) ON CONFLICT (guild_id) DO UPDATE SET"
        " channel_id = excluded.channel_id, message_id = excluded.message_id, post_time = excluded.post_time,"
        " replaced = 0, last_error = NULL, edited_at = excluded.edited_at, created_by = excluded.created_by,"
        " created_at = excluded.created_at RETURNING *")
    parameters = (guild_id, channel_id, message_id, post_time.strftime("%H:%M"), to_ts(now), created_by, to_ts(now))
    row = await db.run_in_transaction(lambda: q.single(q.fetch_one(statement, parameters)))
    assert row is not None  # an upsert always returns its row
    return _board(row)


async def record_edit(db: Database, guild_id: int, message_id: int, now: dt.datetime) -> None:
    """The board's message shows today's figures (only if it is still that message: a move or an off wins)."""
    await db.execute("UPDATE countdown_boards SET edited_at = ?, last_error = NULL"
                     " WHERE guild_id = ? AND message_id = ?", (to_ts(now), guild_id, message_id))


async def record_error(db: Database, guild_id: int, message_id: int, error: str) -> None:
    await db.execute("UPDATE countdown_boards SET last_error = ? WHERE guild_id = ? AND message_id = ?",
                     (error[:300], guild_id, message_id))


async def record_replaced(db: Database, guild_id: int, old_message_id: int, new_message_id: int,
                          now: dt.datetime) -> bool:
    """The deleted message `old_message_id` was posted again as `new_message_id`; False if the board changed."""
    return await db.execute(
        "UPDATE countdown_boards SET message_id = ?, replaced = 1, last_error = NULL, edited_at = ?"
        " WHERE guild_id = ? AND message_id = ?", (new_message_id, to_ts(now), guild_id, old_message_id)) == 1


async def remove_board(db: Database, guild_id: int) -> Board | None:
    row = await db.run_in_transaction(lambda: q.single(q.fetch_one(
        "DELETE FROM countdown_boards WHERE guild_id = ? RETURNING *", (guild_id,))))
    return None if row is None else _board(row)


# ---- members who opted in ---------------------------------------------------------------------------------------

async def set_sharing(db: Database, guild_id: int, user_id: int, shared: bool, now: dt.datetime) -> bool:
    """Opt the member in (a row) or out (no row); True if that changed anything."""
    if shared:
        changed = await db.execute("INSERT INTO countdown_sharing (guild_id, user_id, shared_at) VALUES (?, ?, ?)"
                                   " ON CONFLICT DO NOTHING", (guild_id, user_id, to_ts(now)))
    else:
        changed = await db.execute("DELETE FROM countdown_sharing WHERE guild_id = ? AND user_id = ?",
                                   (guild_id, user_id))
    return changed == 1


async def shares(db: Database, guild_id: int, user_id: int) -> bool:
    return bool(await db.fetch_value("SELECT 1 FROM countdown_sharing WHERE guild_id = ? AND user_id = ?",
                                     (guild_id, user_id)))


async def sharing_members(db: Database, guild_id: int) -> set[int]:
    rows = await db.fetch_all("SELECT user_id FROM countdown_sharing WHERE guild_id = ?", (guild_id,))
    return {row[0] for row in rows}
