"""QuestionCatalog under concurrency: the first commands in a guild arrive together after a start."""

from __future__ import annotations

import asyncio

from services.catalog import QuestionCatalog


async def test_members_arriving_together_all_see_the_guilds_retired_questions(db, content):
    catalog = QuestionCatalog(content, db)

    async def arrive_after(turns: int) -> frozenset[str]:
        for _ in range(turns):
            await asyncio.sleep(0)
        return await catalog.retired(7)

    # some arrive while the first is still between its two loading queries
    seen = await asyncio.gather(*(arrive_after(turns) for turns in range(40)))
    assert seen == [frozenset()] * 40
