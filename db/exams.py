"""Members' exam appointments (exams): one row per member, server and module (or the edition's one exam).

The only writer of `exams`. An exam's nudges are reminder rows whose payload carries its `exam_id`; they are
written by db/reminders.py (replace_by_payload when the exam is set or moved), and cancelled with the exam
in remove_exam's transaction (reminders.cancel_by_payload), so no nudge outlives its exam.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from db import reminders
from db import work as q
from db.connection import Database
from db.timestamps import to_ts
from db.work import Row, Work


@dataclass(frozen=True)
class Exam:
    id: int
    guild_id: int
    user_id: int
    module: str
    exam_date: dt.date
    exam_time: dt.time | None
    timezone: str


def _exam(row: Row) -> Exam:
    return Exam(row["id"], row["guild_id"], row["user_id"], row["module"], dt.date.fromisoformat(row["exam_date"]),
                dt.time.fromisoformat(row["exam_time"]) if row["exam_time"] else None, row["timezone"])


async def set_exam(db: Database, guild_id: int, user_id: int, module: str, exam_date: dt.date,
                   exam_time: dt.time | None, timezone: str, now: dt.datetime) -> Exam:
    """Record (or move) the member's exam for a module; the caller replaces its nudges."""
    statement = ("INSERT INTO exams (guild_id, user_id, module, exam_date, exam_time, timezone, created_at)"
                 " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (guild_id, user_id, module) DO UPDATE SET"
                 " exam_date = excluded.exam_date, exam_time = excluded.exam_time, timezone = excluded.timezone"
                 " RETURNING *")
    parameters = (guild_id, user_id, module, exam_date.isoformat(),
                  exam_time.strftime("%H:%M") if exam_time else None, timezone, to_ts(now))
    row = await db.run_in_transaction(lambda: q.single(q.fetch_one(statement, parameters)))
    assert row is not None  # an upsert always returns its row
    return _exam(row)


async def member_exams(db: Database, guild_id: int, user_id: int) -> list[Exam]:
    rows = await db.fetch_all("SELECT * FROM exams WHERE guild_id = ? AND user_id = ? ORDER BY exam_date",
                              (guild_id, user_id))
    return [_exam(row) for row in rows]


async def remove_exam(db: Database, guild_id: int, user_id: int, module: str) -> Exam | None:
    """Delete the member's exam for a module and cancel its nudges (one being sent included) in one transaction."""
    def work() -> Work[Row | None]:
        row = yield q.fetch_one(
            "DELETE FROM exams WHERE guild_id = ? AND user_id = ? AND module = ? RETURNING *",
            (guild_id, user_id, module),
        )
        if row is None:
            return None
        yield from reminders.cancel_by_payload(db.dialect, guild_id=guild_id, user_id=user_id, key="exam_id",
                                               value=row["id"])
        return row

    row = await db.run_in_transaction(work)
    return None if row is None else _exam(row)
