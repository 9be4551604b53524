"""Live quiz nights: plan a game, take answers, move it on when time is up, stop it, resume it after a restart.

No Discord here: the cog posts and edits messages from what these functions return. Time always comes in
as `now` from the bot's clock.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from db import live as records
from db.connection import Database
from services.catalog import QuestionCatalog
from services.editions import EditionService
from study import live as rules
from study.errors import UserInputError
from study.generated_ids import generated_id, parse_generated_id
from study.questions import Question
from study.selection import SEED_SPACE
from study.srs import item_key
from study.syllabus import require_module


class GameOver(UserInputError):
    """A click on a game or question that is no longer open."""


@dataclass(frozen=True)
class Current:
    game: records.Game
    item: records.Item
    question: Question


@dataclass(frozen=True)
class Reveal:
    """A question that just closed: what each choice got, and the board after it."""

    game: records.Game
    item: records.Item
    question: Question | None  # None if it left the bank since it was asked: its message stays as it was
    counts: list[int]
    answered: int
    board: list[rules.Standing]


@dataclass(frozen=True)
class Final:
    game: records.Game
    board: list[rules.Standing]
    topics: list[rules.TopicTally]
    asked: int


@dataclass(frozen=True)
class Step:
    """What moving a game on produced: the reveal of the question that closed, then the next one or the end."""

    reveal: Reveal | None
    next: Current | None
    final: Final | None


class LiveService:
    def __init__(self, db: Database, catalog: QuestionCatalog, editions: EditionService,
                 rng: random.Random | None = None) -> None:
        self.db = db
        self.catalog = catalog
        self.editions = editions
        self.rng = rng or random.SystemRandom()

    async def plan(self, guild_id: int, module: str | None, count: int) -> tuple[str, str | None, list[Question]]:
        """(edition, module key in that edition, questions): written questions, the server's own included, and a
        share of generated calculations (study.live.calculation_count)."""
        edition = await self.editions.edition_for(guild_id)
        key = None
        if module:
            key = require_module(edition.syllabus, module).key
        places = self.catalog.content.editions
        pool = [q for q in await self.catalog.pool(guild_id)
                if key is None or places.place(q, edition.key)[0] == key]
        families = await self.catalog.families(guild_id, key)  # placed by the edition the module key belongs to
        calculations = rules.calculation_count(count, len(families), len(pool))
        if not pool and not calculations:
            raise UserInputError("There are no questions in that module yet.")
        picked = self.rng.sample(pool, min(count - calculations, len(pool)))
        for family in self.rng.sample(families, calculations):
            question = await self.catalog.get(guild_id, generated_id(family.name, self.rng.randrange(SEED_SPACE)))
            if question is not None:
                picked.append(question)
        self.rng.shuffle(picked)
        return edition.key, key, picked

    async def start(self, *, guild_id: int, channel_id: int, in_thread: bool, started_by: int, edition: str,
                    module: str | None, seconds: int, questions: list[Question], now: dt.datetime) -> Current:
        if not rules.MIN_SECONDS <= seconds <= rules.MAX_SECONDS:
            raise UserInputError(f"Each question lasts {rules.MIN_SECONDS} to {rules.MAX_SECONDS} seconds.")
        game_id = await records.create(
            self.db, guild_id=guild_id, channel_id=channel_id, in_thread=in_thread, started_by=started_by,
            edition=edition, module=module, seconds=seconds, now=now,
            items=[records.Planned(q.id, q.module, q.topic) for q in questions])
        return await self.current(game_id)

    async def _item_keys(self, game_id: int) -> dict[str, str]:
        """The review card each generated question trains (its family), so a live answer counts like a /quiz one."""
        keys = {}
        for item in await records.items(self.db, game_id):
            generated = parse_generated_id(item.question_id)
            if generated:
                keys[item.question_id] = item_key(item.question_id, generated[0])
        return keys

    async def running_in(self, guild_id: int) -> records.Game | None:
        return await records.open_game_of(self.db, guild_id)

    async def _game(self, game_id: int) -> records.Game:
        game = await records.get(self.db, game_id)
        if game is None:  # its server's data was erased while it ran
            raise GameOver("This game no longer exists.")
        return game

    async def _item(self, game_id: int, position: int) -> records.Item:
        item = await records.item(self.db, game_id, position)
        if item is None:  # every position of a game has its item from the start: erased with the game
            raise GameOver("This game no longer exists.")
        return item

    async def current(self, game_id: int) -> Current:
        game = await self._game(game_id)
        item = await self._item(game_id, game.position)
        question = await self.catalog.get(game.guild_id, item.question_id)
        if question is None:  # a server's question is retired, never deleted: this cannot happen in play
            raise GameOver("That question is no longer in the bank.")
        return Current(game, item, question)

    async def posted(self, game_id: int, position: int, message_id: int) -> None:
        await records.set_message(self.db, game_id, position, message_id)

    async def revealed(self, game_id: int, position: int) -> None:
        await records.mark_revealed(self.db, game_id, position)

    async def final_posted(self, game_id: int, message_id: int) -> None:
        await records.set_final_message(self.db, game_id, message_id)

    async def leftovers(self) -> tuple[list[Reveal], list[Final]]:
        """What a stop left undone on Discord: closed questions still showing buttons, ended games without
        their final board."""
        reveals = []
        for item in await records.unrevealed(self.db):
            reveals.append(await self._reveal(await self._game(item.game_id), item.position))
        finals = [await self.final(game.id) for game in await records.ended_without_board(self.db)]
        return reveals, finals

    async def reopen(self, current: Current, now: dt.datetime) -> Current:
        await records.reopen(self.db, current.game.id, current.item.position, now, current.game.seconds)
        return await self.current(current.game.id)

    async def open_games(self) -> list[records.Game]:
        return await records.open_games(self.db)

    async def game(self, game_id: int) -> records.Game | None:
        return await records.get(self.db, game_id)

    async def answer(self, game_id: int, position: int, user_id: int, choice: int,
                     now: dt.datetime) -> tuple[bool, int, Question]:
        """(counted, the member's choice, question); GameOver if that question is closed."""
        game = await records.get(self.db, game_id)
        item = await records.item(self.db, game_id, position)
        if game is None or item is None or game.state != "open" or game.position != position or item.closed_ms:
            raise GameOver("This question is closed; the next one is on its way (or the game is over).")
        question = await self.catalog.get(game.guild_id, item.question_id)
        if question is None or not 0 <= choice < len(question.choices):
            raise GameOver("That question has changed since it was shown.")
        now_ms = records.to_ms(now)
        correct = choice == question.answer_index
        score = rules.points(correct, now_ms, item.opened_ms or now_ms, item.deadline_ms or now_ms)
        counted, chosen = await records.answer(self.db, game_id, position, user_id, choice, correct=correct,
                                               points=score, now=now)
        if chosen is None:
            raise GameOver("Time is up for this question: the answer is shown in a moment.")
        return counted, chosen, question

    async def _reveal(self, game: records.Game, position: int) -> Reveal:
        item = await self._item(game.id, position)
        question = await self.catalog.get(game.guild_id, item.question_id)
        answers = await records.answers(self.db, game.id, position)
        board = rules.scoreboard(await records.answers(self.db, game.id))
        counts = rules.choice_counts(answers, len(question.choices)) if question else []
        return Reveal(game, item, question, counts, len(answers), board)

    async def final(self, game_id: int) -> Final:
        game = await self._game(game_id)
        answers = await records.answers(self.db, game_id)
        items = {item.position: item for item in await records.items(self.db, game_id)}
        places = self.catalog.content.editions
        tallies = []
        for answer in answers:
            item = items[answer.position]
            module, topic = places.place_keys(item.module, item.topic, game.edition)
            question = await self.catalog.get(game.guild_id, item.question_id)
            if question is not None:
                module, topic = places.place(question, game.edition)
            tallies.append((module, topic, answer.correct))
        asked = sum(1 for item in items.values() if item.closed_ms is not None)
        return Final(game, rules.scoreboard(answers), rules.topic_summary(tallies), asked)

    async def tick(self, game_id: int, now: dt.datetime) -> Step | None:
        """Move the game on if its question's time is up: None if nothing is due (or someone else moved it)."""
        game = await records.get(self.db, game_id)
        if game is None or game.state != "open":
            return None
        item = await self._item(game_id, game.position)
        if item.deadline_ms is None or records.to_ms(now) < item.deadline_ms:
            return None
        closed, finished = await records.advance(self.db, game, await self._item_keys(game_id), now)
        if not closed:
            return None
        reveal = await self._reveal(await self._game(game_id), game.position)
        if finished:
            return Step(reveal, None, await self.final(game_id))
        return Step(reveal, await self.current(game_id), None)

    async def end(self, game_id: int, now: dt.datetime, *, state: str, by: int | None = None) -> Step | None:
        """Stop (the Stop button) or close (too late to resume) an open game; None if it was not open."""
        game = await records.get(self.db, game_id)
        if game is None or not await records.end(self.db, game_id, state, by, await self._item_keys(game_id), now):
            return None
        return Step(await self._reveal(await self._game(game_id), game.position), None,
                    await self.final(game_id))

    def deadline(self, item: records.Item) -> dt.datetime | None:
        return None if item.deadline_ms is None else dt.datetime.fromtimestamp(item.deadline_ms / 1000, dt.UTC)
