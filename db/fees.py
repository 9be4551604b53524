"""Fee entries a guild's admins added on top of the shipped tables (content/editions/<edition>/fees.toml).

Each entry belongs to one edition; entries stored before editions existed are 2017 per-module entries.
"""

from __future__ import annotations

import datetime as dt

from db import work as q
from db.connection import Database
from study.fees import FeeEntry


class DuplicateFeeDateError(Exception):
    """The guild already has a fee entry with that effective date."""


async def add_fee_entry(db: Database, guild_id: int, entry: FeeEntry, added_by: int, now: dt.datetime,
                        edition: str = "cpim-2017") -> None:
    def work() -> q.Work[None]:
        if (yield q.fetch_one("SELECT 1 FROM fee_entries WHERE guild_id = ? AND edition = ? AND effective = ?",
                                   (guild_id, edition, entry.effective.isoformat()))):
            raise DuplicateFeeDateError(entry.effective.isoformat())
        yield q.execute(
            "INSERT INTO fee_entries (guild_id, edition, effective, currency, member, non_member, bundle, source,"
            " note, added_by, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (guild_id, edition, entry.effective.isoformat(), entry.currency, entry.member, entry.non_member,
             entry.bundle, entry.source, entry.note, added_by, now.isoformat()),
        )

    await db.run_in_transaction(work)


async def remove_fee_entry(db: Database, guild_id: int, effective: dt.date, edition: str = "cpim-2017") -> bool:
    return await db.execute("DELETE FROM fee_entries WHERE guild_id = ? AND edition = ? AND effective = ?",
                            (guild_id, edition, effective.isoformat())) > 0


async def guild_fee_entries(db: Database, guild_id: int, edition: str = "cpim-2017") -> list[FeeEntry]:
    rows = await db.fetch_all(
        "SELECT effective, currency, member, non_member, bundle, source, note FROM fee_entries"
        " WHERE guild_id = ? AND edition = ? ORDER BY effective",
        (guild_id, edition),
    )
    return [
        FeeEntry(
            effective=dt.date.fromisoformat(row["effective"]), member=row["member"],
            non_member=row["non_member"], currency=row["currency"], source=row["source"],
            note=row["note"], confidence="added by this server's admins", added_by_guild=True,
            bundle=row["bundle"], scope="one exam" if edition == "cpim-8" else "per module exam",
        )
        for row in rows
    ]
