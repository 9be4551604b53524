"""Where a question id leads: the shipped bank, this guild's own bank, or a calculation generator."""

from __future__ import annotations

import functools

from db import question_admin
from db.connection import Database
from study.content import Content
from study.generated_ids import parse_generated_id
from study.generators import FAMILIES, generate
from study.questions import Question
from study.selection import FamilyRef


@functools.lru_cache(maxsize=4096)
def _generated(family: str, seed: int) -> Question:
    """A generated question is a pure function of its id, and a quiz asks for it again on the answer click, on
    Next and in the summary: drawing it again each time was a tenth of a click's CPU. Questions are frozen."""
    return generate(family, seed)


class QuestionCatalog:
    """The questions a guild can be asked. Guild banks are cached and reloaded after an import."""

    def __init__(self, content: Content, db: Database) -> None:
        self.content = content
        self.db = db
        self._guild_questions: dict[int, dict[str, Question]] = {}
        self._retired: dict[int, frozenset[str]] = {}
        # pool() per scope: filtering a 10,000-question bank in Python on every /quiz was most of the
        # next-question pick's time (bench/quiz_bench.py); the bank is fixed, a guild's part is invalidated
        self._pools: dict[tuple[int | None, str | None, str | None], tuple[Question, ...]] = {}

    async def _load(self, guild_id: int) -> None:
        if guild_id not in self._guild_questions:
            questions = await question_admin.guild_questions(self.db, guild_id)
            retired = frozenset(await question_admin.retired_ids(self.db, guild_id))
            # both at once, after the last await: a command arriving in between must not find the questions
            # loaded and the retired ids missing (KeyError for the first members after a start)
            self._guild_questions[guild_id] = {q.id: q for q in questions}
            self._retired[guild_id] = retired

    def invalidate(self, guild_id: int) -> None:
        self._guild_questions.pop(guild_id, None)
        self._retired.pop(guild_id, None)
        for key in [key for key in self._pools if key[0] == guild_id]:
            del self._pools[key]

    async def get(self, guild_id: int | None, question_id: str) -> Question | None:
        """Any question ever shown, retired ones included (an open session must still render)."""
        generated = parse_generated_id(question_id)
        if generated:
            family, seed = generated
            return _generated(family, seed) if family in FAMILIES else None
        question = self.content.bank.get(question_id)
        if question is None and guild_id is not None:
            await self._load(guild_id)
            question = self._guild_questions[guild_id].get(question_id)
        return question

    async def pool(self, guild_id: int | None, module: str | None = None,
                   topic: str | None = None) -> tuple[Question, ...]:
        """Written questions in scope that the guild has not retired (cached until invalidate)."""
        key = (guild_id, module, topic)
        cached = self._pools.get(key)
        if cached is not None and (guild_id is None or guild_id in self._guild_questions):
            return cached
        questions = self.content.bank.for_module(module, topic)
        if guild_id is not None:
            await self._load(guild_id)
            questions += [q for q in self._guild_questions[guild_id].values()
                          if (module is None or q.module == module) and (topic is None or q.topic == topic)]
            retired = self._retired[guild_id]
            questions = [q for q in questions if q.id not in retired]
        self._pools[key] = pool = tuple(questions)
        return pool

    async def retired(self, guild_id: int | None) -> frozenset[str]:
        """Ids the guild retired: bank question ids and gen:<family> for whole generator families."""
        if guild_id is None:
            return frozenset()
        await self._load(guild_id)
        return self._retired[guild_id]

    def retirement_key(self, question_id: str) -> str | None:
        """What retiring this id stops: the question, or for a generated one (gen:<family>[:<seed>]) its family.

        None when the id names nothing (an unknown family)."""
        if question_id.startswith("gen:"):
            family = question_id.split(":")[1] if question_id.count(":") >= 1 else ""
            return f"gen:{family}" if family in FAMILIES else None
        return question_id

    async def families(self, guild_id: int | None, module: str | None = None,
                       topic: str | None = None) -> list[FamilyRef]:
        retired = set()
        if guild_id is not None:
            await self._load(guild_id)
            retired = self._retired[guild_id]
        return [FamilyRef(f.name, f.module, f.topic) for f in FAMILIES.values()
                if (module is None or f.module == module) and (topic is None or f.topic == topic)
                and f"gen:{f.name}" not in retired]
