"""Questions written by members: submit, review (approve, edit, reject), and a member's own list."""

from __future__ import annotations

import datetime as dt

from db import contributions as records
from db.connection import Database
from services.catalog import QuestionCatalog
from services.editions import EditionService
from study import contributions as rules
from study.contributions import Draft, Place
from study.errors import UserInputError


class ContributionService:
    def __init__(self, db: Database, catalog: QuestionCatalog, editions: EditionService) -> None:
        self.db = db
        self.catalog = catalog
        self.editions = editions

    @property
    def _content(self):
        return self.catalog.content

    async def place(self, guild_id: int, module: str, topic: str) -> Place:
        """The member's pick in the server's edition, tagged in both editions (UserInputError if unknown)."""
        edition = await self.editions.key_for(guild_id)
        return rules.place_in_both(self._content.editions, edition, module, topic)

    def _reserved(self) -> frozenset[str]:
        return frozenset(self._content.bank.questions)

    async def check_room(self, guild_id: int, user_id: int) -> None:
        rules.can_submit(await records.pending_count(self.db, guild_id, user_id))

    async def submit(self, guild_id: int, user_id: int, place: Place, draft: Draft,
                     now: dt.datetime) -> tuple[records.Submission, int]:
        """Check the draft as an import would (ContentError) and queue it; (submission, pending after)."""
        question = rules.validate(draft, place, self._content.editions, self._reserved())
        submission, pending = await records.add(self.db, guild_id, user_id, question, now, rules.MAX_PENDING)
        if submission is None:
            rules.can_submit(pending)  # raises: add refuses only at the limit
            raise RuntimeError(f"a submission refused with {pending} pending, below the limit")
        return submission, pending

    async def next_pending(self, guild_id: int) -> tuple[records.Submission | None, int]:
        return await records.next_pending(self.db, guild_id), await records.pending_count(self.db, guild_id)

    async def _pending(self, guild_id: int, submission_id: int) -> records.Submission:
        found = await records.get(self.db, submission_id)
        if found is None or found.guild_id != guild_id:
            raise UserInputError("That submission no longer exists.")
        if found.state != "pending":
            raise UserInputError(f"That submission was already {found.state}.")
        return found

    async def pending(self, guild_id: int, submission_id: int) -> records.Submission:
        return await self._pending(guild_id, submission_id)

    async def approve(self, guild_id: int, submission_id: int, reviewer: int,
                      now: dt.datetime) -> records.Submission:
        await self._pending(guild_id, submission_id)
        approved = await records.approve(self.db, submission_id, reviewer, now)
        if approved is None:
            raise UserInputError("Someone else reviewed that submission a moment ago.")
        self.catalog.invalidate(guild_id)
        return approved

    async def reject(self, guild_id: int, submission_id: int, reviewer: int, reason: str,
                     now: dt.datetime) -> records.Submission:
        await self._pending(guild_id, submission_id)
        rejected = await records.reject(self.db, submission_id, reviewer, reason.strip(), now)
        if rejected is None:
            raise UserInputError("Someone else reviewed that submission a moment ago.")
        return rejected

    async def edit(self, guild_id: int, submission_id: int, draft: Draft) -> records.Submission:
        """A reviewer's correction, checked exactly like the member's submission (ContentError)."""
        found = await self._pending(guild_id, submission_id)
        question = rules.validate(draft, found.place, self._content.editions, self._reserved())
        if not await records.revise(self.db, submission_id, question):
            raise UserInputError("Someone else reviewed that submission a moment ago.")
        revised = await records.get(self.db, submission_id)
        if revised is None:  # erased (/forgetme) right after the correction
            raise UserInputError("That submission no longer exists.")
        return revised

    async def mine(self, guild_id: int, user_id: int) -> list[records.Submission]:
        return await records.of_member(self.db, guild_id, user_id)
