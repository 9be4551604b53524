"""Exactly one db/ module writes each table, and nothing outside db/ writes any.

Scans the source for INSERT / UPDATE / DELETE / REPLACE statements naming a table of the migrated schema. A
module that needs to change another module's table calls that module's function (inside its own transaction
when it must be atomic, e.g. db.exams.remove_exam → db.reminders.cancel_by_payload).

The one deliberate exception is /forgetme (db/members.py): it walks the schema and deletes a member's rows
from every table that has them, with table names it reads from the schema, never written in its source, so
new tables are covered without code changes. This test checks it stays that way.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from db import work as q

ROOT = Path(__file__).resolve().parents[2]
WRITE = re.compile(r"\b(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|REPLACE\s+INTO|UPDATE|DELETE\s+FROM)\s+[\"'`]?(\w+)",
                   re.IGNORECASE)
# the tables members use, and the one module that writes each
OWNERS = {
    "reminders": "db/reminders.py",
    "reminder_deliveries": "db/reminders.py",
    "dm_channels": "db/reminders.py",
    "exams": "db/exams.py",
    "exam_windows": "db/windows.py",
    "window_members": "db/windows.py",
    "guild_settings": "db/settings.py",
    "member_settings": "db/settings.py",
    "guild_questions": "db/question_admin.py",
}


async def _tables(db) -> set[str]:
    info = await db.run_in_transaction(lambda: q.single(q.schema()))  # the backend's catalog
    return set(info.tables)


def _writers(paths, tables: set[str]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for path in paths:
        for table in WRITE.findall(path.read_text(encoding="utf-8")):
            if table in tables:
                found[table].add(path.relative_to(ROOT).as_posix())
    return found


async def test_each_table_has_exactly_one_writer_in_db(db):
    tables = await _tables(db)
    writers = _writers(sorted((ROOT / "db").glob("*.py")), tables)
    shared = {table: sorted(modules) for table, modules in writers.items() if len(modules) > 1}
    assert shared == {}, f"tables written by more than one db module: {shared}"
    assert {table: next(iter(writers[table]), None) for table in OWNERS} == OWNERS


async def test_nothing_outside_db_writes_a_table(db):
    tables = await _tables(db)
    paths = [path for layer in ("app", "cogs", "services", "scheduling", "study") for path in
             sorted((ROOT / layer).rglob("*.py"))]
    assert dict(_writers(paths, tables)) == {}


def test_forgetme_names_no_table_it_deletes_from():
    source = (ROOT / "db" / "members.py").read_text(encoding="utf-8")
    assert 'f"DELETE FROM {_quote(table.table)}' in source  # the schema walk, table names from the schema


def test_the_scan_sees_every_kind_of_write():
    tables = {"t"}
    sql = ["INSERT INTO t (a) VALUES (1)", "INSERT OR IGNORE INTO t VALUES (1)", "UPDATE t SET a = 1",
           "DELETE FROM t WHERE a = 1", "REPLACE INTO t VALUES (1)", "update t set a = 2"]
    assert all(WRITE.findall(statement) == ["t"] for statement in sql)
    assert [name for name in WRITE.findall("ON CONFLICT (a) DO UPDATE SET a = 1") if name in tables] == []
