"""A server's own question bank as its admins manage it: imported questions, members' flags, retirements.

Every change that alters what a server is asked (an import, a retirement, a restore) also drops the server's
part of the question catalog (services/catalog.py), so the next quiz sees it; the callers need not remember.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from db import question_admin as records
from db.connection import Database
from db.question_admin import FlagSummary
from services.catalog import QuestionCatalog
from study.questions import Question


class QuestionBankService:
    def __init__(self, db: Database, catalog: QuestionCatalog) -> None:
        self.db = db
        self.catalog = catalog

    async def own_questions(self, guild_id: int) -> list[Question]:
        """The server's own questions (imported, and members' approved ones with their author)."""
        return await records.guild_questions(self.db, guild_id)

    async def import_questions(self, guild_id: int, questions: Sequence[Question], admin_id: int,
                               now: dt.datetime) -> tuple[int, int]:
        """Add or update the server's questions, all in one transaction; returns (added, updated)."""
        counts = await records.import_questions(self.db, guild_id, questions, admin_id, now)
        self.catalog.invalidate(guild_id)
        return counts

    async def flag(self, guild_id: int, question_id: str, user_id: int, reason: str, now: dt.datetime) -> bool:
        """A member's report that a question is wrong, for the admins' /questions flagged; a second flag by the
        same member replaces the reason. True if new."""
        return await records.add_flag(self.db, guild_id, question_id, user_id, reason.strip(), now)

    async def flagged(self, guild_id: int) -> list[tuple[FlagSummary, Question | None]]:
        """Flagged questions, most flagged first, each with the question (None once it left the bank)."""
        return [(flag, await self.catalog.get(guild_id, flag.question_id))
                for flag in await records.flagged_questions(self.db, guild_id)]

    async def retire(self, guild_id: int, key: str, admin_id: int, now: dt.datetime) -> bool:
        """Stop asking a question (or, for `gen:<family>`, a calculation family); False if it already was."""
        changed = await records.retire(self.db, guild_id, key, admin_id, now)
        self.catalog.invalidate(guild_id)
        return changed

    async def restore(self, guild_id: int, key: str) -> bool:
        """Ask a retired question again; False if it was not retired."""
        changed = await records.restore(self.db, guild_id, key)
        self.catalog.invalidate(guild_id)
        return changed
