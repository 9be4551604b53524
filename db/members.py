"""A member's own data in one guild: export it all, or delete it all.

Which tables hold member data is read from the schema at run time, not listed here: every table with both
a guild_id and a user_id column is a member table, and every table whose foreign key points at a member
table (session_items → quiz_sessions, reminder_deliveries → reminders) holds that member's rows too. So a
table added by a later migration is covered without touching this file.

Not covered, by design: rows keyed by user only (dm_channels is shared by every guild the member is in),
and authorship columns of guild-wide records (imported_by, retired_by, added_by), which record an admin's
action on the guild's own content rather than the member's study data.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from db.connection import Database


@dataclass(frozen=True)
class ChildTable:
    table: str
    columns: tuple[str, ...]  # the child's foreign-key columns
    parent: str
    parent_columns: tuple[str, ...]


@dataclass(frozen=True)
class MemberTables:
    direct: tuple[str, ...]  # tables with guild_id and user_id
    children: tuple[ChildTable, ...]  # tables reached through a foreign key to a direct table


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _member_tables(raw: sqlite3.Connection) -> MemberTables:
    tables = [row[0] for row in raw.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    direct = []
    for table in tables:
        columns = {row[1] for row in raw.execute(f"PRAGMA table_info({_quote(table)})")}
        if {"guild_id", "user_id"} <= columns:
            direct.append(table)
    children = []
    for table in tables:
        if table in direct:
            continue
        keys: dict[int, list[tuple[str, str, str]]] = {}
        for row in raw.execute(f"PRAGMA foreign_key_list({_quote(table)})"):
            # (id, seq, parent table, from column, to column, ...)
            keys.setdefault(row[0], []).append((row[2], row[3], row[4]))
        for parts in keys.values():
            parent = parts[0][0]
            if parent in direct:
                parent_columns = tuple(to or "rowid" for _, _, to in parts)
                children.append(ChildTable(table, tuple(f for _, f, _ in parts), parent, parent_columns))
                break
    return MemberTables(tuple(direct), tuple(children))


def _child_where(child: ChildTable) -> str:
    columns = ", ".join(_quote(c) for c in child.columns)
    parents = ", ".join(_quote(c) for c in child.parent_columns)
    return (f"({columns}) IN (SELECT {parents} FROM {_quote(child.parent)}"
            f" WHERE guild_id = ? AND user_id = ?)")


async def member_tables(db: Database) -> MemberTables:
    return await db.run_in_transaction(_member_tables)


def _export(raw: sqlite3.Connection, guild_id: int, user_id: int) -> dict[str, list[dict[str, Any]]]:
    found = _member_tables(raw)
    data: dict[str, list[dict[str, Any]]] = {}

    def rows(sql: str, parameters: tuple[int, int]) -> list[dict[str, Any]]:
        cursor = raw.execute(sql, parameters)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    for table in found.direct:
        data[table] = rows(f"SELECT * FROM {_quote(table)} WHERE guild_id = ? AND user_id = ?", (guild_id, user_id))
    for child in found.children:
        data[child.table] = rows(f"SELECT * FROM {_quote(child.table)} WHERE {_child_where(child)}",
                                 (guild_id, user_id))
    return data


async def export_member(db: Database, guild_id: int, user_id: int) -> dict[str, list[dict[str, Any]]]:
    """Every row about the member in this guild, by table (empty tables included, so the list is complete).

    Read inside one transaction so the export is a consistent snapshot.
    """

    def snapshot(raw: sqlite3.Connection) -> dict[str, list[dict[str, Any]]]:
        return _export(raw, guild_id, user_id)

    return await db.run_in_transaction(snapshot)


def _delete(raw: sqlite3.Connection, guild_id: int, user_id: int) -> dict[str, int]:
    found = _member_tables(raw)
    counts: dict[str, int] = {}
    # children first: their rows are found through the parent rows, and this works with or without CASCADE
    for child in found.children:
        deleted = raw.execute(f"DELETE FROM {_quote(child.table)} WHERE {_child_where(child)}",
                              (guild_id, user_id)).rowcount
        counts[child.table] = counts.get(child.table, 0) + deleted
    for table in found.direct:
        counts[table] = raw.execute(f"DELETE FROM {_quote(table)} WHERE guild_id = ? AND user_id = ?",
                                    (guild_id, user_id)).rowcount
    return counts


async def delete_member(db: Database, guild_id: int, user_id: int) -> dict[str, int]:
    """Delete every row of the member in this guild in one transaction; rows deleted per table (zeros included).

    Pending reminders go with their rows, so the dispatcher, which only ever sends rows it claims from the
    table, never sends them; an in-flight send's outcome updates nothing once its row is gone.
    """
    return await db.run_in_transaction(lambda raw: _delete(raw, guild_id, user_id))
