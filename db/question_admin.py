"""A guild's own questions, members' flags on questions, and questions the guild's admins retired."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass

from db import work as q
from db.connection import Database
from db.timestamps import to_ts
from study.questions import Question


@dataclass(frozen=True)
class FlagSummary:
    question_id: str
    count: int
    reasons: list[str]
    last_flagged_at: dt.datetime
    retired: bool


async def guild_questions(db: Database, guild_id: int) -> list[Question]:
    """The guild's own questions; one a member wrote carries its author while their approved submission exists."""
    rows = await db.fetch_all(
        "SELECT q.*, s.user_id AS author_id FROM guild_questions q LEFT JOIN question_submissions s"
        " ON s.guild_id = q.guild_id AND s.question_id = q.id AND s.state = 'approved'"
        " WHERE q.guild_id = ? ORDER BY q.module, q.id", (guild_id,))
    return [
        Question(id=row["id"], module=row["module"], topic=row["topic"], difficulty=row["difficulty"],
                 stem=row["stem"], choices=tuple(json.loads(row["choices"])), answer_index=row["answer_index"],
                 explanation=row["explanation"], reference=row["reference"], cpim8_module=row["cpim8_module"],
                 cpim8_topic=row["cpim8_topic"], author_id=row["author_id"])
        for row in rows
    ]


async def import_questions(db: Database, guild_id: int, questions: Sequence[Question], imported_by: int,
                           now: dt.datetime) -> tuple[int, int]:
    """Insert or replace the guild's questions in one transaction; return (added, updated)."""

    def work() -> q.Work[set[str]]:
        existing = {row[0] for row in (yield q.fetch_all("SELECT id FROM guild_questions WHERE guild_id = ?",
                                                         (guild_id,)))}
        yield from put_questions(guild_id, questions, imported_by, now)
        return existing

    existing = await db.run_in_transaction(work)
    updated = sum(1 for one in questions if one.id in existing)
    return len(questions) - updated, updated


def put_questions(guild_id: int, questions: Sequence[Question], added_by: int, now: dt.datetime) -> q.Work[None]:
    """Insert or replace guild questions by id, inside the caller's transaction (`yield from` it in a work):
    an import, or an approved member's question (db.contributions.approve, with its submission's update)."""
    yield q.execute_many(
        "INSERT INTO guild_questions (guild_id, id, module, topic, difficulty, stem, choices, answer_index,"
        " explanation, reference, imported_by, imported_at, cpim8_module, cpim8_topic)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (guild_id, id) DO UPDATE SET module = excluded.module, topic = excluded.topic,"
        " difficulty = excluded.difficulty, stem = excluded.stem, choices = excluded.choices,"
        " answer_index = excluded.answer_index, explanation = excluded.explanation,"
        " reference = excluded.reference, imported_by = excluded.imported_by, imported_at = excluded.imported_at,"
        " cpim8_module = excluded.cpim8_module, cpim8_topic = excluded.cpim8_topic",
        [(guild_id, one.id, one.module, one.topic, one.difficulty, one.stem, json.dumps(list(one.choices)),
          one.answer_index, one.explanation, one.reference, added_by, to_ts(now), one.cpim8_module, one.cpim8_topic)
         for one in questions],
    )


async def add_flag(db: Database, guild_id: int, question_id: str, user_id: int, reason: str,
                   now: dt.datetime) -> bool:
    """Record a member's flag; a second flag by the same member replaces the reason. True if new."""

    def work() -> q.Work[bool]:
        existed = yield q.fetch_one(
            "SELECT 1 FROM question_flags WHERE guild_id = ? AND question_id = ? AND user_id = ?",
            (guild_id, question_id, user_id),
        )
        yield q.execute(
            "INSERT INTO question_flags (guild_id, question_id, user_id, reason, flagged_at) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (guild_id, question_id, user_id) DO UPDATE SET reason = excluded.reason,"
            " flagged_at = excluded.flagged_at",
            (guild_id, question_id, user_id, reason, to_ts(now)),
        )
        return existed is None

    return await db.run_in_transaction(work)


async def flagged_questions(db: Database, guild_id: int, limit: int = 25) -> list[FlagSummary]:
    rows = await db.fetch_all(
        f"SELECT f.question_id, COUNT(*) AS n, {db.dialect.json_array_agg('f.reason')} AS reasons,"
        " MAX(f.flagged_at) AS last,"
        " EXISTS (SELECT 1 FROM question_retirements r WHERE r.guild_id = f.guild_id"
        "         AND r.question_id = f.question_id) AS retired"
        " FROM question_flags f WHERE f.guild_id = ? GROUP BY f.guild_id, f.question_id"
        " ORDER BY n DESC, last DESC LIMIT ?",
        (guild_id, limit),
    )
    return [FlagSummary(row["question_id"], row["n"], json.loads(row["reasons"]),
                        dt.datetime.fromtimestamp(row["last"], dt.UTC), bool(row["retired"])) for row in rows]


async def retire(db: Database, guild_id: int, question_id: str, user_id: int, now: dt.datetime) -> bool:
    return await db.execute(
        "INSERT INTO question_retirements (guild_id, question_id, retired_by, retired_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT DO NOTHING", (guild_id, question_id, user_id, to_ts(now)),
    ) > 0


async def restore(db: Database, guild_id: int, question_id: str) -> bool:
    return await db.execute(
        "DELETE FROM question_retirements WHERE guild_id = ? AND question_id = ?", (guild_id, question_id)
    ) > 0


async def retired_ids(db: Database, guild_id: int) -> set[str]:
    rows = await db.fetch_all("SELECT question_id FROM question_retirements WHERE guild_id = ?", (guild_id,))
    return {row[0] for row in rows}
