"""Seasons and champions: a guild's season length and champion role, season ends claimed once, champions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from db import work as q
from db.connection import Database
from db.timestamps import to_ts


@dataclass(frozen=True)
class SeasonSettings:
    months: int | None          # None: the default (the calendar month)
    champion_role_id: int | None


@dataclass(frozen=True)
class Champion:
    user_id: int
    right: int
    answered: int
    given_role: bool


async def settings(db: Database, guild_id: int) -> SeasonSettings:
    row = await db.fetch_one("SELECT season_months, champion_role_id FROM guild_settings WHERE guild_id = ?",
                             (guild_id,))
    return SeasonSettings(row[0], row[1]) if row else SeasonSettings(None, None)


async def claim_end(db: Database, guild_id: int, start: dt.date, end: dt.date, now: dt.datetime) -> bool:
    """True for the one caller that claims this season's end; False if it was claimed (or posted) already."""
    return await db.execute("INSERT INTO season_ends (guild_id, season_start, season_end, claimed_at)"
                            " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                            (guild_id, start.isoformat(), end.isoformat(), to_ts(now))) == 1


async def release_end(db: Database, guild_id: int, start: dt.date) -> None:
    await db.execute("DELETE FROM season_ends WHERE guild_id = ? AND season_start = ? AND message_id IS NULL",
                     (guild_id, start.isoformat()))


async def end_claimed(db: Database, guild_id: int, start: dt.date) -> bool:
    return bool(await db.fetch_value("SELECT 1 FROM season_ends WHERE guild_id = ? AND season_start = ?",
                                     (guild_id, start.isoformat())))


async def end_posted(db: Database, guild_id: int, start: dt.date, message_id: int, role_note: str) -> None:
    await db.execute("UPDATE season_ends SET message_id = ?, role_note = ? WHERE guild_id = ? AND season_start = ?",
                     (message_id, role_note, guild_id, start.isoformat()))


async def save_champions(db: Database, guild_id: int, start: dt.date, champions: list[Champion]) -> None:
    def work() -> q.Work[None]:
        yield q.execute("DELETE FROM season_champions WHERE guild_id = ? AND season_start = ?",
                             (guild_id, start.isoformat()))
        yield q.execute_many(
            "INSERT INTO season_champions (guild_id, season_start, user_id, right_count, answered, given_role)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [(guild_id, start.isoformat(), c.user_id, c.right, c.answered, int(c.given_role)) for c in champions])

    await db.run_in_transaction(work)


async def role_holders(db: Database, guild_id: int, before: dt.date) -> set[int]:
    """Members the bot gave the champion role for seasons before `before`: the ones to take it back from."""
    rows = await db.fetch_all("SELECT DISTINCT user_id FROM season_champions WHERE guild_id = ? AND season_start < ?"
                              " AND given_role = 1", (guild_id, before.isoformat()))
    return {row[0] for row in rows}


async def champions_of(db: Database, guild_id: int, start: dt.date) -> list[Champion]:
    rows = await db.fetch_all("SELECT user_id, right_count, answered, given_role FROM season_champions"
                              " WHERE guild_id = ? AND season_start = ? ORDER BY user_id",
                              (guild_id, start.isoformat()))
    return [Champion(row[0], row[1], row[2], bool(row[3])) for row in rows]
