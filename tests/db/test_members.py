"""A member's data: export and deletion walk the schema, so every member table is covered, new ones too.

The tests decide which rows are the member's on their own (owner_counts below), without db/members.py's rule:
every table with a user_id column, plus every table hanging from one by a declared foreign key, and each
row's guild and member found by following its foreign keys to the parent rows, in Python.
"""

from __future__ import annotations

import datetime as dt
import secrets
import sqlite3

import asyncpg
import pytest

from db import daily, exams, members, question_admin, reminders, settings, windows
from db import progress as records
from db import quiz as quiz_records
from db import work as q
from db.connection import Database

NOW = dt.datetime(2026, 11, 25, 12, tzinfo=dt.UTC)
GUILD, OTHER_GUILD = 1, 2
ME, YOU, ADMIN = 10, 11, 12


# ---- the independent oracle -------------------------------------------------------------------------------------

async def _schema(db: Database) -> tuple[dict[str, list[str]], dict[str, list[tuple[str, list[str], list]]]]:
    """Columns and foreign keys as the backend's catalog reports them (SQLite's PRAGMAs, PostgreSQL's catalog)."""
    info = await db.run_in_transaction(lambda: q.single(q.schema()))
    keys = {t: [(k.parent, list(k.columns), list(k.parent_columns) or list(info.primary[k.parent]))
                for k in info.foreign_keys[t]] for t in info.tables}
    return {t: info.columns[t] for t in info.tables}, keys


async def member_table_names(db: Database) -> set[str]:
    """Tables with a column naming a member (user_id), or whose foreign keys lead to one, and whose rows belong
    to a guild (a guild_id column here or up a foreign-key chain)."""
    columns, keys = await _schema(db)

    def reaches(table: str, column: str, seen: frozenset[str]) -> bool:
        return column in columns[table] or any(
            parent not in seen and reaches(parent, column, seen | {table}) for parent, _, _ in keys[table])

    return {t for t in columns if reaches(t, "user_id", frozenset()) and reaches(t, "guild_id", frozenset())}


async def owner_counts(db: Database, guild_id: int, user_id: int) -> dict[str, int]:
    """Rows of (guild, member) in every member table, each row's owner found by walking its foreign keys."""
    columns, keys = await _schema(db)

    async def parent_row(row, parent: str, frm: list[str], to: list):
        where = " AND ".join(f'"{c}" = ?' for c in to)
        return await db.fetch_one(f'SELECT * FROM "{parent}" WHERE {where}', [row[c] for c in frm])

    async def find(table: str, row, column: str) -> object:
        if column in columns[table]:
            return row[column]
        for parent, frm, to in keys[table]:
            found = await parent_row(row, parent, frm, to)
            if found is not None and (value := await find(parent, found, column)) is not None:
                return value
        return None

    counts = {}
    for table in await member_table_names(db):
        counts[table] = 0
        for row in await db.fetch_all(f'SELECT * FROM "{table}"'):
            if await find(table, row, "user_id") == user_id and await find(table, row, "guild_id") == guild_id:
                counts[table] += 1
    return counts


# ---- data through the real records ------------------------------------------------------------------------------

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
    await settings.set_member_setting(db, guild, user, NOW, timezone="Pacific/Auckland")
    await exams.set_exam(db, guild, user, "mpr", dt.date(2027, 1, 10), None, "Pacific/Auckland", NOW)
    window = await windows.window_by_name(db, guild, "Spring") or await windows.add_window(
        db, guild, "Spring", dt.date(2026, 12, 1), dt.date(2026, 12, 20), ("mpr",), ADMIN, NOW)
    await windows.join_window(db, window, user, NOW)
    # a daily post of the guild (no user_id, not the member's) and the member's answer to it (no guild_id)
    post = await daily.claim_post(db, guild_id=guild, kind="manual", local_day=NOW.date(), channel_id=5,
                                  question=daily.PlannedQuestion("smr-q3", "smr", "demand", 1, 4), now=NOW,
                                  reveal_at=NOW + dt.timedelta(hours=12))
    await daily.mark_sent(db, post.id, 500 + post.id)
    await daily.record_answer(db, post.id, user, 1, item_key="smr-q3", message_id=None, now=NOW)


async def everyone(db: Database) -> None:
    for guild, user in [(GUILD, ME), (GUILD, YOU), (OTHER_GUILD, ME)]:
        await member_data(db, guild, user)


# ---- tests ------------------------------------------------------------------------------------------------------

async def test_the_oracle_sees_every_member_table_including_daily_answers(db):
    await everyone(db)
    found = await owner_counts(db, GUILD, ME)
    assert {"answers", "cards", "topic_stats", "quiz_sessions", "session_items", "reminders", "reminder_deliveries",
            "passed_modules", "progress_sharing", "question_flags", "daily_answers", "exams", "member_settings",
            "window_members"} <= set(found)
    assert found["daily_answers"] == 1 and found["session_items"] == 2 and found["reminder_deliveries"] == 1
    # guild records and posts are not the member's; dm_channels has no guild
    assert not {"daily_posts", "exam_windows", "guild_settings", "fee_entries"} & set(found)


async def test_export_has_every_row_of_the_member_and_nobody_elses(db):
    await everyone(db)
    data = await members.export_member(db, GUILD, ME)
    expected = await owner_counts(db, GUILD, ME)
    assert {table: len(data.tables.get(table, [])) for table in expected} == expected
    assert set(data.tables) == set(expected)  # nothing extra, no table left out
    assert {row["question_id"] for row in data.tables["answers"]} == {"smr-q1", "smr-q2", "smr-q3"}
    assert data.tables["daily_answers"][0]["user_id"] == ME
    assert data.tables["question_flags"][0]["reason"] == "typo in choice B"
    assert data.authored == {}  # the member authored no guild record


async def test_export_lists_guild_records_the_member_authored_and_rows_across_servers(db):
    await everyone(db)
    async with db.transaction() as conn:
        await conn.execute("INSERT INTO dm_channels (user_id, channel_id, updated_at) VALUES (?, ?, ?)"
                           " ON CONFLICT (user_id) DO UPDATE SET channel_id = excluded.channel_id,"
                           " updated_at = excluded.updated_at", (ADMIN, 777, 1))
    await question_admin.retire(db, GUILD, "smr-q1", ADMIN, NOW)
    await question_admin.retire(db, OTHER_GUILD, "smr-q2", ADMIN, NOW)
    data = await members.export_member(db, GUILD, ADMIN)
    assert data.authored["exam_windows"][0]["name"] == "Spring" and len(data.authored["exam_windows"]) == 1
    assert [r["question_id"] for r in data.authored["question_retirements"]] == ["smr-q1"]
    assert data.across_servers["dm_channels"] == [
        {"user_id": ADMIN, "channel_id": 777, "dms_closed_at": None, "closed_notice_pending": 0, "updated_at": 1}]
    # /forgetme keeps the server's records
    await members.delete_member(db, GUILD, ADMIN)
    assert await db.fetch_value("SELECT COUNT(*) FROM exam_windows WHERE created_by = ?", (ADMIN,)) == 2
    assert await db.fetch_value("SELECT COUNT(*) FROM question_retirements") == 2


async def test_delete_removes_every_row_of_the_member_in_that_guild_only(db):
    await everyone(db)
    before_you, before_elsewhere = await owner_counts(db, GUILD, YOU), await owner_counts(db, OTHER_GUILD, ME)
    before_me = await owner_counts(db, GUILD, ME)
    posts = await db.fetch_value("SELECT COUNT(*) FROM daily_posts")
    deleted = await members.delete_member(db, GUILD, ME)
    assert {t: n for t, n in deleted.items() if n} == {t: n for t, n in before_me.items() if n}
    assert deleted["answers"] == 3 and deleted["reminders"] == 2 and deleted["reminder_deliveries"] == 1
    assert deleted["daily_answers"] == 1
    assert all(n == 0 for n in (await owner_counts(db, GUILD, ME)).values())
    assert await owner_counts(db, GUILD, YOU) == before_you
    assert await owner_counts(db, OTHER_GUILD, ME) == before_elsewhere
    assert await db.fetch_value("SELECT COUNT(*) FROM daily_posts") == posts  # the guild's posts stay
    # nothing pending of that member is left for the dispatcher to claim
    claimed = {(r.guild_id, r.user_id) for r in await reminders.claim_due(db, NOW + dt.timedelta(days=2), 100)}
    assert claimed == {(GUILD, YOU), (OTHER_GUILD, ME)}


async def test_tables_added_later_are_covered_without_code_changes(db):
    async with db.transaction() as conn:
        await conn.execute("CREATE TABLE later_feature (guild_id INTEGER, user_id INTEGER, note TEXT)")
        await conn.execute("INSERT INTO later_feature VALUES (?, ?, 'mine'), (?, ?, 'yours')",
                           (GUILD, ME, GUILD, YOU))
        # a member table reaching its guild through two foreign-key hops, and a child of a child
        await conn.execute("CREATE TABLE later_board (id INTEGER PRIMARY KEY, guild_id INTEGER)")
        await conn.execute("CREATE TABLE later_thread (id INTEGER PRIMARY KEY,"
                           " board_id INTEGER REFERENCES later_board)")
        await conn.execute("CREATE TABLE later_vote (thread_id INTEGER REFERENCES later_thread (id), user_id INTEGER,"
                           " PRIMARY KEY (thread_id, user_id))" + ("" if db.is_postgres else " WITHOUT ROWID"))
        await conn.execute("CREATE TABLE later_vote_note (thread_id INTEGER, user_id INTEGER, note TEXT,"
                           " FOREIGN KEY (thread_id, user_id) REFERENCES later_vote (thread_id, user_id))")
        await conn.execute("INSERT INTO later_board VALUES (1, ?), (2, ?)", (GUILD, OTHER_GUILD))
        await conn.execute("INSERT INTO later_thread VALUES (1, 1), (2, 2)")
        await conn.execute("INSERT INTO later_vote VALUES (1, ?), (2, ?), (1, ?)", (ME, ME, YOU))
        await conn.execute("INSERT INTO later_vote_note VALUES (1, ?, 'here'), (2, ?, 'elsewhere'), (1, ?, 'y')",
                           (ME, ME, YOU))
    expected = await owner_counts(db, GUILD, ME)
    assert {k: expected[k] for k in ("later_feature", "later_vote", "later_vote_note")} == {
        "later_feature": 1, "later_vote": 1, "later_vote_note": 1}
    data = await members.export_member(db, GUILD, ME)
    assert data.tables["later_feature"] == [{"guild_id": GUILD, "user_id": ME, "note": "mine"}]
    assert data.tables["later_vote_note"] == [{"thread_id": 1, "user_id": ME, "note": "here"}]
    deleted = await members.delete_member(db, GUILD, ME)
    assert (deleted["later_feature"], deleted["later_vote"], deleted["later_vote_note"]) == (1, 1, 1)
    assert all(n == 0 for n in (await owner_counts(db, GUILD, ME)).values())
    assert (await owner_counts(db, OTHER_GUILD, ME))["later_vote_note"] == 1
    assert (await owner_counts(db, GUILD, YOU))["later_vote"] == 1


async def test_delete_is_one_transaction(db):
    await member_data(db, GUILD, ME)
    async with db.transaction() as conn:
        # a later table whose rows cannot be deleted: the whole deletion must roll back
        await conn.execute("CREATE TABLE stubborn (guild_id INTEGER, user_id INTEGER)")
        if db.is_postgres:
            await conn.execute("CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'no'; END $$"
                               " LANGUAGE plpgsql")
            await conn.execute("CREATE TRIGGER keep BEFORE DELETE ON stubborn FOR EACH ROW EXECUTE FUNCTION refuse()")
        else:
            await conn.execute("CREATE TRIGGER keep BEFORE DELETE ON stubborn BEGIN SELECT RAISE(ABORT, 'no'); END")
        await conn.execute("INSERT INTO stubborn VALUES (?, ?)", (GUILD, ME))
    with pytest.raises((sqlite3.IntegrityError, asyncpg.RaiseError)):
        await members.delete_member(db, GUILD, ME)
    assert (await owner_counts(db, GUILD, ME))["answers"] == 3


async def test_the_walk_covers_member_questions_and_live_quiz_tables(db):
    found = await members.member_tables(db)
    member = {t.table: t for t in found.member}
    # submissions carry user_id and guild_id; live answers reach their guild through live_items → live_games
    assert {"question_submissions", "live_answers"} <= set(member)
    assert member["live_answers"].depth == 2
    # reviewed_by and started_by / stopped_by name organizers: exported as records they authored, never deleted
    assert {"question_submissions", "live_games"} <= {t.table for t in found.authored}
    assert "live_games" not in member and "live_items" not in member
