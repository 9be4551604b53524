"""QuestionBankService: imports, flags and retirements change what the server is asked at once (the catalog)."""

from __future__ import annotations

import datetime as dt

from services.catalog import QuestionCatalog
from services.question_bank import QuestionBankService
from study.content import Content
from study.questions import Question

NOW = dt.datetime(2026, 11, 25, 12, tzinfo=dt.UTC)
GUILD, ADMIN, MEMBER, OTHER = 1, 10, 100, 200


def own_question(content: Content, question_id: str = "own-001") -> Question:
    shipped = next(iter(content.bank.questions.values()))
    return Question(id=question_id, module=shipped.module, topic=shipped.topic, difficulty="easy",
                    stem="Which plan sets the production rate for a family?", choices=("S&OP", "MPS", "MRP", "CRP"),
                    answer_index=0, explanation="The production plan from S&OP sets the family's rate.")


async def test_imported_questions_are_asked_at_once_and_a_reimport_updates(db, content: Content):
    catalog = QuestionCatalog(content, db)
    bank = QuestionBankService(db, catalog)
    assert await catalog.get(GUILD, "own-001") is None  # loads (and caches) the server's empty bank
    assert await bank.import_questions(GUILD, [own_question(content)], ADMIN, NOW) == (1, 0)
    assert (await catalog.get(GUILD, "own-001")).stem.startswith("Which plan")
    assert await bank.import_questions(GUILD, [own_question(content)], ADMIN, NOW) == (0, 1)
    assert [q.id for q in await bank.own_questions(GUILD)] == ["own-001"]
    assert await bank.own_questions(GUILD + 1) == []


async def test_flags_are_counted_per_question_and_a_members_second_flag_replaces_the_reason(db, content: Content):
    bank = QuestionBankService(db, QuestionCatalog(content, db))
    question_id = next(iter(content.bank.questions))
    assert await bank.flag(GUILD, question_id, MEMBER, "  B is right too  ", NOW)
    assert not await bank.flag(GUILD, question_id, MEMBER, "the answer should be B", NOW)
    await bank.flag(GUILD, question_id, OTHER, "typo in the stem", NOW)
    [(flag, question)] = await bank.flagged(GUILD)
    assert (flag.question_id, flag.count, sorted(flag.reasons)) == (
        question_id, 2, ["the answer should be B", "typo in the stem"])
    assert question == content.bank.get(question_id)
    assert await bank.flagged(GUILD + 1) == []


async def test_a_retired_question_leaves_the_pool_at_once_and_comes_back_when_restored(db, content: Content):
    catalog = QuestionCatalog(content, db)
    bank = QuestionBankService(db, catalog)
    question = next(iter(content.bank.questions.values()))

    async def in_pool() -> bool:
        return question.id in {q.id for q in await catalog.pool(GUILD, question.module, question.topic)}

    assert await in_pool()
    assert await bank.retire(GUILD, question.id, ADMIN, NOW)
    assert not await bank.retire(GUILD, question.id, ADMIN, NOW)
    assert not await in_pool()
    assert await bank.restore(GUILD, question.id)
    assert not await bank.restore(GUILD, question.id)
    assert await in_pool()
