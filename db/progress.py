"""Progress figures straight from SQL, passed modules, progress-sharing consent, the study-lead role, exam dates.

Everything a progress screen needs is aggregated in SQLite (GROUP BY module, GROUP BY day) over the
answers_member_time index, so a member with 100,000 answers costs a few index scans, never 100,000 rows in
Python. Days are UTC days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from db import work as q
from db.connection import Database
from db.dialect import json_list
from db.timestamps import to_ts
from db.work import Work
from study.progress import AnswerTally, CardTally
from study.selection import TopicScore
from study.studyplan import ExamDate

DAY = 86_400
# answers and right answers since the instant given twice as parameters (counted conditions: portable SQL)
_RECENT = ("SUM(CASE WHEN answered_at >= ? THEN 1 ELSE 0 END),"
           " SUM(CASE WHEN correct = 1 AND answered_at >= ? THEN 1 ELSE 0 END)")


def _day(day_number: int) -> dt.date:
    return dt.date(1970, 1, 1) + dt.timedelta(days=day_number)


# ---- one member's figures ------------------------------------------------------------------------------------

async def answer_tallies(db: Database, guild_id: int, user_id: int, recent_since: dt.datetime) -> list[AnswerTally]:
    """Per module: answers and right answers, all time and since `recent_since`.

    All-time counts come from topic_stats, the tallies written in the same transaction as every answer, so
    they cost one row per topic instead of a pass over every answer (118 ms at 100,000 answers). The recent
    window is a range scan of the answers_member_time index.
    """
    totals = await db.fetch_all(
        "SELECT module, SUM(answered), SUM(right_count) FROM topic_stats WHERE guild_id = ? AND user_id = ?"
        " GROUP BY module", (guild_id, user_id),
    )
    recent = {row[0]: (row[1], row[2] or 0) for row in await db.fetch_all(
        "SELECT module, COUNT(*), SUM(correct) FROM answers WHERE guild_id = ? AND user_id = ? AND answered_at >= ?"
        " GROUP BY module", (guild_id, user_id, to_ts(recent_since)),
    )}
    return [AnswerTally(row[0], row[1], row[2], *recent.get(row[0], (0, 0))) for row in totals]


async def card_tallies(db: Database, guild_id: int, user_id: int, now: dt.datetime, known_box: int,
                       pool: Iterable[str]) -> list[CardTally]:
    """Per module: questions of `pool` (the written questions the guild can ask now) whose card is in a known
    box, and cards due for review now.

    Only pool questions count as known: a card of a question since retired, or dropped from the bank, would
    otherwise make mastery read "12 of 10 known". Generated families (gen:<family>) are never in the pool: they
    count for "due" and not for mastery. The pool travels as one JSON array, which SQLite turns into a
    lookup once per query.
    """
    in_pool = db.dialect.in_json_texts("item")
    rows = await db.fetch_all(
        f"SELECT module, SUM(CASE WHEN box >= ? AND {in_pool} THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN due_at <= ? THEN 1 ELSE 0 END) FROM cards WHERE guild_id = ? AND user_id = ? GROUP BY module",
        (known_box, json_list(pool), to_ts(now), guild_id, user_id),
    )
    return [CardTally(row[0], row[1] or 0, row[2] or 0) for row in rows]


async def answers_per_day(db: Database, guild_id: int, user_id: int, since: dt.datetime) -> dict[dt.date, int]:
    rows = await db.fetch_all(
        "SELECT answered_at / ? AS day, COUNT(*) FROM answers"
        " WHERE guild_id = ? AND user_id = ? AND answered_at >= ? GROUP BY day",
        (DAY, guild_id, user_id, to_ts(since)),
    )
    return {_day(row[0]): row[1] for row in rows}


async def recent_study_days(db: Database, guild_id: int, user_id: int, limit: int = 400) -> list[dt.date]:
    """The most recent distinct days with an answer, newest first (enough for any streak worth showing).

    Reads only the answers_member_time index (the day is computed from answered_at), no table rows.
    """
    rows = await db.fetch_all(
        "SELECT DISTINCT answered_at / ? AS day FROM answers WHERE guild_id = ? AND user_id = ?"
        " ORDER BY day DESC LIMIT ?",
        (DAY, guild_id, user_id, limit),
    )
    return [_day(row[0]) for row in rows]


async def last_answered_at(db: Database, guild_id: int, user_id: int) -> dt.datetime | None:
    value = await db.fetch_value("SELECT MAX(answered_at) FROM answers WHERE guild_id = ? AND user_id = ?",
                                 (guild_id, user_id))
    return None if value is None else dt.datetime.fromtimestamp(value, dt.UTC)


async def topic_scores(db: Database, guild_id: int, user_id: int) -> list[TopicScore]:
    rows = await db.fetch_all(
        "SELECT module, topic, answered, right_count FROM topic_stats WHERE guild_id = ? AND user_id = ?",
        (guild_id, user_id),
    )
    return [TopicScore(row[0], row[1], row[2], row[3]) for row in rows]


async def missed_question_ids(db: Database, guild_id: int, user_id: int) -> list[str]:
    """Every question the member answered wrong at least once, in the order of their first miss."""
    rows = await db.fetch_all(
        "SELECT question_id, MIN(answered_at) AS first FROM answers"
        " WHERE guild_id = ? AND user_id = ? AND correct = 0 GROUP BY question_id ORDER BY first, question_id",
        (guild_id, user_id),
    )
    return [row[0] for row in rows]


# ---- passed modules ------------------------------------------------------------------------------------------

async def set_passed(db: Database, guild_id: int, user_id: int, module: str, passed_on: dt.date,
                     now: dt.datetime) -> bool:
    """Record (or re-date) a passed module; True if it is new."""

    def work() -> Work[bool]:
        existed = yield q.fetch_one("SELECT 1 FROM passed_modules WHERE guild_id = ? AND user_id = ?"
                                         " AND module = ?", (guild_id, user_id, module))
        yield q.execute(
            "INSERT INTO passed_modules (guild_id, user_id, module, passed_on, recorded_at) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (guild_id, user_id, module) DO UPDATE SET passed_on = excluded.passed_on,"
            " recorded_at = excluded.recorded_at",
            (guild_id, user_id, module, passed_on.isoformat(), to_ts(now)),
        )
        return existed is None

    return await db.run_in_transaction(work)


async def remove_passed(db: Database, guild_id: int, user_id: int, module: str) -> bool:
    return await db.execute("DELETE FROM passed_modules WHERE guild_id = ? AND user_id = ? AND module = ?",
                            (guild_id, user_id, module)) > 0


async def passed_modules(db: Database, guild_id: int, user_id: int) -> dict[str, dt.date]:
    rows = await db.fetch_all(
        "SELECT module, passed_on FROM passed_modules WHERE guild_id = ? AND user_id = ? ORDER BY passed_on",
        (guild_id, user_id),
    )
    return {row[0]: dt.date.fromisoformat(row[1]) for row in rows}


# ---- sharing consent and the study-lead role -------------------------------------------------------------------

async def set_sharing(db: Database, guild_id: int, user_id: int, shared: bool, now: dt.datetime) -> None:
    await db.execute(
        "INSERT INTO progress_sharing (guild_id, user_id, shared, updated_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (guild_id, user_id) DO UPDATE SET shared = excluded.shared, updated_at = excluded.updated_at",
        (guild_id, user_id, int(shared), to_ts(now)),
    )


async def shares_progress(db: Database, guild_id: int, user_id: int) -> bool:
    value = await db.fetch_value("SELECT shared FROM progress_sharing WHERE guild_id = ? AND user_id = ?",
                                 (guild_id, user_id))
    return bool(value)


async def study_lead_role(db: Database, guild_id: int) -> int | None:
    return await db.fetch_value("SELECT study_lead_role FROM guild_settings WHERE guild_id = ?", (guild_id,))


# ---- exam dates (set with /exam set, table from 0006_member_planning.sql) --------------------------------------

async def _exam_rows(db: Database, guild_id: int, user_id: int | None) -> list[tuple[int, ExamDate]]:
    sql = "SELECT user_id, module, exam_date FROM exams WHERE guild_id = ?"
    parameters: list[object] = [guild_id]
    if user_id is not None:
        sql += " AND user_id = ?"
        parameters.append(user_id)
    return [(row[0], ExamDate(row[1], dt.date.fromisoformat(row[2]))) for row in await db.fetch_all(sql, parameters)]


async def exam_dates(db: Database, guild_id: int, user_id: int) -> list[ExamDate]:
    """The member's exam dates in this guild."""
    return sorted((exam for _, exam in await _exam_rows(db, guild_id, user_id)), key=lambda e: (e.on, e.module))


async def guild_exam_dates(db: Database, guild_id: int) -> list[tuple[int, ExamDate]]:
    """Every member's exam dates in this guild, as (user id, exam)."""
    return sorted(await _exam_rows(db, guild_id, None), key=lambda pair: (pair[1].on, pair[0]))


# ---- the group -------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class MemberSummary:
    user_id: int
    answered: int
    right: int
    answered_recent: int
    right_recent: int
    last_answered_at: dt.datetime | None


async def active_members(db: Database, guild_id: int, since: dt.datetime) -> int:
    return await db.fetch_value(
        "SELECT COUNT(DISTINCT user_id) FROM answers WHERE guild_id = ? AND answered_at >= ?",
        (guild_id, to_ts(since)),
    )


async def group_tallies(db: Database, guild_id: int, recent_since: dt.datetime) -> list[AnswerTally]:
    rows = await db.fetch_all(
        f"SELECT module, COUNT(*), SUM(correct), {_RECENT} FROM answers WHERE guild_id = ? GROUP BY module",
        (to_ts(recent_since), to_ts(recent_since), guild_id),
    )
    return [AnswerTally(row[0], row[1], row[2] or 0, row[3] or 0, row[4] or 0) for row in rows]


async def passed_counts(db: Database, guild_id: int) -> dict[str, int]:
    rows = await db.fetch_all("SELECT module, COUNT(*) FROM passed_modules WHERE guild_id = ? GROUP BY module",
                              (guild_id,))
    return {row[0]: row[1] for row in rows}


async def passed_by_member(db: Database, guild_id: int) -> dict[int, list[str]]:
    rows = await db.fetch_all("SELECT user_id, module FROM passed_modules WHERE guild_id = ? ORDER BY module",
                              (guild_id,))
    found: dict[int, list[str]] = {}
    for row in rows:
        found.setdefault(row[0], []).append(row[1])
    return found


async def member_summaries(db: Database, guild_id: int, recent_since: dt.datetime) -> list[MemberSummary]:
    rows = await db.fetch_all(
        f"SELECT user_id, COUNT(*), SUM(correct), {_RECENT},"
        " MAX(answered_at) FROM answers WHERE guild_id = ? GROUP BY user_id ORDER BY user_id",
        (to_ts(recent_since), to_ts(recent_since), guild_id),
    )
    return [MemberSummary(row[0], row[1], row[2] or 0, row[3] or 0, row[4] or 0,
                          dt.datetime.fromtimestamp(row[5], dt.UTC)) for row in rows]


# ---- figures regrouped under another edition (CPIM 8): by stored (module, topic) or by card item -------------

async def answer_tallies_by_topic(db: Database, guild_id: int, user_id: int,
                                  recent_since: dt.datetime) -> list[tuple[str, str, int, int, int, int]]:
    """Per stored (module, topic): answered, right, answered since `recent_since`, right since then."""
    totals = await db.fetch_all(
        "SELECT module, topic, answered, right_count FROM topic_stats WHERE guild_id = ? AND user_id = ?",
        (guild_id, user_id),
    )
    recent = {(row[0], row[1]): (row[2], row[3] or 0) for row in await db.fetch_all(
        "SELECT module, topic, COUNT(*), SUM(correct) FROM answers WHERE guild_id = ? AND user_id = ?"
        " AND answered_at >= ? GROUP BY module, topic", (guild_id, user_id, to_ts(recent_since)),
    )}
    return [(row[0], row[1], row[2], row[3], *recent.get((row[0], row[1]), (0, 0))) for row in totals]


async def card_rows(db: Database, guild_id: int, user_id: int) -> list[tuple[str, str, str, int, int]]:
    """Every card of the member: (item, module, topic, box, due_at unix seconds). At most one per question
    and per generator family, so a few hundred rows."""
    rows = await db.fetch_all(
        "SELECT item, module, topic, box, due_at FROM cards WHERE guild_id = ? AND user_id = ?", (guild_id, user_id))
    return [(row[0], row[1], row[2], row[3], row[4]) for row in rows]


async def group_tallies_by_topic(db: Database, guild_id: int,
                                 recent_since: dt.datetime) -> list[tuple[str, str, int, int, int, int]]:
    """The guild's answers per stored (module, topic): answered, right, and the same since `recent_since`."""
    rows = await db.fetch_all(
        f"SELECT module, topic, COUNT(*), SUM(correct), {_RECENT} FROM answers WHERE guild_id = ?"
        " GROUP BY module, topic",
        (to_ts(recent_since), to_ts(recent_since), guild_id),
    )
    return [(row[0], row[1], row[2], row[3] or 0, row[4] or 0, row[5] or 0) for row in rows]
