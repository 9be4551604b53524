"""Where a question id leads: the shipped bank, this guild's own bank, or a calculation generator."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable

from db import question_admin
from db.connection import Database
from study.content import Content
from study.editions import EDITION_2017
from study.generated_ids import parse_generated_id
from study.generators import FAMILIES, generate
from study.questions import Question
from study.selection import FamilyRef

# How long a process keeps the questions of a guild it does not own (see QuestionCatalog)
FOREIGN_TTL_SECONDS = 60.0


@functools.lru_cache(maxsize=4096)
def _generated(family: str, seed: int) -> Question:
    """A generated question is a pure function of its id, and a quiz asks for it again on the answer click, on
    Next and in the summary: drawing it again each time was a tenth of a click's CPU. Questions are frozen."""
    return generate(family, seed)


class QuestionCatalog:
    """The questions a guild can be asked. Guild banks are cached and reloaded after an import."""

    def __init__(self, content: Content, db: Database, owns: Callable[[int], bool] | None = None) -> None:
        self.content = content
        self.db = db
        # A guild's imports and retirements come through the process that owns its shard (its commands arrive
        # there), which invalidates at once; another process (a DM click on shard 0 for that guild) re-reads
        # its copy after FOREIGN_TTL_SECONDS. One process owns every guild: nothing expires.
        self._owns = owns
        self._loaded_at: dict[int, float] = {}
        self._guild_questions: dict[int, dict[str, Question]] = {}
        self._retired: dict[int, frozenset[str]] = {}
        # pool() per scope: filtering a 10,000-question bank in Python on every /quiz was most of the
        # next-question pick's time (bench/quiz_bench.py); the bank is fixed, a guild's part is invalidated
        self._pools: dict[tuple[int | None, str | None, str | None], tuple[Question, ...]] = {}

    def _expire_foreign(self, guild_id: int | None) -> None:
        if (guild_id is None or self._owns is None or self._owns(guild_id)
                or time.monotonic() - self._loaded_at.get(guild_id, 0.0) < FOREIGN_TTL_SECONDS):
            return
        self.invalidate(guild_id)

    async def _load(self, guild_id: int) -> None:
        self._expire_foreign(guild_id)
        if guild_id not in self._guild_questions:
            questions = await question_admin.guild_questions(self.db, guild_id)
            retired = frozenset(await question_admin.retired_ids(self.db, guild_id))
            # both at once, after the last await: a command arriving in between must not find the questions
            # loaded and the retired ids missing (KeyError for the first members after a start)
            self._guild_questions[guild_id] = {q.id: q for q in questions}
            self._retired[guild_id] = retired
            self._loaded_at[guild_id] = time.monotonic()

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

    def scope_edition(self, module: str | None) -> str:
        """The edition a scope's module key belongs to (module and topic keys of the editions never collide)."""
        owner = self.content.editions.edition_of_module(module) if module else None
        return owner.key if owner is not None else EDITION_2017

    def _in_scope(self, question: Question, module: str | None, topic: str | None, edition: str) -> bool:
        if module is None and topic is None:
            return True
        placed_module, placed_topic = self.content.editions.place(question, edition)
        return (module is None or placed_module == module) and (topic is None or placed_topic == topic)

    async def pool(self, guild_id: int | None, module: str | None = None,
                   topic: str | None = None) -> tuple[Question, ...]:
        """Written questions in scope that the guild has not retired (cached until invalidate). The scope's
        module key says which edition places the questions: `dsp` by their 2017 tag, `supply` by their CPIM 8 one."""
        key = (guild_id, module, topic)
        self._expire_foreign(guild_id)
        cached = self._pools.get(key)
        if cached is not None and (guild_id is None or guild_id in self._guild_questions):
            return cached
        edition = self.scope_edition(module)
        if edition == EDITION_2017:
            questions = self.content.bank.for_module(module, topic)
        else:
            questions = [q for q in self.content.bank.questions.values() if self._in_scope(q, module, topic, edition)]
        if guild_id is not None:
            await self._load(guild_id)
            questions += [q for q in self._guild_questions[guild_id].values()
                          if self._in_scope(q, module, topic, edition)]
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
        retired: frozenset[str] = frozenset()
        if guild_id is not None:
            await self._load(guild_id)
            retired = self._retired[guild_id]
        edition = self.scope_edition(module)
        found = []
        for family in FAMILIES.values():
            placed_module, placed_topic = self.content.editions.place_family(family, edition)
            if ((module is None or placed_module == module) and (topic is None or placed_topic == topic)
                    and f"gen:{family.name}" not in retired):
                found.append(FamilyRef(family.name, family.module, family.topic))
        return found

    async def item_place(self, guild_id: int | None, item: str, edition: str) -> tuple[str, str] | None:
        """Where a review card's item or a question id (a bank id, gen:<family> or gen:<family>:<seed>) belongs
        under an edition; None if unknown."""
        if item.startswith("gen:"):
            family = FAMILIES.get(item.split(":")[1])
            return self.content.editions.place_family(family, edition) if family else None
        question = await self.get(guild_id, item)
        return self.content.editions.place(question, edition) if question else None
