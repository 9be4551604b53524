"""Questions written by members (table question_submissions, 0013_contributions.sql).

A submission is `pending` until a reviewer approves it (it becomes the guild question `contrib-<id>` in the
same transaction, so an approved submission always has its question) or rejects it with a reason. Every
state change is guarded by `state = 'pending'`: two reviewers clicking at once, or a click on a review
message from before a restart, change a submission at most once. The cap on pending submissions is checked
in the transaction that inserts, so two quick submits cannot both slip under it.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from db import question_admin
from db import work as q
from db.connection import Database
from db.timestamps import from_ts, to_ts
from db.work import Row, Work
from study.contributions import Place, question_id
from study.questions import Question


@dataclass(frozen=True)
class Submission:
    id: int
    guild_id: int
    user_id: int
    place: Place
    difficulty: str
    stem: str
    choices: tuple[str, ...]
    answer_index: int
    explanation: str
    state: str
    reason: str | None
    question_id: str | None
    submitted_at: dt.datetime
    reviewed_by: int | None
    reviewed_at: dt.datetime | None

    def as_question(self) -> Question:
        return Question(id=self.question_id or question_id(self.id), module=self.place.module,
                        topic=self.place.topic, difficulty=self.difficulty, stem=self.stem, choices=self.choices,
                        answer_index=self.answer_index, explanation=self.explanation,
                        cpim8_module=self.place.cpim8_module, cpim8_topic=self.place.cpim8_topic,
                        author_id=self.user_id)


def _submission(row: Row) -> Submission:
    return Submission(
        id=row["id"], guild_id=row["guild_id"], user_id=row["user_id"],
        place=Place(row["module"], row["topic"], row["cpim8_module"], row["cpim8_topic"]),
        difficulty=row["difficulty"], stem=row["stem"], choices=tuple(json.loads(row["choices"])),
        answer_index=row["answer_index"], explanation=row["explanation"], state=row["state"], reason=row["reason"],
        question_id=row["question_id"], submitted_at=from_ts(row["submitted_at"]), reviewed_by=row["reviewed_by"],
        reviewed_at=from_ts(row["reviewed_at"]),
    )


async def add(db: Database, guild_id: int, user_id: int, question: Question, now: dt.datetime,
              max_pending: int) -> tuple[Submission | None, int]:
    """Queue a checked question; (None, pending) if the member already has max_pending waiting."""

    def work() -> Work[tuple[int | None, int]]:
        pending = yield q.fetch_value("SELECT COUNT(*) FROM question_submissions WHERE guild_id = ?"
                                           " AND user_id = ? AND state = 'pending'", (guild_id, user_id))
        if pending >= max_pending:
            return None, pending
        new_id = yield q.fetch_value(
            "INSERT INTO question_submissions (guild_id, user_id, module, topic, cpim8_module, cpim8_topic,"
            " difficulty, stem, choices, answer_index, explanation, submitted_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (guild_id, user_id, question.module, question.topic, question.cpim8_module, question.cpim8_topic,
             question.difficulty, question.stem, json.dumps(list(question.choices)), question.answer_index,
             question.explanation, to_ts(now)))
        return new_id, pending

    new_id, pending = await db.run_in_transaction(work)
    if new_id is None:
        return None, pending
    return await get(db, new_id), pending + 1


async def get(db: Database, submission_id: int) -> Submission | None:
    row = await db.fetch_one("SELECT * FROM question_submissions WHERE id = ?", (submission_id,))
    return _submission(row) if row else None


async def pending_count(db: Database, guild_id: int, user_id: int | None = None) -> int:
    if user_id is None:
        return await db.fetch_value("SELECT COUNT(*) FROM question_submissions WHERE guild_id = ?"
                                    " AND state = 'pending'", (guild_id,))
    return await db.fetch_value("SELECT COUNT(*) FROM question_submissions WHERE guild_id = ? AND user_id = ?"
                                " AND state = 'pending'", (guild_id, user_id))


async def next_pending(db: Database, guild_id: int) -> Submission | None:
    """The oldest pending submission: the queue is first come, first reviewed."""
    row = await db.fetch_one("SELECT * FROM question_submissions WHERE guild_id = ? AND state = 'pending'"
                             " ORDER BY id LIMIT 1", (guild_id,))
    return _submission(row) if row else None


async def of_member(db: Database, guild_id: int, user_id: int, limit: int = 25) -> list[Submission]:
    rows = await db.fetch_all("SELECT * FROM question_submissions WHERE guild_id = ? AND user_id = ?"
                              " ORDER BY id DESC LIMIT ?", (guild_id, user_id, limit))
    return [_submission(row) for row in rows]


async def approve(db: Database, submission_id: int, reviewer: int, now: dt.datetime) -> Submission | None:
    """Approve a pending submission and add it to its guild's bank in one transaction; None if not pending."""

    def work() -> Work[bool]:
        row = yield q.fetch_one("SELECT * FROM question_submissions WHERE id = ? AND state = 'pending'",
                                     (submission_id,))
        if row is None:
            return False
        found = _submission(row)
        ident = question_id(found.id)
        yield q.execute(
            "UPDATE question_submissions SET state = 'approved', question_id = ?, reviewed_by = ?, reviewed_at = ?"
            " WHERE id = ?", (ident, reviewer, to_ts(now), submission_id))
        # the guild's bank is db/question_admin.py's table: its writer, in this transaction
        yield from question_admin.put_questions(found.guild_id, [found.as_question()], reviewer, now)
        return True

    if not await db.run_in_transaction(work):
        return None
    return await get(db, submission_id)


async def reject(db: Database, submission_id: int, reviewer: int, reason: str,
                 now: dt.datetime) -> Submission | None:
    changed = await db.execute(
        "UPDATE question_submissions SET state = 'rejected', reason = ?, reviewed_by = ?, reviewed_at = ?"
        " WHERE id = ? AND state = 'pending'", (reason, reviewer, to_ts(now), submission_id)) > 0
    return await get(db, submission_id) if changed else None


async def revise(db: Database, submission_id: int, question: Question) -> bool:
    """A reviewer's edit of a pending submission (the author stays the author)."""
    return await db.execute(
        "UPDATE question_submissions SET difficulty = ?, stem = ?, choices = ?, answer_index = ?,"
        " explanation = ? WHERE id = ? AND state = 'pending'",
        (question.difficulty, question.stem, json.dumps(list(question.choices)), question.answer_index,
         question.explanation, submission_id)) > 0
