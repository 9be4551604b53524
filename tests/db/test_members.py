"""A member's data: export and deletion walk the schema, so every member table is covered, new ones too."""

from __future__ import annotations

import datetime as dt
import secrets
import sqlite3

import pytest

from db import members, question_admin, reminders
from db import progress as records
from db import quiz as quiz_records
from db.connection import Database

NOW = dt.datetime(2026, 11, 25, 12, tzinfo=dt.UTC)
GUILD, OTHER_GUILD = 1, 2
ME, YOU = 10, 11


@pytest.fixture
async def db(tmp_path):
    database = await Database.open(tmp_path / "bot.sqlite3")
    yield database
    await database.close()


async def answer(db: Database, guild: int, user: int, question_id: str, correct: bool, at: dt.datetime) -> None:
    """One answer through the real quiz records: answers, cards and topic tallies together."""
    session_id = secrets.token_hex(5)
    item = quiz_records.PlannedItem(question_id, "smr", "demand")
    await quiz_records.create_session(db, session_id=session_id, guild_id=guild, user_id=user, kind="quiz",
                                      mode="mixed", module=None, topic=None, items=[item], now=at)
    session = await quiz_records.get_session(db, session_id)
    [planned] = await quiz_records.session_items(db, session_id)
    await quiz_records.record_answer(db, session, planned, item_key=question_id, chosen=0, correct=correct, now=at)


async def member_data(db: Database, guild: int, user: int) -> None:
    await answer(db, guild, user, "smr-q1", True, NOW)
    await answer(db, guild, user, "smr-q2", False, NOW)
    reminder = await reminders.add(db, guild_id=guild, user_id=user, kind="once", text="study",
                                   due_at=NOW + dt.timedelta(hours=1), now=NOW)
    await reminders.record_delivered(db, reminder.id, reminder.occurrence_at, None, NOW)
    await reminders.add(db, guild_id=guild, user_id=user, kind="study", text="later",
                        due_at=NOW + dt.timedelta(days=1), now=NOW)
    await records.set_passed(db, guild, user, "bscm", NOW.date(), NOW)
    await records.set_sharing(db, guild, user, True, NOW)
    await question_admin.add_flag(db, guild, "smr-q2", user, "typo in choice B", NOW)


def counts(path, guild: int, user: int) -> dict[str, int]:
    """Rows of (guild, user) in every table that has both columns, read straight from the schema."""
    with sqlite3.connect(path) as conn:
        tables = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        found = {}
        for table in tables:
            columns = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
            if {"guild_id", "user_id"} <= columns:
                found[table] = conn.execute(f"SELECT COUNT(*) FROM {table} WHERE guild_id = ? AND user_id = ?",
                                            (guild, user)).fetchone()[0]
        sessions = conn.execute("SELECT id FROM quiz_sessions WHERE guild_id = ? AND user_id = ?",
                                (guild, user)).fetchall()
        found["session_items"] = sum(conn.execute("SELECT COUNT(*) FROM session_items WHERE session_id = ?",
                                                  s).fetchone()[0] for s in sessions)
        reminder_ids = conn.execute("SELECT id FROM reminders WHERE guild_id = ? AND user_id = ?",
                                    (guild, user)).fetchall()
        found["reminder_deliveries"] = sum(conn.execute(
            "SELECT COUNT(*) FROM reminder_deliveries WHERE reminder_id = ?", r).fetchone()[0] for r in reminder_ids)
        return found


async def test_the_schema_walk_finds_member_tables_and_their_children(db):
    tables = await members.member_tables(db)
    assert {"answers", "cards", "topic_stats", "quiz_sessions", "reminders", "passed_modules",
            "progress_sharing", "question_flags"} <= set(tables.direct)
    children = {c.table: c.parent for c in tables.children}
    assert children == {"session_items": "quiz_sessions", "reminder_deliveries": "reminders"}
    assert "guild_settings" not in tables.direct and "dm_channels" not in tables.direct


async def test_export_has_every_row_of_the_member_and_nobody_elses(db):
    for guild, user in [(GUILD, ME), (GUILD, YOU), (OTHER_GUILD, ME)]:
        await member_data(db, guild, user)
    data = await members.export_member(db, GUILD, ME)
    expected = counts(db.path, GUILD, ME)
    assert {table: len(rows) for table, rows in data.items()} == expected
    assert all(row["guild_id"] == GUILD and row["user_id"] == ME
               for table, rows in data.items() if table not in ("session_items", "reminder_deliveries")
               for row in rows)
    assert {row["question_id"] for row in data["answers"]} == {"smr-q1", "smr-q2"}
    assert data["question_flags"][0]["reason"] == "typo in choice B"


async def test_delete_removes_every_row_of_the_member_in_that_guild_only(db):
    for guild, user in [(GUILD, ME), (GUILD, YOU), (OTHER_GUILD, ME)]:
        await member_data(db, guild, user)
    before_you, before_elsewhere = counts(db.path, GUILD, YOU), counts(db.path, OTHER_GUILD, ME)
    before_me = counts(db.path, GUILD, ME)
    deleted = await members.delete_member(db, GUILD, ME)
    assert {t: n for t, n in deleted.items() if n} == {t: n for t, n in before_me.items() if n}
    assert deleted["answers"] == 2 and deleted["reminders"] == 2 and deleted["reminder_deliveries"] == 1
    assert all(n == 0 for n in counts(db.path, GUILD, ME).values())
    assert counts(db.path, GUILD, YOU) == before_you
    assert counts(db.path, OTHER_GUILD, ME) == before_elsewhere
    # nothing pending of that member is left for the dispatcher to claim
    claimed = {(r.guild_id, r.user_id) for r in await reminders.claim_due(db, NOW + dt.timedelta(days=2), 100)}
    assert claimed == {(GUILD, YOU), (OTHER_GUILD, ME)}


async def test_a_table_added_later_is_covered_without_code_changes(db):
    async with db.transaction() as conn:
        await conn.execute("CREATE TABLE later_feature (guild_id INTEGER, user_id INTEGER, note TEXT)")
        await conn.execute("INSERT INTO later_feature VALUES (?, ?, 'mine'), (?, ?, 'yours')",
                           (GUILD, ME, GUILD, YOU))
    assert (await members.export_member(db, GUILD, ME))["later_feature"] == [
        {"guild_id": GUILD, "user_id": ME, "note": "mine"}]
    assert (await members.delete_member(db, GUILD, ME))["later_feature"] == 1
    assert await db.fetch_value("SELECT COUNT(*) FROM later_feature") == 1


async def test_delete_is_one_transaction(db):
    await member_data(db, GUILD, ME)
    async with db.transaction() as conn:
        # a later table whose rows cannot be deleted: the whole deletion must roll back
        await conn.execute("CREATE TABLE stubborn (guild_id INTEGER, user_id INTEGER)")
        await conn.execute("CREATE TRIGGER keep BEFORE DELETE ON stubborn BEGIN SELECT RAISE(ABORT, 'no'); END")
        await conn.execute("INSERT INTO stubborn VALUES (?, ?)", (GUILD, ME))
    with pytest.raises(sqlite3.IntegrityError):
        await members.delete_member(db, GUILD, ME)
    assert counts(db.path, GUILD, ME)["answers"] == 2
