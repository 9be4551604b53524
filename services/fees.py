"""Fee entries a server's admins add on top of the shipped tables: add, list, remove (per edition).

The shipped tables (content/editions/<edition>/fees.toml) are data the cogs read from the content; this service
holds what a server adds, each entry belonging to one edition (entries stored before editions existed are
2017 per-module entries). Which entry is in effect, and what a member's path costs, is study/fees.py.
"""

from __future__ import annotations

import datetime as dt

from db import fees as records
from db.connection import Database
from study.editions import Edition
from study.errors import UserInputError
from study.fees import FeeEntry

EDITION_2017 = "cpim-2017"


class FeeService:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def guild_entries(self, guild_id: int, edition_key: str = EDITION_2017) -> list[FeeEntry]:
        """The server's own entries for an edition, oldest effective date first."""
        return await records.guild_fee_entries(self.db, guild_id, edition_key)

    async def add(self, guild_id: int, edition: Edition, entry: FeeEntry, admin_id: int, now: dt.datetime) -> None:
        """Add an entry from its effective date; a second entry from the same date is refused (remove it first)."""
        try:
            await records.add_fee_entry(self.db, guild_id, entry, admin_id, now, edition.key)
        except records.DuplicateFeeDateError:
            raise UserInputError(f"This server already has a fee entry from {entry.effective.isoformat()} for "
                                 f"{edition.name}; remove it first with /admin fees remove.") from None

    async def remove(self, guild_id: int, effective: dt.date, edition_key: str) -> bool:
        """Remove the server's entry from that date; False when there was none."""
        return await records.remove_fee_entry(self.db, guild_id, effective, edition_key)
