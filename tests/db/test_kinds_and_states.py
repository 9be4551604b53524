"""The kinds and states in code are exactly the values the schema's CHECK constraints allow: the StrEnums
name the stored text, they never changed it."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio

from db.connection import Database
from db.quiz import SessionKind, SessionState
from db.reminders import ReminderKind, ReminderState


@pytest_asyncio.fixture
async def schema(tmp_path: Path) -> AsyncIterator[Database]:
    """The migrated SQLite schema, read from sqlite_master (the tables and CHECKs the migrations made)."""
    database = await Database.open(tmp_path / "schema.sqlite3")
    yield database
    await database.close()


async def _allowed(db, table: str, column: str) -> set[str]:
    sql = await db.fetch_value("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,))
    match = re.search(rf"\b{column}\b[^,]*?CHECK \({column} IN \(([^)]*)\)\)", sql, re.S)
    assert match, f"no CHECK on {table}.{column}"
    return {value.strip().strip("'") for value in match.group(1).split(",")}


async def test_reminder_kinds_and_states_are_the_stored_values(schema):
    assert {kind.value for kind in ReminderKind} == await _allowed(schema, "reminders", "kind")
    assert {state.value for state in ReminderState} == await _allowed(schema, "reminders", "state")


async def test_session_kinds_and_states_are_the_stored_values(schema):
    assert {kind.value for kind in SessionKind} == await _allowed(schema, "quiz_sessions", "kind")
    assert {state.value for state in SessionState} == await _allowed(schema, "quiz_sessions", "state")
