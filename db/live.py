"""Live quiz games (tables live_games, live_items, live_answers; 0014_live_quiz.sql).

A game is `open` while it runs and ends `finished` (last question closed), `stopped` (the Stop button) or
`closed` (the bot came back too late to resume). Exactly one item is current (live_games.position); it is
opened (opened_ms, deadline_ms), then closed once (closed_ms, guarded by `closed_ms IS NULL`). Closing an
item writes its answers into each member's answers, cards and topic tallies in the same transaction
(db.quiz.write_answer_records, as a /quiz answer does), so they count exactly once whatever crashes.
An answer is taken only while its item is current, open and not closed; the first click counts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from db import work as q
from db.connection import Database
from db.quiz import write_answer_records
from db.timestamps import from_ts, to_ts
from db.work import Row, Work
from study.live import LiveAnswer


def to_ms(instant: dt.datetime) -> int:
    return int(instant.timestamp() * 1000)


@dataclass(frozen=True)
class Game:
    id: int
    guild_id: int
    channel_id: int
    in_thread: bool
    started_by: int
    edition: str
    module: str | None
    seconds: int
    size: int
    position: int
    state: str
    started_at: dt.datetime
    ended_at: dt.datetime | None
    stopped_by: int | None
    final_message_id: int | None


@dataclass(frozen=True)
class Item:
    game_id: int
    position: int
    question_id: str
    module: str
    topic: str
    message_id: int | None
    opened_ms: int | None
    deadline_ms: int | None
    closed_ms: int | None
    revealed: bool


@dataclass(frozen=True)
class Planned:
    question_id: str
    module: str
    topic: str


def _game(row: Row) -> Game:
    return Game(row["id"], row["guild_id"], row["channel_id"], bool(row["in_thread"]), row["started_by"],
                row["edition"], row["module"], row["seconds"], row["size"], row["position"], row["state"],
                from_ts(row["started_at"]), from_ts(row["ended_at"]), row["stopped_by"], row["final_message_id"])


def _item(row: Row) -> Item:
    return Item(row["game_id"], row["position"], row["question_id"], row["module"], row["topic"], row["message_id"],
                row["opened_ms"], row["deadline_ms"], row["closed_ms"], bool(row["revealed"]))


async def create(db: Database, *, guild_id: int, channel_id: int, in_thread: bool, started_by: int, edition: str,
                 module: str | None, seconds: int, items: Sequence[Planned], now: dt.datetime) -> int:
    """A new open game with its first question open from `now`."""

    def work() -> Work[int]:
        game_id = yield q.fetch_value(
            "INSERT INTO live_games (guild_id, channel_id, in_thread, started_by, edition, module, seconds, size,"
            " started_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (guild_id, channel_id, int(in_thread), started_by, edition, module, seconds, len(items), to_ts(now)))
        opened = to_ms(now)
        yield q.execute_many(
            "INSERT INTO live_items (game_id, position, question_id, module, topic, opened_ms, deadline_ms)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(game_id, index, item.question_id, item.module, item.topic,
              opened if index == 0 else None, opened + seconds * 1000 if index == 0 else None)
             for index, item in enumerate(items)])
        return game_id

    return await db.run_in_transaction(work)


async def get(db: Database, game_id: int) -> Game | None:
    row = await db.fetch_one("SELECT * FROM live_games WHERE id = ?", (game_id,))
    return _game(row) if row else None


async def open_games(db: Database) -> list[Game]:
    return [_game(row) for row in await db.fetch_all("SELECT * FROM live_games WHERE state = 'open' ORDER BY id")]


async def open_game_of(db: Database, guild_id: int) -> Game | None:
    """A server plays one live game at a time."""
    row = await db.fetch_one("SELECT * FROM live_games WHERE state = 'open' AND guild_id = ?", (guild_id,))
    return _game(row) if row else None


async def item(db: Database, game_id: int, position: int) -> Item | None:
    row = await db.fetch_one("SELECT * FROM live_items WHERE game_id = ? AND position = ?", (game_id, position))
    return _item(row) if row else None


async def items(db: Database, game_id: int) -> list[Item]:
    rows = await db.fetch_all("SELECT * FROM live_items WHERE game_id = ? ORDER BY position", (game_id,))
    return [_item(row) for row in rows]


async def set_message(db: Database, game_id: int, position: int, message_id: int) -> None:
    await db.execute("UPDATE live_items SET message_id = ? WHERE game_id = ? AND position = ?",
                     (message_id, game_id, position))


async def mark_revealed(db: Database, game_id: int, position: int) -> None:
    await db.execute("UPDATE live_items SET revealed = 1 WHERE game_id = ? AND position = ?", (game_id, position))


async def set_final_message(db: Database, game_id: int, message_id: int) -> None:
    await db.execute("UPDATE live_games SET final_message_id = ? WHERE id = ?", (message_id, game_id))


async def unrevealed(db: Database) -> list[Item]:
    """Closed questions whose message may still show live buttons (the bot stopped before editing it)."""
    rows = await db.fetch_all("SELECT * FROM live_items WHERE closed_ms IS NOT NULL AND revealed = 0"
                              " AND message_id IS NOT NULL ORDER BY game_id, position")
    return [_item(row) for row in rows]


async def ended_without_board(db: Database) -> list[Game]:
    rows = await db.fetch_all("SELECT * FROM live_games WHERE state != 'open' AND final_message_id IS NULL"
                              " ORDER BY id")
    return [_game(row) for row in rows]


async def reopen(db: Database, game_id: int, position: int, now: dt.datetime, seconds: int) -> None:
    """Give a question that was never posted (a crash before its message) its full time from now."""
    await db.execute("UPDATE live_items SET opened_ms = ?, deadline_ms = ? WHERE game_id = ? AND position = ?"
                     " AND closed_ms IS NULL", (to_ms(now), to_ms(now) + seconds * 1000, game_id, position))


def _answer(game_id: int, position: int, user_id: int, choice: int, correct: bool, points: int,
            now_ms: int) -> Work[tuple[bool, int | None]]:
    live = yield q.fetch_one(
        "SELECT 1 FROM live_games g JOIN live_items i ON i.game_id = g.id AND i.position = g.position"
        " WHERE g.id = ? AND g.state = 'open' AND i.position = ? AND i.closed_ms IS NULL AND ? <= i.deadline_ms",
        (game_id, position, now_ms))
    if live is None:
        return False, None
    inserted = yield q.execute(
        "INSERT INTO live_answers (game_id, position, user_id, choice, correct, points, answered_ms)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (game_id, position, user_id, choice, int(correct), points, now_ms))
    if inserted:
        return True, choice
    earlier = yield q.fetch_value(
        "SELECT choice FROM live_answers WHERE game_id = ? AND position = ? AND user_id = ?",
        (game_id, position, user_id))
    return False, earlier


async def answer(db: Database, game_id: int, position: int, user_id: int, choice: int, *, correct: bool,
                 points: int, now: dt.datetime) -> tuple[bool, int | None]:
    """(True, choice) if this click counted; (False, earlier choice) after a first click; (False, None) if the
    question is no longer open."""
    return await db.run_in_transaction(
        lambda: _answer(game_id, position, user_id, choice, correct, points, to_ms(now)))


async def answers(db: Database, game_id: int, position: int | None = None) -> list[LiveAnswer]:
    sql = ("SELECT a.*, i.opened_ms FROM live_answers a JOIN live_items i ON i.game_id = a.game_id"
           " AND i.position = a.position WHERE a.game_id = ?")
    parameters: tuple = (game_id,)
    if position is not None:
        sql += " AND a.position = ?"
        parameters += (position,)
    rows = await db.fetch_all(sql + " ORDER BY a.position, a.answered_ms", parameters)
    return [LiveAnswer(row["position"], row["user_id"], row["choice"], bool(row["correct"]), row["points"],
                       max(row["answered_ms"] - (row["opened_ms"] or row["answered_ms"]), 0)) for row in rows]


def _close_item(game_id: int, position: int, item_keys: dict[str, str], now: dt.datetime) -> Work[bool]:
    closed = yield q.execute(
        "UPDATE live_items SET closed_ms = ? WHERE game_id = ? AND position = ? AND closed_ms IS NULL",
        (to_ms(now), game_id, position))
    if not closed:
        return False
    guild_id = yield q.fetch_value("SELECT guild_id FROM live_games WHERE id = ?", (game_id,))
    found = yield q.fetch_one(
        "SELECT question_id, module, topic FROM live_items WHERE game_id = ? AND position = ?", (game_id, position))
    assert found is not None
    question_id, module, topic = found
    for user_id, correct in (yield q.fetch_all(
            "SELECT user_id, correct FROM live_answers WHERE game_id = ? AND position = ? ORDER BY user_id",
            (game_id, position))):
        yield from write_answer_records(guild_id=guild_id, user_id=user_id, question_id=question_id,
                                        item_key=item_keys.get(question_id, question_id), module=module,
                                        topic=topic, correct=bool(correct), source="live",
                                        session_id=f"live:{game_id}", now=now)
    return True


def _advance(game_id: int, position: int, item_keys: dict[str, str], now: dt.datetime, seconds: int,
             last: bool) -> Work[tuple[bool, bool]]:
    """Close the current item; open the next one or finish. (closed now, game finished)."""
    if not (yield from _close_item(game_id, position, item_keys, now)):
        return False, False
    if last:
        yield q.execute("UPDATE live_games SET state = 'finished', ended_at = ? WHERE id = ? AND state = 'open'",
                    (to_ts(now), game_id))
        return True, True
    opened = to_ms(now)
    yield q.execute("UPDATE live_items SET opened_ms = ?, deadline_ms = ? WHERE game_id = ? AND position = ?",
                         (opened, opened + seconds * 1000, game_id, position + 1))
    yield q.execute("UPDATE live_games SET position = ? WHERE id = ? AND state = 'open'", (position + 1, game_id))
    return True, False


async def advance(db: Database, game: Game, item_keys: dict[str, str], now: dt.datetime) -> tuple[bool, bool]:
    return await db.run_in_transaction(
        lambda: _advance(game.id, game.position, item_keys, now, game.seconds,
                             game.position + 1 >= game.size))


def _end(game_id: int, state: str, by: int | None, item_keys: dict[str, str], now: dt.datetime) -> Work[bool]:
    row = yield q.fetch_one("SELECT position FROM live_games WHERE id = ? AND state = 'open'", (game_id,))
    if row is None:
        return False
    yield from _close_item(game_id, row[0], item_keys, now)
    yield q.execute("UPDATE live_games SET state = ?, ended_at = ?, stopped_by = ? WHERE id = ?",
                (state, to_ts(now), by, game_id))
    return True


async def end(db: Database, game_id: int, state: str, by: int | None, item_keys: dict[str, str],
              now: dt.datetime) -> bool:
    """Stop or close an open game early: its current question closes (its answers count); False if not open."""
    return await db.run_in_transaction(lambda: _end(game_id, state, by, item_keys, now))
