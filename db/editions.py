"""Which syllabus edition a guild follows (guild_settings.edition; NULL means the configured default)."""

from __future__ import annotations

import datetime as dt

from db.connection import Database


async def guild_edition(db: Database, guild_id: int) -> str | None:
    return await db.fetch_value("SELECT edition FROM guild_settings WHERE guild_id = ?", (guild_id,))


async def set_guild_edition(db: Database, guild_id: int, edition: str, now: dt.datetime) -> None:
    """Only the setting changes: no member record is touched by a switch."""
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO guild_settings (guild_id, edition, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT (guild_id) DO UPDATE SET edition = excluded.edition, updated_at = excluded.updated_at",
            (guild_id, edition, now.isoformat()),
        )
