"""Quiz sessions, their items, answers, spaced-repetition cards and topic tallies.

The guarantee that matters: an item of a session is answered once. `record_answer` claims the item with
`UPDATE … WHERE chosen IS NULL` inside the same transaction that writes the answer, the card and the
tallies, so a double click or a click racing a restart changes nothing the second time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from db import work as q
from db.connection import Database
from db.timestamps import from_ts, to_ts
from db.work import Row, Work
from study.selection import TopicScore
from study.srs import Card, review


class SessionKind(StrEnum):
    """What a quiz_sessions row is; the value is what the `kind` column (and answers.source) stores."""

    QUIZ = "quiz"  # /quiz: feedback after each answer, expires when idle
    EXAM = "exam"  # /practice-exam: answers hidden until the end, a deadline


class SessionState(StrEnum):
    """active → finished (the member finished or time ran out) or expired (a quiz idle too long)."""

    ACTIVE = "active"
    FINISHED = "finished"
    EXPIRED = "expired"


@dataclass(frozen=True)
class SessionItem:
    session_id: str
    position: int
    question_id: str
    module: str
    topic: str
    chosen: int | None
    correct: bool | None


@dataclass(frozen=True)
class Session:
    id: str
    guild_id: int
    user_id: int
    kind: SessionKind
    mode: str | None
    module: str | None
    topic: str | None
    size: int
    state: SessionState
    started_at: dt.datetime
    last_activity_at: dt.datetime
    deadline_at: dt.datetime | None
    finished_at: dt.datetime | None


@dataclass(frozen=True)
class PlannedItem:
    question_id: str
    module: str
    topic: str


@dataclass(frozen=True)
class AnswerOutcome:
    first: bool  # False when the item had already been answered (double click)
    chosen: int
    correct: bool
    card: Card | None


def _session(row: Row) -> Session:
    return Session(
        id=row["id"], guild_id=row["guild_id"], user_id=row["user_id"], kind=SessionKind(row["kind"]),
        mode=row["mode"], module=row["module"], topic=row["topic"], size=row["size"], state=SessionState(row["state"]),
        started_at=from_ts(row["started_at"]), last_activity_at=from_ts(row["last_activity_at"]),
        deadline_at=from_ts(row["deadline_at"]), finished_at=from_ts(row["finished_at"]),
    )


def _item(row: Row) -> SessionItem:
    correct = None if row["correct"] is None else bool(row["correct"])
    return SessionItem(row["session_id"], row["position"], row["question_id"], row["module"], row["topic"],
                       row["chosen"], correct)


async def create_session(db: Database, *, session_id: str, guild_id: int, user_id: int, kind: SessionKind | str,
                         mode: str | None, module: str | None, topic: str | None, items: Sequence[PlannedItem],
                         now: dt.datetime, deadline: dt.datetime | None = None) -> None:
    """The session and its items in one group-committed transaction (one hop shared with the answers being
    written). Under load, a transaction of several hops held the write lock while each hop queued behind
    every member's reads: /quiz then missed Discord's 3 s deadline (bench/interactions_bench.py)."""

    def create() -> Work[None]:
        yield q.execute(
            "INSERT INTO quiz_sessions (id, guild_id, user_id, kind, mode, module, topic, size, started_at,"
            " last_activity_at, deadline_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (session_id, guild_id, user_id, SessionKind(kind).value, mode, module, topic, len(items), to_ts(now),
             to_ts(now), to_ts(deadline) if deadline else None),
        )
        yield q.execute_many(
            "INSERT INTO session_items (session_id, position, question_id, module, topic) VALUES (?, ?, ?, ?, ?)",
            [(session_id, position, item.question_id, item.module, item.topic)
             for position, item in enumerate(items)],
        )

    await db.run_batched(create)


async def get_session(db: Database, session_id: str) -> Session | None:
    row = await db.fetch_one("SELECT * FROM quiz_sessions WHERE id = ?", (session_id,))
    return _session(row) if row else None


async def session_items(db: Database, session_id: str) -> list[SessionItem]:
    rows = await db.fetch_all("SELECT * FROM session_items WHERE session_id = ? ORDER BY position", (session_id,))
    return [_item(row) for row in rows]


async def get_item(db: Database, session_id: str, position: int) -> SessionItem | None:
    row = await db.fetch_one("SELECT * FROM session_items WHERE session_id = ? AND position = ?",
                             (session_id, position))
    return _item(row) if row else None


async def get_session_and_item(db: Database, session_id: str,
                               position: int) -> tuple[Session | None, SessionItem | None]:
    """A session and one of its items in a single trip to the database thread.

    Why not get_session + get_item: each of those is three hops (execute, fetch, close) through aiosqlite's
    queue, and on the answer button's hot path those hops, not SQLite, were the cost (bench/quiz_bench.py).
    """
    rows = await db.fetch_all(
        "SELECT s.*, i.position AS item_position, i.question_id, i.module AS item_module,"
        " i.topic AS item_topic, i.chosen, i.correct FROM quiz_sessions s"
        " LEFT JOIN session_items i ON i.session_id = s.id AND i.position = ? WHERE s.id = ?",
        (position, session_id),
    )
    if not rows:
        return None, None
    row = rows[0]
    item = None
    if row["item_position"] is not None:
        correct = None if row["correct"] is None else bool(row["correct"])
        item = SessionItem(session_id, row["item_position"], row["question_id"], row["item_module"],
                           row["item_topic"], row["chosen"], correct)
    return _session(row), item


def write_answer_records(*, guild_id: int, user_id: int, question_id: str, item_key: str,
                         module: str, topic: str, correct: bool, source: str, session_id: str | None,
                         now: dt.datetime, lock: str = "") -> Work[Card]:
    """What every counted answer writes, whichever feature took it (quiz, exam, daily question): the answer
    row, the member's spaced-repetition card and the topic tally. Runs inside the caller's transaction
    (`card = yield from write_answer_records(...)`). A caller outside SERIALIZABLE passes `lock`
    (db.dialect.lock_rows), so the card read here stays its own until it is written back."""
    yield q.execute(
        "INSERT INTO answers (guild_id, user_id, question_id, module, topic, correct, source, session_id,"
        " answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (guild_id, user_id, question_id, module, topic, int(correct), source, session_id, to_ts(now)),
    )
    row = yield q.fetch_one(
        "SELECT box, due_at, right_count, wrong_count, last_answered_at FROM cards"
        f" WHERE guild_id = ? AND user_id = ? AND item = ?{lock}", (guild_id, user_id, item_key),
    )
    card = Card(item_key) if row is None else Card(item_key, row[0], from_ts(row[1]), row[2], row[3],
                                                  from_ts(row[4]))
    card = review(card, correct, now)
    assert card.due_at is not None  # review() always schedules the next showing
    yield q.execute(
        "INSERT INTO cards (guild_id, user_id, item, module, topic, box, due_at, right_count, wrong_count,"
        " last_answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (guild_id, user_id, item) DO UPDATE SET box = excluded.box, due_at = excluded.due_at,"
        " right_count = excluded.right_count, wrong_count = excluded.wrong_count,"
        " last_answered_at = excluded.last_answered_at",
        (guild_id, user_id, item_key, module, topic, card.box, to_ts(card.due_at), card.right, card.wrong, to_ts(now)),
    )
    yield q.execute(
        "INSERT INTO topic_stats (guild_id, user_id, module, topic, answered, right_count) VALUES (?, ?, ?, ?, 1, ?)"
        " ON CONFLICT (guild_id, user_id, module, topic) DO UPDATE SET answered = topic_stats.answered + 1,"
        " right_count = topic_stats.right_count + excluded.right_count",
        (guild_id, user_id, module, topic, int(correct)),
    )
    return card


def _record_answer(session: Session, item: SessionItem, item_key: str, chosen: int,
                   correct: bool, now: dt.datetime, source: str, lock: str) -> Work[AnswerOutcome]:
    claimed = yield q.execute(
        "UPDATE session_items SET chosen = ?, correct = ?, answered_at = ?"
        " WHERE session_id = ? AND position = ? AND chosen IS NULL",
        (chosen, int(correct), to_ts(now), item.session_id, item.position),
    )
    if not claimed:
        row = yield q.fetch_one("SELECT chosen, correct FROM session_items WHERE session_id = ? AND position = ?",
                                     (item.session_id, item.position))
        assert row is not None
        return AnswerOutcome(first=False, chosen=row[0], correct=bool(row[1]), card=None)
    card = yield from write_answer_records(guild_id=session.guild_id, user_id=session.user_id,
                                question_id=item.question_id, item_key=item_key, module=item.module,
                                topic=item.topic, correct=correct, source=source, session_id=session.id, now=now,
                                lock=lock)
    yield q.execute("UPDATE quiz_sessions SET last_activity_at = ? WHERE id = ?", (to_ts(now), session.id))
    return AnswerOutcome(first=True, chosen=chosen, correct=correct, card=card)


async def record_answer(db: Database, session: Session, item: SessionItem, *, item_key: str, chosen: int,
                        correct: bool, now: dt.datetime, source: str = "quiz") -> AnswerOutcome:
    """Record the member's first answer to a session item; later calls return the first answer unchanged."""
    # batched: concurrent answers share one transaction (group commit); each still runs in its own savepoint
    lock = db.dialect.lock_rows  # batched works run under READ COMMITTED on PostgreSQL
    return await db.run_batched(
        lambda: _record_answer(session, item, item_key, chosen, correct, now, source, lock)
    )


async def touch_session(db: Database, session_id: str, now: dt.datetime) -> None:
    """Group-committed with the answers being written (one hop shared, not BEGIN, UPDATE and COMMIT alone)."""

    def touch() -> Work[None]:
        yield q.execute("UPDATE quiz_sessions SET last_activity_at = ? WHERE id = ?", (to_ts(now), session_id))

    await db.run_batched(touch)


async def close_session(db: Database, session_id: str, state: SessionState, now: dt.datetime) -> bool:
    """Mark an active session finished or expired; False if it was already closed. Group-committed."""

    def close() -> Work[bool]:
        closed = yield q.execute(
            "UPDATE quiz_sessions SET state = ?, finished_at = ? WHERE id = ? AND state = 'active'",
            (SessionState(state).value, to_ts(now), session_id),
        )
        return closed > 0

    return await db.run_batched(close)


async def expire_idle_sessions(db: Database, idle_before: dt.datetime, now: dt.datetime) -> int:
    return await db.execute(
        "UPDATE quiz_sessions SET state = 'expired', finished_at = ? WHERE state = 'active' AND kind = 'quiz'"
        " AND last_activity_at < ?", (to_ts(now), to_ts(idle_before)),
    )


async def overdue_exams(db: Database, now: dt.datetime) -> list[Session]:
    rows = await db.fetch_all(
        "SELECT * FROM quiz_sessions WHERE state = 'active' AND kind = 'exam' AND deadline_at <= ?", (to_ts(now),)
    )
    return [_session(row) for row in rows]


async def exam_history(db: Database, guild_id: int, user_id: int, limit: int = 10) -> list[Session]:
    rows = await db.fetch_all(
        "SELECT * FROM quiz_sessions WHERE guild_id = ? AND user_id = ? AND kind = 'exam' AND state = 'finished'"
        " ORDER BY started_at DESC LIMIT ?", (guild_id, user_id, limit),
    )
    return [_session(row) for row in rows]


async def due_items(db: Database, guild_id: int, user_id: int, now: dt.datetime, *, module: str | None,
                    topic: str | None, limit: int) -> list[str]:
    """The member's due cards in scope, most overdue first (uses the cards_due index)."""
    sql = "SELECT item FROM cards WHERE guild_id = ? AND user_id = ? AND due_at <= ?"
    parameters: list[object] = [guild_id, user_id, to_ts(now)]
    if module:
        sql += " AND module = ?"
        parameters.append(module)
    if topic:
        sql += " AND topic = ?"
        parameters.append(topic)
    sql += " ORDER BY due_at LIMIT ?"
    parameters.append(limit)
    return [row[0] for row in await db.fetch_all(sql, parameters)]


async def seen_among(db: Database, guild_id: int, user_id: int, items: Sequence[str]) -> set[str]:
    """Which of these item keys the member already has a card for."""
    if not items:
        return set()
    marks = ",".join("?" * len(items))
    rows = await db.fetch_all(
        f"SELECT item FROM cards WHERE guild_id = ? AND user_id = ? AND item IN ({marks})",
        (guild_id, user_id, *items),
    )
    return {row[0] for row in rows}


async def topic_scores(db: Database, guild_id: int, user_id: int) -> list[TopicScore]:
    rows = await db.fetch_all(
        "SELECT module, topic, answered, right_count FROM topic_stats WHERE guild_id = ? AND user_id = ?",
        (guild_id, user_id),
    )
    return [TopicScore(row[0], row[1], row[2], row[3]) for row in rows]


async def get_card(db: Database, guild_id: int, user_id: int, item: str) -> Card | None:
    row = await db.fetch_one(
        "SELECT box, due_at, right_count, wrong_count, last_answered_at FROM cards"
        " WHERE guild_id = ? AND user_id = ? AND item = ?", (guild_id, user_id, item),
    )
    if row is None:
        return None
    return Card(item, row[0], from_ts(row[1]), row[2], row[3], from_ts(row[4]))


async def due_count(db: Database, guild_id: int, user_id: int, now: dt.datetime, module: str | None = None) -> int:
    sql = "SELECT COUNT(*) FROM cards WHERE guild_id = ? AND user_id = ? AND due_at <= ?"
    parameters: list[object] = [guild_id, user_id, to_ts(now)]
    if module:
        sql += " AND module = ?"
        parameters.append(module)
    return await db.fetch_value(sql, parameters)


async def known_count(db: Database, guild_id: int, user_id: int, module: str | None, known_box: int) -> int:
    """Cards in a known box, of one stored module or (None) of all."""
    if module is None:
        return await db.fetch_value("SELECT COUNT(*) FROM cards WHERE guild_id = ? AND user_id = ? AND box >= ?",
                                    (guild_id, user_id, known_box))
    return await db.fetch_value(
        "SELECT COUNT(*) FROM cards WHERE guild_id = ? AND user_id = ? AND module = ? AND box >= ?",
        (guild_id, user_id, module, known_box))
